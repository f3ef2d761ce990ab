/**
 * Rolling a session back (docs/cli.md `airlock rollback`), safely (docs/design.md principle 5):
 * - every file the session touched goes back to its state before the session (content, executable
 *   bit, symlinks as symlinks; created files removed, deleted files recreated, renames undone);
 * - a file changed since by someone else is a conflict, left alone unless forced;
 * - the current state of everything about to change is saved first, so the rollback can be undone;
 * - the plan is journaled before any file is touched, so a rollback interrupted at any point (the
 *   process killed) is finished on the next run; files are replaced by rename, never half-written.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../storage/atomicFile';
import { applyState, captureState, restorable, RestoreError, sameState, unsavedReason, type FileState } from './fileState';
import type { History } from './history';
import type { PackWriter } from './objectStore';

/** One file of a rollback plan. */
export interface RollbackStep {
  readonly path: string;
  /** What the file goes back to. */
  readonly target: FileState;
  /** What it held when the rollback started (kept, so the rollback can be undone). */
  readonly undo: FileState;
  readonly action: 'restore' | 'remove' | 'recreate';
}

/** A file left alone, and why. */
export interface Skipped {
  readonly path: string;
  readonly reason: string;
}

/** What a rollback did or, with `dryRun`, would do (docs/cli.md). */
export interface RollbackReport {
  readonly session: string;
  readonly restored: readonly string[];
  readonly removed: readonly string[];
  readonly recreated: readonly string[];
  readonly conflicts: readonly Skipped[];
  /** Files whose earlier content was never kept (too large, unreadable): reported, not restored. */
  readonly unrestorable: readonly Skipped[];
  /** Files that failed while restoring; the rest went on. */
  readonly failed: readonly Skipped[];
  readonly undoId: string | null;
  readonly dryRun: boolean;
  /** Folders the session created that were removed because they were empty again. */
  readonly removedDirs: readonly string[];
}

/** The journal of one rollback (or undo), written before any file changes. */
interface RollbackRecord {
  readonly id: string;
  readonly kind: 'rollback' | 'undo';
  readonly session: string;
  /** For an undo: the rollback it reverses. */
  readonly reverses?: string;
  readonly time: number;
  status: 'applying' | 'done' | 'undone';
  readonly steps: readonly RollbackStep[];
  readonly removeDirs: readonly string[];
  readonly recreateDirs: readonly string[];
  /** Folders this rollback really created and removed (an undo reverses exactly these). */
  didCreateDirs?: readonly string[];
  didRemoveDirs?: readonly string[];
  readonly report: Omit<RollbackReport, 'undoId' | 'dryRun'>;
}

/** Thrown when nothing can be undone. */
export class NothingToUndoError extends Error {}

interface Touched {
  first: FileState;
  last: FileState | undefined;
  /** The session's last action on this path never reported its end (or ran alongside another command). */
  uncertain: boolean;
}

/** Every path a session touched, with its state before the session and the state the session left. */
function touchedBy(history: History, sessionId: string): { files: Map<string, Touched>; newDirs: string[]; removedDirs: string[] } {
  const { records } = history.records(sessionId);
  const files = new Map<string, Touched>();
  const ended = new Set<string>();
  for (const r of records) if (r.t === 'end') ended.add(r.id);
  // The latest action on each path decides whether the session's final state of it is known.
  const lastAction = new Map<string, { id: string; overlapping: boolean }>();
  const newDirs: string[] = [];
  const removedDirs: string[] = [];
  const touch = (path: string, first: FileState): Touched => {
    let t = files.get(path);
    if (!t) files.set(path, (t = { first, last: undefined, uncertain: false }));
    return t;
  };
  for (const r of records) {
    if (r.t === 'begin') {
      for (const d of r.newDirs ?? []) newDirs.push(d);
      for (const f of r.files ?? []) {
        if (!f.before) continue;
        touch(f.path, f.before);
        lastAction.set(f.path, { id: r.id, overlapping: false });
      }
    } else if (r.t === 'end') {
      for (const d of r.newDirs ?? []) newDirs.push(d);
      for (const d of r.removedDirs ?? []) removedDirs.push(d);
      for (const f of r.files) {
        const t = touch(f.path, f.before ?? { type: 'missing' });
        if (f.after) t.last = f.after;
        lastAction.set(f.path, { id: r.id, overlapping: r.overlapping === true });
      }
    }
  }
  for (const [path, t] of files) {
    const last = lastAction.get(path);
    t.uncertain = !last || !ended.has(last.id) || last.overlapping;
  }
  return { files, newDirs, removedDirs };
}

