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
    const made = caches();
    assert.equal(made.length, 1, JSON.stringify(made));
    assert.match(made[0]!, new RegExp(`^main\\.js\\.${process.version.replace(/\./g, '\\.')}-${process.arch}-\\d+-\\d+\\.v8$`));
    const bytes = readFileSync(join(dist, '.cache', made[0]!));
    const second = run('check', '--command', 'git status', '--json');
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    firstAnswer = first.stdout;
    assert.deepEqual(caches(), made);
    assert.ok(readFileSync(join(dist, '.cache', made[0]!)).equals(bytes), 'a good cache is not rewritten');
  });

  it('replaces a damaged cache, and the command still works', () => {
    const [name] = caches();
    writeFileSync(join(dist, '.cache', name!), Buffer.alloc(4096, 0x41));
    const r = run('check', '--command', 'git status', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, firstAnswer);
    assert.notEqual(readFileSync(join(dist, '.cache', name!))[0], 0x41, 'rewritten');
  });

  it('drops the cache of an earlier build when the bundle changes, keeping other Node.js versions', () => {
    const [old] = caches();
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dist, 'main.js'), later, later);
    const st = statSync(join(dist, 'main.js'));
    const otherNode = `main.js.v99.0.0-x64-${st.size}-${Math.trunc(st.mtimeMs)}.v8`;
    writeFileSync(join(dist, '.cache', otherNode), 'the cache of another Node.js, for the same build');
    const r = run('check', '--command', 'git status', '--json');
    assert.equal(r.status, 0, r.stderr);
    const now = caches();
    assert.ok(!now.includes(old!), JSON.stringify(now));
    assert.ok(now.includes(otherNode), JSON.stringify(now));
    assert.equal(now.length, 2);
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
