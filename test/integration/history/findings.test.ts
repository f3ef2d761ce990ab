/**
 * One test per finding of issue 12 ("Rollback that never loses work"), on real temp directories and
 * real processes. Each reproduces what was found, and checks what must hold instead.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AuditLog } from '../../../src/core/audit/auditLog';
import { workspaceDataDir } from '../../../src/core/dataDir';
import { DEFAULT_HISTORY_OPTIONS, History } from '../../../src/core/history/history';
import { readJournal } from '../../../src/core/history/journal';
import { rollbackSession, undoRollback } from '../../../src/core/history/rollback';
import { acquireLock } from '../../../src/core/storage/lock';
import { TrustStore } from '../../../src/core/trust/trustStore';
import { tempTree } from '../../unit/helpers/fixtures';
import { snapshotTree } from '../../unit/helpers/treeSnapshot';
import { buildFixture, cli, copyOf, runChild, treeWithoutTemps, type Copy, type Fixture } from '../helpers/rollbackFixture';

const tree = tempTree('airlock-findings-');
after(() => tree.cleanup());
let fixture: Fixture | undefined;
async function fresh(): Promise<Copy & { fx: Fixture }> {
  fixture ??= await buildFixture(tree.path('fixture'));
  return { ...copyOf(fixture, tree.path('runs')), fx: fixture };
}

function journalOf(copy: Copy, sessionId: string): string {
  return join(copy.data, 'history', 'sessions', sessionId, 'journal.jsonl');
}

/** Removes the journal lines of a kind (what a kill before that append would have left). */
function dropJournalLines(file: string, kind: string): void {
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith(`{"t":"${kind}"`));
  writeFileSync(file, kept.join('\n'));
}

const ref = { agent: 'claude', agentSessionId: 'finding' };
let n = 0;
function small(files: Record<string, string | Buffer>, maxFileSize = DEFAULT_HISTORY_OPTIONS.maxFileSize): { ws: string; h: History } {
  const ws = tree.path(`small${n}`, 'ws');
  mkdirSync(ws, { recursive: true });
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(ws, p, '..'), { recursive: true });
    writeFileSync(join(ws, p), c);
  }
  return { ws, h: new History(tree.path(`small${n++}`, 'data'), ws, { ...DEFAULT_HISTORY_OPTIONS, maxFileSize }) };
}

async function command(h: History, ws: string, script: string): Promise<void> {
  const id = await h.beginCommand(ref, { command: script });
  execFileSync('/bin/sh', ['-c', script], { cwd: ws });
  await h.endCommand(ref, id);
}

function edit(h: History, ws: string, path: string, content: string): void {
  const id = h.beginEdit(ref, { kind: 'edit', paths: [path] });
  writeFileSync(join(ws, path), content);
  h.endEdit(ref, id, [path]);
}

