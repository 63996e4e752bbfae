/**
 * Builds schemas/operations/manifest.json (the trusted documents) from schemas/operations/*.graphql:
 * one named operation a file, valid against the composed supergraph's API, id = SHA-256 of its text.
 *   npm run operations             writes the manifest
 *   npm run operations -- --check  fails when an operation is invalid or the committed manifest differs
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';

const root = resolve(__dirname, '..');
const folder = join(root, 'schemas', 'operations');
const target = join(folder, 'manifest.json');

export function buildOperationManifest(): { manifest?: string; errors: string[] } {
  const schema = Supergraph.build(readFileSync(join(root, 'schemas', 'supergraph.graphql'), 'utf8')).apiSchema().toGraphQLJSSchema();
  const errors: string[] = [];
  const operations = [];
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.graphql')).sort()) {
    const body = readFileSync(join(folder, file), 'utf8').trimEnd();
    let document;
    try {
      document = parse(body);
    } catch (error) {
      errors.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    const definitions = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (definitions.length !== 1 || !definitions[0]!.name) {
      errors.push(`${file}: must hold exactly one named operation`);
      continue;
    }
    const name = definitions[0]!.name.value;
    if (`${name}.graphql` !== file) errors.push(`${file}: the operation is named ${name}; name the file after it`);
    for (const problem of validate(schema, document)) errors.push(`${file}: ${problem.message}`);
    operations.push({ id: createHash('sha256').update(body, 'utf8').digest('hex'), name, type: definitions[0]!.operation, body });
  }
  if (errors.length > 0) return { errors };
  return { manifest: `${JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2)}\n`, errors };
}

function main(): void {
  const { manifest, errors } = buildOperationManifest();
  if (errors.length > 0 || !manifest) {
    console.error(`Trusted operations are not valid:\n- ${errors.join('\n- ')}`);
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== manifest) {
      console.error('schemas/operations/manifest.json is out of date with schemas/operations/*.graphql: run `npm run operations` and commit it.');
      process.exit(1);
    }
    console.log('operation manifest is up to date');
    return;
  }
  writeFileSync(target, manifest);
  console.log(`wrote ${target}`);
}

if (require.main === module) main();
