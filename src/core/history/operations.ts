/**
 * The records of rollbacks and undos (docs/design.md, "Shadow history: the commit rule").
 *
 * Each operation has its own folder `rollbacks/<id>/`:
 * - `intent.json`: the plan, written once before any file changes (which file goes from which state
 *   to which, and the copies kept to undo it);
 * - `revert.json`: written when an interrupted operation is being reverted rather than finished;
 * - `commit.json`: the outcome, the operation's last write and its commit point. Without it the
 *   operation did not happen as far as anyone reading the history is concerned: "rolled back" and
 *   "undone" are derived from commit records alone;
 * - `accounted`: the audit entry and the trust demotion the commit implies were written (they live in
 *   other stores, so they follow the commit and are made idempotent by it).
 *
 * Every record carries a SHA-256 of its content; a damaged record is reported as damaged, never taken
 * for a missing one. Records of the earlier format (`rollbacks/<id>.json`, a status inside) are read.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomicFile';
import { faultPoint } from './faults';
import type { FileState } from './fileState';

/** One file of a rollback or undo plan. */
export interface RollbackStep {
  readonly path: string;
  /** What the file goes to. */
  readonly target: FileState;
  /** What it held when the operation was planned (kept where possible, so it can be undone). */
  readonly undo: FileState;
  readonly action: 'restore' | 'remove' | 'recreate';
}

/** A file left alone, and why. */
export interface Skipped {
  readonly path: string;
  readonly reason: string;
}

/** What a plan decided before any file changed. */
export interface PlanSummary {
  readonly conflicts: readonly Skipped[];
  readonly unrestorable: readonly Skipped[];
  /** Files whose current content could not be kept and that `--force` changes anyway: not undoable. */
  readonly notUndoable: readonly Skipped[];
  /** Damaged journal records of the session (files they concerned are conflicts, never deletions). */
  readonly damagedRecords: number;
}

/** The intent of an operation: written once, before any file changes. */
export interface Intent {
  readonly v: 2;
  readonly id: string;
  readonly kind: 'rollback' | 'undo';
  readonly session: string;
  /** For an undo: the rollback it reverses. */
  readonly reverses?: string;
  readonly time: number;
  readonly steps: readonly RollbackStep[];
  /** Folders to remove when empty (those the session created; for an undo, those the rollback recreated). */
  readonly removeDirs: readonly string[];
  /** Folders to create (those the session removed; for an undo, those the rollback removed). */
  readonly recreateDirs: readonly string[];
  readonly plan: PlanSummary;
  readonly force: boolean;
}

/** The outcome of an operation: its commit point. */
export interface Commit {
  readonly v: 2;
  readonly id: string;
  readonly kind: 'rollback' | 'undo';
  readonly session: string;
  readonly reverses?: string;
  /** When it was committed. */
  readonly time: number;
  /** When it was planned (its intent's time). */
  readonly planned: number;
  /** `done`: finished; `reverted`: an interrupted rollback was put back as it was before it. */
  readonly status: 'done' | 'reverted';
  /** Steps whose file now holds the step's target (for `reverted`: none). */
  readonly applied: readonly string[];
  /** Files found changed by someone else while applying: left alone. */
  readonly conflicts: readonly Skipped[];
  readonly didCreateDirs: readonly string[];
  readonly didRemoveDirs: readonly string[];
  /** For an undo: every file of the rollback went back (nothing left alone). */
  readonly complete: boolean;
  /** Finished by recovery after an interruption. */
  readonly recovered: boolean;
}

/** One operation as read from disk. */
export interface Operation {
  readonly id: string;
  readonly kind: 'rollback' | 'undo';
  readonly session: string;
  readonly reverses?: string;
  /** When it was planned. */
  readonly time: number;
  readonly intent?: Intent;
  readonly commit?: Commit;
  /** Being reverted (an interrupted rollback the person undid). */
  readonly reverting: boolean;
  readonly accounted: boolean;
  /** Written by an earlier version of Airlock. */
  readonly legacy: boolean;
  /** An earlier-format rollback marked undone in its own record. */
  readonly legacyUndone?: boolean;
}

/** A record that failed its checksum or could not be read. */
export interface DamagedRecord {
  readonly id: string;
  readonly file: string;
  readonly reason: string;
}

/** Thrown when a record cannot be written or read back. */
export class RecordError extends Error {}

