/**
 * Where audit export runs (docs/audit-export.md "Where export runs"). Hooks are short-lived processes
 * that must answer at once, so nothing is sent on the decision path: after a record is written, the
 * process that wrote it starts a detached flusher (`airlock export-flush`) once its own work is done (at
 * the next turn of the event loop, or at exit for a hook that is about to end). One flusher per workspace
 * at a time (a lock); it sends what waits after each export's cursor in batches, lingers a little for
 * more, retries a receiver that is down with a growing delay, and leaves the retry time in the state so
 * that no process starts another flusher before then.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { acquireLock, LockTimeoutError, type Lock } from '../../storage/lock';
import type { AuditRecord } from '../auditLog';
import { exportsOn, type AuditExportConfig } from './exportConfig';
import { EXPORT_DIR, ExportQueue } from './exportQueue';
import { formatSyslog, syslogSender } from './syslog';
import type * as Otlp from './otlpSender';

/** A sender of one export. */
interface Sender {
  readonly queue: ExportQueue;
  send(records: readonly AuditRecord[]): Promise<void>;
  close(): Promise<void> | void;
}

/** Loads the OpenTelemetry bundle (dist/otlp.js) only when OTLP export is on. */
export function loadOtlp(): typeof Otlp {
  // The path is computed so the bundler keeps the SDK out of every other bundle; from sources it is the module.
  const target = process.env.AIRLOCK_OTLP_BUNDLE === '1' ? './otlp.js' : './otlpSender';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  return require(target) as typeof Otlp;
}

function senders(workspaceDir: string, workspace: string | undefined, config: AuditExportConfig, version?: string): Sender[] {
  const out: Sender[] = [];
  if (config.otlp) {
    const otlp = loadOtlp().createOtlpSender({ protocol: config.otlp.protocol, ...(config.otlp.url ? { url: config.otlp.url } : {}), ...(version ? { serviceVersion: version } : {}) });
    out.push({ queue: new ExportQueue(workspaceDir, 'otlp'), send: (r) => otlp.send(r, workspace), close: () => otlp.shutdown() });
  }
  if (config.syslog) {
    const s = syslogSender(config.syslog);
    out.push({ queue: new ExportQueue(workspaceDir, 'syslog'), send: (r) => s.send(r.map((x) => formatSyslog(x, workspace ? { workspace } : {}))), close: () => s.close() });
  }
  return out;
}

/** How long a flusher waits for more records, and how long it keeps retrying a receiver that is down. */
export interface FlushTiming {
  readonly lingerMs: number;
  readonly giveUpMs: number;
}

