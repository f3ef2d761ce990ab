/**
 * `airlock sandbox`: runs one command as the profile allows, and stays in the middle until it ends:
 * limits through the operating system (`timeout`, `prlimit`, and memory and process cgroups where
 * Airlock may create them), the output passed back capped at the profile's size, and, after the command,
 * one line on stderr when a limit stopped it. The command's exit status is passed through.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bwrapArgs, prlimitArgs, PROXY_DIR_INSIDE, seatbeltProfile, which } from './backends';
import type { SandboxProfile } from './profile';
import { signalNumber, startAllowListProxy, type AllowListProxy } from './proxy';

/** Where the launcher writes and how it finds itself (for the network bridge inside the sandbox). */
export interface LaunchOptions {
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** The Node.js and the CLI script that run the bridge inside the sandbox. */
  readonly node: string;
  readonly cli: string;
  readonly platform?: NodeJS.Platform;
}

function kindOf(p: string): 'dir' | 'file' | undefined {
  try {
    const st = statSync(p);
    return st.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

function shellPath(): string {
  for (const s of ['/bin/bash', '/usr/bin/bash', '/bin/sh']) if (existsSync(s)) return s;
  return '/bin/sh';
}

/** A memory and a pids cgroup (v1), when this process may create them (typically as root). */
interface Cgroups {
  readonly memory: string;
  readonly pids: string;
  oomKilled(): boolean;
  remove(): void;
}

function createCgroups(limits: SandboxProfile['limits']): Cgroups | undefined {
  const base = '/sys/fs/cgroup';
  const mem = join(base, 'memory');
  const pids = join(base, 'pids');
  if (!existsSync(join(mem, 'memory.limit_in_bytes')) || !existsSync(join(pids, 'cgroup.procs'))) return undefined;
  const name = `airlock-${process.pid}-${Date.now().toString(36)}`;
  const m = join(mem, name);
  const p = join(pids, name);
  try {
    mkdirSync(m);
    mkdirSync(p);
    writeFileSync(join(m, 'memory.limit_in_bytes'), String(Math.ceil(limits.memoryMB * 1024 * 1024)));
    try {
      // Without this, a command over the limit could swap instead of stopping.
      writeFileSync(join(m, 'memory.memsw.limit_in_bytes'), String(Math.ceil(limits.memoryMB * 1024 * 1024)));
    } catch {
      // no swap accounting on this kernel
    }
    writeFileSync(join(p, 'pids.max'), String(Math.ceil(limits.processes)));
  } catch {
    for (const d of [m, p]) {
      try {
        rmdirSync(d);
      } catch {
        // not created
      }
    }
    return undefined;
  }
  return {
    memory: join(m, 'cgroup.procs'),
    pids: join(p, 'cgroup.procs'),
    oomKilled: () => {
      try {
        return /oom_kill [1-9]/.test(readFileSync(join(m, 'memory.oom_control'), 'utf8')) || Number(readFileSync(join(m, 'memory.failcnt'), 'utf8')) > 0;
      } catch {
        return false;
      }
    },
    remove: () => {
      for (const d of [m, p]) {
        for (let i = 0; i < 20; i++) {
          try {
            rmdirSync(d);
            break;
          } catch {
            // processes still leaving the group: wait 50 ms
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
          }
        }
      }
    },
  };
}

/** Processes the real user runs now (RLIMIT_NPROC counts them all, inside the sandbox or not). */
function userProcessCount(uid: number): number {
  let n = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (statSync(join('/proc', pid)).uid === uid) n++;
    } catch {
      // gone
    }
  }
  return n;
}