function sum(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The folder of the rollback records. */
export function operationsDir(historyDir: string): string {
  return join(historyDir, 'rollbacks');
}

function opDir(historyDir: string, id: string): string {
  return join(operationsDir(historyDir), id);
}

/** Writes a record with its checksum, atomically. `point` names the write for fault injection. */
function writeChecked(file: string, value: unknown, point: string): void {
  const body = JSON.stringify(value);
  faultPoint(point);
  writeFileAtomic(file, `${body}\nsha256:${sum(body)}\n`);
}

type Read<T> = { ok: T } | { missing: true } | { damaged: string };

function readChecked<T>(file: string): Read<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { damaged: (e as Error).message };
  }
  const m = /^([^\n]*)\nsha256:([0-9a-f]{64})\n$/.exec(text);
  if (!m) return { damaged: 'it is not a complete record' };
  if (sum(m[1]!) !== m[2]) return { damaged: 'its checksum does not match its content' };
  try {
    return { ok: JSON.parse(m[1]!) as T };
  } catch {
    return { damaged: 'it is not valid JSON' };
  }
}

/** Writes an operation's intent (before any file changes). */
export function writeIntent(historyDir: string, intent: Intent): void {
  writeChecked(join(opDir(historyDir, intent.id), 'intent.json'), intent, `${intent.kind}:intent`);
}

/** Marks an interrupted operation as being reverted (repeatable; before any file is put back). */
export function writeRevert(historyDir: string, id: string): void {
  writeChecked(join(opDir(historyDir, id), 'revert.json'), { v: 2, id, time: Date.now() }, 'revert:intent');
}

/** Writes an operation's commit record: its last write. */
export function writeCommit(historyDir: string, commit: Commit, point: string): void {
  writeChecked(join(opDir(historyDir, commit.id), 'commit.json'), commit, point);
}

/** Notes that the audit entry and demotion of a committed operation were written. */
export function writeAccounted(historyDir: string, id: string): void {
  const file = join(opDir(historyDir, id), 'accounted');
  if (existsSync(file)) return;
  writeChecked(file, { v: 2, id, time: Date.now() }, 'account:marker');
}

interface LegacyRecord {
  readonly id: string;
  readonly kind: 'rollback' | 'undo';
  readonly session: string;
  readonly reverses?: string;
  readonly time: number;
  readonly status: 'applying' | 'done' | 'undone';
  readonly steps: readonly RollbackStep[];
  readonly removeDirs: readonly string[];
  readonly recreateDirs: readonly string[];
  readonly didCreateDirs?: readonly string[];
  readonly didRemoveDirs?: readonly string[];
  readonly report?: { readonly conflicts?: readonly Skipped[]; readonly failed?: readonly Skipped[] };
}

function fromLegacy(r: LegacyRecord): Operation {
  const intent: Intent = {
    v: 2,
    id: r.id,
    kind: r.kind,
    session: r.session,
    ...(r.reverses ? { reverses: r.reverses } : {}),
    time: r.time,
    steps: r.steps,
    removeDirs: r.removeDirs ?? [],
    recreateDirs: r.recreateDirs ?? [],
    plan: { conflicts: r.report?.conflicts ?? [], unrestorable: [], notUndoable: [], damagedRecords: 0 },
    force: false,
  };
  const failed = new Set((r.report?.failed ?? []).map((f) => f.path));
  const commit: Commit | undefined =
    r.status === 'applying'
      ? undefined
      : {
          v: 2,
          id: r.id,
          kind: r.kind,
          session: r.session,
          ...(r.reverses ? { reverses: r.reverses } : {}),
          time: r.time,
          planned: r.time,
          status: 'done',
          applied: r.steps.map((s) => s.path).filter((p) => !failed.has(p)),
          conflicts: [],
          didCreateDirs: r.didCreateDirs ?? [],
          didRemoveDirs: r.didRemoveDirs ?? [],
          // The earlier format marked the rollback itself `undone` when an undo was complete.
          complete: false,
          recovered: false,
        };
  return { id: r.id, kind: r.kind, session: r.session, ...(r.reverses ? { reverses: r.reverses } : {}), time: r.time, intent, ...(commit ? { commit } : {}), reverting: false, accounted: true, legacy: true, ...(r.status === 'undone' ? { legacyUndone: true } : {}) };
}

