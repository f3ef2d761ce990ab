/**
 * The tamper-evident audit log (docs/design.md "Audit log"): append-only JSON lines, one per decision and per
 * person's action, each carrying its sequence number and the hash of the record before it, and its own
 * hash over both. `verify` recomputes the chain and names the first record that was edited, deleted,
 * inserted or reordered; a head file remembers the last record so that cutting records off the end is
 * detected too.
 *
 * Several processes append at once (the gate, hook processes, the CLI): each append holds a short lock,
 * reads the last record, and writes one line. A writer killed mid-line leaves an incomplete line; the
 * next writer ends it and chains to the last complete record, so later records stay verifiable.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../storage/atomicFile';
import { acquireLock } from '../storage/lock';

/** The kinds of record. */
export type AuditType = 'decision' | 'approval' | 'rollback' | 'undo-rollback' | 'trust' | 'promotion-offer' | 'rule-added' | 'recovered' | 'check';

/** What callers give: the type and its fields. */
export interface AuditEntry {
  readonly type: AuditType;
  readonly agent?: string;
  readonly session?: string;
  readonly agentSessionId?: string;
  readonly tool?: string;
  readonly kind?: string;
  readonly target?: string;
  readonly action?: string;
  /** Who decided: the policy, a person, a timeout, the offline fallback, … */
  readonly decidedBy?: string;
  readonly source?: string;
  readonly rule?: unknown;
  readonly reason?: string;
  readonly [key: string]: unknown;
}

/** A record as stored. */
export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly time: string;
  /** Hash of the previous record ('' for the first). */
  readonly prev: string;
  /** Hash of this record: sha256(prev + the record without `hash`). */
  readonly hash: string;
}

/** The outcome of {@link verifyAuditLog}. */
export interface VerifyResult {
  readonly ok: boolean;
  readonly records: number;
  /** The first problem, naming the record (1-based line) and what is wrong. */
  readonly problem?: { readonly line: number; readonly seq?: number; readonly message: string };
  /** Lines left incomplete by a writer that crashed (not tampering; reported, skipped). */
  readonly incomplete: readonly number[];
}

const GENESIS = '';

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** The hash a record must carry. */
export function recordHash(record: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(String(record.prev)).update('\n').update(canonical(record)).digest('hex');
}

/** The audit log of one workspace. */
export class AuditLog {
  readonly file: string;
  private readonly head: string;
  private readonly lock: string;

  /**
   * @param options.afterAppend told after each record is written and the lock released (the audit export
   * starts from here, core/audit/export); it never delays or fails an append.
   */
  constructor(
    workspaceDir: string,
    private readonly options: { readonly afterAppend?: (record: AuditRecord) => void } = {},
  ) {
    this.file = join(workspaceDir, 'audit.jsonl');
    this.head = join(workspaceDir, 'audit.head');
    this.lock = join(workspaceDir, 'locks', 'audit.lock');
  }

  /** Appends one record; returns it. */
  append(entry: AuditEntry, now = new Date()): AuditRecord {
    const record = this.write(entry, now);
    try {
      this.options.afterAppend?.(record);
    } catch {
      // export is best effort here; the record is safe in the log and is sent later
    }
    return record;
  }

  private write(entry: AuditEntry, now: Date): AuditRecord {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const lock = acquireLock(this.lock, { what: 'writing the audit log', timeoutMs: 10_000, staleMs: 30_000 });
    try {
      const fd = openSync(this.file, 'a+', 0o600);
      try {
        const { last, endsClean } = this.tail(fd);
        let prefix = '';
        let recovered: { bytes: number } | undefined;
        if (!endsClean) {
          // A writer died mid-line: end that line, and say so in the chain.
          prefix = '\n';
          recovered = { bytes: this.partialBytes(fd) };
        }
        let prevHash = last?.hash ?? GENESIS;
        let seq = (last?.seq ?? 0) + 1;
        const lines: string[] = [];
        if (recovered) {
          const note = this.seal({ type: 'recovered', reason: `an incomplete record of ${recovered.bytes} bytes from a writer that stopped mid-write was left in place and skipped` }, seq++, prevHash, now);
          lines.push(JSON.stringify(note));
          prevHash = note.hash;
        }
        const record = this.seal(entry, seq, prevHash, now);
        lines.push(JSON.stringify(record));
        writeSync(fd, `${prefix}${lines.join('\n')}\n`);
        fsyncSync(fd);
        writeFileAtomic(this.head, JSON.stringify({ seq: record.seq, hash: record.hash }), { fsync: false });
        return record;
      } finally {
        closeSync(fd);
      }
    } finally {
      lock.release();
    }
  }

