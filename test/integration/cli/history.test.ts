import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workspaceDataDir } from '../../../src/core/dataDir';
import { History } from '../../../src/core/history/history';
import { tempTree, type TempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../helpers/cli';

describe('history commands (real processes)', () => {
  let tree: TempTree;
  let ws: string;
  let env: Record<string, string>;
  let sessionId: string;

  before(async () => {
    tree = tempTree('airlock-clihist-');
    ws = tree.path('ws');
    mkdirSync(join(ws, '.git'), { recursive: true });
    writeFileSync(join(ws, 'a.txt'), 'line 1\nline 2\n');
    writeFileSync(join(ws, 'img.bin'), Buffer.from([0, 1, 2]));
    env = { HOME: tree.path('home'), AIRLOCK_HOME: tree.path('data') };
    const h = new History(workspaceDataDir(tree.path('data'), ws), ws);
    await h.checkpoint();
    const ref = { agent: 'claude', agentSessionId: 'cli-test-session' };
    const id = h.beginEdit(ref, { kind: 'edit', paths: ['a.txt'], tool: 'Edit' });
    writeFileSync(join(ws, 'a.txt'), 'line 1\nline two\n');
    h.endEdit(ref, id, ['a.txt']);
    const c = await h.beginCommand(ref, { command: 'printf x > new.txt' });
    writeFileSync(join(ws, 'new.txt'), 'x');
    await h.endCommand(ref, c);
    sessionId = h.sessions()[0]!.id;
  });
  after(() => tree.cleanup());

  it('checkpoint --json has the spec fields', () => {
    const r = airlock(['checkpoint', '--json'], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of ['checkpoint', 'files', 'changed', 'ms']) assert.ok(k in j, k);
    assert.equal(j.files, 3);
  });

  it('sessions --json lists sessions with the spec fields', () => {
    const r = airlock(['sessions', '--json'], { cwd: ws, env });
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.equal(list.length, 1);
    assert.deepEqual(Object.keys(list[0]!), ['id', 'agent', 'agentSessionId', 'started', 'ended', 'files', 'actions', 'rolledBack']);
    assert.equal(list[0]!.files, 2);
    assert.equal(list[0]!.actions, 2);
    assert.equal(list[0]!.rolledBack, false);
    assert.match(airlock(['sessions'], { cwd: ws, env }).stdout, /^ID +AGENT +STARTED/);
  });

  it('show prints each action with a diff, and accepts an id prefix', () => {
    const r = airlock(['show', sessionId.slice(0, 5)], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /edit \(Edit\)/);
    assert.match(r.stdout, /-line 2\n\+line two/);
    assert.match(r.stdout, /command: printf x > new\.txt/);
    const j = JSON.parse(airlock(['show', sessionId, '--json'], { cwd: ws, env }).stdout) as { actions: { files: { path: string; diff?: string }[] }[] };
    assert.equal(j.actions.length, 2);
    assert.match(j.actions[0]!.files[0]!.diff!, /\+line two/);
  });

  it('show of an unknown session exits 1 with a clear message', () => {
    const r = airlock(['show', 'nope'], { cwd: ws, env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No session "nope"; `airlock sessions` lists them/);
  });

  it('rollback --dry-run reports and changes nothing; rollback --json restores; a second rollback is refused', () => {
    const dry = JSON.parse(airlock(['rollback', '--last', '--dry-run', '--json'], { cwd: ws, env }).stdout) as Record<string, unknown>;
    assert.deepEqual(dry.restored, ['a.txt']);
    assert.deepEqual(dry.removed, ['new.txt']);
    assert.equal(dry.undoId, null);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'line 1\nline two\n');
    const r = airlock(['rollback', sessionId, '--json'], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of ['session', 'restored', 'removed', 'recreated', 'conflicts', 'undoId']) assert.ok(k in j, k);
    assert.equal(j.session, sessionId);
    assert.match(String(j.undoId), /^rb-/);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'line 1\nline 2\n');
    const again = airlock(['rollback', sessionId], { cwd: ws, env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already rolled back/);
    const none = airlock(['rollback', '--last'], { cwd: ws, env });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no session to roll back/);
  });

  it('undo-rollback returns to where the session left things', () => {
    const r = airlock(['undo-rollback', '--json'], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'line 1\nline two\n');
    assert.equal(readFileSync(join(ws, 'new.txt'), 'utf8'), 'x');
    const twice = airlock(['undo-rollback'], { cwd: ws, env });
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /no rollback to undo/);
  });

  it('rollback needs a session or --last', () => {
    assert.equal(airlock(['rollback'], { cwd: ws, env }).code, 64);
    assert.equal(airlock(['rollback', 'x', '--last'], { cwd: ws, env }).code, 64);
  });

  it('gc --json reports what it removed', () => {
    const r = airlock(['gc', '--json'], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { sessionsRemoved: string[]; objectsAfter: number };
    assert.deepEqual(j.sessionsRemoved, []);
    assert.ok(j.objectsAfter > 0);
  });
});