function rollbacksDir(history: History): string {
  return join(history.dir, 'rollbacks');
}

/** While a rollback is being applied, this file names it; recovery only has to look here. */
const ACTIVE = 'active';

function saveRecord(history: History, record: RollbackRecord): void {
  if (record.status === 'applying') writeFileAtomic(join(rollbacksDir(history), ACTIVE), record.id);
  writeFileAtomic(join(rollbacksDir(history), `${record.id}.json`), JSON.stringify(record));
  if (record.status !== 'applying') {
    try {
      if (readFileSync(join(rollbacksDir(history), ACTIVE), 'utf8') === record.id) unlinkSync(join(rollbacksDir(history), ACTIVE));
    } catch {
      // no marker
    }
  }
}

function loadRecords(history: History): RollbackRecord[] {
  let names: string[];
  try {
    names = readdirSync(rollbacksDir(history)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: RollbackRecord[] = [];
  for (const n of names) {
    try {
      out.push(JSON.parse(readFileSync(join(rollbacksDir(history), n), 'utf8')) as RollbackRecord);
    } catch {
      // A record is written atomically, so an unreadable one was damaged later: it cannot be trusted.
    }
  }
  return out.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
}

function describeState(s: FileState): string {
  return s.type === 'missing' ? 'missing' : s.type;
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function applySteps(history: History, record: RollbackRecord, failed: Skipped[]): { created: string[]; removed: string[] } {
  const created: string[] = [];
  const removed: string[] = [];
  for (const d of [...record.recreateDirs].sort((a, b) => a.length - b.length)) {
    const abs = history.absPath(d);
    if (exists(abs)) continue;
    try {
      applyState(abs, { type: 'dir' }, history.objects);
      created.push(d);
    } catch (e) {
      failed.push({ path: d, reason: (e as Error).message });
    }
  }
  for (const step of record.steps) {
    try {
      applyState(history.absPath(step.path), step.target, history.objects);
      countWrite();
    } catch (e) {
      failed.push({ path: step.path, reason: e instanceof RestoreError ? e.message : `could not be restored: ${(e as Error).message}` });
    }
  }
  // Folders to remove go only when empty, deepest first; anything still in them stays.
  for (const d of [...record.removeDirs].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(history.absPath(d));
      removed.push(d);
    } catch {
      // not empty, or already gone
    }
  }
  return { created, removed };
}

/** Removes temporary files a killed process left next to `abs` (`.name.PID.RANDOM.tmp`, PID no longer running). */
function removeDeadTemps(abs: string): void {
  const dir = dirname(abs);
  const prefix = `.${basename(abs)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(n.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) {
      try {
        unlinkSync(join(dir, n));
      } catch {
        // gone
      }
    }
  }
}

/** Finishes any rollback a crash interrupted. Called before every history operation that changes files. */
export function recoverInterrupted(history: History): string[] {
  const finished: string[] = [];
  if (!existsSync(join(rollbacksDir(history), ACTIVE))) return finished;
  for (const record of loadRecords(history)) {
    if (record.status !== 'applying') continue;
    for (const step of record.steps) removeDeadTemps(history.absPath(step.path));
    // Every step sets a path to a recorded state, so running them again is safe whatever was done before the crash.
    const did = applySteps(history, record, []);
    record.status = 'done';
    saveRecord(history, { ...record, didCreateDirs: [...(record.didCreateDirs ?? []), ...did.created], didRemoveDirs: [...(record.didRemoveDirs ?? []), ...did.removed] });
    finishMarkers(history, record);
    finished.push(record.id);
  }
  return finished;
}

function finishMarkers(history: History, record: RollbackRecord): void {
  if (record.kind === 'rollback') history.mark(record.session, { t: 'rolled-back', time: Date.now(), rollback: record.id });
  else if (record.reverses) history.mark(record.session, { t: 'rollback-undone', time: Date.now(), rollback: record.reverses });
}

/** Plans and (unless `dryRun`) performs the rollback of a session. */
/** What a rollback would do to each file, without touching anything (for previews). */
export interface RollbackPlan {
  readonly steps: readonly RollbackStep[];
  readonly restored: readonly string[];
  readonly removed: readonly string[];
  readonly recreated: readonly string[];
  readonly conflicts: readonly Skipped[];
  readonly unrestorable: readonly Skipped[];
}

/**
 * Plans a rollback: every file the session touched, what it goes back to, and what is left alone.
 * With a pack writer, the current content of each file about to change is saved (so it can be undone).
 */
function plan(history: History, files: Map<string, Touched>, force: boolean, pack: PackWriter | undefined): RollbackPlan {
  const steps: RollbackStep[] = [];
  const restored: string[] = [];
  const removed: string[] = [];
  const recreated: string[] = [];
  const conflicts: Skipped[] = [];
  const unrestorable: Skipped[] = [];
  for (const [path, t] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const abs = history.absPath(path);
    const current = captureState(abs, undefined, history.options);
    if (sameState(current, t.first)) continue;
    if (t.first.type === 'dir') continue;
    if (!restorable(t.first)) {
      unrestorable.push({ path, reason: unsavedReason((t.first as { unsaved: 'too-large' }).unsaved, (t.first as { size: number }).size) });
      continue;
    }
    if (!force) {
      if (t.last === undefined || t.uncertain) {
        conflicts.push({ path, reason: t.last === undefined ? 'Airlock did not see this action finish, so it cannot tell whether someone else changed the file since' : 'another command ran at the same time, so the change may not be this session\'s' });
        continue;
      }
      if (!sameState(current, t.last)) {
        conflicts.push({ path, reason: `changed since the session (the session left it ${describeState(t.last)}, it is now ${describeState(current)} with other content)` });
        continue;
      }
    }
    const action: RollbackStep['action'] = t.first.type === 'missing' ? 'remove' : current.type === 'missing' ? 'recreate' : 'restore';
    const undo = pack ? captureState(abs, pack, history.options) : current;
    steps.push({ path, target: t.first, undo, action });
    (action === 'remove' ? removed : action === 'recreate' ? recreated : restored).push(path);
  }
  return { steps, restored, removed, recreated, conflicts, unrestorable };
}

/** What rolling a session back would do, file by file (the editor's preview); changes nothing. */
export function previewRollback(history: History, sessionId: string, options: { force?: boolean } = {}): RollbackPlan {
  return plan(history, touchedBy(history, sessionId).files, options.force === true, undefined);
}

export function rollbackSession(history: History, sessionId: string, options: { dryRun?: boolean; force?: boolean } = {}): RollbackReport {
  const lock = history.lockWorkspace('a rollback');
  try {
    recoverInterrupted(history);
    const { files, newDirs, removedDirs } = touchedBy(history, sessionId);
    let planned: RollbackPlan;
    const writerLock = history.storeLock.writer();
    const pack = history.objects.writer();
    try {
      planned = plan(history, files, options.force === true, options.dryRun ? undefined : pack);
      if (options.dryRun) pack.abort();
      else pack.commit();
    } catch (e) {
      pack.abort();
      throw e;
    } finally {
      writerLock.release();
    }
    const { steps, restored, removed, recreated, conflicts, unrestorable } = planned;
    const removeDirs = [...new Set(newDirs)];
    const recreateDirs = [...new Set(removedDirs)];
    const reportBase = { session: sessionId, restored, removed, recreated, conflicts, unrestorable, removedDirs: removeDirs };
    if (options.dryRun) return { ...reportBase, failed: [], undoId: null, dryRun: true };
    const record: RollbackRecord = {
      id: `rb-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
      kind: 'rollback',
      session: sessionId,
      time: Date.now(),
      status: 'applying',
      steps,
      removeDirs,
      recreateDirs,
      report: { ...reportBase, failed: [] },
    };
    saveRecord(history, record);
    faultPoint('rollback-journaled');
    const failed: Skipped[] = [];
    const did = applySteps(history, record, failed);
    record.status = 'done';
    saveRecord(history, { ...record, didCreateDirs: did.created, didRemoveDirs: did.removed, report: { ...record.report, failed } });
    finishMarkers(history, record);
    return { ...reportBase, failed, undoId: record.id, dryRun: false };
  } finally {
    lock.release();
  }
}

