/**
 * The VSIX ships only what `.vscodeignore` allows. Every bundle the build writes is loaded by another at
 * run time (`airlock sandbox` loads dist/sandbox.js, the hook dist/main.js when no gate answers), so each
 * must be on the list: a missing one fails only once installed from the marketplace.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { minimatch } from 'minimatch';

const root = new URL('../../../', import.meta.url).pathname;

/** Whether the VSIX includes `path`, by `.vscodeignore`'s rules (last match wins, `!` re-includes). */
function shipped(path: string): boolean {
  let included = true;
  for (const raw of readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (minimatch(path, negated ? line.slice(1) : line, { dot: true })) included = negated;
  }
  return included;
}

describe('packaging', () => {
  it('ships every bundle the build writes', () => {
    const outfiles = [...readFileSync(join(root, 'esbuild.mjs'), 'utf8').matchAll(/outfile: '([^']+)'/g)].map((m) => m[1]!);
    assert.ok(outfiles.length >= 6, `found the bundles: ${outfiles.join(', ')}`);
    const missing = outfiles.filter((f) => !shipped(f));
    assert.deepEqual(missing, [], `.vscodeignore leaves out ${missing.join(', ')}`);
  });

  it('ships no source maps, sources or tests', () => {
    for (const f of ['dist/main.js.map', 'src/cli.ts', 'test/unit/architecture/packaging.test.ts', 'node_modules/diff/package.json']) assert.equal(shipped(f), false, f);
  });
});
