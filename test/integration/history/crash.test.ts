/**
 * Crash safety, deterministically (docs/design.md, "Shadow history: the commit rule"). A real `airlock`
 * process runs a rollback, an undo, a recovery or a garbage collection and is killed with SIGKILL at a
 * fault point, just before one of its writes (AIRLOCK_FAULT_AT; the points a run passes are listed
 * first with AIRLOCK_FAULT_TRACE, so a new write is swept without touching this test). After every kill:
 * - no file holds anything but its content before or after the session (nothing half-written);
 * - a person edits a file the operation writes, and the next command finishes (or reverts) the
 *   operation without overwriting that edit, and leaves no temporary file behind;
 * - exactly one audit entry and one demotion are written per rollback, and the audit chain verifies;
 * - undo (or, after an undo, rolling back again) still works.
 * npm test kills at the first and the last passage of every point; `npm run test:stress` at every one
 * (AIRLOCK_SWEEP=full), and adds a loop of random-moment kills.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { History } from '../../../src/core/history/history';
import { appendRecord, readJournal } from '../../../src/core/history/journal';
import { tempTree } from '../../unit/helpers/fixtures';
import {
  assertAccountedOnce,
  assertBeforeOrAfter,
  buildFixture,
  cli,
  copyOf,
  personEdits,
  pick,
  runChild,
  tracePoints,
  treeWithoutTemps,
  withPersonEdit,
  type Copy,
  type Fixture,
} from '../helpers/rollbackFixture';

const ALL = process.env.AIRLOCK_SWEEP === 'full';

describe('killed at every write', () => {
  const tree = tempTree('airlock-crash-');
  let fx: Fixture;
  /** The fixture with its session rolled back (the ground for undo and gc). */
  let rolled: Copy;
  const points: Record<string, string[]> = {};
  let killedMidway: Copy;

  before(async () => {
    fx = await buildFixture(tree.path('fixture'));
    rolled = copyOf(fx, tree.path('bases'));
    const r = await cli(rolled, ['rollback', '--last', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(treeWithoutTemps(rolled.ws), fx.beforeTree);
    points.rollback = await tracePoints(copyOf(fx, tree.path('t')), ['rollback', '--last', '--json'], tree.path('trace-rollback'));
    points.undo = await tracePoints(copyOf(rolled, tree.path('t')), ['undo-rollback', '--json'], tree.path('trace-undo'));
    // A rollback killed halfway: the ground for killing its recovery.
    killedMidway = copyOf(fx, tree.path('bases'));
    const k = await runChild(killedMidway, ['rollback', '--last', '--json'], { AIRLOCK_FAULT_AT: 'rollback:file-place:4' });
    assert.equal(k.signal, 'SIGKILL');
    points.recovery = await tracePoints(copyOf(killedMidway, tree.path('t')), ['rollback', '--last', '--json'], tree.path('trace-recovery'));
    points.revert = await tracePoints(copyOf(killedMidway, tree.path('t')), ['undo-rollback', '--json'], tree.path('trace-revert'));
  });
  after(() => tree.cleanup());

  it('passes a fault point before every kind of write of a rollback, an undo and a recovery', () => {
    const names = (list: string[]): string[] => [...new Set(list.map((p) => p.slice(0, p.lastIndexOf(':'))))].sort();
    // (No new pack here: the content the undo copies hold is already in the store, from the session.)
    assert.deepEqual(names(points.rollback!), ['account:audit', 'account:demote', 'account:marker', 'rollback:commit', 'rollback:dir-create', 'rollback:dir-remove', 'rollback:file-cleanup', 'rollback:file-keep', 'rollback:file-place', 'rollback:file-tmp', 'rollback:intent', 'rollback:undo-copies']);
    assert.deepEqual(names(points.undo!), ['account:audit', 'account:marker', 'undo:commit', 'undo:dir-create', 'undo:dir-remove', 'undo:file-cleanup', 'undo:file-keep', 'undo:file-place', 'undo:file-tmp', 'undo:intent', 'undo:undo-copies']);
    assert.ok(names(points.recovery!).includes('recover:commit') && names(points.recovery!).includes('recover:file-place') && names(points.recovery!).includes('account:demote'), names(points.recovery!).join(' '));
  });

  /** After a kill and the person's edit, the next `rollback --last` finishes the rollback; then undo works. */
  async function afterRollbackKill(copy: Copy, where: string): Promise<void> {
    assertBeforeOrAfter(copy.ws, fx, where);
    personEdits(copy);
    const next = await cli(copy, ['rollback', '--last', '--json']);
    // Killed after the commit: the rollback is done, and --last finds nothing more to roll back.
    assert.ok(next.code === 0 || /no session to roll back/.test(next.stderr), `${where}: ${next.stderr}`);
    assert.deepEqual(treeWithoutTemps(copy.ws), withPersonEdit(fx.beforeTree), `${where}: the rollback is complete and the person's edit survived`);
    assert.deepEqual(Object.keys(treeWithoutTemps(copy.ws)), Object.keys(readdirRecursive(copy.ws)), `${where}: no temporary file is left`);
    assert.equal(new History(copy.data, copy.ws).sessions()[0]!.rolledBack, true, `${where}: the session is rolled back`);
    assertAccountedOnce(copy, where, { rollbacks: 1 });
    const undo = await cli(copy, ['undo-rollback', '--json']);
    assert.equal(undo.code, 0, `${where}: ${undo.stderr}`);
    assert.deepEqual(treeWithoutTemps(copy.ws), withPersonEdit(fx.afterTree), `${where}: undo brings the session's result back, the person's edit stays`);
    assertAccountedOnce(copy, where, { rollbacks: 1, undos: 1 });
  }

  it('a rollback killed at each of its writes is finished by the next rollback, without losing a later edit', async () => {
    const chosen = pick(points.rollback!, ALL);
    assert.ok(chosen.length >= 15, chosen.join(' '));
    for (const point of chosen) {
      const copy = copyOf(fx, tree.path('runs'));
      const r = await runChild(copy, ['rollback', '--last', '--json'], { AIRLOCK_FAULT_AT: point });
      assert.equal(r.signal, 'SIGKILL', `${point}: the fault point killed the process (${r.stderr})`);
      await afterRollbackKill(copy, `rollback killed at ${point}`);
      rmSync(copy.ws, { recursive: true, force: true });
    }
  });

  it('a recovery killed at each of its writes is finished by the next command', async () => {
    const chosen = pick(points.recovery!, ALL);
    assert.ok(chosen.length >= 8, chosen.join(' '));
    for (const point of chosen) {
      const copy = copyOf(killedMidway, tree.path('runs'));
      const r = await runChild(copy, ['rollback', '--last', '--json'], { AIRLOCK_FAULT_AT: point });
      assert.equal(r.signal, 'SIGKILL', `${point}: the fault point killed the process (${r.stderr})`);
      await afterRollbackKill(copy, `recovery killed at ${point}`);
    }
  });

  it('reverting an interrupted rollback (undo-rollback), killed at each of its writes, is finished by the next undo', async () => {
    const chosen = pick(points.revert!, ALL);
    assert.ok(chosen.some((p) => p.startsWith('revert:commit')) && chosen.some((p) => p.startsWith('revert:file-place')), chosen.join(' '));
    for (const point of chosen) {
      const where = `revert killed at ${point}`;
      const copy = copyOf(killedMidway, tree.path('runs'));
      const r = await runChild(copy, ['undo-rollback', '--json'], { AIRLOCK_FAULT_AT: point });
      assert.equal(r.signal, 'SIGKILL', `${where}: the fault point killed the process (${r.stderr})`);
      assertBeforeOrAfter(copy.ws, fx, where);
      personEdits(copy);
      const next = await cli(copy, ['undo-rollback', '--json']);
      assert.ok(next.code === 0 || /no rollback to undo/.test(next.stderr), `${where}: ${next.stderr}`);
      assert.deepEqual(treeWithoutTemps(copy.ws), withPersonEdit(fx.afterTree), `${where}: everything is back as the session left it, the person's edit survived`);
      assert.deepEqual(Object.keys(treeWithoutTemps(copy.ws)), Object.keys(readdirRecursive(copy.ws)), `${where}: no temporary file is left`);
      assert.equal(new History(copy.data, copy.ws).sessions()[0]!.rolledBack, false, `${where}: the session is not rolled back`);
      assertAccountedOnce(copy, where, { rollbacks: 0, undos: 1 });
      // And the session can still be rolled back.
      const again = await cli(copy, ['rollback', '--last', '--json']);
      assert.equal(again.code, 0, `${where}: ${again.stderr}`);
      assert.deepEqual(treeWithoutTemps(copy.ws), withPersonEdit(fx.beforeTree), `${where}: rolled back again`);
    }
  });

  it('an undo killed at each of its writes is finished by the next undo, without losing a later edit', async () => {
    const chosen = pick(points.undo!, ALL);
    assert.ok(chosen.length >= 14, chosen.join(' '));
    for (const point of chosen) {
      const where = `undo killed at ${point}`;
      const copy = copyOf(rolled, tree.path('runs'));
      const r = await runChild(copy, ['undo-rollback', '--json'], { AIRLOCK_FAULT_AT: point });
      assert.equal(r.signal, 'SIGKILL', `${where}: the fault point killed the process (${r.stderr})`);
      // Between the rollback's result (the tree before the session) and the undo's (the tree after it).
      assertBeforeOrAfter(copy.ws, fx, where);
      personEdits(copy);
      const next = await cli(copy, ['undo-rollback', '--json']);
      assert.ok(next.code === 0 || /no rollback to undo/.test(next.stderr), `${where}: ${next.stderr}`);
      assert.deepEqual(treeWithoutTemps(copy.ws), withPersonEdit(fx.afterTree), `${where}: the undo is complete and the person's edit survived`);
      assert.deepEqual(Object.keys(treeWithoutTemps(copy.ws)), Object.keys(readdirRecursive(copy.ws)), `${where}: no temporary file is left`);
      assertAccountedOnce(copy, where, { rollbacks: 1, undos: 1 });
    }
  });

  it('a garbage collection killed at each of its writes loses nothing: the next gc finishes, undo and rollback still work', async () => {
    // Something for every kind of gc write: an old ended session, a stale snapshot, an old checkpoint,
    // an abandoned pack, a damaged pack index.
    const base = copyOf(rolled, tree.path('bases'));
    await addGarbage(base);
    const gcPoints = await tracePoints(copyOf(base, tree.path('t')), ['gc', '--json'], tree.path('trace-gc'));
    const names = [...new Set(gcPoints.map((p) => p.slice(0, p.lastIndexOf(':'))))].sort();
    assert.deepEqual(names, ['gc:checkpoint', 'gc:index-rebuild', 'gc:pack', 'gc:pack-remove', 'gc:rm-trash', 'gc:snapshot', 'gc:trash', 'gc:unpublished']);
    for (const point of pick(gcPoints, ALL)) {
      const where = `gc killed at ${point}`;
      const copy = copyOf(base, tree.path('runs'));
      const r = await runChild(copy, ['gc', '--json'], { AIRLOCK_FAULT_AT: point });
      assert.equal(r.signal, 'SIGKILL', `${where}: (${r.stderr})`);
      assert.deepEqual(treeWithoutTemps(copy.ws), fx.beforeTree, `${where}: gc never touches the workspace`);
      const again = await cli(copy, ['gc', '--json']);
      assert.equal(again.code, 0, `${where}: ${again.stderr}`);
      const h = new History(copy.data, copy.ws);
      assert.deepEqual(h.objects.damagedIndexes(), [], `${where}: the damaged index was rebuilt`);
      assert.deepEqual(h.sessions().map((s) => s.agentSessionId), ['kill-session'], `${where}: the old session is gone, the other stays`);
      const undo = await cli(copy, ['undo-rollback', '--json']);
      assert.equal(undo.code, 0, `${where}: ${undo.stderr}`);
      assert.deepEqual(treeWithoutTemps(copy.ws), fx.afterTree, `${where}: undo works after the collection`);
      const back = await cli(copy, ['rollback', '--last', '--json']);
      assert.equal(back.code, 0, `${where}: ${back.stderr}`);
      assert.deepEqual(treeWithoutTemps(copy.ws), fx.beforeTree, `${where}: rolling back again works after the collection`);
    }
  });
});

