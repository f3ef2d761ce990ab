/**
 * Rolling a session back (docs/cli.md `airlock rollback`), safely (docs/design.md principle 5 and
 * "Shadow history: the commit rule"):
 * - every file the session touched goes back to its state before the session (content, executable
 *   bit, symlinks as symlinks; created files removed, deleted files recreated, renames undone);
 * - a file changed since by someone else is a conflict, left alone unless forced; where Airlock kept
 *   no content to compare with (too large, unreadable), it says so and treats the file as a conflict;
 *   content Airlock did not keep is never deleted or overwritten without `--force`;
 * - the current state of everything about to change is saved first, and read back, so the rollback
 *   can be undone;
 * - the plan (the intent) is written before any file is touched; each file is then written only if it
 *   still holds exactly the state planned for it, so a person's edit made meanwhile is never lost;
 * - the commit record is the operation's last write: "rolled back" and "undone" are derived from it.
 *   An operation interrupted before it (a crash, a full disk) is finished, or reverted, under the
 *   workspace lock by the next rollback, undo or garbage collection, with the same checks.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { applyGuarded, captureState, checkRealParents, compareStates, createDir, removeEmptyDir, restorable, RestoreError, SymlinkedFolderError, unsavedReason, type FileState } from './fileState';
import { faultPoint } from './faults';
import type { History } from './history';
import { CorruptObjectError, hashOf, MissingObjectError, type PackWriter } from './objectStore';
import { operationsDir, operationStatuses, pendingOperations, readOperations, writeCommit, writeIntent, writeRevert, type Commit, type DamagedRecord, type Intent, type Operation, type RollbackStep, type Skipped } from './operations';

export type { RollbackStep, Skipped } from './operations';

/** What a rollback (or undo) did or, with `dryRun`, would do (docs/cli.md). */
export interface RollbackReport {
  readonly session: string;
  readonly restored: readonly string[];
  readonly removed: readonly string[];
  readonly recreated: readonly string[];
  readonly conflicts: readonly Skipped[];
  /** Files whose earlier content was never kept (too large, unreadable, damaged): reported, not restored. */
  readonly unrestorable: readonly Skipped[];
  /** Files that could not be written (a full disk, permissions): the operation is not finished. */
  readonly failed: readonly Skipped[];
  /** The operation's id (`airlock undo-rollback ID` reverses a rollback). */
  readonly undoId: string | null;
  readonly dryRun: boolean;
  /** Folders the session created that were removed because they were empty again. */
  readonly removedDirs: readonly string[];
  /** `rollback` or `undo`. */
  readonly kind: 'rollback' | 'undo';
  /** For an undo: the rollback it reverses. */
  readonly reverses?: string;
  /** Some files failed: the operation is not committed (the session is not marked rolled back); a retry finishes the rest. */
  readonly partial: boolean;
  /** Files changed with `--force` whose content before could not be kept: this change cannot be undone. */
  readonly notUndoable: readonly Skipped[];
  /** This finished (or reverted) an operation that had been interrupted. */
  readonly recovered: boolean;
  /** An interrupted rollback was reverted (undo-rollback of a rollback that never finished). */
  readonly reverted: boolean;
  /** Damaged journal records of the session (the files they concerned are left alone). */
  readonly damagedRecords: number;
  /** What to do next, when there is something to do (a full disk, a permission problem). */
  readonly hint?: string;
}

/** What a rollback would do to each file, without touching anything (for previews). */
export interface RollbackPlan {
  readonly steps: readonly RollbackStep[];
  readonly restored: readonly string[];
  readonly removed: readonly string[];
  readonly recreated: readonly string[];
  readonly conflicts: readonly Skipped[];
  readonly unrestorable: readonly Skipped[];
  /** Files `--force` would change although their current content cannot be kept (not undoable). */
  readonly notUndoable: readonly Skipped[];
}

/** Thrown when nothing can be undone. */
export class NothingToUndoError extends Error {}

/** Thrown when the session is already rolled back (by this or another process). */
export class AlreadyRolledBackError extends Error {}

/** Thrown when an interrupted operation could not be finished, so no new one starts. */
export class InterruptedOperationError extends Error {
  constructor(readonly report: RollbackReport) {
    super(`${report.kind === 'undo' ? 'An undo' : 'A rollback'} (${report.undoId}) of session ${report.session} was interrupted and could not be finished yet: ${report.hint ?? report.failed[0]?.reason ?? 'see `airlock doctor`'}`);
  }
}

/** Thrown when the history cannot record what it needs before any file changes; nothing was changed. */
export class HistoryWriteError extends Error {}

