/**
 * Session journals: append-only JSON lines, one per event, each ending in a checksum of its content.
 * A line cut short by a crash, or damaged later, fails its checksum and is skipped (and reported);
 * it is never taken for a good record.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FileState } from './fileState';

/** A file's state before and/or after an action. */
export interface FileChange {
  /** Workspace-relative with `/`, or absolute for a file outside the workspace. */
  readonly path: string;
  readonly before?: FileState;
  readonly after?: FileState;
}

/** The kinds of action a session records. */
export type ActionKind = 'edit' | 'create' | 'delete' | 'rename' | 'command';

/** Everything a journal holds. */
export type JournalRecord =
  | {
      readonly t: 'begin';
      readonly id: string;
      readonly time: number;
      readonly kind: ActionKind;
      readonly tool?: string;
      readonly paths: readonly string[];
      readonly command?: string;
      readonly cwd?: string;
      /** For edits: the state of each path just before the edit. */
      readonly files?: readonly FileChange[];
      /** Folders that did not exist before the action (removed again by a rollback when empty). */
      readonly newDirs?: readonly string[];
      /** For commands: the snapshot taken just before it ran. */
      readonly snapshot?: string;
      readonly decision?: { readonly action: string; readonly source: string; readonly reason: string };
      /** Lines the edit changes (added plus removed), for the session's changed-lines limit. */
      readonly lines?: number;
    }
  | {
      readonly t: 'end';
      readonly id: string;
      readonly time: number;
      readonly ok: boolean;
      readonly files: readonly FileChange[];
      readonly newDirs?: readonly string[];
      readonly removedDirs?: readonly string[];
      /** Another command ran at the same time: some of these changes may be its. */
      readonly overlapping?: boolean;
    }
  | { readonly t: 'session-end'; readonly time: number }
  | { readonly t: 'rolled-back'; readonly time: number; readonly rollback: string }
  | { readonly t: 'rollback-undone'; readonly time: number; readonly rollback: string };

function checksum(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/**
 * Appends one record durably: one write with O_APPEND, its length checked, then fsync. A line cut
 * short by an earlier crash is ended first, so it can never swallow this record.
 */
export function appendRecord(file: string, record: JournalRecord): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const body = JSON.stringify(record);
  const line = `${body}\t${checksum(body)}\n`;
  const fd = openSync(file, 'a+', 0o600);
  try {
    const size = fstatSync(fd).size;
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    const buf = Buffer.from(prefix + line);
    // One write keeps concurrent appenders from interleaving; a short one (a full disk) is an error,
    // and the line it leaves is cut short, which the checksum then rejects.
    const written = writeSync(fd, buf);
    if (written !== buf.length) throw Object.assign(new Error(`wrote ${written} of ${buf.length} bytes to ${file}`), { code: 'ENOSPC' });
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The records of a journal, in order, and how many lines were damaged. `damagedAt` gives, for each
 * damaged line, how many good records came before it: whatever follows a damaged line may have had
 * an earlier state that only the damaged line knew.
 */
export function readJournal(file: string): { records: JournalRecord[]; damaged: number; damagedAt: number[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { records: [], damaged: 0, damagedAt: [] };
  }
  const records: JournalRecord[] = [];
  const damagedAt: number[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const tab = line.lastIndexOf('\t');
    const body = tab === -1 ? '' : line.slice(0, tab);
    if (tab === -1 || checksum(body) !== line.slice(tab + 1)) {
      damagedAt.push(records.length);
      continue;
    }
    try {
      records.push(JSON.parse(body) as JournalRecord);
    } catch {
      damagedAt.push(records.length);
    }
  }
  return { records, damaged: damagedAt.length, damagedAt };
}
