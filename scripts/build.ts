/**
 * `npm run build`: what the image runs, as JavaScript in dist/ with the repository's tree, so every
 * file a module finds from its own folder (a service's schema.graphql, schemas/…) is there too:
 *   dist/gateway/src/index.js, dist/services/<name>/src/index.js    node dist/…/index.js starts one
 *   dist/scripts/db-bootstrap.js, dist/scripts/migrate.js           prepare the database
 *   dist/node_modules/@instainstru/<name> -> ../../<workspace>      linked as npm links workspaces,
 *                                                                   package.json main → *.js
 * Third-party packages come from the node_modules above dist/ (the image: production ones only).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const dist = join(root, 'dist');

interface Manifest {
  name: string;
  type?: string;
  main?: string;
  exports?: unknown;
  workspaces?: string[];
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** The workspaces' folders, relative to the root ("packages/*" and "gateway" style patterns). */
function workspaceFolders(): string[] {
  return (readManifest(root).workspaces ?? []).flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && existsSync(join(root, pattern.slice(0, -2), entry.name, 'package.json')))
          .map((entry) => join(pattern.slice(0, -2), entry.name))
      : [pattern],
  );
}

/** Entry points named for the TypeScript sources point at the emitted JavaScript. */
function toJavaScript(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\.([cm]?)ts$/, '.$1js');
  if (Array.isArray(value)) return value.map(toJavaScript);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([condition]) => condition !== 'types').map(([k, v]) => [k, toJavaScript(v)]));
  }
  return value;
}

/** What a workspace needs beside its JavaScript: package.json, its SDL, non-TypeScript files under src. */
function completeWorkspace(folder: string): void {
  const source = join(root, folder);
  const target = join(dist, folder);
  const { name, type, main, exports } = readManifest(source);
  // No "name": Jest's module map reads every package.json under the repository and refuses a
  // package name that two of them declare. Node resolves the link below without it.
  const manifest = { private: true, type, main: toJavaScript(main), exports: toJavaScript(exports) };
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of readdirSync(source)) {
    if (file.endsWith('.graphql')) cpSync(join(source, file), join(target, file));
  }
  cpSync(join(source, 'src'), join(target, 'src'), {
    recursive: true,
    filter: (path) => !/\.[cm]?ts$/.test(path),
  });
  // A workspace that needed its own copy of a package keeps it in <workspace>/node_modules.
  symlinkSync(relative(target, join(source, 'node_modules')), join(target, 'node_modules'));
  const link = join(dist, 'node_modules', name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), target), link);
}

function main(): void {
  rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  cpSync(join(root, 'schemas'), join(dist, 'schemas'), { recursive: true });
  const built = workspaceFolders().filter((folder) => existsSync(join(dist, folder)));
  for (const folder of built) completeWorkspace(folder);
  console.log(`built dist/: ${built.join(', ')} and the database scripts`);
}

try {
  main();
} catch (error) {
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
