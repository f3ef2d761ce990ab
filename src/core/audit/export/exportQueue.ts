/**
 * The on-disk queue of records waiting to be exported. The audit log itself holds them (appended and
 * fsynced before any decision is answered), so the queue is a cursor per export in the workspace's data
 * folder (`export/<name>.json`): records after the cursor wait; the cursor moves past a batch only once
 * the receiver took it. Nothing extra is written on the decision path, a crash at any point loses nothing
 * (a batch sent but not yet marked is sent again: delivery is at least once, and `airlock.record.hash`
 * tells duplicates apart), and records survive a receiver that is down for as long as the bound allows.
 *
 * The bound: at most {@link MAX_BACKLOG_BYTES} of the audit log (64 MiB, about 100,000 records) waits per
 * export. When a receiver stays away longer, the oldest waiting records are skipped for that export
 * (they stay in the local audit log, verifiable and exportable with `airlock audit --export`) and the
 * state says how many bytes and from which record, for `airlock doctor`.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../storage/atomicFile';
import type { AuditRecord } from '../auditLog';

/** The most of the audit log that waits for one export. */
export const MAX_BACKLOG_BYTES = 64 * 1024 * 1024;

/** Records sent in one request. */
export const BATCH_RECORDS = 512;

/** The folder of the export state, in a workspace's data folder. */
export const EXPORT_DIR = 'export';

/** Where one export stands. */
export interface ExportState {
  /** Byte offset in audit.jsonl of the first record not yet taken by the receiver. */
  readonly offset: number;
  /** The last record taken. */
  readonly seq?: number;
  readonly hash?: string;
  readonly sent: number;
  /** Consecutive failures, and when the next attempt is due (ms since the epoch). */
  readonly failures: number;
  readonly retryAt?: number;
  readonly lastError?: string;
  /** Waiting records skipped because the backlog passed the bound. */
  readonly skippedBytes?: number;
  readonly skippedAt?: string;
}

/** A batch read after the cursor. */
export interface Batch {
  readonly records: readonly AuditRecord[];
  /** The offset just past the batch. */
  readonly end: number;
}

/** One export's cursor over one workspace's audit log. */
export class ExportQueue {
  readonly stateFile: string;
  private readonly log: string;

  constructor(
    readonly workspaceDir: string,
    readonly name: 'otlp' | 'syslog',
    private readonly maxBacklog = MAX_BACKLOG_BYTES,
  ) {
    this.stateFile = join(workspaceDir, EXPORT_DIR, `${name}.json`);
    this.log = join(workspaceDir, 'audit.jsonl');
  }

  /** The state as saved (a missing or damaged state starts from the beginning of the log). */
  state(): ExportState {
    try {
      const s = JSON.parse(readFileSync(this.stateFile, 'utf8')) as ExportState;
      if (typeof s.offset === 'number' && s.offset >= 0) return { ...s, sent: s.sent ?? 0, failures: s.failures ?? 0 };
    } catch {
      // none yet
    }
    return { offset: 0, sent: 0, failures: 0 };
  }

  private save(s: ExportState): void {
    mkdirSync(join(this.workspaceDir, EXPORT_DIR), { recursive: true, mode: 0o700 });
    writeFileAtomic(this.stateFile, `${JSON.stringify(s)}\n`, { fsync: false });
  }

  /** Bytes of the audit log after the cursor. */
  backlog(): number {
    let size = 0;
    try {
      const fd = openSync(this.log, 'r');
      size = fstatSync(fd).size;
      closeSync(fd);
    } catch {
      return 0;
    }
    const { offset } = this.state();
    return size < offset ? size : size - offset;
  }

  /** The next batch after the cursor (complete lines only), applying the bound first. */
  next(max = BATCH_RECORDS): Batch {
    let fd: number;
    try {
      fd = openSync(this.log, 'r');
    } catch {
      return { records: [], end: 0 };
    }
    try {
      const size = fstatSync(fd).size;
      let state = this.state();
      // A log that shrank was replaced: start over on the new one.
      if (size < state.offset) state = { ...state, offset: 0 };
      if (size - state.offset > this.maxBacklog) {
        const from = this.lineStart(fd, size - this.maxBacklog, size);
        state = { ...state, offset: from, skippedBytes: (state.skippedBytes ?? 0) + (from - state.offset), skippedAt: new Date().toISOString() };
        this.save(state);
      }
      const records: AuditRecord[] = [];
      let pos = state.offset;
      const chunk = Buffer.alloc(256 * 1024);
      let carry = Buffer.alloc(0);
      let readAt = pos;
      while (records.length < max && readAt < size) {
        const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - readAt), readAt);
        if (n === 0) break;
        readAt += n;
        let buf = Buffer.concat([carry, chunk.subarray(0, n)]);
        let nl: number;
        while (records.length < max && (nl = buf.indexOf(10)) !== -1) {
          const line = buf.subarray(0, nl).toString('utf8');
          buf = buf.subarray(nl + 1);
          pos += nl + 1;
          if (!line) continue;
          try {
            const r = JSON.parse(line) as AuditRecord;
            if (typeof r.hash === 'string' && typeof r.seq === 'number') records.push(r);
          } catch {
            // a line a crashed writer left incomplete: the log's own `recovered` record says so
          }
        }
        carry = Buffer.from(buf);
      }
      return { records, end: pos };
    } finally {
      closeSync(fd);
    }
  }

  /** The offset of the first line that starts at or after `at`. */
  private lineStart(fd: number, at: number, size: number): number {
    const buf = Buffer.alloc(64 * 1024);
    for (let p = Math.max(0, at - 1); p < size; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, size - p), p);
      if (n === 0) break;
      const i = buf.subarray(0, n).indexOf(10);
      if (i !== -1) return p + i + 1;
      p += n;
    }
    return size;
  }

  /** The receiver took the batch: move past it. */
  taken(batch: Batch): void {
    const last = batch.records.at(-1);
    const s = this.state();
    const { retryAt: _r, lastError: _e, ...rest } = s;
    this.save({ ...rest, offset: batch.end, ...(last ? { seq: last.seq, hash: last.hash } : {}), sent: s.sent + batch.records.length, failures: 0 });
  }

  /** The receiver did not take it: when to try again (backoff doubling from 0.5 s to 30 s). */
  failed(error: Error, now = Date.now()): number {
    const s = this.state();
    const failures = s.failures + 1;
    const wait = Math.min(500 * 2 ** Math.min(failures - 1, 10), 30_000);
    this.save({ ...s, failures, retryAt: now + wait, lastError: error.message.slice(0, 300) });
    return wait;
  }
}