/** Reverses the last (or the named) rollback, returning every file to where it was before it. */
export function undoRollback(history: History, rollbackId?: string, options: { force?: boolean; dryRun?: boolean } = {}): RollbackReport {
  const lock = history.lockWorkspace('undoing a rollback');
  try {
    recoverInterrupted(history);
    const records = loadRecords(history);
    const candidates = records.filter((r) => r.kind === 'rollback' && r.status === 'done');
    const target = rollbackId ? records.find((r) => r.id === rollbackId || r.id.startsWith(rollbackId)) : candidates[candidates.length - 1];
    if (!target) throw new NothingToUndoError(rollbackId ? `No rollback ${JSON.stringify(rollbackId)}.` : 'There is no rollback to undo.');
    if (target.kind !== 'rollback') throw new NothingToUndoError(`${target.id} is itself an undo; roll the session back again instead.`);
    if (target.status === 'undone') throw new NothingToUndoError(`Rollback ${target.id} was already undone.`);
    const steps: RollbackStep[] = [];
    const restored: string[] = [];
    const removed: string[] = [];
    const recreated: string[] = [];
    const conflicts: Skipped[] = [];
    const writerLock = history.storeLock.writer();
    const pack = history.objects.writer();
    try {
      for (const step of target.steps) {
        const abs = history.absPath(step.path);
        const current = captureState(abs, undefined, history.options);
        if (sameState(current, step.undo)) continue;
        if (!options.force && !sameState(current, step.target)) {
          conflicts.push({ path: step.path, reason: 'changed since the rollback' });
          continue;
        }
        const action: RollbackStep['action'] = step.undo.type === 'missing' ? 'remove' : current.type === 'missing' ? 'recreate' : 'restore';
        steps.push({ path: step.path, target: step.undo, undo: options.dryRun ? current : captureState(abs, pack, history.options), action });
        (action === 'remove' ? removed : action === 'recreate' ? recreated : restored).push(step.path);
      }
      if (options.dryRun) pack.abort();
      else pack.commit();
    } finally {
      writerLock.release();
    }
    const reportBase = { session: target.session, restored, removed, recreated, conflicts, unrestorable: [], removedDirs: [] };
    if (options.dryRun) return { ...reportBase, failed: [], undoId: null, dryRun: true };
    const record: RollbackRecord = {
      id: `un-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
      kind: 'undo',
      session: target.session,
      reverses: target.id,
      time: Date.now(),
      status: 'applying',
      steps,
      removeDirs: target.didCreateDirs ?? [],
      recreateDirs: target.didRemoveDirs ?? [],
      report: { ...reportBase, failed: [] },
    };
    saveRecord(history, record);
    const failed: Skipped[] = [];
    const did = applySteps(history, record, failed);
    record.status = 'done';
    saveRecord(history, { ...record, didCreateDirs: did.created, didRemoveDirs: did.removed, report: { ...record.report, failed } });
    // Files left alone (changed since) or failed keep the rollback open, so it can be undone again
    // (with --force) rather than be marked finished while files are still rolled back.
    if (conflicts.length === 0 && failed.length === 0) {
      saveRecord(history, { ...target, status: 'undone' });
      finishMarkers(history, record);
    }
    return { ...reportBase, failed, undoId: record.id, dryRun: false };
  } finally {
    lock.release();
  }
}

/** The rollback records, newest last (for garbage collection and views). */
/** Every rollback and undo recorded for the workspace, oldest first. */
export function rollbackRecords(history: History): readonly { id: string; kind: 'rollback' | 'undo'; session: string; time: number; status: string; steps: readonly RollbackStep[] }[] {
  return loadRecords(history);
}

/**
 * Test hook for the crash test: `AIRLOCK_FAULT=<point>` kills this process with SIGKILL at that point,
 * and `AIRLOCK_FAULT=writes:<n>` after the n-th file written by a rollback. Not set in normal use.
 */
export function faultPoint(point: string): void {
  const fault = process.env.AIRLOCK_FAULT;
  if (fault && fault === point) process.kill(process.pid, 'SIGKILL');
}

let writes = 0;
function countWrite(): void {
  const fault = process.env.AIRLOCK_FAULT;
  if (fault?.startsWith('writes:') && ++writes === Number(fault.slice(7))) process.kill(process.pid, 'SIGKILL');
}
