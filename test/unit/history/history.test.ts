import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { collectGarbage } from '../../../src/core/history/gc';
import { DEFAULT_HISTORY_OPTIONS, History, type HistoryOptions } from '../../../src/core/history/history';
import { readJournal } from '../../../src/core/history/journal';
import { acquireLock, LockTimeoutError } from '../../../src/core/storage/lock';
import { CorruptObjectError } from '../../../src/core/history/objectStore';
import { rollbackSession, undoRollback } from '../../../src/core/history/rollback';
import { tempTree } from '../helpers/fixtures';
import { snapshotTree } from '../helpers/treeSnapshot';

const tree = tempTree('airlock-hist-');
after(() => tree.cleanup());
let n = 0;
const ref = { agent: 'claude', agentSessionId: 'unit' };

function setup(files: Record<string, string | Buffer>, options: Partial<HistoryOptions> = {}): { ws: string; h: History } {
  const ws = tree.path(`ws${n}`);
  const data = tree.path(`data${n++}`);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(ws, p, '..'), { recursive: true });
    writeFileSync(join(ws, p), c);
  }
  mkdirSync(ws, { recursive: true });
  return { ws, h: new History(data, ws, { ...DEFAULT_HISTORY_OPTIONS, ...options }) };
}

function edit(h: History, ws: string, path: string, content: string): void {
  const id = h.beginEdit(ref, { kind: 'edit', paths: [path] });
  writeFileSync(join(ws, path), content);
  h.endEdit(ref, id, [path]);
}

async function command(h: History, ws: string, script: string): Promise<void> {
  const id = await h.beginCommand(ref, { command: script });
  execFileSync('/bin/sh', ['-c', script], { cwd: ws });
  await h.endCommand(ref, id);
}

