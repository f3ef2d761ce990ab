import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Minimatch } from 'minimatch';
import { globLiterals } from '../../../src/core/policy/evaluate';

// Globs and paths from a small alphabet, so that matches are frequent enough to mean something.
const segment = fc.constantFrom('a', 'b', 'ab', '.env', 'x.ts', 'src', '.git', 'a.b.c', 'é');
const globPiece = fc.constantFrom('*', '**', '?', 'a', 'b', '.env', 'x.ts', 'src', '{a,b}', '[ab]', '*.ts', '.env.*', '!(a|b)', '@(x.ts|src)', 'a\\*b');
const glob = fc.array(globPiece, { minLength: 1, maxLength: 5 }).map((p) => p.join('/'));
const path = fc.array(segment, { minLength: 1, maxLength: 6 }).map((p) => p.join('/'));

function passes(g: string, p: string, nocase: boolean): boolean {
  const lit = globLiterals(g);
  const fold = (s: string): string => (nocase ? s.toLowerCase() : s);
  const q = fold(p);
  return q.startsWith(fold(lit.prefix)) && q.endsWith(fold(lit.suffix)) && lit.middle.every((m) => q.includes(fold(m)));
}

describe('glob literal prefilter', () => {
  it('never rejects a path the glob matches (10,000 random globs and paths)', () => {
    let matched = 0;
    fc.assert(
      fc.property(glob, path, fc.boolean(), (g, p, nocase) => {
        const re = new Minimatch(g, { dot: true, nocase, nocomment: true, nonegate: true }).makeRe();
        if (re === false || !re.test(p)) return true;
        matched++;
        return passes(g, p, nocase);
      }),
      { numRuns: 10_000, seed: 7 },
    );
    assert.ok(matched > 300, `only ${matched} random pairs matched; the property says little`);
  });

  it('extracts anchors and middles', () => {
    assert.deepEqual(globLiterals('src/**/*.ts'), { prefix: 'src/', suffix: '.ts', middle: [] });
    assert.deepEqual(globLiterals('**/.env'), { prefix: '', suffix: '.env', middle: [] });
    assert.deepEqual(globLiterals('**/generated/**'), { prefix: '', suffix: '', middle: ['generated'] });
    assert.deepEqual(globLiterals('package.json'), { prefix: 'package.json', suffix: '', middle: [] });
  });
});