/** The command that retries an operation, for messages. */
function retryCommand(kind: 'rollback' | 'undo'): string {
  return kind === 'undo' ? 'airlock undo-rollback' : 'airlock rollback --last';
}

/** A plain sentence for an I/O error, saying what to do. */
export function ioProblem(e: unknown, retry: string): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk is full: free space and run \`${retry}\` again; nothing was lost`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied${err.path ? ` on ${err.path}` : ''}: fix the permissions and run \`${retry}\` again; nothing was lost`;
    case 'EROFS':
      return `the file system is read-only: make it writable and run \`${retry}\` again; nothing was lost`;
    case 'EIO':
      return `the disk reported an I/O error: check it and run \`${retry}\` again; nothing was lost`;
    default:
      return `${err.message ?? String(e)}; run \`${retry}\` again to finish; nothing was lost`;
  }
}

interface Touched {
  /** The state before the session; undefined when unknown (its record is damaged or missing). */
  first: FileState | undefined;
  last: FileState | undefined;
  /** The session's last action on this path never reported its end (or ran alongside another command). */
  uncertain: boolean;
  /** A damaged journal record comes before the first record of this path. */
  afterDamage: boolean;
}

/** Every path a session touched, with its state before the session and the state the session left. */
function touchedBy(history: History, sessionId: string): { files: Map<string, Touched>; newDirs: string[]; removedDirs: string[]; damaged: number } {
  const { records, damagedAt } = history.records(sessionId);
  const firstDamage = damagedAt.length > 0 ? Math.min(...damagedAt) : Infinity;
  const files = new Map<string, Touched>();
  const ended = new Set<string>();
  for (const r of records) if (r.t === 'end') ended.add(r.id);
  // The latest action on each path decides whether the session's final state of it is known.
  const lastAction = new Map<string, { id: string; overlapping: boolean }>();
  // A folder's state before the session is told by the first record of it: created (absent before)
  // or removed (present before), whatever the session did to it afterwards.
  const dirFirst = new Map<string, 'new' | 'removed'>();
  const dir = (d: string, what: 'new' | 'removed'): void => {
    if (!dirFirst.has(d)) dirFirst.set(d, what);
  };
  const touch = (path: string, first: FileState | undefined, at: number): Touched => {
    let t = files.get(path);
    if (!t) files.set(path, (t = { first, last: undefined, uncertain: false, afterDamage: at >= firstDamage }));
    return t;
  };
  records.forEach((r, i) => {
    if (r.t === 'begin') {
      for (const d of r.newDirs ?? []) dir(d, 'new');
      for (const f of r.files ?? []) {
        touch(f.path, f.before, i);
        lastAction.set(f.path, { id: r.id, overlapping: false });
      }
    } else if (r.t === 'end') {
      for (const d of r.newDirs ?? []) dir(d, 'new');
      for (const d of r.removedDirs ?? []) dir(d, 'removed');
      for (const f of r.files) {
        // An end without its begin (a lost record): the state before is unknown, never "missing".
        const t = touch(f.path, f.before, i);
        if (f.after) t.last = f.after;
        lastAction.set(f.path, { id: r.id, overlapping: r.overlapping === true });
      }
    }
  });
  for (const [path, t] of files) {
    const last = lastAction.get(path);
    t.uncertain = !last || !ended.has(last.id) || last.overlapping;
  }
  const newDirs = [...dirFirst].filter(([, w]) => w === 'new').map(([d]) => d);
  const removedDirs = [...dirFirst].filter(([, w]) => w === 'removed').map(([d]) => d);
  return { files, newDirs, removedDirs, damaged: damagedAt.length };
}

function describeState(s: FileState): string {
  return s.type === 'missing' ? 'missing' : s.type;
}

function notKept(s: FileState): s is Extract<FileState, { unsaved: string }> {
  return s.type === 'file' && 'unsaved' in s;
}

