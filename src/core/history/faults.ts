/**
 * Deterministic fault points, for tests only (never set in normal use).
 *
 * Every write of a rollback, an undo, a recovery and a garbage collection passes a named point just
 * before it happens. `AIRLOCK_FAULT_AT=NAME` (or `NAME:N` for its N-th passage in this process) kills
 * the process with SIGKILL there, as a crash or a power cut would; `AIRLOCK_FAULT_TRACE=FILE` appends
 * the name of every point passed to FILE, so a test can list the writes of a run and kill at each one.
 * The list of points is in docs/fault-points.md.
 *
 * Both variables are read once, at load: when neither is set, a fault point costs one comparison.
 */
import { appendFileSync } from 'node:fs';

interface Spec {
  readonly name: string;
  readonly n: number;
}

function parse(raw: string | undefined): Spec | undefined {
  if (!raw) return undefined;
  const m = /^(.*?)(?::(\d+))?$/.exec(raw.trim());
  if (!m || !m[1]) return undefined;
  return { name: m[1], n: m[2] ? Number(m[2]) : 1 };
}

const spec = parse(process.env.AIRLOCK_FAULT_AT);
const trace = process.env.AIRLOCK_FAULT_TRACE || undefined;
const armed = spec !== undefined || trace !== undefined;
const counts = new Map<string, number>();
let handler: ((name: string) => void) | undefined;

/**
 * Marks a write about to happen. Test-only effects (see the module comment); a no-op otherwise.
 * @param name the point's name, `OPERATION:WRITE` (for example `rollback:file-place`).
 */
export function faultPoint(name: string): void {
  if (!armed && handler === undefined) return;
  handler?.(name);
  if (trace) appendFileSync(trace, `${name}\n`);
  if (!spec || spec.name !== name) return;
  const n = (counts.get(name) ?? 0) + 1;
  counts.set(name, n);
  if (n === spec.n) process.kill(process.pid, 'SIGKILL');
}

/**
 * For in-process tests: calls `fn` at every fault point (to act at an exact moment, for example to
 * change a file while a rollback runs). Pass undefined to stop.
 */
export function setFaultHandler(fn: ((name: string) => void) | undefined): void {
  handler = fn;
}
