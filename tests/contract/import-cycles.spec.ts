import { join, resolve } from 'node:path';
import madge from 'madge';

const root = resolve(__dirname, '../..');

/**
 * The import graph of the shared packages as madge reads it: every TypeScript file under
 * packages/ and whatever it imports, type-only imports included (a cycle of types still ties two
 * files together), the workspace packages followed to their sources, npm dependencies left out.
 */
async function packagesGraph(): Promise<madge.MadgeInstance> {
  return madge(join(root, 'packages'), {
    baseDir: root,
    fileExtensions: ['ts'],
    tsConfig: join(root, 'tsconfig.base.json'),
    excludeRegExp: [/node_modules/],
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
}

const inPackages = (file: string) => file.startsWith('packages/');

describe('shared packages', () => {
  let graph: madge.MadgeInstance;

  beforeAll(async () => {
    graph = await packagesGraph();
  }, 60_000);

  it('read every import: the platform kit, through its index, reaches each of its rooms', () => {
    expect(graph.warnings().skipped).toEqual([]);
    const fromIndex = graph.obj()['packages/platform/src/index.ts'] ?? [];
    for (const room of ['api', 'auth', 'database', 'events', 'http', 'runtime']) {
      expect(fromIndex.some((file) => file.startsWith(`packages/platform/src/${room}/`))).toBe(true);
    }
  });

  it('have no import cycles', () => {
    expect(graph.circular().filter((cycle) => cycle.some(inPackages))).toEqual([]);
  });

  it('of the runtime (platform kit, event contracts) import nothing of a service or the gateway', () => {
    // The test harness may start the gateway and services; the code they run on may not depend on them.
    const runtime = /^packages\/(platform|events)\//;
    const intoApps = Object.entries(graph.obj())
      .filter(([file]) => runtime.test(file))
      .flatMap(([file, imports]) => imports.filter((target) => !inPackages(target)).map((target) => `${file} → ${target}`));
    expect(intoApps).toEqual([]);
  });
});
