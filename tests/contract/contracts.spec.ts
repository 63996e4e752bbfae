import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVICE_NAMES } from '@instainstru/platform';
import { composeSupergraph } from '../../scripts/compose';

const root = resolve(__dirname, '../..');

describe('contracts', () => {
  it('the committed supergraph is the composition of the services\' SDL, without errors', () => {
    const { sdl, errors } = composeSupergraph();
    expect(errors).toEqual([]);
    expect(readFileSync(join(root, 'schemas/supergraph.graphql'), 'utf8')).toBe(sdl);
  });

  it('the committed resolver types are what codegen generates from the SDL', () => {
    const out = mkdtempSync(join(tmpdir(), 'codegen-'));
    try {
      execFileSync(join(root, 'node_modules/.bin/graphql-codegen'), ['--config', 'codegen.ts', '--silent'], {
        cwd: root,
        env: { ...process.env, CODEGEN_OUT_DIR: out },
        stdio: 'pipe',
      });
      for (const name of SERVICE_NAMES) {
        const file = `services/${name}/src/__generated__/resolvers-types.ts`;
        expect({ file, content: readFileSync(join(root, file), 'utf8') }).toEqual({ file, content: readFileSync(join(out, file), 'utf8') });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
