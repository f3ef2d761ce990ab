/**
 * The rollback records and the guarded writes, attacked directly: a write that lands inside the
 * rollback's own window, records of the earlier format (one file rewritten as it went), and damaged
 * records.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setFaultHandler } from '../../../src/core/history/faults';
import { History } from '../../../src/core/history/history';
import { readOperations } from '../../../src/core/history/operations';
import { recoverInterrupted, rollbackRecords, rollbackSession, undoRollback } from '../../../src/core/history/rollback';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree('airlock-ops-');
after(() => tree.cleanup());
let n = 0;
const ref = { agent: 'claude', agentSessionId: 'ops' };

function setup(files: Record<string, string>): { ws: string; h: History } {
  const ws = tree.path(`ws${n}`);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(ws, p, '..'), { recursive: true });
    writeFileSync(join(ws, p), c);
  }
  return { ws, h: new History(tree.path(`data${n++}`), ws) };
}

function edit(h: History, ws: string, path: string, content: string): void {
  const id = h.beginEdit(ref, { kind: 'edit', paths: [path] });
  writeFileSync(join(ws, path), content);
  h.endEdit(ref, id, [path]);
}

describe('guarded writes', () => {
  it('a write into the file between the check and the rename is seen, and the writer\'s content is put back', async () => {
    const { ws, h } = setup({ 'a.txt': 'before\n', 'b.txt': 'b\n' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', 'after\n');
    edit(h, ws, 'b.txt', 'b2\n');
    setFaultHandler((point) => {
      // The person's editor writes in place, through a file it opened before the rollback replaced it.
      if (point === 'rollback:file-keep' && readFileSync(join(ws, 'a.txt'), 'utf8') === 'after\n') appendFileSync(join(ws, 'a.txt'), 'typed meanwhile\n');
    });
    let report;
    try {
      report = rollbackSession(h, h.sessions()[0]!.id);
    } finally {
      setFaultHandler(undefined);
    }
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'after\ntyped meanwhile\n');
    assert.match(report.conflicts.find((c) => c.path === 'a.txt')!.reason, /changed while the rollback ran/);
    assert.deepEqual(report.restored, ['b.txt']);
  });

  it('a file created where the rollback recreates one is left as it was created', async () => {
    const { ws, h } = setup({ 'a.txt': 'before\n' });
    await h.checkpoint();
    const id = h.beginEdit(ref, { kind: 'delete', paths: ['a.txt'] });
    const { unlinkSync } = await import('node:fs');
    unlinkSync(join(ws, 'a.txt'));
    h.endEdit(ref, id, ['a.txt'], true, 'delete');
    setFaultHandler((point) => {
      if (point === 'rollback:file-place') writeFileSync(join(ws, 'a.txt'), 'created by someone meanwhile\n');
    });
    let report;
    try {
      report = rollbackSession(h, h.sessions()[0]!.id);
    } finally {
      setFaultHandler(undefined);
    }
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'created by someone meanwhile\n');
    assert.deepEqual(report.recreated, []);
    assert.match(report.conflicts[0]!.reason, /created it while the rollback ran/);
  });
});

describe('a rollback that fails in part', () => {
  it('is not committed, leaves no temporary file, previews and reverts with undo-rollback', async () => {
    const { ws, h } = setup({ 'a.txt': 'a before\n', 'b.txt': 'b before\n' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', 'a after\n');
    edit(h, ws, 'b.txt', 'b after\n');
    let places = 0;
    setFaultHandler((point) => {
      if (point === 'rollback:file-place' && ++places === 2) throw Object.assign(new Error('simulated I/O error'), { code: 'EIO' });
    });
    let report;
    try {
      report = rollbackSession(h, h.sessions()[0]!.id);
    } finally {
      setFaultHandler(undefined);
    }
    assert.equal(report.partial, true);
    assert.deepEqual(report.restored, ['a.txt']);
    assert.deepEqual(report.failed.map((f) => f.path), ['b.txt']);
    assert.match(report.hint!, /I\/O error: check it and run `airlock rollback --last` again; nothing was lost/);
    assert.deepEqual(readdirSync(ws).sort(), ['a.txt', 'b.txt'], 'no temporary file is left');
    assert.equal(h.sessions()[0]!.rolledBack, false);
    const preview = undoRollback(h, report.undoId!, { dryRun: true });
    assert.equal(preview.reverted, true);
    assert.deepEqual(preview.restored, ['a.txt']);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'a before\n', 'a preview changes nothing');
    const reverted = undoRollback(h, report.undoId!);
    assert.equal(reverted.reverted, true);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'a after\n');
    assert.equal(readFileSync(join(ws, 'b.txt'), 'utf8'), 'b after\n');
    assert.deepEqual(rollbackRecords(h).map((r) => r.status), ['reverted']);
    assert.equal(h.sessions()[0]!.rolledBack, false);
    // And it can be rolled back again, completely.
    assert.deepEqual(rollbackSession(h, h.sessions()[0]!.id).restored, ['a.txt', 'b.txt']);
  });
});

describe('records of the earlier format', () => {
  function legacyRecord(h: History, ws: string, status: 'applying' | 'done'): string {
    const sessionId = h.sessions()[0]!.id;
    const hashOf = (p: string): string => {
      const { records } = h.records(sessionId);
      for (const r of records) if (r.t === 'begin') for (const f of r.files ?? []) if (f.path === p && f.before?.type === 'file' && 'hash' in f.before) return f.before.hash;
      throw new Error('no hash');
    };
    const after = h.lastState(sessionId, 'a.txt')!;
    const record = {
      id: 'rb-legacy-000001',
      kind: 'rollback',
      session: sessionId,
      time: Date.now() - 1000,
      status,
      steps: [{ path: 'a.txt', target: { type: 'file', hash: hashOf('a.txt'), size: 7, mode: 0o644 }, undo: after, action: 'restore' }],
      removeDirs: [],
      recreateDirs: [],
      report: { session: sessionId, restored: ['a.txt'], removed: [], recreated: [], conflicts: [], unrestorable: [], failed: [], removedDirs: [] },
    };
    mkdirSync(join(h.dir, 'rollbacks'), { recursive: true });
    writeFileSync(join(h.dir, 'rollbacks', `${record.id}.json`), JSON.stringify(record));
    if (status === 'applying') writeFileSync(join(h.dir, 'rollbacks', 'active'), record.id);
    void ws;
    return record.id;
  }

  it('an interrupted rollback of the earlier format is finished, once, and can be undone', async () => {
    const { ws, h } = setup({ 'a.txt': 'before\n' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', 'after\n');
    const id = legacyRecord(h, ws, 'applying');
    assert.equal(h.sessions()[0]!.rolledBack, false);
    const done = recoverInterrupted(h);
    assert.deepEqual(done.map((r) => r.undoId), [id]);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'before\n');
    assert.equal(h.sessions()[0]!.rolledBack, true);
    assert.deepEqual(recoverInterrupted(h), [], 'finished once');
    assert.deepEqual(rollbackRecords(h).map((r) => r.status), ['done']);
    undoRollback(h);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'after\n');
    assert.equal(h.sessions()[0]!.rolledBack, false);
  });

  it('a finished rollback of the earlier format counts as rolled back, and is undone', async () => {
    const { ws, h } = setup({ 'a.txt': 'before\n' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', 'after\n');
    legacyRecord(h, ws, 'done');
    writeFileSync(join(ws, 'a.txt'), 'before\n');
    assert.equal(h.sessions()[0]!.rolledBack, true);
    assert.throws(() => rollbackSession(h, h.sessions()[0]!.id), /already rolled back/);
    undoRollback(h);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'after\n');
  });
});

describe('damaged records', () => {
  it('a commit record whose checksum fails is reported as damaged, and undo says so', async () => {
    const { ws, h } = setup({ 'a.txt': 'before\n' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', 'after\n');
    rollbackSession(h, h.sessions()[0]!.id);
    const [op] = readOperations(h.dir).operations;
    const file = join(h.dir, 'rollbacks', op!.id, 'commit.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"done"', '"dune"'));
    const { damaged } = readOperations(h.dir);
    assert.equal(damaged.length, 1);
    assert.match(damaged[0]!.reason, /checksum/);
    assert.throws(() => undoRollback(h), /damaged/);
  });
});