/** Checks that the content a step restores is in the store and intact; the reason when it is not. */
function unreadable(history: History, s: FileState): string | undefined {
  if (s.type !== 'file' || !('hash' in s)) return undefined;
  try {
    history.objects.read(s.hash);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The undo state of one file about to change: its current state, saved through `pack` when there is
 * one. Returns a conflict reason when the current content cannot be kept and `force` is not set.
 */
function undoStateOf(history: History, abs: string, current: FileState, pack: PackWriter | undefined, force: boolean): { undo: FileState; notUndoable?: string } | { conflict: string } {
  if (notKept(current)) {
    const why = `its current content (${current.size} bytes) cannot be kept: ${unsavedReason(current.unsaved, current.size).replace(/^it was/, 'it is').replace(/when it was recorded$/, 'now')}`;
    if (!force) return { conflict: `${why}, so the change could not be undone; --force changes it anyway` };
    return { undo: current, notUndoable: `${why}; changed with --force, this cannot be undone` };
  }
  if (!pack) return { undo: current };
  const undo = captureState(abs, pack, history.options, undefined, { hashUnsaved: true });
  if (compareStates(undo, current) !== 'same') return { conflict: 'it changed while the rollback was being planned' };
  return { undo };
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
  const notUndoable: Skipped[] = [];
  for (const [path, t] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const abs = history.absPath(path);
    try {
      checkRealParents(abs);
    } catch (e) {
      if (!(e instanceof SymlinkedFolderError)) throw e;
      conflicts.push({ path, reason: e.message });
      continue;
    }
    const current = captureState(abs, undefined, history.options, undefined, { hashUnsaved: true });
    if (t.first === undefined) {
      unrestorable.push({ path, reason: 'its state before the session is unknown (the journal record of it is damaged or missing), so Airlock leaves it as it is' });
      continue;
    }
    if (compareStates(current, t.first) === 'same') continue;
    if (t.first.type === 'dir') continue;
    if (notKept(t.first)) {
      unrestorable.push({ path, reason: unsavedReason(t.first.unsaved, t.first.size) });
      continue;
    }
    if (current.type === 'dir') {
      conflicts.push({ path, reason: 'it is a folder now; Airlock does not replace a folder' });
      continue;
    }
    if (!force) {
      if (t.afterDamage) {
        conflicts.push({ path, reason: 'a damaged journal record comes before this file\'s first record, so its state before the session is not certain' });
        continue;
      }
      if (t.last === undefined || t.uncertain) {
        conflicts.push({ path, reason: t.last === undefined ? 'Airlock did not see this action finish, so it cannot tell whether someone else changed the file since' : 'another command ran at the same time, so the change may not be this session\'s' });
        continue;
      }
      const cmp = compareStates(current, t.last);
      if (cmp === 'unknown') {
        conflicts.push({ path, reason: `Airlock did not keep its content (${t.last.type === 'file' ? `${t.last.size} bytes, ` : ''}too large or unreadable), so it cannot tell whether it changed since the session; --force rolls it back anyway` });
        continue;
      }
      if (cmp === 'different') {
        conflicts.push({ path, reason: `changed since the session (the session left it ${describeState(t.last)}, it is now ${describeState(current)} with other content)` });
        continue;
      }
    }
    const u = undoStateOf(history, abs, current, pack, force);
    if ('conflict' in u) {
      conflicts.push({ path, reason: u.conflict });
      continue;
    }
    if (u.notUndoable) notUndoable.push({ path, reason: u.notUndoable });
    const action: RollbackStep['action'] = t.first.type === 'missing' ? 'remove' : current.type === 'missing' ? 'recreate' : 'restore';
    steps.push({ path, target: t.first, undo: u.undo, action });
    (action === 'remove' ? removed : action === 'recreate' ? recreated : restored).push(path);
  }
  return { steps, restored, removed, recreated, conflicts, unrestorable, notUndoable };
}

/** What rolling a session back would do, file by file (the editor's preview); changes nothing. */
export function previewRollback(history: History, sessionId: string, options: { force?: boolean } = {}): RollbackPlan {
  return plan(history, touchedBy(history, sessionId).files, options.force === true, undefined);
}

/** Saves a plan's undo copies (the pack) and reads every one back before any file changes. */
function commitUndoCopies(history: History, pack: PackWriter, steps: readonly RollbackStep[], kind: 'rollback' | 'undo'): void {
  faultPoint(`${kind}:undo-copies`);
  pack.commit();
  // A copy found already stored (the same content saved earlier) may sit in a damaged pack: such
  // copies are saved again from the file itself, then everything is read back once more.
  const bad = steps.filter((s) => unreadable(history, s.undo) !== undefined);
  if (bad.length === 0) return;
  const again = history.objects.writer();
  try {
    for (const s of bad) {
      if (s.undo.type !== 'file' || !('hash' in s.undo)) continue;
      let data: Buffer;
      try {
        data = readFileSync(history.absPath(s.path));
      } catch {
        continue;
      }
      if (hashOf(data) === s.undo.hash) again.add(data, true);
    }
    faultPoint(`${kind}:undo-copies`);
    again.commit();
  } catch (e) {
    again.abort();
    throw e;
  }
  for (const s of bad) {
    const problem = unreadable(history, s.undo);
    if (problem) throw new HistoryWriteError(`Airlock could not read back the copy of ${s.path} it keeps to undo this: ${problem.replace(/\.$/, '')}. No file was changed.`);
  }
}

function newOpId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

interface Outcome {
  readonly applied: string[];
  readonly conflicts: Skipped[];
  readonly failed: Skipped[];
  readonly created: string[];
  readonly removedDirs: string[];
  /** What to do about the first failure. */
  hint?: string;
}

function fail(out: { failed: Skipped[]; hint?: string }, path: string, what: string, e: unknown, retry: string): void {
  const problem = ioProblem(e, retry);
  out.hint ??= problem;
  out.failed.push({ path, reason: `${what}: ${problem}` });
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Applies an intent's steps (each guarded by its expected state), then its folders. */
function applyForward(history: History, intent: Intent, op: string): Outcome {
  const out: Outcome = { applied: [], conflicts: [], failed: [], created: [], removedDirs: [] };
  const retry = retryCommand(intent.kind);
  // The intent lists only folders missing (to create) or present (to remove) when it was planned, so
  // one found already done was done by this operation before an interruption.
  for (const d of [...intent.recreateDirs].sort((a, b) => a.length - b.length)) {
    const abs = history.absPath(d);
    if (exists(abs)) {
      out.created.push(d);
      continue;
    }
    try {
      faultPoint(`${op}:dir-create`);
      if (createDir(abs)) out.created.push(d);
    } catch (e) {
      if (e instanceof RestoreError) out.conflicts.push({ path: d, reason: e.message });
      else fail(out, d, 'the folder could not be created', e, retry);
    }
  }
  for (const step of intent.steps) {
    try {
      const r = applyGuarded(history.absPath(step.path), step.undo, step.target, history.objects, history.options, op);
      if ('conflict' in r) out.conflicts.push({ path: step.path, reason: r.conflict });
      else out.applied.push(step.path);
    } catch (e) {
      if (e instanceof SymlinkedFolderError) out.conflicts.push({ path: step.path, reason: e.message });
      else if (e instanceof CorruptObjectError || e instanceof MissingObjectError) {
        // The file is left as it is; nothing is written from a damaged copy.
        out.hint ??= `${e.message.replace(/\.$/, '')}: ${intent.kind === 'undo' ? 'the undo cannot finish' : `\`airlock undo-rollback ${intent.id}\` puts back what this rollback changed`}`;
        out.failed.push({ path: step.path, reason: e.message });
      } else if (e instanceof RestoreError) out.failed.push({ path: step.path, reason: e.message });
      else fail(out, step.path, 'could not be written', e, retry);
    }
  }
  // Folders to remove go only when empty, deepest first; anything still in them stays.
  for (const d of [...intent.removeDirs].sort((a, b) => b.length - a.length)) {
    const abs = history.absPath(d);
    if (!exists(abs)) {
      out.removedDirs.push(d);
      continue;
    }
    try {
      if (isEmptyDir(abs)) faultPoint(`${op}:dir-remove`);
      if (removeEmptyDir(abs)) out.removedDirs.push(d);
    } catch {
      // a symlinked folder on the way, or it went meanwhile: left alone
    }
  }
  return out;
}

function isEmptyDir(abs: string): boolean {
  try {
    return readdirSync(abs).length === 0;
  } catch {
    return false;
  }
}

function reportOf(intent: Intent, applied: ReadonlySet<string>, extra: { conflicts: readonly Skipped[]; failed: readonly Skipped[]; removedDirs: readonly string[]; recovered: boolean; reverted?: boolean; dryRun?: boolean; damagedRecords?: number; hint?: string }): RollbackReport {
  const done = intent.steps.filter((s) => applied.has(s.path));
  const pick = (a: RollbackStep['action']): string[] => done.filter((s) => s.action === a).map((s) => s.path);
  const hint = extra.failed.length > 0 ? (extra.hint ?? `some files could not be written: run \`${retryCommand(intent.kind)}\` again to finish; nothing was lost`) : undefined;
  return {
    session: intent.session,
    restored: pick('restore'),
    removed: pick('remove'),
    recreated: pick('recreate'),
    conflicts: [...intent.plan.conflicts, ...extra.conflicts],
    unrestorable: intent.plan.unrestorable,
    failed: extra.failed,
    undoId: extra.dryRun ? null : intent.id,
    dryRun: extra.dryRun === true,
    removedDirs: extra.removedDirs,
    kind: intent.kind,
    ...(intent.reverses ? { reverses: intent.reverses } : {}),
    partial: extra.failed.length > 0,
    notUndoable: intent.plan.notUndoable.filter((n) => extra.dryRun || applied.has(n.path)),
    recovered: extra.recovered,
    reverted: extra.reverted === true,
    damagedRecords: extra.damagedRecords ?? intent.plan.damagedRecords,
    ...(hint ? { hint } : {}),
  };
}

/** Applies an intent and, when nothing failed, commits it (its last write). */
function execute(history: History, intent: Intent, op: string, recovered: boolean): RollbackReport {
  const out = applyForward(history, intent, op);
  if (out.failed.length === 0) {
    const conflicts = [...intent.plan.conflicts, ...out.conflicts];
    const commit: Commit = {
      v: 2,
      id: intent.id,
      kind: intent.kind,
      session: intent.session,
      ...(intent.reverses ? { reverses: intent.reverses } : {}),
      time: Date.now(),
      planned: intent.time,
      status: 'done',
      applied: out.applied,
      conflicts: out.conflicts,
      didCreateDirs: out.created,
      didRemoveDirs: out.removedDirs,
      complete: conflicts.length === 0,
      recovered,
    };
    try {
      writeCommit(history.dir, commit, `${op}:commit`);
    } catch (e) {
      fail(out, '(the commit record)', 'could not be written', e, retryCommand(intent.kind));
    }
  }
  return reportOf(intent, new Set(out.applied), { conflicts: out.conflicts, failed: out.failed, removedDirs: out.removedDirs, recovered, ...(out.hint ? { hint: out.hint } : {}) });
}

/** Puts an interrupted rollback back: every file it changed returns to its state before it. */
function revert(history: History, intent: Intent): RollbackReport {
  const out: { failed: Skipped[]; hint?: string } = { failed: [] };
  const failed = out.failed;
  const conflicts: Skipped[] = [];
  const unrestorable: Skipped[] = [];
  const putBack = new Set<string>();
  const retry = retryCommand('undo');
  try {
    writeRevert(history.dir, intent.id);
  } catch (e) {
    fail(out, '(the revert record)', 'could not be written', e, retry);
  }
  if (failed.length === 0) {
    for (const step of [...intent.steps].reverse()) {
      try {
        if (!restorable(step.undo)) {
          const cur = captureState(history.absPath(step.path), undefined, history.options, undefined, { hashUnsaved: true });
          if (compareStates(cur, step.undo) !== 'same') unrestorable.push({ path: step.path, reason: 'its content before the rollback was not kept (changed with --force)' });
          continue;
        }
        const r = applyGuarded(history.absPath(step.path), step.target, step.undo, history.objects, history.options, 'revert');
        if ('conflict' in r) conflicts.push({ path: step.path, reason: r.conflict });
        else if (r.done === 'applied') putBack.add(step.path);
      } catch (e) {
        if (e instanceof SymlinkedFolderError) conflicts.push({ path: step.path, reason: e.message });
        else fail(out, step.path, 'could not be written', e, retry);
      }
    }
    for (const d of [...intent.recreateDirs].sort((a, b) => b.length - a.length)) {
      const abs = history.absPath(d);
      try {
        if (exists(abs) && isEmptyDir(abs)) faultPoint('revert:dir-remove');
        removeEmptyDir(abs);
      } catch {
        // left alone
      }
    }
    for (const d of [...intent.removeDirs].sort((a, b) => a.length - b.length)) {
      const abs = history.absPath(d);
      if (exists(abs)) continue;
      try {
        faultPoint('revert:dir-create');
        createDir(abs);
      } catch {
        // left alone
      }
    }
  }
  if (failed.length === 0) {
    const commit: Commit = {
      v: 2,
      id: intent.id,
      kind: intent.kind,
      session: intent.session,
      time: Date.now(),
      planned: intent.time,
      status: 'reverted',
      applied: [],
      conflicts,
      didCreateDirs: [],
      didRemoveDirs: [],
      complete: conflicts.length === 0,
      recovered: true,
    };
    try {
      writeCommit(history.dir, commit, 'revert:commit');
    } catch (e) {
      fail(out, '(the commit record)', 'could not be written', e, retry);
    }
  }
  // Reported as what happened to the files: the rollback's removals came back, and so on.
  const inverse = { restore: 'restore', remove: 'recreate', recreate: 'remove' } as const;
  const reverseIntent: Intent = { ...intent, kind: 'undo', reverses: intent.id, steps: intent.steps.map((s) => ({ ...s, action: inverse[s.action] })), plan: { ...intent.plan, conflicts: [], unrestorable, notUndoable: [] } };
  return { ...reportOf(reverseIntent, putBack, { conflicts, failed, removedDirs: [], recovered: true, reverted: true, ...(out.hint ? { hint: out.hint } : {}) }), undoId: intent.id };
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
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) {
      try {
        faultPoint('recover:remove-temp');
        unlinkSync(join(dir, n));
      } catch {
        // gone
      }
    }
  }
}

/**
 * Finishes (or, for `revert-rollbacks`, reverts) every operation a crash or a failure interrupted,
 * under the workspace lock. Each file is written only if it still holds the state planned for it:
 * a person's edit made after the interruption is a conflict, never overwritten. Returns what each
 * recovered operation did; one that still fails stays interrupted (its report is `partial`).
 */
export function recoverInterrupted(history: History, mode: 'finish' | 'revert-rollbacks' = 'finish'): RollbackReport[] {
  if (pendingOperations(history.dir).length === 0) return [];
  const lock = history.lockWorkspace('finishing an interrupted rollback');
  try {
    const out: RollbackReport[] = [];
    for (const op of pendingOperations(history.dir)) {
      const intent = op.intent!;
      for (const step of intent.steps) removeDeadTemps(history.absPath(step.path));
      for (const f of ['intent.json', 'revert.json', 'commit.json', 'accounted']) removeDeadTemps(join(operationsDir(history.dir), op.id, f));
      if (op.reverting || (mode === 'revert-rollbacks' && op.kind === 'rollback')) out.push(revert(history, intent));
      else out.push(execute(history, intent, 'recover', true));
    }
    return out;
  } finally {
    lock.release();
  }
}

/** Operations that were interrupted and not yet finished or reverted (for messages and `doctor`). */
export function interruptedOperations(history: History): readonly { id: string; kind: 'rollback' | 'undo'; session: string }[] {
  return pendingOperations(history.dir).map((op) => ({ id: op.id, kind: op.kind, session: op.session }));
}

/** Rollback and undo records that are damaged (reported, never taken for missing ones). */
export function damagedOperationRecords(history: History): readonly DamagedRecord[] {
  return readOperations(history.dir).damaged;
}

/** Plans and (unless `dryRun`) performs the rollback of a session. */
export function rollbackSession(history: History, sessionId: string, options: { dryRun?: boolean; force?: boolean } = {}): RollbackReport {
  const lock = history.lockWorkspace('a rollback');
  try {
    if (!options.dryRun) {
      const recovered = recoverInterrupted(history);
      const mine = recovered.find((r) => r.kind === 'rollback' && r.session === sessionId);
      if (mine) return mine;
      const stuck = recovered.find((r) => r.partial);
      if (stuck) throw new InterruptedOperationError(stuck);
      if (history.rolledBackSessions().has(sessionId)) throw new AlreadyRolledBackError(`Session ${sessionId} is already rolled back; \`airlock undo-rollback\` reverses that.`);
    }
    const { files, newDirs, removedDirs, damaged } = touchedBy(history, sessionId);
    const force = options.force === true;
    let planned: RollbackPlan;
    const writerLock = history.storeLock.writer();
    const pack = history.objects.writer();
    try {
      planned = plan(history, files, force, options.dryRun ? undefined : pack);
      if (options.dryRun) pack.abort();
      else commitUndoCopies(history, pack, planned.steps, 'rollback');
    } catch (e) {
      pack.abort();
      if (e instanceof HistoryWriteError || !(e as NodeJS.ErrnoException).code) throw e;
      throw new HistoryWriteError(`Airlock could not save the copies it needs to undo the rollback: ${ioProblem(e, retryCommand('rollback'))} (no file was changed).`);
    } finally {
      writerLock.release();
    }
    const intent: Intent = {
      v: 2,
      id: newOpId('rb'),
      kind: 'rollback',
      session: sessionId,
      time: Date.now(),
      steps: planned.steps,
      removeDirs: [...new Set(newDirs)].filter((d) => exists(history.absPath(d))),
      recreateDirs: [...new Set(removedDirs)].filter((d) => !exists(history.absPath(d))),
      plan: { conflicts: planned.conflicts, unrestorable: planned.unrestorable, notUndoable: planned.notUndoable, damagedRecords: damaged },
      force,
    };
    if (options.dryRun) {
      return reportOf(intent, new Set(planned.steps.map((s) => s.path)), { conflicts: [], failed: [], removedDirs: intent.removeDirs, recovered: false, dryRun: true });
    }
    try {
      writeIntent(history.dir, intent);
    } catch (e) {
      throw new HistoryWriteError(`Airlock could not record the rollback before changing files: ${ioProblem(e, retryCommand('rollback'))} (no file was changed).`);
    }
    return execute(history, intent, 'rollback', false);
  } finally {
    lock.release();
  }
}

function findTarget(operations: readonly Operation[], damaged: readonly DamagedRecord[], rollbackId: string | undefined, status: Map<string, string>): Operation {
  if (rollbackId) {
    const matches = operations.filter((op) => op.id === rollbackId || op.id.startsWith(rollbackId));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new NothingToUndoError(`${JSON.stringify(rollbackId)} matches ${matches.length} rollbacks; give more of the id.`);
    const bad = damaged.find((d) => d.id === rollbackId || d.id.startsWith(rollbackId));
    if (bad) throw new NothingToUndoError(`The record of ${bad.id} is damaged (${bad.reason}); it cannot be undone.`);
    throw new NothingToUndoError(`No rollback ${JSON.stringify(rollbackId)}.`);
  }
  const candidates = operations.filter((op) => op.kind === 'rollback' && status.get(op.id) === 'done').sort((a, b) => a.commit!.time - b.commit!.time || (a.id < b.id ? -1 : 1));
  const last = candidates[candidates.length - 1];
  if (!last) {
    const note = damaged.length > 0 ? ` ${damaged.length} rollback record(s) are damaged and cannot be undone (${damaged.map((d) => d.id).join(', ')}); \`airlock doctor\` lists them.` : '';
    throw new NothingToUndoError(`There is no rollback to undo.${note}`);
  }
  return last;
}

/** Reverses the last (or the named) rollback, returning every file to where it was before it. */
export function undoRollback(history: History, rollbackId?: string, options: { force?: boolean; dryRun?: boolean } = {}): RollbackReport {
  const lock = history.lockWorkspace('undoing a rollback');
  try {
    if (!options.dryRun) {
      // An interrupted rollback is what the person wants undone: it is reverted. An interrupted undo is finished.
      const recovered = recoverInterrupted(history, 'revert-rollbacks');
      const answered = recovered.find((r) => !r.partial && (!rollbackId || (r.reverses ?? '').startsWith(rollbackId) || (r.undoId ?? '').startsWith(rollbackId)));
      if (answered) return answered;
      const stuck = recovered.find((r) => r.partial);
      if (stuck) throw new InterruptedOperationError(stuck);
    }
    const { operations, damaged } = readOperations(history.dir, { intents: true });
    const status = operationStatuses(operations);
    const target = findTarget(operations, damaged, rollbackId, status);
    if (target.kind !== 'rollback') throw new NothingToUndoError(`${target.id} is itself an undo; roll the session back again instead.`);
    const st = status.get(target.id);
    if (st === 'undone') throw new NothingToUndoError(`Rollback ${target.id} was already undone.`);
    if (st === 'reverted') throw new NothingToUndoError(`Rollback ${target.id} was interrupted and has been reverted; there is nothing to undo.`);
    if ((st === 'applying' || st === 'reverting') && options.dryRun && target.intent) {
      // A preview of reverting an interrupted rollback: the files it changed go back.
      const changed = new Set(target.intent.steps.filter((step) => compareStates(captureState(history.absPath(step.path), undefined, history.options, undefined, { hashUnsaved: true }), step.target) === 'same' && compareStates(step.target, step.undo) !== 'same').map((step) => step.path));
      const inverse = { restore: 'restore', remove: 'recreate', recreate: 'remove' } as const;
      const reverse: Intent = { ...target.intent, kind: 'undo', reverses: target.id, steps: target.intent.steps.map((step) => ({ ...step, action: inverse[step.action] })), plan: { ...target.intent.plan, conflicts: [], unrestorable: [], notUndoable: [] } };
      return { ...reportOf(reverse, changed, { conflicts: [], failed: [], removedDirs: [], recovered: false, dryRun: true }), reverted: true };
    }
    if (st !== 'done' || !target.intent || !target.commit) throw new NothingToUndoError(`Rollback ${target.id} has not finished; \`airlock undo-rollback\` without an id reverts it.`);
    const force = options.force === true;
    const applied = new Set(target.commit.applied);
    const steps: RollbackStep[] = [];
    const conflicts: Skipped[] = [];
    const unrestorable: Skipped[] = [];
    const notUndoable: Skipped[] = [];
    const writerLock = history.storeLock.writer();
    const pack = history.objects.writer();
    try {
      for (const step of target.intent.steps) {
        if (!applied.has(step.path)) continue;
        const abs = history.absPath(step.path);
        try {
          checkRealParents(abs);
        } catch (e) {
          if (!(e instanceof SymlinkedFolderError)) throw e;
          conflicts.push({ path: step.path, reason: e.message });
          continue;
        }
        const current = captureState(abs, undefined, history.options, undefined, { hashUnsaved: true });
        if (compareStates(current, step.undo) === 'same') continue;
        if (notKept(step.undo)) {
          unrestorable.push({ path: step.path, reason: `its content before the rollback was not kept (${unsavedReason(step.undo.unsaved, step.undo.size)}), so the rollback of this file cannot be undone` });
          continue;
        }
        if (current.type === 'dir') {
          conflicts.push({ path: step.path, reason: 'it is a folder now; Airlock does not replace a folder' });
          continue;
        }
        if (!force) {
          const cmp = compareStates(current, step.target);
          if (cmp !== 'same') {
            conflicts.push({ path: step.path, reason: cmp === 'unknown' ? 'its content was not kept, so Airlock cannot tell whether it changed since the rollback' : 'changed since the rollback' });
            continue;
          }
        }
        const u = undoStateOf(history, abs, current, options.dryRun ? undefined : pack, force);
        if ('conflict' in u) {
          conflicts.push({ path: step.path, reason: u.conflict });
          continue;
        }
        if (u.notUndoable) notUndoable.push({ path: step.path, reason: u.notUndoable });
        const action: RollbackStep['action'] = step.undo.type === 'missing' ? 'remove' : current.type === 'missing' ? 'recreate' : 'restore';
        steps.push({ path: step.path, target: step.undo, undo: u.undo, action });
      }
      if (options.dryRun) pack.abort();
      else commitUndoCopies(history, pack, steps, 'undo');
    } catch (e) {
      pack.abort();
      if (e instanceof HistoryWriteError || !(e as NodeJS.ErrnoException).code) throw e;
      throw new HistoryWriteError(`Airlock could not save what it needs before undoing the rollback: ${ioProblem(e, retryCommand('undo'))} (no file was changed).`);
    } finally {
      writerLock.release();
    }
    const intent: Intent = {
      v: 2,
      id: newOpId('un'),
      kind: 'undo',
      session: target.session,
      reverses: target.id,
      time: Date.now(),
      steps,
      removeDirs: target.commit.didCreateDirs.filter((d) => exists(history.absPath(d))),
      recreateDirs: target.commit.didRemoveDirs.filter((d) => !exists(history.absPath(d))),
      plan: { conflicts, unrestorable, notUndoable, damagedRecords: 0 },
      force,
    };
    if (options.dryRun) return reportOf(intent, new Set(steps.map((s) => s.path)), { conflicts: [], failed: [], removedDirs: [], recovered: false, dryRun: true });
    try {
      writeIntent(history.dir, intent);
    } catch (e) {
      throw new HistoryWriteError(`Airlock could not record the undo before changing files: ${ioProblem(e, retryCommand('undo'))} (no file was changed).`);
    }
    return execute(history, intent, 'undo', false);
  } finally {
    lock.release();
  }
}

/** The report of a committed operation, rebuilt from its records (to account for it after a crash). */
export function operationReport(history: History, id: string): RollbackReport | undefined {
  const op = readOperations(history.dir, { intents: true }).operations.find((o) => o.id === id);
  if (!op?.intent || !op.commit) return undefined;
  if (op.commit.status === 'reverted') return { ...reportOf(op.intent, new Set(), { conflicts: op.commit.conflicts, failed: [], removedDirs: [], recovered: true, reverted: true }), reverses: op.id };
  return reportOf(op.intent, new Set(op.commit.applied), { conflicts: op.commit.conflicts, failed: [], removedDirs: op.commit.didRemoveDirs, recovered: op.commit.recovered });
}

/** Every rollback and undo recorded for the workspace, oldest first, with its status derived from commit records. */
export function rollbackRecords(history: History): readonly { id: string; kind: 'rollback' | 'undo'; session: string; time: number; status: string; steps: readonly RollbackStep[]; committed?: number }[] {
  const { operations } = readOperations(history.dir, { intents: true });
  const status = operationStatuses(operations);
  return operations.map((op) => ({ id: op.id, kind: op.kind, session: op.session, time: op.time, status: status.get(op.id) ?? 'applying', steps: op.intent?.steps ?? [], ...(op.commit ? { committed: op.commit.time } : {}) }));
}
