/**
 * `airlock hook DIALECT [--workspace DIR] [--event NAME]`: what agents run before and after every tool
 * call. Kept lean: it reads the payload, finds the workspace, hands the payload to the running gate and
 * prints its answer. Only when no gate answers does it load the decision engine (a separate bundle).
 * Whatever goes wrong, it answers deny in the agent's own format, naming Airlock; it never fails open.
 */
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ADAPTERS as AdapterTable } from './agents/detect';
import { isDialect, type Dialect, type HookAnswer } from './agents/types';
import { airlockHome, workspaceDataDir } from './core/dataDir';
import { callGate, isServerMessage } from './gate/gateClient';
import { loadBundle } from './shared/bundleLoader';
import type { hookCheck as HookCheck, offlineHook as OfflineHook } from './engine/offline';
import type { canaryNonce as CanaryNonce } from './agents/hookHealth';


const MAX_STDIN = 96 * 1024 * 1024;

function readStdin(timeoutMs: number): Promise<string> {
  return new Promise((resolveText, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => reject(new Error(`no complete payload arrived on stdin within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    process.stdin.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_STDIN) {
        clearTimeout(timer);
        process.stdin.destroy();
        reject(new Error(`the payload is larger than ${MAX_STDIN / 1024 / 1024} MiB`));
        return;
      }
      chunks.push(c);
    });
    process.stdin.on('end', () => {
      clearTimeout(timer);
      resolveText(Buffer.concat(chunks).toString('utf8'));
    });
    process.stdin.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The nearest ancestor of `start` holding `.vscode/airlock.json` or `.git`, else `start` itself. */
function findWorkspace(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, '.vscode', 'airlock.json')) || existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

/** The workspace a payload belongs to: `--workspace`, else the folder its `cwd` is in. */
function workspaceFor(payload: string, given: string | undefined): string {
  if (given) return resolve(given);
  let cwd: string | undefined;
  try {
    const p = JSON.parse(payload) as Record<string, unknown>;
    const roots = Array.isArray(p.workspace_roots) ? p.workspace_roots : [];
    const candidate = [p.cwd, roots[0]].find((c): c is string => typeof c === 'string' && isAbsolute(c));
    cwd = candidate;
  } catch {
    cwd = undefined;
  }
  const start = cwd ?? process.cwd();
  try {
    return findWorkspace(realpathSync(start));
  } catch {
    return findWorkspace(start);
  }
}

function deny(dialect: Dialect, reason: string): HookAnswer {
  // The adapters are only needed on this path: loaded here, they cost nothing when the gate answers.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand
  const adapters = (require('./agents/detect') as { ADAPTERS: typeof AdapterTable }).ADAPTERS;
  return adapters[dialect].answer(undefined, { action: 'deny', reason });
}

function engineModule(): { offlineHook: typeof OfflineHook; hookCheck: typeof HookCheck } {
  // Shipped, the engine is its own bundle (dist/main.js), loaded only here; from sources it is the module
  // itself. The path is computed so that the bundler does not pull the engine into dist/hook.js.
  const target = process.env.AIRLOCK_HOOK_BUNDLE === '1' ? './main.js' : './engine/offline';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  const load = (): { offlineHook: typeof OfflineHook; hookCheck: typeof HookCheck } => require(target) as { offlineHook: typeof OfflineHook; hookCheck: typeof HookCheck };
  return process.env.AIRLOCK_HOOK_BUNDLE === '1' ? loadBundle(join(__dirname, 'main.js'), load) : load();
}

function engine(): typeof OfflineHook {
  return engineModule().offlineHook;
}

/** The nonce of `airlock doctor`'s canary, when this payload is one (checked against the armed nonce). */
function canary(payload: string, workspaceDir: string): string | undefined {
  if (!payload.includes('"airlock_canary"')) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only doctor's canaries need it
  return (require('./agents/hookHealth') as { canaryNonce: typeof CanaryNonce }).canaryNonce(payload, workspaceDir);
}

const stderrLog = {
  trace() {},
  debug() {},
  info() {},
  warn: (m: string) => {
    if (process.env.AIRLOCK_DEBUG === '1') process.stderr.write(`${m}\n`);
  },
  error: (m: string) => {
    if (process.env.AIRLOCK_DEBUG === '1') process.stderr.write(`${m}\n`);
  },
};

/** Runs the hook; returns the answer to print (never throws). */
export async function runHook(args: readonly string[]): Promise<HookAnswer & { usage?: string }> {
  const dialectArg = args[0];
  if (!dialectArg || !isDialect(dialectArg)) {
    return { stdout: '', stderr: `airlock: hook needs a dialect: claude, vscode, copilot-cli, cursor, gemini or codex\n`, exitCode: 64, usage: 'dialect' };
  }
  const dialect: Dialect = dialectArg;
  let workspaceArg: string | undefined;
  let event: string | undefined;
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--workspace') workspaceArg = args[++i];
    else if (args[i] === '--event') event = args[++i];
  }
  try {
    if (process.stdin.isTTY) return { stdout: '', stderr: 'airlock: hook reads an agent\'s hook payload on stdin; it is run by agents, not typed\n', exitCode: 64, usage: 'tty' };
    const payload = await readStdin(Number(process.env.AIRLOCK_STDIN_TIMEOUT_MS ?? 30_000));
    const workspace = workspaceFor(payload, workspaceArg);
    const dataRoot = airlockHome();
    const workspaceDir = workspaceDataDir(dataRoot, workspace);
    const nonce = canary(payload, workspaceDir);
    if (nonce !== undefined) {
      // `airlock doctor` proving this hook: the gate's reachability is part of what it reports.
      const ping = await callGate(workspaceDir, { type: 'ping' }, 3000);
      const gate = isServerMessage(ping) && ping.type === 'pong' ? `a gate answers (process ${ping.pid})` : `no gate answers (${isServerMessage(ping) ? ping.type : ping.message}), so this hook decides alone`;
      return engineModule().hookCheck({ payload, dialect, ...(event ? { event } : {}), workspace, dataRoot, home: homedir(), nonce, gate });
    }
    const reply = await callGate(workspaceDir, { type: 'hook', dialect, ...(event ? { event } : {}), payload }, Number(process.env.AIRLOCK_HOOK_TIMEOUT_MS ?? 570_000));
    if (isServerMessage(reply)) {
      if (reply.type === 'answer') return { stdout: reply.stdout, stderr: reply.stderr, exitCode: reply.exitCode };
      if (reply.type === 'error') return deny(dialect, `the Airlock gate refused the request (${reply.message})`);
      return deny(dialect, 'the Airlock gate gave an unexpected reply');
    }
    if (reply.reason === 'timeout') return deny(dialect, `${reply.message}; denied`);
    // The gate had the request and stopped before answering (the editor closed): it was the gate's to
    // decide, and deciding again here could let through what a person was about to deny.
    if (reply.reason === 'lost') return deny(dialect, `the Airlock gate stopped before answering (${reply.message}); denied. Try again once the editor or \`airlock serve\` runs`);
    stderrLog.warn(`airlock: deciding without a gate (${reply.reason}: ${reply.message})`);
    return await engine()({ payload, dialect, ...(event ? { event } : {}), workspace, dataRoot, home: homedir(), installDir: __dirname, log: stderrLog });
  } catch (e) {
    return deny(dialect, `Airlock could not decide (${(e as Error).message}), so it denies`);
  }
}

/** Entry point used by the `airlock` command. */
export async function hookCli(args: readonly string[]): Promise<number> {
  const answer = await runHook(args);
  if (answer.stdout) process.stdout.write(answer.stdout);
  if (answer.stderr) process.stderr.write(answer.stderr);
  return answer.exitCode;
}
