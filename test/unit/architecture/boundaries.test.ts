import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import ts from 'typescript';
import { COMMAND_IDS } from '../../../src/shared/commandIds';

const root = new URL('../../../', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/**
 * The layers, bottom up, and what each may import (ARCHITECTURE.md). Every import counts, type-only
 * ones included: a type that points upward drags the upper layer's model into the lower one.
 */
const LAYERS: Readonly<Record<string, readonly string[]>> = {
  shared: [],
  core: ['shared'],
  agents: ['core', 'shared'],
  engine: ['agents', 'core', 'shared'],
  gate: ['engine', 'agents', 'core', 'shared'],
  cli: ['gate', 'engine', 'agents', 'core', 'shared'],
  ui: ['gate', 'engine', 'agents', 'core', 'shared'],
  webview: ['shared'],
};

/** The layer of a source file: its top folder under src/, with the entry files placed where they belong. */
function layerOf(file: string): string {
  const top = relative(join(root, 'src'), file).split('/')[0]!.replace(/\.js$/, '.ts');
  // The CLI's entries: dist/cli.js (dispatch), dist/hook.js (the lean hook), dist/sandbox.js (the launcher) and dist/main.js (the rest).
  if (top === 'cli.ts' || top === 'main.ts' || top === 'hook.ts' || top === 'sandbox.ts' || top === 'hook' || top === 'main' || top === 'sandbox') return 'cli';
  if (top === 'extension.ts') return 'ui';
  return top;
}

describe('architecture', () => {
  it('every import follows the layer table, type-only imports included', () => {
    const violations: string[] = [];
    const layers = new Set<string>();
    for (const file of tsFiles(join(root, 'src'))) {
      const from = layerOf(file);
      layers.add(from);
      const allowed = LAYERS[from];
      assert.ok(allowed, `${relative(root, file)} is in src/${from}, which the layer table does not place`);
      for (const imported of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        if (!imported.fileName.startsWith('.')) continue;
        const to = layerOf(resolve(dirname(file), imported.fileName));
        if (to !== from && !allowed.includes(to)) violations.push(`${relative(root, file)} imports ${imported.fileName} (${from} -> ${to})`);
      }
    }
    assert.deepEqual(violations, []);
    assert.deepEqual([...layers].sort(), Object.keys(LAYERS).sort(), 'every layer in the table exists');
  });

  it('the layer table itself only points down', () => {
    const order = Object.keys(LAYERS);
    for (const [layer, deps] of Object.entries(LAYERS)) for (const d of deps) assert.ok(order.indexOf(d) < order.indexOf(layer) || layer === 'webview', `${layer} -> ${d} points up`);
  });

  it('the editor shell (src/ui and src/extension.ts) has no import cycle, type-only imports included', () => {
    const files = [...tsFiles(join(root, 'src', 'ui')), join(root, 'src', 'extension.ts')];
    const inShell = new Set(files);
    const edges = new Map<string, string[]>();
    for (const file of files) {
      const to: string[] = [];
      for (const imported of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        if (!imported.fileName.startsWith('.')) continue;
        const target = resolve(dirname(file), imported.fileName) + '.ts';
        if (inShell.has(target)) to.push(target);
      }
      edges.set(file, to);
    }
    assert.ok(edges.size > 10, 'the shell was found');
    // Tarjan's strongly connected components: any component of two or more files is a cycle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    let next = 0;
    const visit = (v: string): void => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      for (const w of edges.get(v) ?? []) {
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(relative(root, w));
        } while (w !== v);
        if (component.length > 1 || (edges.get(v) ?? []).includes(v)) cycles.push(component.sort());
      }
    };
    for (const f of files) if (!index.has(f)) visit(f);
    assert.deepEqual(cycles, [], 'files that import each other, directly or through others');
  });

  it('nothing imports the extension entry: the shell is composed there and handed out in narrow parts', () => {
    const offenders = tsFiles(join(root, 'src'))
      .filter((file) => ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.some((i) => i.fileName.startsWith('.') && resolve(dirname(file), i.fileName) === join(root, 'src', 'extension')))
      .map((f) => relative(root, f));
    assert.deepEqual(offenders, []);
  });

  it('the core, the agents, the engine, the gate and the CLI never load vscode', async () => {
    const entryPoints = [...['core', 'agents', 'engine', 'gate', 'cli', 'shared'].flatMap((d) => tsFiles(join(root, 'src', d))), join(root, 'src/cli.ts'), join(root, 'src/main.ts'), join(root, 'src/hook.ts'), join(root, 'src/sandbox.ts')];
    const result = await build({ entryPoints, bundle: true, write: false, platform: 'node', format: 'cjs', outdir: '/tmp/airlock-boundary', metafile: true, external: ['vscode'], logLevel: 'silent', mainFields: ['module', 'main'] });
    const offenders = Object.entries(result.metafile.inputs)
      .filter(([, input]) => input.imports.some((i) => i.path === 'vscode'))
      .map(([file]) => relative(root, file));
    assert.deepEqual(offenders, []);
  });

  it('the command table equals contributes.commands in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), [...COMMAND_IDS].sort());
    const table = readFileSync(join(root, 'src/ui/commands/commands.ts'), 'utf8');
    for (const id of COMMAND_IDS) assert.ok(table.includes(`'${id}':`), `${id} has a handler in src/ui/commands/commands.ts`);
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
