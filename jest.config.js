/**
 * The suite in four Jest projects, one per tier (see the README's Tests section):
 *
 *   unit         *.spec.ts next to the code: pure, no infrastructure (no global setup at all);
 *   integration  *.int-spec.ts against real Postgres, Redis, Kafka, S3 and stripe-mock;
 *   e2e          *.e2e.ts through the real gateway over in-process subgraphs;
 *   contract     tests/contract/**: supergraph, generated types, strict typecheck, documented codes.
 *
 * `npm test` runs all four in one Jest run; `npm run test:<project>` runs one (`--selectProjects`).
 * Jest runs a project's globalSetup only when at least one of that project's tests is selected (and
 * the same module once, however many projects name it), so the infrastructure is started and the
 * template database migrated only for integration and e2e.
 */
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // jose ships ES modules only; everything else in node_modules is CommonJS already.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testPathIgnorePatterns: ['/node_modules/', '/.infra/'],
};

/** Real infrastructure for the run, and the migrated template every test database is cloned from. */
const infrastructure = {
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.spec.ts'], testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '<rootDir>/tests/contract/'] },
    { ...shared, ...infrastructure, displayName: 'integration', testMatch: ['**/*.int-spec.ts'] },
    { ...shared, ...infrastructure, displayName: 'e2e', testMatch: ['**/*.e2e.ts'] },
    { ...shared, displayName: 'contract', testMatch: ['<rootDir>/tests/contract/**/*.spec.ts'] },
  ],
  // Global in Jest 30 (jest-circus reads the root config's only), for every project alike.
  testTimeout: 60_000,
  // Two cores: integration and e2e files each start subgraphs, Kafka clients and a database of their own.
  maxWorkers: 2,
};