  private seal(entry: AuditEntry, seq: number, prev: string, now: Date): AuditRecord {
    const base = { ...entry, seq, time: now.toISOString(), prev };
    return { ...base, hash: recordHash(base) };
  }

  /** The last complete record, and whether the file ends with a newline. */
  private tail(fd: number): { last?: AuditRecord; endsClean: boolean } {
    const size = fstatSync(fd).size;
    if (size === 0) return { endsClean: true };
    const chunk = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(chunk);
    readSync(fd, buf, 0, chunk, size - chunk);
    const text = buf.toString('utf8');
    const endsClean = text.endsWith('\n');
    const lines = text.split('\n').filter((l) => l.length > 0);
    for (let i = lines.length - 1; i >= 0; i--) {
      if (!endsClean && i === lines.length - 1) continue;
      try {
        const r = JSON.parse(lines[i]!) as AuditRecord;
        if (typeof r.hash === 'string' && typeof r.seq === 'number') return { last: r, endsClean };
      } catch {
        // an incomplete line: look further back
      }
    }
    return { endsClean };
  }

  private partialBytes(fd: number): number {
    const size = fstatSync(fd).size;
    const chunk = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(chunk);
    readSync(fd, buf, 0, chunk, size - chunk);
    const text = buf.toString('utf8');
    return Buffer.byteLength(text.slice(text.lastIndexOf('\n') + 1));
  }

  /** Every complete record, oldest first (incomplete lines skipped). */
  read(): AuditRecord[] {
    if (!existsSync(this.file)) return [];
    const out: AuditRecord[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as AuditRecord);
      } catch {
        // incomplete line from a crashed writer
      }
    }
    return out;
  }

  /** Recomputes the chain; names the first record that breaks it. */
  verify(): VerifyResult {
    return verifyAuditLog(this.file, this.head);
  }
}

/** Verifies an audit log file (and its head file, which catches records cut off the end). */
export function verifyAuditLog(file: string, headFile?: string): VerifyResult {
  if (!existsSync(file)) return { ok: true, records: 0, incomplete: [] };
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let prev = GENESIS;
  let seq = 0;
  let records = 0;
  const incomplete: number[] = [];
  const fail = (line: number, message: string, s?: number): VerifyResult => ({ ok: false, records, problem: { line, ...(s !== undefined ? { seq: s } : {}), message }, incomplete });
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    let r: AuditRecord;
    try {
      r = JSON.parse(text) as AuditRecord;
    } catch {
      // A line that is not JSON is an incomplete write only if the next record says it recovered from one.
      const next = lines[i + 1];
      let recoveredNext = false;
      try {
        recoveredNext = next !== undefined && (JSON.parse(next) as AuditRecord).type === 'recovered';
      } catch {
        recoveredNext = false;
      }
      if (recoveredNext || i === lines.length - 1) {
        incomplete.push(i + 1);
        continue;
      }
      return fail(i + 1, 'this line is not a record (it was damaged or inserted)');
    }
    if (typeof r.hash !== 'string' || typeof r.prev !== 'string' || typeof r.seq !== 'number') return fail(i + 1, 'this line is not an audit record (fields are missing)');
    if (r.seq !== seq + 1) return fail(i + 1, r.seq <= seq ? `record ${r.seq} comes after record ${seq}: records were reordered or inserted` : `record ${r.seq} follows record ${seq}: ${r.seq - seq - 1} record(s) before it were removed`, r.seq);
    if (r.prev !== prev) return fail(i + 1, `record ${r.seq} does not follow the record before it (its chain link differs): a record before it was edited, removed or inserted`, r.seq);
    const { hash, ...rest } = r;
    if (recordHash(rest) !== hash) return fail(i + 1, `record ${r.seq} was changed after it was written (its content does not match its hash)`, r.seq);
    prev = hash;
    seq = r.seq;
    records++;
  }
  if (headFile && existsSync(headFile)) {
    try {
      const head = JSON.parse(readFileSync(headFile, 'utf8')) as { seq: number; hash: string };
      if (head.seq > seq) return fail(lines.length, `the log ends at record ${seq}, but record ${head.seq} was written: records were cut off the end`, seq);
      if (head.seq === seq && head.hash !== prev) return fail(lines.length, `the last record ${seq} is not the one that was written`, seq);
    } catch {
      return fail(lines.length, 'the audit head file is damaged');
    }
  }
  return { ok: true, records, incomplete };
}