describe('issue 12: "rolled back" and "undone" come from the committed record', () => {
  it('a rollback whose later bookkeeping was lost is still rolled back; --last does not roll it back again', async () => {
    const c = await fresh();
    assert.equal((await cli(c, ['rollback', '--last', '--json'])).code, 0);
    // Earlier versions wrote a `rolled-back` journal line after the record; a kill before it lost it.
    dropJournalLines(journalOf(c, c.fx.sessionId), 'rolled-back');
    const sessions = JSON.parse((await cli(c, ['sessions', '--json'])).stdout) as { rolledBack: boolean }[];
    assert.equal(sessions[0]!.rolledBack, true);
    const again = await cli(c, ['rollback', '--last', '--json']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no session to roll back/);
    assert.equal(new AuditLog(c.data).read().filter((r) => r.type === 'rollback').length, 1, 'no empty second rollback');
    assert.equal((await cli(c, ['undo-rollback', '--json'])).code, 0);
    assert.deepEqual(treeWithoutTemps(c.ws), c.fx.afterTree);
  });

  it('an undo whose later bookkeeping was lost leaves its session not rolled back, and the next undo does not reach another session', async () => {
    const { ws, h } = small({ 'a.txt': 'a0', 'b.txt': 'b0' });
    await h.checkpoint();
    const A = { agent: 'claude', agentSessionId: 'A' };
    const B = { agent: 'claude', agentSessionId: 'B' };
    let id = h.beginEdit(A, { kind: 'edit', paths: ['a.txt'] });
    writeFileSync(join(ws, 'a.txt'), 'a1');
    h.endEdit(A, id, ['a.txt']);
    id = h.beginEdit(B, { kind: 'edit', paths: ['b.txt'] });
    writeFileSync(join(ws, 'b.txt'), 'b1');
    h.endEdit(B, id, ['b.txt']);
    const idOf = (s: string): string => h.sessions().find((x) => x.agentSessionId === s)!.id;
    rollbackSession(h, idOf('A'));
    rollbackSession(h, idOf('B'));
    undoRollback(h);
    dropJournalLines(journalOf({ data: join(h.dir, '..') } as Copy, idOf('B')), 'rollback-undone');
    assert.equal(h.sessions().find((s) => s.agentSessionId === 'B')!.rolledBack, false);
    assert.equal(h.sessions().find((s) => s.agentSessionId === 'A')!.rolledBack, true);
    assert.equal(readFileSync(join(ws, 'b.txt'), 'utf8'), 'b1');
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'a0', 'A stays rolled back');
  });
});

