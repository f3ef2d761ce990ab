/**
 * The command line loads dist/main.js with a V8 code cache beside it (src/shared/bundleLoader.ts): made
 * by the first run, used by the next, replaced when damaged or when the bundle changes, and never in
 * the way when it cannot be written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempTree, type TempTree } from '../../unit/helpers/fixtures';

const DIST = join(new URL('../../../', import.meta.url).pathname, 'dist');

describe('the code cache of the command line (real processes)', () => {
  let tree: TempTree;
  let dist: string;
  let ws: string;
  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [join(dist, 'cli.js'), ...args], { cwd: ws, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tree.path('home'), AIRLOCK_HOME: tree.path('data') } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  let firstAnswer = '';
  const cacheFile = (): string => join(dist, '.cache', `main.js.${process.version}-${process.arch}.v8`);
  const caches = (): string[] => (existsSync(join(dist, '.cache')) ? readdirSync(join(dist, '.cache')).sort() : []);

  before(() => {
    tree = tempTree('airlock-codecache-');
    dist = tree.path('dist');
    mkdirSync(dist);
    for (const f of ['cli.js', 'main.js', 'hook.js', 'sandbox.js', 'otlp.js']) copyFileSync(join(DIST, f), join(dist, f));
    ws = tree.path('ws');
    mkdirSync(join(ws, '.git'), { recursive: true });
    writeFileSync(join(ws, 'a.txt'), 'a\n');
  });
  after(() => tree.cleanup());

  it('is made by the first run and used by the next', () => {
    const first = run('check', '--command', 'git status', '--json');
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(caches(), [`main.js.${process.version}-${process.arch}.v8`]);
    const bytes = readFileSync(cacheFile());
    const second = run('check', '--command', 'git status', '--json');
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.ok(readFileSync(cacheFile()).equals(bytes), 'a good cache is not rewritten');
    firstAnswer = first.stdout;
  });

  it('never hands V8 a damaged cache (V8 itself would crash on it), and replaces it', () => {
    const good = readFileSync(cacheFile());
    const damaged = [
      Buffer.alloc(4096, 0x41), // not a cache at all
      Buffer.concat([good.subarray(0, good.length >> 1), Buffer.alloc(good.length - (good.length >> 1))]), // its second half zeroed
      Buffer.from(good.map((b, i) => (i === good.length - 100 ? b ^ 0xff : b))), // one flipped byte
      good.subarray(0, good.length - 1000), // cut short
    ];
    for (const bad of damaged) {
      writeFileSync(cacheFile(), bad);
      const r = run('check', '--command', 'git status', '--json');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, firstAnswer);
      assert.ok(readFileSync(cacheFile()).length > 1000 && !readFileSync(cacheFile()).equals(bad), 'rewritten');
    }
  });

  it('runs the bundle as it is now, not the code cached from an earlier one of the same size and time', () => {
    const main = join(dist, 'main.js');
    const st = statSync(main);
    const text = readFileSync(main, 'utf8');
    assert.ok(text.includes('no rule decides it'));
    // Same length, same modification time: V8's own check would accept the old cache.
    writeFileSync(main, text.replaceAll('no rule decides it', 'NO RULE DECIDES IT'));
    utimesSync(main, st.atime, st.mtime);
    assert.equal(statSync(main).size, st.size);
    const r = run('check', '--command', 'git status', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /NO RULE DECIDES IT/);
    writeFileSync(main, text);
  });

  it('runs without one where it cannot be written', () => {
    // A file where the cache folder would be: not even root can write there.
    rmSync(join(dist, '.cache'), { recursive: true });
    writeFileSync(join(dist, '.cache'), 'in the way');
    const r = run('check', '--command', 'git status', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, firstAnswer);
    assert.equal(r.stderr, '');
    assert.equal(readFileSync(join(dist, '.cache'), 'utf8'), 'in the way');
    assert.deepEqual(readdirSync(dist).filter((f) => f.endsWith('.tmp')), []);
  });
});