function readdirRecursive(root: string, rel = ''): Record<string, true> {
  const out: Record<string, true> = {};
  for (const e of readdirSync(rel ? join(root, rel) : root, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      out[`${r}/`] = true;
      Object.assign(out, readdirRecursive(root, r));
    } else out[r] = true;
  }
  return out;
}

/** Adds what a collection removes or repairs to a copy's history. */
async function addGarbage(copy: Copy): Promise<void> {
  const h = new History(copy.data, copy.ws);
  const old = { agent: 'cursor', agentSessionId: 'old-session' };
  // It created a file (since removed by someone else): its content is needed by nothing else.
  const id = h.beginEdit(old, { kind: 'create', paths: ['old.txt'] });
  writeFileSync(join(copy.ws, 'old.txt'), 'content only the old session knew\n');
  h.endEdit(old, id, ['old.txt']);
  h.endSession(old);
  rmSync(join(copy.ws, 'old.txt'));
  const oldId = h.sessions().find((s) => s.agentSessionId === 'old-session')!.id;
  // Its records are 60 days old: past the retention period.
  const file = join(copy.data, 'history', 'sessions', oldId, 'journal.jsonl');
  const { records } = readJournal(file);
  writeFileSync(file, '');
  for (const r of records) appendRecord(file, { ...r, time: r.time - 60 * 86_400_000 });
  const longAgo = new Date(Date.now() - 60 * 86_400_000);
  writeFileSync(join(copy.data, 'history', 'snapshots', 'a-stale.json'), '{}');
  utimesSync(join(copy.data, 'history', 'snapshots', 'a-stale.json'), longAgo, longAgo);
  for (const f of readdirSync(join(copy.data, 'history', 'checkpoints'))) utimesSync(join(copy.data, 'history', 'checkpoints', f), longAgo, longAgo);
  const packs = join(copy.data, 'history', 'objects', 'packs');
  writeFileSync(join(packs, 'abandoned.pack'), 'ALKP');
  utimesSync(join(packs, 'abandoned.pack'), longAgo, longAgo);
  // One flipped byte in the index of the pack holding the session's originals.
  const idx = readdirSync(packs).filter((f) => f.endsWith('.idx')).sort()[0]!;
  const buf = readFileSync(join(packs, idx));
  buf[20] = buf[20]! ^ 0x01;
  writeFileSync(join(packs, idx), buf);
}
