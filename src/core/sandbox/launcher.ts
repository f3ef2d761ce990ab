/**
 * `airlock sandbox`: runs one command as the profile allows, and stays in the middle until it ends:
 * limits through the operating system (`timeout`, `prlimit`, and memory and process cgroups where
 * Airlock may create them), the output passed back capped at the profile's size, and, after the command,
 * one line on stderr when a limit stopped it or the sandbox refused what it tried. The command's exit
 * status is passed through.
 *
 * Before the sandbox starts: file descriptors the caller left open are closed, the environment is filtered
 * (sandboxEnv.ts), the protections are computed from the file system as it is (protect.ts) with
 * placeholders for what does not exist yet, and the seccomp filter is generated (seccomp.ts). While it
 * runs: the names no mount can protect are watched. After it: they are checked again, and repositories the
 * command created or changed inside the workspace are made inert if they would run code (quarantine.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { bwrapArgs, prlimitArgs, seatbeltProfile, which } from './backends';
import { HintScanner, sandboxHint } from './hints';
import { deferCgroupRemoval, leasePlaceholders, startCleaner, type PlaceholderLease } from './placeholders';
import { cacheSource, hiddenPaths, type SandboxProfile } from './profile';
import { READ_THROUGH_CACHES } from './sandboxPolicy';
import { planProtections, type ProtectionPlan } from './protect';
import { signalNumber, serveBridge, startAllowListProxy, type AllowListProxy } from './proxy';
import { describeGitRisk, findGitRisks, neutralizeGitDir, Quarantine } from './quarantine';
import { unixSocketFilter } from './seccomp';
import { sandboxEnv } from './sandboxEnv';
import { LAUNCHER_KEPT_ENV } from './rewrite';

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

/**
 * Closes the file descriptors this process inherited beyond stdin, stdout and stderr (the agent's shell
 * may hold files, pipes and sockets open), so that neither bubblewrap nor the command inherits them.
 * Node.js and libuv open everything close-on-exec, so the descriptors without that flag are the inherited
 * ones. Linux only (it reads /proc/self/fdinfo); elsewhere the launcher's shell closes them.
 */
