/**
 * Composes schemas/supergraph.graphql offline from every service's SDL with @apollo/composition.
 *   npm run compose          writes the supergraph
 *   npm run compose -- --check   fails when composition reports errors or the committed file differs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { DEFAULT_PORTS, SERVICE_NAMES } from '@instainstru/platform';
import { parse } from 'graphql';

const root = resolve(__dirname, '..');
const target = join(root, 'schemas', 'supergraph.graphql');

export function composeSupergraph(): { sdl?: string; errors: string[] } {
  const result = composeServices(
    SERVICE_NAMES.map((name) => ({
      name,
      url: `http://127.0.0.1:${DEFAULT_PORTS[name]}/graphql`,
      typeDefs: parse(readFileSync(join(root, 'services', name, 'schema.graphql'), 'utf8')),
    })),
  );
  if (result.errors) return { errors: result.errors.map((e) => e.message) };
  return { sdl: `${result.supergraphSdl.trimEnd()}\n`, errors: [] };
}

function main(): void {
  const { sdl, errors } = composeSupergraph();
  if (errors.length > 0 || !sdl) {
    console.error(`Composition failed:\n- ${errors.join('\n- ')}`);
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    const committed = readFileSync(target, 'utf8');
    if (committed !== sdl) {
      console.error('schemas/supergraph.graphql is out of date with the services\' SDL: run `npm run compose` and commit it.');
      process.exit(1);
    }
    console.log('supergraph is up to date');
    return;
  }
  writeFileSync(target, sdl);
  console.log(`wrote ${target}`);
}

if (require.main === module) main();