/** Runs `command` in the sandbox; resolves to its exit status. */
export async function runSandboxed(profile: SandboxProfile, command: string, o: LaunchOptions): Promise<number> {
  const platform = o.platform ?? process.platform;
  const say = (m: string): void => void o.stderr.write(`airlock sandbox: ${m}\n`);
  const shell = shellPath();
  let argv: string[];
  let cgroups: Cgroups | undefined;
  let proxy: AllowListProxy | undefined;
  let proxyDir: string | undefined;
  let wallTimer: ReturnType<typeof setTimeout> | undefined;
  const allow = typeof profile.network === 'object' ? profile.network.allow : undefined;

  if (platform === 'linux') {
    const tools = { bwrap: which('bwrap'), timeout: which('timeout'), prlimit: which('prlimit') };
    const missing = Object.entries(tools).find(([, p]) => !p);
    if (missing) {
      say(`${missing[0]} is not installed, so the command did not run (install bubblewrap, coreutils and util-linux)`);
      return 126;
    }
    cgroups = createCgroups(profile.limits);
    const uid = process.getuid?.() ?? 0;
    // RLIMIT_NPROC counts every process of the user and is ignored for root: a pids cgroup does better.
    const nproc = cgroups || uid === 0 ? undefined : Math.ceil(profile.limits.processes) + userProcessCount(uid);
    const limited = [tools.prlimit!, ...prlimitArgs(profile, { memoryByCgroup: cgroups !== undefined, ...(nproc !== undefined ? { nproc } : {}) }), shell, '-c', '--', command];
    let inner = limited;
    if (allow) {
      proxyDir = mkdtempSync(join(tmpdir(), 'airlock-net-'));
      proxy = await startAllowListProxy(join(proxyDir, 'p.sock'), allow);
      inner = [o.node, o.cli, 'sandbox-bridge', `${PROXY_DIR_INSIDE}/p.sock`, '--', ...limited];
    }
    const bwrap = [tools.bwrap!, ...bwrapArgs(profile, inner, o.cwd, kindOf, proxyDir, allow ? [dirname(o.cli), dirname(o.node)] : [])];
    // bwrap itself and the bridge are outside the rlimits; the wall clock covers everything.
    argv = [tools.timeout!, '-k', '5', String(Math.ceil(profile.limits.timeoutSeconds)), ...bwrap];
    if (cgroups) argv = ['/bin/sh', '-c', 'echo $$ > "$1" && echo $$ > "$2" && shift 2 && exec "$@"', 'sh', cgroups.memory, cgroups.pids, ...argv];
  } else if (platform === 'darwin') {
    if (allow) say('network allow-lists need Linux; on macOS the command has no network');
    const l = profile.limits;
    argv = ['/bin/sh', '-c', `ulimit -t ${Math.ceil(l.cpuSeconds)}; ulimit -f ${Math.ceil((l.fileSizeMB * 1024 * 1024) / 512)}; ulimit -u ${Math.ceil(l.processes)} 2>/dev/null; exec "$@"`, 'sh', '/usr/bin/sandbox-exec', '-p', seatbeltProfile(allow ? { ...profile, network: 'none' } : profile, kindOf), shell, '-c', '--', command];
  } else {
    say(`there is no sandbox for ${platform}, so the command did not run`);
    return 126;
  }

  const child = spawn(argv[0]!, argv.slice(1), { cwd: o.cwd, stdio: ['inherit', 'pipe', 'pipe'], detached: true, env: process.env });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  if (platform === 'darwin') wallTimer = setTimeout(() => killGroup('SIGKILL'), profile.limits.timeoutSeconds * 1000);
  const forward = (sig: NodeJS.Signals): void => killGroup(sig);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, forward);

  // Output: passed through as it comes, until the cap; then the command is stopped.
  const cap = profile.limits.outputMB * 1024 * 1024;
  let sent = 0;
  let capped = false;
  let bwrapError = '';
  const pass = (target: NodeJS.WritableStream, isErr: boolean) => (chunk: Buffer) => {
    if (isErr && sent === 0 && bwrapError.length < 4096 && chunk.toString('utf8').startsWith('bwrap:')) bwrapError += chunk.toString('utf8');
    if (capped) return;
    const room = cap - sent;
    if (chunk.length > room) {
      target.write(chunk.subarray(0, Math.max(0, room)));
      sent = cap;
      capped = true;
      killGroup('SIGKILL');
      return;
    }
    sent += chunk.length;
    target.write(chunk);
  };
  child.stdout!.on('data', pass(o.stdout, false));
  child.stderr!.on('data', pass(o.stderr, true));
  const status = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', () => resolve({ code: 127, signal: null }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  if (wallTimer) clearTimeout(wallTimer);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, forward);
  const code = status.code ?? 128 + (status.signal ? signalNumber(status.signal) : 1);
  const oom = cgroups?.oomKilled() ?? false;
  cgroups?.remove();
  await proxy?.close();
  if (proxyDir) rmSync(proxyDir, { recursive: true, force: true });

  const l = profile.limits;
  if (capped) say(`the command wrote more than ${l.outputMB} MB of output, so it was stopped (sandbox limit outputMB)`);
  else if (bwrapError) say(`the sandbox could not start (${bwrapError.trim().split('\n')[0]}); the command did not run`);
  else if (code === 124 || (platform === 'darwin' && status.signal === 'SIGKILL' && !capped)) say(`the command ran longer than ${l.timeoutSeconds} s, so it was stopped (sandbox limit timeoutSeconds)`);
  else if (oom) say(`the command used more than ${l.memoryMB} MB of memory, so it was stopped (sandbox limit memoryMB)`);
  else if (code === 152 || code === 137) say(`the command was killed: it used more than ${l.cpuSeconds} s of CPU time (sandbox limit cpuSeconds)${cgroups ? '' : `, or its memory use reached the ${l.memoryMB} MB limit (memoryMB)`}`);
  else if (code === 153) say(`the command tried to write a file larger than ${l.fileSizeMB} MB (sandbox limit fileSizeMB)`);
  else if ((code === 133 || code === 134) && !cgroups) say(`the command ran out of address space: the sandbox allows ${l.memoryMB} MB per process (memoryMB); Node.js needs at least 768 MB just to start`);
  if (proxy && proxy.refused.size > 0) say(`refused network access to ${[...proxy.refused].join(', ')} (not in the policy's sandbox.network allow-list)`);
  return capped ? 137 : code;
}