export function closeInheritedFds(): number[] {
  const closed: number[] = [];
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return closed;
  }
  for (const name of fds) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    let flags: number;
    try {
      const m = /^flags:\s+([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (!m) continue;
      flags = parseInt(m[1]!, 8);
    } catch {
      continue; // the descriptor readdir itself used, already closed
    }
    if (flags & 0o2000000) continue; // O_CLOEXEC: opened by Node.js itself
    try {
      closeSync(fd);
      closed.push(fd);
    } catch {
      // already closed
    }
  }
  return closed;
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
  /** Removes the groups; returns those whose processes were still leaving. */
  remove(): string[];
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
      const left: string[] = [];
      for (const d of [m, p]) {
        try {
          rmdirSync(d);
        } catch {
          // processes still leaving the group: the background cleaner removes it
          left.push(d);
        }
      }
      return left;
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
export async function runSandboxed(given: SandboxProfile, command: string, o: LaunchOptions): Promise<number> {
  const profile: SandboxProfile = { ...given, hide: hiddenPaths(given) };
  const platform = o.platform ?? process.platform;
  const say = (m: string): void => void o.stderr.write(`airlock sandbox: ${m}\n`);
  const shell = shellPath();
  let argv: string[];
  let cgroups: Cgroups | undefined;
  let proxy: AllowListProxy | undefined;
  let proxyDir: string | undefined;
  let wallTimer: ReturnType<typeof setTimeout> | undefined;
  let lease: PlaceholderLease | undefined;
  let seccomp: Buffer | undefined;
  const allow = typeof profile.network === 'object' ? profile.network.allow : undefined;
  const started = Date.now();
  // AIRLOCK_SANDBOX_TRACE=1: how long each step of the launcher takes, on stderr (for the benchmark).
  const traceOn = process.env.AIRLOCK_SANDBOX_TRACE === '1';
  let last = process.hrtime.bigint();
  const trace = (step: string): void => {
    if (!traceOn) return;
    const now = process.hrtime.bigint();
    o.stderr.write(`airlock sandbox trace: ${step} ${(Number(now - last) / 1e6).toFixed(1)} ms\n`);
    last = now;
  };
  const plan = planProtections({ workspace: profile.workspace, writable: profile.writable, home: profile.home, programDir: dirname(o.cli) });
  if (plan.problems.length > 0) {
    say(`the sandbox cannot protect what it must, so the command did not run: ${plan.problems.join('; ')}`);
    return 126;
  }
  const env = sandboxEnv(process.env, profile.unsetEnv);
  // Put back what the rewritten command line kept away from the launcher (rewrite.ts).
  for (const v of LAUNCHER_KEPT_ENV) {
    const kept = process.env[`AIRLOCK_KEPT_${v}`];
    if (kept) env[v] = kept;
    else delete env[v];
  }
  trace('plan');

  if (platform === 'linux') {
    const tools = { bwrap: which('bwrap', process.env, true), timeout: which('timeout', process.env, true), prlimit: which('prlimit', process.env, true) };
    const missing = Object.entries(tools).find(([, p]) => !p);
    if (missing) {
      say(`${missing[0]} is not installed, so the command did not run (install bubblewrap, coreutils and util-linux)`);
      return 126;
    }
    if (profile.network !== 'host') {
      seccomp = unixSocketFilter();
      if (!seccomp) say(`Unix sockets outside the sandbox stay reachable: Airlock has no seccomp filter for ${process.arch}`);
    }
    try {
      lease = leasePlaceholders(profile.state, plan.placeholders);
    } catch (e) {
      say(`the sandbox could not prepare its protections (${(e as Error).message}), so the command did not run`);
      return 126;
    }
    // A cache folder the person does not have yet (a fresh machine has no ~/.cache) is created empty,
    // as the first tool to use it would: otherwise the read-only home leaves commands no cache at all.
    for (const at of profile.caches) {
      if (kindOf(at) !== undefined || kindOf(dirname(at)) !== 'dir') continue;
      try {
        mkdirSync(at, { mode: 0o700 });
      } catch {
        // Not ours to create (a read-only home): the command runs without this cache.
      }
    }
    const caches = profile.caches.filter((at) => kindOf(at) === 'dir').map((at) => ({ at, from: cacheSource(profile, at) }));
    for (const c of caches) mkdirSync(c.from, { recursive: true, mode: 0o700 });
    // What tools install into the person's cache (browsers, headers, models) stays visible, read-only,
    // inside the workspace's own cache.
    const readThrough: { from: string; at: string }[] = [];
    for (const c of caches) {
      for (const name of READ_THROUGH_CACHES) {
        const real = join(c.at, name);
        if (kindOf(real) !== 'dir') continue;
        mkdirSync(join(c.from, name), { recursive: true, mode: 0o700 });
        readThrough.push({ from: real, at: real });
      }
    }
    trace('placeholders');
    cgroups = createCgroups(profile.limits);
    trace('cgroups');
    const uid = process.getuid?.() ?? 0;
    // RLIMIT_NPROC counts every process of the user and is ignored for root: a pids cgroup does better.
    const nproc = cgroups || uid === 0 ? undefined : Math.ceil(profile.limits.processes) + userProcessCount(uid);
    const limited = [tools.prlimit!, ...prlimitArgs(profile, { memoryByCgroup: cgroups !== undefined, ...(nproc !== undefined ? { nproc } : {}) }), shell, '-c', '--', command];
    let inner = limited;
    if (allow) {
      proxyDir = mkdtempSync(join(tmpdir(), 'airlock-net-'));
      proxy = await startAllowListProxy(join(proxyDir, 'p.sock'), allow);
      inner = [o.node, o.cli, 'sandbox-bridge', '--', ...limited];
    }
    // Descriptor 3: the IPC channel of the network bridge, when there is one; then the seccomp program.
    const seccompFd = seccomp ? (allow ? 4 : 3) : undefined;
    const bwrap = [tools.bwrap!, ...bwrapArgs(profile, inner, o.cwd, kindOf, { plan, caches, readThrough, ...(seccompFd !== undefined ? { seccompFd } : {}), visible: allow ? [dirname(o.cli), dirname(o.node)] : [] })];
    // bwrap itself and the bridge are outside the rlimits; the wall clock covers everything.
    argv = [tools.timeout!, '-k', '5', String(Math.ceil(profile.limits.timeoutSeconds)), ...bwrap];
    if (cgroups) argv = ['/bin/sh', '-c', 'echo $$ > "$1" && echo $$ > "$2" && shift 2 && exec "$@"', 'sh', cgroups.memory, cgroups.pids, ...argv];
  } else if (platform === 'darwin') {
    if (allow) say('network allow-lists need Linux; on macOS the command has no network');
    const l = profile.limits;
    // No /proc here to tell inherited descriptors apart: the shell closes every one above 2 before sandbox-exec starts.
    const closeFds = 'for fd in $(ls /dev/fd 2>/dev/null); do [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null; done; ';
    argv = ['/bin/sh', '-c', `${closeFds}ulimit -t ${Math.ceil(l.cpuSeconds)}; ulimit -f ${Math.ceil((l.fileSizeMB * 1024 * 1024) / 512)}; ulimit -u ${Math.ceil(l.processes)} 2>/dev/null; exec "$@"`, 'sh', '/usr/bin/sandbox-exec', '-p', seatbeltProfile(allow ? { ...profile, network: 'none' } : profile, kindOf, plan), shell, '-c', '--', command];
  } else {
    say(`there is no sandbox for ${platform}, so the command did not run`);
    return 126;
  }

  const stdio: ('inherit' | 'pipe' | 'ipc')[] = ['inherit', 'pipe', 'pipe'];
  if (allow && platform === 'linux') stdio.push('ipc');
  if (seccomp) stdio.push('pipe');
  let child: ChildProcess;
  try {
    child = spawn(argv[0]!, argv.slice(1), { cwd: o.cwd, stdio, detached: true, env });
  } catch (e) {
    lease?.release();
    throw e;
  }
  if (seccomp) (child.stdio[stdio.length - 1] as NodeJS.WritableStream).end(seccomp);
  trace('spawn');
  if (allow && proxyDir) serveBridge(child as Parameters<typeof serveBridge>[0], join(proxyDir, 'p.sock'));
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

  // The names no mount protects: removed the moment they appear, and the command stopped.
  const quarantine = new Quarantine(profile.state, profile.workspace);
  const violations: string[] = [];
  const takeWatched = (): void => {
    for (const p of plan.watched) {
      if (!present(p)) continue;
      let where: string | undefined;
      try {
        where = quarantine.take(p);
      } catch {
        where = undefined;
      }
      if (where !== undefined || !present(p)) violations.push(p);
      killGroup('SIGKILL');
    }
  };
  const watchers = platform === 'linux' ? watchParents(plan.watched, takeWatched) : [];

  // Output: passed through as it comes, until the cap; then the command is stopped.
  const cap = profile.limits.outputMB * 1024 * 1024;
  let sent = 0;
  let capped = false;
  let bwrapError = '';
  const hints = new HintScanner();
  const pass = (target: NodeJS.WritableStream, isErr: boolean) => (chunk: Buffer) => {
    if (isErr && sent === 0 && bwrapError.length < 4096 && chunk.toString('utf8').startsWith('bwrap:')) bwrapError += chunk.toString('utf8');
    if (capped) return;
    hints.feed(chunk);
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
  const status = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveStatus) => {
    child.on('error', () => resolveStatus({ code: 127, signal: null }));
    child.on('close', (code, signal) => resolveStatus({ code, signal }));
  });
  trace('command');
  if (wallTimer) clearTimeout(wallTimer);
  for (const w of watchers) w.close();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, forward);
  const code = status.code ?? 128 + (status.signal ? signalNumber(status.signal) : 1);
  const oom = cgroups?.oomKilled() ?? false;
  const cgroupsLeft = cgroups?.remove() ?? [];
  if (cgroupsLeft.length) deferCgroupRemoval(profile.state, cgroupsLeft);
  trace('cgroups removed');
  await proxy?.close();
  if (proxyDir) rmSync(proxyDir, { recursive: true, force: true });

  // After the command: the watched names once more, then repositories it made dangerous.
  takeWatched();
  let neutralized: string[] = [];
  if (platform === 'linux') {
    try {
      const risks = findGitRisks(profile.workspace, started, { skip: plan.gitDirs });
      for (const r of risks) neutralizeGitDir(r.gitDir, quarantine);
      neutralized = risks.map((r) => describeGitRisk(r, profile.workspace));
    } catch (e) {
      say(`could not check the repositories in the workspace after the command (${(e as Error).message})`);
    }
  }
  trace('checks');
  try {
    lease?.release();
  } catch (e) {
    say(`could not remove the sandbox's placeholder folders (${(e as Error).message}); the next sandboxed command will`);
  }
  if (cgroupsLeft.length > 0) startCleaner(profile.state, o.node, o.cli);
  trace('placeholders released');

  const l = profile.limits;
  const rel = (p: string): string => (relative(profile.workspace, p).startsWith('..') ? p : relative(profile.workspace, p));
  if (violations.length) say(`the command created ${[...new Set(violations)].map(rel).join(', ')}, which git reads and agents may not create (a built-in protection): Airlock removed it${quarantine.used ? ` (kept in ${quarantine.dir})` : ''} and stopped the command`);
  if (neutralized.length) say(`the command left repositories that would run code when git or the editor works in them: ${neutralized.join('; ')}. Airlock removed their code-running configuration and hooks (kept in ${quarantine.dir})`);
  if (capped) say(`the command wrote more than ${l.outputMB} MB of output, so it was stopped (sandbox limit outputMB)`);
  else if (bwrapError) say(`the sandbox could not start (${bwrapError.trim().split('\n')[0]}); the command did not run`);
  else if (code === 124 || (platform === 'darwin' && status.signal === 'SIGKILL' && !capped)) say(`the command ran longer than ${l.timeoutSeconds} s, so it was stopped (sandbox limit timeoutSeconds)`);
  else if (oom) say(`the command used more than ${l.memoryMB} MB of memory, so it was stopped (sandbox limit memoryMB)`);
  else if ((code === 152 || code === 137) && !violations.length) say(`the command was killed: it used more than ${l.cpuSeconds} s of CPU time (sandbox limit cpuSeconds)${cgroups ? '' : `, or its memory use reached the ${l.memoryMB} MB limit (memoryMB)`}`);
  else if (code === 153) say(`the command tried to write a file larger than ${l.fileSizeMB} MB (sandbox limit fileSizeMB)`);
  else if ((code === 133 || code === 134) && !cgroups) say(`the command ran out of address space: the sandbox allows ${l.memoryMB} MB per process (memoryMB); Node.js needs at least 768 MB just to start`);
  else if (code !== 0 && !violations.length) {
    const hint = sandboxHint(hints, { network: profile.network, isProtected: (p) => isProtectedPath(isAbsolute(p) ? p : resolve(o.cwd, p), plan) });
    if (hint) say(hint);
  }
  if (proxy && proxy.refused.size > 0) say(`refused network access to ${[...proxy.refused].join(', ')} (not in the policy's sandbox.network allow-list)`);
  return capped ? 137 : violations.length && code === 0 ? 126 : code;
}

function present(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function within(p: string, root: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

/** True when `p` is one of the paths the sandbox keeps read-only inside the writable folders. */
function isProtectedPath(p: string, plan: ProtectionPlan): boolean {
  return [...plan.readOnly, ...plan.placeholders, ...plan.watched].some((q) => within(p, q));
}

/** inotify watches on the folders holding the watched names (non-recursive, so cheap). */
function watchParents(paths: readonly string[], onChange: () => void): FSWatcher[] {
  const byDir = new Map<string, Set<string>>();
  for (const p of paths) {
    const d = dirname(p);
    if (!byDir.has(d)) byDir.set(d, new Set());
    byDir.get(d)!.add(basename(p));
  }
  const out: FSWatcher[] = [];
  for (const [dir, names] of byDir) {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || names.has(name.toString())) onChange();
      });
      w.on('error', () => w.close());
      out.push(w);
    } catch {
      // the folder is gone; the check after the command still runs
    }
  }
  return out;
}
