import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import { COMMAND_IDS } from '../../../src/shared/commandIds';

const root = new URL('../../../', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('architecture', () => {
  it('the core, the agents, the gate and the CLI never load vscode', async () => {
    const entryPoints = [...tsFiles(join(root, 'src/core')), join(root, 'src/cli.ts')];
    const result = await build({ entryPoints, bundle: true, write: false, platform: 'node', format: 'cjs', outdir: '/tmp/airlock-boundary', metafile: true, external: ['vscode'], logLevel: 'silent', mainFields: ['module', 'main'] });
    const offenders = Object.entries(result.metafile.inputs)
      .filter(([, input]) => input.imports.some((i) => i.path === 'vscode'))
      .map(([file]) => relative(root, file));
    assert.deepEqual(offenders, []);
  });

  it('the command table equals contributes.commands in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), [...COMMAND_IDS].sort());
    const table = readFileSync(join(root, 'src/ui/commands.ts'), 'utf8');
    for (const id of COMMAND_IDS) assert.ok(table.includes(`'${id}':`), `${id} has a handler in src/ui/commands.ts`);
  });

  it('every setting is declared with a scope, a default and a markdownDescription', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Record<string, unknown>> } } };
    for (const [key, s] of Object.entries(pkg.contributes.configuration.properties)) {
      assert.ok(s.scope, `${key} has a scope`);
      assert.ok('default' in s, `${key} has a default`);
      assert.ok(typeof s.markdownDescription === 'string', `${key} has a markdownDescription`);
    }
  });
});