describe('shadow history', () => {
  it('reads only changed files on an incremental checkpoint (the stat cache)', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`src/f${i}.ts`] = `file ${i}\n`;
    const { ws, h } = setup(files);
    const first = await h.checkpoint();
    assert.equal(first.files, 200);
    // Make every entry old enough not to be "racy" (modified in the same moment as the scan).
    for (let i = 0; i < 200; i++) utimesSync(join(ws, `src/f${i}.ts`), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await h.checkpoint();
    writeFileSync(join(ws, 'src/f7.ts'), 'changed\n');
    writeFileSync(join(ws, 'src/new.ts'), 'new\n');
    const before = h.objects.count();
    const info = await h.checkpoint();
    assert.equal(info.changed, 2);
    assert.equal(info.files, 201);
    assert.equal(h.objects.count(), before + 2);
  });

  it('reports a damaged object and never restores it', async () => {
    const { ws, h } = setup({ 'a.txt': 'precious original\n' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', 'agent version\n');
    // Damage every pack byte-wise in the middle of its content.
    const packs = join(h.dir, 'objects', 'packs');
    for (const f of readdirSync(packs).filter((x) => x.endsWith('.pack'))) {
      const buf = readFileSync(join(packs, f));
      buf[buf.length - 3] = buf[buf.length - 3]! ^ 0xff;
      writeFileSync(join(packs, f), buf);
    }
    const hash = h.records(h.sessions()[0]!.id).records.flatMap((r) => (r.t === 'begin' ? (r.files ?? []) : [])).map((f) => (f.before as { hash: string }).hash)[0]!;
    assert.throws(() => new History(join(h.dir, '..'), ws).objects.read(hash), CorruptObjectError);
    const report = rollbackSession(h, h.sessions()[0]!.id);
    assert.equal(report.failed.length, 1);
    assert.match(report.failed[0]!.reason, /damaged/);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'agent version\n', 'the file is left as it was');
  });

  it('records files over the size cap as not restorable, and says so', async () => {
    const { ws, h } = setup({ 'small.txt': 'x', 'huge.bin': Buffer.alloc(5000, 1) }, { maxFileSize: 1000 });
    const cp = await h.checkpoint();
    assert.deepEqual(cp.unsaved, ['huge.bin']);
    await command(h, ws, 'printf y > small.txt; printf z > huge.bin');
    const report = rollbackSession(h, h.sessions()[0]!.id);
    assert.deepEqual(report.restored, ['small.txt']);
    assert.deepEqual(report.unrestorable.map((u) => u.path), ['huge.bin']);
    assert.match(report.unrestorable[0]!.reason, /larger than the history's size limit per file/);
  });

  it('records new content over the workspace cap as not kept', async () => {
    const { h } = setup({ 'a.bin': Buffer.alloc(4000, 1), 'b.bin': Buffer.alloc(4000, 2) }, { maxTotalSize: 3000 });
    const cp = await h.checkpoint();
    assert.ok(cp.unsaved.length >= 1, JSON.stringify(cp));
  });

  it('ignores dependencies, build outputs, .gitignore entries and configured patterns', async () => {
    const { ws, h } = setup({ '.gitignore': 'secret-cache/\n*.log\n', 'src/a.ts': 'a', 'sub/.gitignore': 'local.txt\n' }, { ignore: ['tmp/'] });
    await h.checkpoint();
    await command(h, ws, 'mkdir -p node_modules/x dist secret-cache tmp sub && echo 1 > node_modules/x/i.js && echo 2 > dist/o.js && echo 3 > secret-cache/c && echo 4 > tmp/t && echo 5 > run.log && echo 6 > sub/local.txt && echo 7 > src/b.ts');
    const { records } = h.records(h.sessions()[0]!.id);
    const end = records.find((r) => r.t === 'end');
    assert.deepEqual(end && end.t === 'end' ? end.files.map((f) => f.path) : [], ['src/b.ts']);
    assert.equal(h.isIgnored('node_modules/x/i.js'), true);
    assert.equal(h.isIgnored('src/b.ts'), false);
  });

  it('records and rolls back files named like built-in object properties (__proto__, constructor)', async () => {
    const { ws, h } = setup({ 'keep.txt': 'k' });
    await h.checkpoint();
    await command(h, ws, 'echo p > __proto__ && echo c > constructor && mkdir -p __proto__dir && echo q > hasOwnProperty');
    const cp = await h.checkpoint();
    assert.equal(cp.files, 4);
    const end = h.records(h.sessions()[0]!.id).records.find((r) => r.t === 'end');
    assert.deepEqual(end && end.t === 'end' ? end.files.map((f) => f.path) : [], ['__proto__', 'constructor', 'hasOwnProperty']);
    // Read back from disk by another process, then undone.
    const other = new History(h.dir.slice(0, -'/history'.length), ws);
    await command(other, ws, 'echo changed > __proto__');
    rollbackSession(other, other.sessions()[0]!.id);
    assert.deepEqual(readdirSync(ws).sort(), ['keep.txt']);
  });

  it("keeps a command's snapshot as a link to the index it just wrote, which another process can end", async () => {
    const { ws, h } = setup({ 'a.txt': 'a', 'b.txt': 'b' });
    await h.checkpoint();
    const id = await h.beginCommand(ref, { command: 'edit' });
    const snap = statSync(join(h.dir, 'snapshots', `${id}.json`));
    assert.equal(snap.ino, statSync(join(h.dir, 'index.json')).ino);
    writeFileSync(join(ws, 'a.txt'), 'changed');
    writeFileSync(join(ws, 'c.txt'), 'new');
    await h.checkpoint(); // a checkpoint meanwhile replaces the index file, not the snapshot
    const other = new History(h.dir.slice(0, -'/history'.length), ws);
    const files = await other.endCommand(ref, id);
    assert.deepEqual(files.map((f) => `${f.path}:${f.before?.type}>${f.after?.type}`), ['a.txt:file>file', 'c.txt:missing>file']);
    assert.equal(existsSync(join(h.dir, 'snapshots', `${id}.json`)), false);
  });

  it('does not end a command from its snapshot in memory once garbage collection removed the file', async () => {
    const { ws, h } = setup({ 'a.txt': 'a' });
    await h.checkpoint();
    const id = await h.beginCommand(ref, { command: 'edit' });
    writeFileSync(join(ws, 'a.txt'), 'changed');
    rmSync(join(h.dir, 'snapshots', `${id}.json`)); // what gc does to the snapshot of a command older than a day
    const files = await h.endCommand(ref, id);
    assert.deepEqual(files, []);
    const end = h.records(h.sessions()[0]!.id).records.find((r) => r.t === 'end' && r.id === id);
    assert.equal(end && end.t === 'end' ? end.ok : undefined, false);
  });

  it('always records edits by tools, even of ignored files', async () => {
    const { ws, h } = setup({ 'dist/out.js': 'built' });
    await h.checkpoint();
    edit(h, ws, 'dist/out.js', 'hand-edited');
    rollbackSession(h, h.sessions()[0]!.id);
    assert.equal(readFileSync(join(ws, 'dist/out.js'), 'utf8'), 'built');
  });

  it('leaves a file changed since the session alone, and --force restores it', async () => {
    const { ws, h } = setup({ 'a.txt': 'one\n', 'b.txt': 'b\n' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', 'two\n');
    edit(h, ws, 'b.txt', 'b2\n');
    writeFileSync(join(ws, 'a.txt'), 'person edited\n');
    const id = h.sessions()[0]!.id;
    const dry = rollbackSession(h, id, { dryRun: true });
    assert.deepEqual(dry.conflicts.map((c) => c.path), ['a.txt']);
    assert.deepEqual(dry.restored, ['b.txt']);
    assert.equal(readFileSync(join(ws, 'b.txt'), 'utf8'), 'b2\n', 'a dry run changes nothing');
    const forced = rollbackSession(h, id, { force: true });
    assert.deepEqual(forced.restored, ['a.txt', 'b.txt']);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'one\n');
    undoRollback(h);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'person edited\n', 'undo brings back the person\'s edit too');
  });

  it('treats an edit whose end was never reported as a conflict unless forced', async () => {
    const { ws, h } = setup({ 'a.txt': 'one\n' });
    await h.checkpoint();
    h.beginEdit(ref, { kind: 'edit', paths: ['a.txt'] });
    writeFileSync(join(ws, 'a.txt'), 'two\n');
    const report = rollbackSession(h, h.sessions()[0]!.id);
    assert.match(report.conflicts[0]!.reason, /did not see this action finish/);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'two\n');
  });

  it('refuses to undo over a file changed since the rollback, unless forced', async () => {
    const { ws, h } = setup({ 'a.txt': 'one\n' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', 'two\n');
    rollbackSession(h, h.sessions()[0]!.id);
    writeFileSync(join(ws, 'a.txt'), 'three\n');
    const undo = undoRollback(h);
    assert.deepEqual(undo.conflicts.map((c) => c.path), ['a.txt']);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'three\n');
  });

  it('restores the executable bit and symlinks, and removes folders the session created', async () => {
    const { ws, h } = setup({ 'run.sh': '#!/bin/sh\n', 'target.txt': 't' });
    chmodSync(join(ws, 'run.sh'), 0o755);
    await h.checkpoint();
    const before = snapshotTree(ws);
    await command(h, ws, 'chmod -x run.sh && ln -s target.txt link && mkdir -p a/b/c && echo x > a/b/c/d.txt && rm target.txt');
    rollbackSession(h, h.sessions()[0]!.id);
    assert.deepEqual(snapshotTree(ws), before);
    assert.equal(statSync(join(ws, 'run.sh')).mode & 0o111, 0o111);
    assert.equal(existsSync(join(ws, 'a')), false);
  });

  it('keeps a folder the session created when someone else put a file in it', async () => {
    const { ws, h } = setup({ 'x.txt': 'x' });
    await h.checkpoint();
    await command(h, ws, 'mkdir -p made && echo 1 > made/agent.txt');
    writeFileSync(join(ws, 'made', 'person.txt'), 'mine');
    rollbackSession(h, h.sessions()[0]!.id);
    assert.deepEqual(readdirSync(join(ws, 'made')), ['person.txt']);
  });

  it('skips a damaged journal line and counts it, instead of trusting it', async () => {
    const { ws, h } = setup({ 'a.txt': '1' });
    await h.checkpoint();
    edit(h, ws, 'a.txt', '2');
    const file = join(h.dir, 'sessions', h.sessions()[0]!.id, 'journal.jsonl');
    appendFileSync(file, '{"t":"begin","id":"forged"}\tdeadbeefdeadbeef\n{"t":"end","truncated');
    const { records, damaged } = readJournal(file);
    assert.equal(damaged, 2);
    assert.equal(records.length, 2);
  });

  it('takes over a lock whose owner died, and waits for a live one', () => {
    const file = tree.path('locks', 'l.lock');
    mkdirSync(tree.path('locks'), { recursive: true });
    writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), time: Date.now(), what: 'x' }));
    const lock = acquireLock(file, { timeoutMs: 500 });
    assert.throws(() => acquireLock(file, { timeoutMs: 100 }), LockTimeoutError);
    lock.release();
    acquireLock(file, { timeoutMs: 100 }).release();
  });

  it('collects old ended sessions but keeps what live sessions, the index and undos need', async () => {
    const { ws, h } = setup({ 'a.txt': 'a0 unique original', 'b.txt': 'b0' }, { retentionDays: 0.5 });
    await h.checkpoint();
    const old = { agent: 'claude', agentSessionId: 'old' };
    const id1 = h.beginEdit(old, { kind: 'edit', paths: ['a.txt'] });
    writeFileSync(join(ws, 'a.txt'), 'a1 old session');
    h.endEdit(old, id1, ['a.txt']);
    h.endSession(old);
    const live = { agent: 'cursor', agentSessionId: 'live' };
    const id2 = h.beginEdit(live, { kind: 'edit', paths: ['b.txt'] });
    writeFileSync(join(ws, 'b.txt'), 'b1 live session');
    h.endEdit(live, id2, ['b.txt']);
    const liveId = h.sessions().find((s) => s.agentSessionId === 'live')!.id;
    rollbackSession(h, liveId);
    assert.equal(readFileSync(join(ws, 'b.txt'), 'utf8'), 'b0');
    // 13 hours later: the ended session is past the 12-hour retention; the other never ended and was
    // active within the last day, so it is live.
    const later = Date.now() + 13 * 3600_000;
    const dry = collectGarbage(h, { now: later, dryRun: true });
    assert.deepEqual(dry.sessionsRemoved, [h.sessions().find((s) => s.agentSessionId === 'old')!.id]);
    assert.equal(h.sessions().length, 2, 'a dry run removes nothing');
    const report = collectGarbage(h, { now: later });
    assert.equal(report.sessionsRemoved.length, 1);
    assert.deepEqual(h.sessions().map((s) => s.agentSessionId), ['live']);
    assert.equal(report.objectsAfter, report.objectsBefore - 1, 'only the old session\'s original of a.txt went');
    // The undo of the live session's rollback still has what it needs.
    undoRollback(h);
    assert.equal(readFileSync(join(ws, 'b.txt'), 'utf8'), 'b1 live session');
    assert.deepEqual(rollbackSession(h, liveId).failed, []);
  });

  it('repacks many small packs into one without losing an object', async () => {
    const { ws, h } = setup({ 'a.txt': 'x' });
    await h.checkpoint();
    for (let i = 0; i < 20; i++) edit(h, ws, 'a.txt', `version ${i}`);
    const packsBefore = h.objects.packs().length;
    const report = collectGarbage(h);
    assert.ok(h.objects.packs().length < packsBefore, `${packsBefore} -> ${h.objects.packs().length}`);
    assert.equal(report.objectsAfter, report.objectsBefore);
    const r = rollbackSession(h, h.sessions()[0]!.id);
    assert.deepEqual(r.failed, []);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'x');
  });
});