describe('issue 12: recovery never overwrites a later edit', () => {
  it('a rollback killed halfway is not re-applied by `airlock sessions`, and the next rollback leaves the edit made after the kill', async () => {
    const c = await fresh();
    // AIRLOCK_FAULT is what earlier versions understood (kill after the first file written).
    const k = await runChild(c, ['rollback', '--last', '--json'], { AIRLOCK_FAULT_AT: 'rollback:file-place:2', AIRLOCK_FAULT: 'writes:1' });
    assert.equal(k.signal, 'SIGKILL');
    writeFileSync(join(c.ws, 'd/f3.txt'), 'edited after the crash\n');
    const listed = await cli(c, ['sessions', '--json']);
    assert.equal(listed.code, 0);
    assert.equal(readFileSync(join(c.ws, 'd/f3.txt'), 'utf8'), 'edited after the crash\n', 'reading the sessions changes no file');
    const r = await cli(c, ['rollback', '--last', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { conflicts: string[]; recovered: boolean };
    assert.equal(j.recovered, true);
    assert.ok(j.conflicts.includes('d/f3.txt'));
    assert.equal(readFileSync(join(c.ws, 'd/f3.txt'), 'utf8'), 'edited after the crash\n');
  });

  it('a rollback finished by recovery writes its audit entry and its demotion, once', async () => {
    const c = await fresh();
    const k = await runChild(c, ['rollback', '--last', '--json'], { AIRLOCK_FAULT_AT: 'rollback:file-place:2', AIRLOCK_FAULT: 'writes:2' });
    assert.equal(k.signal, 'SIGKILL');
    await cli(c, ['sessions', '--json']);
    await cli(c, ['rollback', '--last', '--json']);
    await cli(c, ['rollback', '--last', '--json']);
    assert.equal(new AuditLog(c.data).read().filter((r) => r.type === 'rollback' && r.partial !== true).length, 1);
    assert.equal(new TrustStore(c.data).get('claude').level, 1);
  });

  it('a save that lands while a rollback applies is not overwritten (no crash)', async () => {
    const c = await fresh();
    const h = new History(c.data, c.ws);
    // The person saves d/f3.txt after the rollback planned it, before it is written.
    const read = h.objects.read.bind(h.objects);
    let saved = false;
    h.objects.read = (hash: string): Buffer => {
      if (!saved) {
        saved = true;
        writeFileSync(join(c.ws, 'd/f3.txt'), 'saved by the person meanwhile\n');
      }
      return read(hash);
    };
    const report = rollbackSession(h, c.fx.sessionId);
    assert.ok(saved);
    assert.equal(readFileSync(join(c.ws, 'd/f3.txt'), 'utf8'), 'saved by the person meanwhile\n');
    assert.ok(report.conflicts.some((x) => x.path === 'd/f3.txt'), JSON.stringify(report.conflicts));
    assert.ok(!report.restored.includes('d/f3.txt'));
  });
});

describe('issue 12: content Airlock did not keep', () => {
  it('a same-size large file the person changed after the session is a conflict, not deleted', async () => {
    const { ws, h } = small({ 'a.txt': 'a' }, 1000);
    await h.checkpoint();
    await command(h, ws, 'head -c 5000 /dev/zero > big.bin');
    writeFileSync(join(ws, 'big.bin'), Buffer.alloc(5000, 7));
    const report = rollbackSession(h, h.sessions()[0]!.id);
    assert.deepEqual(report.removed, []);
    assert.ok(existsSync(join(ws, 'big.bin')));
    assert.deepEqual(readFileSync(join(ws, 'big.bin')), Buffer.alloc(5000, 7));
    assert.match(report.conflicts.find((x) => x.path === 'big.bin')!.reason, /cannot tell|cannot be kept/);
  });

  it('a large file the session created is not deleted without --force; with it, the report says it cannot be undone, and undo says so plainly', async () => {
    const { ws, h } = small({ 'a.txt': 'a' }, 1000);
    await h.checkpoint();
    await command(h, ws, 'head -c 5000 /dev/urandom > big.bin && echo b > a.txt');
    const id = h.sessions()[0]!.id;
    const dry = rollbackSession(h, id, { dryRun: true });
    assert.deepEqual(dry.removed, []);
    assert.match(dry.conflicts.find((x) => x.path === 'big.bin')!.reason, /--force/);
    const forced = rollbackSession(h, id, { force: true });
    assert.deepEqual(forced.removed, ['big.bin']);
    assert.deepEqual(forced.notUndoable.map((x) => x.path), ['big.bin']);
    assert.equal(existsSync(join(ws, 'big.bin')), false);
    const undo = undoRollback(h);
    assert.deepEqual(undo.failed, []);
    assert.deepEqual(undo.unrestorable.map((x) => x.path), ['big.bin']);
    assert.match(undo.unrestorable[0]!.reason, /not kept/);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'b\n', 'the rest is undone');
  });

  it('checks the undo copy was saved before touching a file', async () => {
    const c = await fresh();
    const h = new History(c.data, c.ws);
    const read = h.objects.read.bind(h.objects);
    const current = readFileSync(join(c.ws, 'd/f0.txt'));
    h.objects.read = (hash: string): Buffer => {
      const data = read(hash);
      if (data.equals(current)) throw new Error('simulated: the saved copy cannot be read back');
      return data;
    };
    assert.throws(() => rollbackSession(h, c.fx.sessionId), /could not read back the copy of d\/f0\.txt.*No file was changed/);
    assert.deepEqual(treeWithoutTemps(c.ws), c.fx.afterTree);
  });
});

describe('issue 12: damaged journals never turn a restore into a delete', () => {
  it('a lost begin record makes the file unknown, not missing: it is not deleted', async () => {
    const { ws, h } = small({ 'a.txt': 'existed before the session\n' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', 'agent\n');
    const id = h.sessions()[0]!.id;
    dropJournalLines(join(h.dir, 'sessions', id, 'journal.jsonl'), 'begin');
    const report = rollbackSession(h, id);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'agent\n');
    assert.deepEqual(report.removed, []);
    assert.match(report.unrestorable.find((x) => x.path === 'a.txt')!.reason, /unknown/);
  });

  it('a torn last line does not swallow the next record', async () => {
    const { ws, h } = small({ 'a.txt': '1', 'b.txt': '1' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', '2');
    const file = join(h.dir, 'sessions', h.sessions()[0]!.id, 'journal.jsonl');
    appendFileSync(file, '{"t":"begin","id":"cut-sh');
    edit(h, ws, 'b.txt', '2');
    const { records, damaged } = readJournal(file);
    assert.equal(damaged, 1);
    assert.deepEqual(records.filter((r) => r.t === 'end').length, 2, 'both edits are recorded');
    const report = rollbackSession(h, h.sessions()[0]!.id, { force: true });
    assert.ok(report.restored.includes('b.txt'));
  });

  it('a damaged line before a file\'s first record makes that file a conflict', async () => {
    const { ws, h } = small({ 'a.txt': '1', 'b.txt': '1' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', '2');
    const file = join(h.dir, 'sessions', h.sessions()[0]!.id, 'journal.jsonl');
    appendFileSync(file, '{"t":"end","id":"damaged"}\tffffffffffffffff\n');
    edit(h, ws, 'b.txt', '2');
    const report = rollbackSession(h, h.sessions()[0]!.id);
    assert.deepEqual(report.restored, ['a.txt']);
    assert.match(report.conflicts.find((x) => x.path === 'b.txt')!.reason, /damaged journal record/);
    assert.equal(report.damagedRecords, 1);
    assert.equal(readFileSync(join(ws, 'b.txt'), 'utf8'), '2');
  });
});

describe('issue 12: a rollback never follows a symlinked folder out of the workspace', () => {
  for (const kind of ['write', 'delete'] as const) {
    it(`does not ${kind} through sub/ -> outside`, async () => {
      const { ws, h } = small({ 'sub/y.txt': 'before\n' });
      await h.checkpoint();
      if (kind === 'write') edit(h, ws, 'sub/y.txt', 'after\n');
      else await command(h, ws, 'echo new > sub/x.txt');
      const outside = tree.path(`outside${n}`);
      renameSync(join(ws, 'sub'), outside);
      symlinkSync(outside, join(ws, 'sub'));
      const before = snapshotTree(outside);
      const report = rollbackSession(h, h.sessions()[0]!.id, { force: true });
      assert.deepEqual(snapshotTree(outside), before, 'nothing outside the workspace changed');
      assert.deepEqual([...report.restored, ...report.removed], []);
      assert.match(report.conflicts[0]!.reason, /symbolic link/);
    });
  }

  it('does not create folders through a dangling symlinked folder', async () => {
    const { ws, h } = small({ 'sub/deep/y.txt': 'before\n' });
    await h.checkpoint();
    await command(h, ws, 'rm -r sub');
    const outside = tree.path(`nowhere${n}`);
    symlinkSync(outside, join(ws, 'sub'));
    rollbackSession(h, h.sessions()[0]!.id, { force: true });
    assert.equal(existsSync(outside), false);
  });
});

describe('issue 12: concurrent rollbacks', () => {
  for (const which of ['SESSION', '--last'] as const) {
    it(`two rollbacks (${which}) at once: one wins, the other reports; one audit entry, one demotion`, async () => {
      const c = await fresh();
      const lock = acquireLock(join(c.data, 'history', 'locks', 'workspace.lock'));
      const args = which === 'SESSION' ? ['rollback', c.fx.sessionId, '--json'] : ['rollback', '--last', '--json'];
      const both = [runChild(c, args), runChild(c, args)];
      // Both are started and waiting for the workspace lock.
      await new Promise((r) => setTimeout(r, 2500));
      lock.release();
      const results = await Promise.all(both);
      assert.deepEqual(results.map((r) => r.code).sort(), [0, 1], results.map((r) => r.stderr).join('\n'));
      assert.match(results.find((r) => r.code === 1)!.stderr, /already rolled back/);
      assert.equal(new AuditLog(c.data).read().filter((r) => r.type === 'rollback').length, 1);
      assert.equal(new TrustStore(c.data).get('claude').level, 1);
      assert.deepEqual(treeWithoutTemps(c.ws), c.fx.beforeTree);
    });
  }
});

describe('issue 12: damaged records are reported, and repaired where they can be', () => {
  it('a flipped byte in a pack index reports its objects as damaged, not missing; `airlock gc` rebuilds the index', async () => {
    const c = await fresh();
    const packs = join(c.data, 'history', 'objects', 'packs');
    // The first pack holds the checkpoint: the content before the session.
    const idx = readdirSync(packs).filter((f) => f.endsWith('.idx')).sort()[0]!;
    const buf = readFileSync(join(packs, idx));
    buf[16] = buf[16]! ^ 0x01;
    writeFileSync(join(packs, idx), buf);
    const r = await cli(c, ['rollback', '--last', '--json']);
    const j = JSON.parse(r.stdout) as { failed: { reason: string }[]; partial: boolean };
    assert.match(j.failed[0]!.reason, /damaged/);
    assert.doesNotMatch(j.failed[0]!.reason, /missing/);
    assert.equal(r.code, 1);
    assert.equal(j.partial, true);
    const doctor = await cli(c, ['doctor', '--json']);
    assert.match(doctor.stdout, /pack index\(es\) are damaged/);
    const gc = await cli(c, ['gc', '--json']);
    assert.equal(gc.code, 0, gc.stderr);
    assert.equal((JSON.parse(gc.stdout) as { indexesRebuilt: unknown[] }).indexesRebuilt.length, 1);
    const again = await cli(c, ['rollback', '--last', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(treeWithoutTemps(c.ws), c.fx.beforeTree);
  });

  it('a damaged rollback record is reported, never taken for a missing one', async () => {
    const c = await fresh();
    assert.equal((await cli(c, ['rollback', '--last', '--json'])).code, 0);
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.json')) files.push(join(d, e.name));
      }
    };
    walk(join(c.data, 'history', 'rollbacks'));
    // The record that says the rollback happened (its commit; in the earlier format, the only one).
    const file = files.find((f) => f.endsWith('commit.json')) ?? files[0]!;
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('"session"') + 12;
    writeFileSync(file, text.slice(0, at) + (text[at] === 'a' ? 'b' : 'a') + text.slice(at + 1));
    const undo = await cli(c, ['undo-rollback', '--json']);
    assert.equal(undo.code, 1);
    assert.match(undo.stderr, /damaged/);
    const doctor = await cli(c, ['doctor', '--json']);
    assert.match(doctor.stdout, /rollback record\(s\) are damaged/);
  });
});

describe('issue 12: a partial failure is reported as partial', () => {
  const mounts: string[] = [];
  after(() => {
    for (const m of mounts) spawnSync('umount', ['-l', m]);
  });
  function tmpfs(dir: string, size: string): boolean {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
    if (r.status !== 0) return false;
    mounts.push(dir);
    return true;
  }

  it('a full disk: not rolled back, failed files not listed as restored, no temp files, a retry finishes, undo works', async (t) => {
    const mnt = tree.path('full');
    if (!tmpfs(mnt, '1m')) {
      t.skip('cannot mount a small tmpfs here (needs root and mount rights): the disk-full case is not tested');
      return;
    }
    const ws = join(mnt, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'big.txt'), 'x'.repeat(600_000));
    writeFileSync(join(ws, 'small.txt'), 'small before\n');
    const home = tree.path('full-home');
    const wsData = workspaceDataDir(home, ws);
    const h = new History(wsData, ws);
    await h.checkpoint();
    new TrustStore(wsData, new AuditLog(wsData)).set('claude', 2);
    await command(h, ws, 'printf y > big.txt && echo small after > small.txt');
    h.endSession(ref);
    // Someone else fills the disk.
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(1024 * 1024 - 200 * 1024));
    const copy: Copy = { ws, home, data: wsData };
    const r = await cli(copy, ['rollback', '--last', '--json']);
    const j = JSON.parse(r.stdout) as { partial: boolean; restored: string[]; failed: { path: string; reason: string }[]; hint: string };
    assert.deepEqual(j.restored, ['small.txt'], 'the failed file is not listed as restored');
    assert.deepEqual(j.failed.map((f) => f.path), ['big.txt']);
    assert.equal(h.sessions()[0]!.rolledBack, false, 'the session is not marked rolled back');
    assert.match(j.failed[0]!.reason, /the disk is full: free space and run `airlock rollback --last` again; nothing was lost/);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(j.partial, true);
    const text = await cli(copy, ['rollback', '--last']);
    assert.match(text.stdout, /NOT FINISHED/);
    assert.deepEqual(readdirSync(ws).sort(), ['big.txt', 'small.txt'], 'no temporary file is left');
    assert.equal(h.sessions()[0]!.rolledBack, false);
    const audit = new AuditLog(wsData).read().filter((x) => x.type === 'rollback');
    assert.ok(audit.length >= 1 && audit.every((x) => x.partial === true), JSON.stringify(audit));
    assert.equal(new TrustStore(wsData).get('claude').level, 2, 'no demotion for a rollback that did not finish');
    rmSync(join(mnt, 'filler'));
    const retry = await cli(copy, ['rollback', '--last', '--json']);
    assert.equal(retry.code, 0, retry.stderr);
    assert.equal(readFileSync(join(ws, 'big.txt'), 'utf8'), 'x'.repeat(600_000));
    assert.equal(h.sessions()[0]!.rolledBack, true);
    assert.equal(new AuditLog(wsData).read().filter((x) => x.type === 'rollback' && x.partial !== true).length, 1);
    assert.equal(new TrustStore(wsData).get('claude').level, 1);
    const undo = await cli(copy, ['undo-rollback', '--json']);
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(readFileSync(join(ws, 'big.txt'), 'utf8'), 'y');
    assert.equal(readFileSync(join(ws, 'small.txt'), 'utf8'), 'small after\n');
  });

  it('a full disk for Airlock\'s own data: nothing is changed, and the message says what to do', async (t) => {
    const mnt = tree.path('fulldata');
    if (!tmpfs(mnt, '256k')) {
      t.skip('cannot mount a small tmpfs here: the disk-full case is not tested');
      return;
    }
    const c = await fresh();
    const copy = copyOf(c, mnt);
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(1));
    try {
      for (let i = 0; ; i++) appendFileSync(join(mnt, 'filler'), Buffer.alloc(4096));
    } catch {
      // full
    }
    const r = await cli(copy, ['rollback', '--last', '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the disk is full: free space and run `airlock rollback --last` again; nothing was lost/);
    assert.deepEqual(treeWithoutTemps(copy.ws), c.fx.afterTree);
    assert.deepEqual(Object.keys(snapshotTree(copy.ws)), Object.keys(c.fx.afterTree), 'no temporary file is left');
  });

  it('a read-only file system: a clear message, nothing lost', async (t) => {
    const mnt = tree.path('ro');
    if (!tmpfs(mnt, '4m')) {
      t.skip('cannot mount a small tmpfs here: the read-only case is not tested');
      return;
    }
    const c = await fresh();
    const ws = join(mnt, 'ws');
    // Only the workspace is on the mount; its data folder is not.
    const copy = copyOf(c, tree.path('ro-copy'));
    execFileSync('cp', ['-a', `${copy.ws}/.`, ws]);
    const moved: Copy = { ws, home: copy.home, data: workspaceDataDir(copy.home, ws) };
    renameSync(copy.data, moved.data);
    if (spawnSync('mount', ['-o', 'remount,ro', mnt]).status !== 0) {
      t.skip('cannot remount read-only here');
      return;
    }
    const r = await cli(moved, ['rollback', '--last', '--json']);
    spawnSync('mount', ['-o', 'remount,rw', mnt]);
    const j = JSON.parse(r.stdout) as { partial: boolean; failed: { reason: string }[] };
    assert.match(j.failed[0]!.reason, /read-only: make it writable and run `airlock rollback --last` again; nothing was lost/);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(j.partial, true);
    assert.deepEqual(treeWithoutTemps(ws), c.fx.afterTree);
    const retry = await cli(moved, ['rollback', '--last', '--json']);
    assert.equal(retry.code, 0, retry.stderr);
    assert.deepEqual(treeWithoutTemps(ws), c.fx.beforeTree);
  });
});
