/** One Jest run for the whole suite: *.spec.ts (pure), *.int-spec.ts (real infrastructure), *.e2e.ts (through the gateway). */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // jose ships ES modules only; everything else in node_modules is CommonJS already.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.infra/'],
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
