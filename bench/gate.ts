/** What the hook benchmarks share: a real gate on a workspace, and a timed process start. */
import { spawn } from 'node:child_process';
import { loadPolicy } from '../src/core/policy/loadPolicy';
import { GateRuntime } from '../src/gate/gateRuntime';

/** Starts a gate on `ws` (its policy loaded once) whose "person" answers every request with `answer`. */
export async function startGate(ws: string, env: { HOME: string; AIRLOCK_HOME: string }, answer: 'allow' | 'deny'): Promise<GateRuntime> {
  const policy = loadPolicy({ workspace: ws, home: env.HOME, dataRoot: env.AIRLOCK_HOME });
  const runtime = new GateRuntime({
    workspace: ws,
    dataRoot: env.AIRLOCK_HOME,
    policy: () => policy,
    asker: { ask: async () => ({ action: answer, by: 'person' }) },
    log: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    approvalTimeoutMs: 10_000,
  });
  await runtime.start();
  return runtime;
}

/** Runs `bin args` with `input` on stdin; resolves with the wall time from spawn to exit, and stdout. */
export function timeSpawn(args: string[], input: string, env: NodeJS.ProcessEnv, bin = process.execPath): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, out }));
    child.stdin.end(input);
  });
}