/** Every operation, oldest first, and the records that are damaged. */
export function readOperations(historyDir: string, options: { intents?: boolean } = {}): { operations: Operation[]; damaged: DamagedRecord[] } {
  const dir = operationsDir(historyDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { operations: [], damaged: [] };
  }
  const operations: Operation[] = [];
  const damaged: DamagedRecord[] = [];
  const legacy: Operation[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (name.endsWith('.json')) {
      // The earlier format: one file, rewritten as it went.
      const r = readLegacy(path);
      if ('ok' in r) legacy.push(fromLegacy(r.ok));
      else if ('damaged' in r) damaged.push({ id: name.slice(0, -5), file: path, reason: r.damaged });
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) continue;
    const commit = readChecked<Commit>(join(path, 'commit.json'));
    if ('damaged' in commit) {
      damaged.push({ id: name, file: join(path, 'commit.json'), reason: commit.damaged });
      continue;
    }
    const committed = 'ok' in commit ? commit.ok : undefined;
    let intent: Intent | undefined;
    if (!committed || options.intents) {
      const i = readChecked<Intent>(join(path, 'intent.json'));
      if ('damaged' in i) {
        damaged.push({ id: name, file: join(path, 'intent.json'), reason: i.damaged });
        continue;
      }
      if ('missing' in i) {
        // A folder without its intent: the intent's own write was interrupted (nothing was changed
        // yet), or a collection removed it. Nothing can be done with it; it is not damage.
        if (!committed) continue;
      } else intent = i.ok;
    }
    const head = committed ?? intent!;
    const reverting = !committed && existsSync(join(path, 'revert.json'));
    operations.push({
      id: head.id,
      kind: head.kind,
      session: head.session,
      ...(head.reverses ? { reverses: head.reverses } : {}),
      time: committed?.planned ?? intent!.time,
      ...(intent ? { intent } : {}),
      ...(committed ? { commit: committed } : {}),
      reverting,
      accounted: existsSync(join(path, 'accounted')),
      legacy: false,
    });
  }
  for (const old of legacy) {
    // An earlier-format operation finished by this version has its commit in a folder of its own.
    const i = operations.findIndex((o) => o.id === old.id);
    if (i === -1) operations.push(old);
    else operations[i] = { ...operations[i]!, intent: old.intent!, time: old.time, legacy: false };
  }
  operations.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
  return { operations, damaged };
}

function readLegacy(file: string): Read<LegacyRecord> {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as LegacyRecord;
    if (!r || typeof r.id !== 'string' || !Array.isArray(r.steps)) return { damaged: 'it is not a rollback record' };
    return { ok: r };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { damaged: 'it is not valid JSON' };
  }
}

/** What an operation amounts to now. */
export type OperationStatus = 'applying' | 'reverting' | 'done' | 'undone' | 'reverted';

/**
 * The status of every operation, derived from commit records alone: a rollback is `undone` when a
 * committed, complete undo reverses it; an operation without a commit is `applying` (or `reverting`).
 */
export function operationStatuses(operations: readonly Operation[]): Map<string, OperationStatus> {
  const out = new Map<string, OperationStatus>();
  const undone = new Set<string>();
  for (const op of operations) {
    if (op.kind === 'undo' && op.commit?.status === 'done' && op.commit.complete && op.reverses) undone.add(op.reverses);
    if (op.legacyUndone) undone.add(op.id);
  }
  for (const op of operations) {
    if (!op.commit) out.set(op.id, op.reverting ? 'reverting' : 'applying');
    else if (op.commit.status === 'reverted') out.set(op.id, 'reverted');
    else if (op.kind === 'rollback' && undone.has(op.id)) out.set(op.id, 'undone');
    else out.set(op.id, 'done');
  }
  return out;
}

/** The sessions rolled back now: a committed rollback that no complete undo reverses. */
export function rolledBackSessions(historyDir: string): Set<string> {
  const { operations } = readOperations(historyDir);
  const status = operationStatuses(operations);
  const out = new Set<string>();
  for (const op of operations) if (op.kind === 'rollback' && status.get(op.id) === 'done') out.add(op.session);
  return out;
}

/** Operations that were interrupted (no commit record yet). */
export function pendingOperations(historyDir: string): Operation[] {
  return readOperations(historyDir, { intents: true }).operations.filter((op) => !op.commit);
}
