import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SPEC_EXAMPLE_POLICY, tempTree, type TempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../helpers/cli';

describe('airlock check (real process)', () => {
  let tree: TempTree;
  let env: Record<string, string>;
  before(() => {
    tree = tempTree();
    tree.write('ws/.vscode/airlock.json', SPEC_EXAMPLE_POLICY);
    tree.write('ws/src/app.ts', 'x\n');
    tree.write('ws/.env', 'K=1\n');
    env = { HOME: tree.path('home'), AIRLOCK_HOME: tree.path('data') };
  });
  after(() => tree.cleanup());

  it('answers --json with the shape of docs/cli.md', () => {
    const r = airlock(['check', '--edit', '.env', '--json'], { cwd: tree.path('ws'), env });
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(d.action, 'deny');
    assert.equal(d.source, 'workspace');
    assert.deepEqual(Object.keys(d).slice(0, 4), ['action', 'source', 'rule', 'reason']);
    assert.ok(Array.isArray(d.parts));
    assert.equal((d.rule as { pattern: string }).pattern, '**/.env');
  });

  it('lists each part of a command with its own decision', () => {
    const r = airlock(['check', '--command', 'npm test && echo hi > .env', '--json'], { cwd: tree.path('ws'), env });
    const d = JSON.parse(r.stdout) as { action: string; parts: { kind: string; text: string; action: string }[] };
    assert.equal(d.action, 'deny');
    assert.deepEqual(
      d.parts.map((p) => [p.kind, p.text, p.action]),
      [
        ['command', 'npm test', 'allow'],
        ['command', 'echo hi', 'allow'],
        ['edit', '.env', 'deny'],
      ],
    );
  });

  it('finds the workspace from a subfolder and resolves paths from where it runs', () => {
    const r = airlock(['check', '--edit', '../.env', '--json'], { cwd: tree.path('ws', 'src'), env });
    assert.equal(JSON.parse(r.stdout).action, 'deny');
  });

  it('decides for the named agent', () => {
    const claude = airlock(['check', '--read', '.env', '--agent', 'claude', '--json'], { cwd: tree.path('ws'), env });
    const cursor = airlock(['check', '--read', '.env', '--agent', 'cursor', '--json'], { cwd: tree.path('ws'), env });
    assert.equal(JSON.parse(claude.stdout).action, 'allow');
    assert.equal(JSON.parse(cursor.stdout).action, 'deny');
  });

  it('prints a readable decision without --json', () => {
    const r = airlock(['check', '--command', 'git push --force'], { cwd: tree.path('ws'), env });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^DENY {2}\(workspace\)\n {2}reason: .*git push --force/);
    assert.match(r.stdout, /agent: {2}unknown at trust level 0/);
  });

  it('exits 64 with one line for usage errors', () => {
    for (const args of [['check'], ['check', '--edit', 'a', '--read', 'b'], ['check', '--bogus'], ['check', '--edit', 'a', '--agent', 'claud'], ['frobnicate'], []]) {
      const r = airlock(args, { cwd: tree.path('ws'), env });
      assert.equal(r.code, 64, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^airlock: /);
      assert.equal(r.stdout, '');
    }
  });

  it('exits 64 for a --workspace that does not exist', () => {
    const r = airlock(['check', '--edit', 'a', '--workspace', tree.path('nope')], { cwd: tree.path('ws'), env });
    assert.equal(r.code, 64);
    assert.match(r.stderr, /no such directory/);
  });

  it('reports a broken policy file with file, line and column, and asks', () => {
    tree.write('broken/.vscode/airlock.json', '{\n  "version": 1,\n  "rules": [ { "action": "allow" "edit": ["**"] } ]\n}\n');
    const r = airlock(['check', '--edit', 'x.ts', '--json'], { cwd: tree.path('broken'), env });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /airlock: error: .*\.vscode\/airlock\.json:3:34: JSON syntax error: expected ","/);
    assert.equal(JSON.parse(r.stdout).action, 'ask');
  });

  it('prints --help and exits 0', () => {
    const r = airlock(['--help'], { cwd: tree.path('ws'), env });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /airlock check/);
  });

  it('never prints a stack trace unless AIRLOCK_DEBUG=1', () => {
    const file = tree.write('afile', 'x');
    const quiet = airlock(['check', '--edit', 'x', '--workspace', file], { cwd: tree.path('ws'), env });
    assert.equal(quiet.code, 64);
    assert.doesNotMatch(quiet.stderr, /\n\s+at /);
    const debug = airlock(['check', '--edit', 'x', '--workspace', file], { cwd: tree.path('ws'), env: { ...env, AIRLOCK_DEBUG: '1' } });
    assert.match(debug.stderr, /\n\s+at /);
  });
});