const DEFAULT_TIMING: FlushTiming = { lingerMs: 2000, giveUpMs: 120_000 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The lock a flusher holds for a workspace. */
export function flushLockFile(workspaceDir: string): string {
  return join(workspaceDir, EXPORT_DIR, 'flush.lock');
}

/**
 * Sends what waits, for every export on, until nothing has come for `lingerMs` (or a receiver stayed down
 * for `giveUpMs`). Returns false when another flusher holds the workspace.
 */
export async function flushAuditExport(workspaceDir: string, config: AuditExportConfig, options: { workspace?: string; version?: string; timing?: Partial<FlushTiming>; log?: (m: string) => void } = {}): Promise<boolean> {
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  // A record written just as this flusher was about to stop saw its lock and started none: look again
  // after letting go, a few times at most.
  for (let round = 0; round < 5; round++) {
    let lock: Lock;
    try {
      lock = acquireLock(flushLockFile(workspaceDir), { timeoutMs: 0, staleMs: 15 * 60_000, what: 'exporting the audit log' });
    } catch (e) {
      if (e instanceof LockTimeoutError) return round > 0;
      throw e;
    }
    const all = senders(workspaceDir, options.workspace, config, options.version);
    try {
      await Promise.all(all.map((s) => drain(s, timing, options.log)));
    } finally {
      lock.release();
      await Promise.all(all.map((s) => s.close()));
    }
    if (!flusherWanted(workspaceDir, config)) break;
  }
  return true;
}

async function drain(s: Sender, timing: FlushTiming, log?: (m: string) => void): Promise<void> {
  let idleSince = Date.now();
  let failingSince: number | undefined;
  for (;;) {
    const batch = s.queue.next();
    if (batch.records.length === 0) {
      if (batch.end > s.queue.state().offset) s.queue.taken(batch); // only damaged lines: step over them
      if (Date.now() - idleSince >= timing.lingerMs) return;
      await sleep(Math.min(200, timing.lingerMs));
      continue;
    }
    try {
      await s.send(batch.records);
      s.queue.taken(batch);
      failingSince = undefined;
      idleSince = Date.now();
    } catch (e) {
      const wait = s.queue.failed(e as Error);
      failingSince ??= Date.now();
      log?.(`[export] ${s.queue.name}: ${(e as Error).message}; retrying in ${wait} ms`);
      if (Date.now() - failingSince + wait > timing.giveUpMs) return;
      await sleep(wait);
    }
  }
}

/** How a flusher is started: the Node.js to run and the CLI script. */
export interface FlusherCommand {
  readonly node: string;
  readonly cli: string;
}

/** The CLI script next to this bundle (dist/cli.js), or the built one when running from sources. */
export function defaultFlusherCommand(): FlusherCommand | undefined {
  // dist/ when bundled; the built CLI when running from sources (src/core/audit/export) or a one-level
  // bundle folder (the benchmarks' .bench/).
  const candidates = [join(__dirname, 'cli.js'), join(__dirname, '..', '..', '..', '..', 'dist', 'cli.js'), join(__dirname, '..', 'dist', 'cli.js')];
  const cli = candidates.find((c) => existsSync(c));
  return cli ? { node: process.execPath, cli } : undefined;
}

/** True when a flusher should be started now: something waits, no flusher runs, no retry is pending. */
export function flusherWanted(workspaceDir: string, config: AuditExportConfig, now = Date.now()): boolean {
  const lock = flushLockFile(workspaceDir);
  if (existsSync(lock)) {
    // A live flusher picks new records up itself; a dead one's lock is taken over by the next flusher.
    try {
      const owner = JSON.parse(readFileSync(lock, 'utf8')) as { pid?: number; time?: number };
      const alive = (() => {
        try {
          process.kill(owner.pid ?? -1, 0);
          return true;
        } catch (e) {
          return (e as NodeJS.ErrnoException).code === 'EPERM';
        }
      })();
      if (alive && now - (owner.time ?? 0) < 15 * 60_000) return false;
    } catch {
      return false; // being written
    }
  }
  const names: ('otlp' | 'syslog')[] = [...(config.otlp ? ['otlp' as const] : []), ...(config.syslog ? ['syslog' as const] : [])];
  return names.some((n) => {
    const q = new ExportQueue(workspaceDir, n);
    const st = q.state();
    return (st.retryAt === undefined || st.retryAt <= now) && q.backlog() > 0;
  });
}

/**
 * Called after a record is written: starts a flusher once this process has done its work, so no decision
 * waits for it. `config` is read once per process.
 */
export class ExportTrigger {
  private scheduled = false;

  constructor(
    private readonly workspaceDir: string,
    private readonly workspace: string,
    private readonly config: AuditExportConfig,
    private readonly command: FlusherCommand | undefined = defaultFlusherCommand(),
  ) {}

  /** True when some export is on. */
  get on(): boolean {
    return exportsOn(this.config) && this.command !== undefined;
  }

  /** A record was written. */
  appended(): void {
    if (!this.on || this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      if (!this.scheduled) return;
      this.scheduled = false;
      process.off('exit', run);
      this.start();
    };
    // After this turn of the event loop (the answer has gone out), or at exit for a process about to end.
    setImmediate(run).unref();
    process.once('exit', run);
  }

  /** Starts a detached flusher when one is wanted. Never throws: export never gets in a decision's way. */
  start(): void {
    try {
      if (!this.command || !flusherWanted(this.workspaceDir, this.config)) return;
      const child = spawn(this.command.node, [this.command.cli, 'export-flush', '--workspace', this.workspace], {
        detached: true,
        stdio: 'ignore',
        // In the editor, process.execPath is the editor's own binary: run it as Node.js. The data root is
        // this workspace's, whatever the environment says.
        env: { ...process.env, AIRLOCK_HOME: dirname(dirname(this.workspaceDir)), ELECTRON_RUN_AS_NODE: '1' },
      });
      child.on('error', () => {});
      child.unref();
    } catch {
      // the next record tries again
    }
  }
}

/** When the audit log last changed (for doctor: how long records have waited). */
export function auditMtime(workspaceDir: string): number | undefined {
  try {
    return statSync(join(workspaceDir, 'audit.jsonl')).mtimeMs;
  } catch {
    return undefined;
  }
}
