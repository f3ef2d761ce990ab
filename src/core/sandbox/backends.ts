/**
 * The operating system's sandbox: bubblewrap with prlimit and timeout on Linux, sandbox-exec (Seatbelt)
 * on macOS. Builds the argument vectors and says whether the sandbox works on this machine.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { SandboxProfile } from './profile';
import type { ProtectionPlan } from './protect';

/** Whether a sandbox can run commands here, and if not, why and what to do. */
export type SandboxAvailability = { readonly available: true; readonly backend: 'bubblewrap' | 'sandbox-exec'; readonly detail: string } | { readonly available: false; readonly reason: string; readonly fix: string };

/**
 * The folders the sandbox's own tools (bwrap, timeout, prlimit) are taken from: system folders only,
 * never PATH. The launcher runs outside the sandbox with the agent's environment, and a PATH the agent
 * could set (`export PATH=$PWD/bin:$PATH` in a persistent shell) must not choose what runs there.
 */
export const SYSTEM_BIN_DIRS: readonly string[] = Object.freeze(['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin', '/run/current-system/sw/bin', '/nix/var/nix/profiles/default/bin', '/opt/homebrew/bin']);

/** Finds an executable on PATH (or in the usual system folders); `systemOnly` ignores PATH. */
export function which(name: string, env: NodeJS.ProcessEnv = process.env, systemOnly = false): string | undefined {
  const dirs = [...(systemOnly ? [] : (env.PATH ?? '').split(delimiter)), ...SYSTEM_BIN_DIRS];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

let cached: { at: number; result: SandboxAvailability } | undefined;
const CACHE_MS = 60_000;
const DISK_CACHE_MS = 10 * 60_000;

/** What a probe depends on: the bubblewrap binary, the user and the kernel. */
function probeKey(env: NodeJS.ProcessEnv): string {
  const bwrap = which('bwrap', env, true);
  let stamp = '';
  try {
    if (bwrap) stamp = String(statSync(bwrap).mtimeMs);
  } catch {
    stamp = '';
  }
  return `${bwrap ?? ''}:${stamp}:${process.getuid?.() ?? ''}:${release()}`;
}

/**
 * Probes the sandbox once a minute at most in a process (and, given a cache folder, once in ten minutes
 * across processes: a hook process would otherwise start bubblewrap on every command): the tools are there
 * and bubblewrap can really create its namespaces (container runtimes and some distributions forbid user
 * namespaces).
 */
export function sandboxAvailability(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, cacheDir?: string): SandboxAvailability {
  if (env.AIRLOCK_SANDBOX_DISABLE === '1') return { available: false, reason: 'the sandbox is switched off on this machine (AIRLOCK_SANDBOX_DISABLE=1)', fix: 'unset AIRLOCK_SANDBOX_DISABLE' };
  if (cached && Date.now() - cached.at < CACHE_MS && platform === process.platform) return cached.result;
  const file = cacheDir && platform === process.platform ? join(cacheDir, 'sandbox-probe.json') : undefined;
  const key = file ? probeKey(env) : '';
  if (file) {
    try {
      const disk = JSON.parse(readFileSync(file, 'utf8')) as { key?: string; at?: number; result?: SandboxAvailability };
      if (disk.key === key && typeof disk.at === 'number' && Date.now() - disk.at < DISK_CACHE_MS && disk.result && typeof disk.result.available === 'boolean') {
        cached = { at: Date.now(), result: disk.result };
        return disk.result;
      }
    } catch {
      // no cache yet
    }
  }
  const result = probe(platform, env);
  cached = { at: Date.now(), result };
  if (file) {
    try {
      mkdirSync(cacheDir!, { recursive: true, mode: 0o700 });
      writeFileSync(`${file}.${process.pid}`, JSON.stringify({ key, at: Date.now(), result }), { mode: 0o600 });
      renameSync(`${file}.${process.pid}`, file);
    } catch {
      // a cache that cannot be written only costs a probe
    }
  }
  return result;
}

function probe(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): SandboxAvailability {
  if (platform === 'darwin') {
    return existsSync('/usr/bin/sandbox-exec') ? { available: true, backend: 'sandbox-exec', detail: '/usr/bin/sandbox-exec' } : { available: false, reason: '/usr/bin/sandbox-exec is missing', fix: 'sandbox-exec ships with macOS; check the system installation' };
  }
  if (platform !== 'linux') return { available: false, reason: `Airlock has no sandbox for ${platform}`, fix: 'run agents under WSL or Linux to sandbox their commands' };
  const bwrap = which('bwrap', env, true);
  if (!bwrap) return { available: false, reason: `bubblewrap (bwrap) is not installed in ${SYSTEM_BIN_DIRS.slice(0, 5).join(', ')}`, fix: 'install it: sudo apt-get install bubblewrap (or dnf/pacman install bubblewrap)' };
  for (const tool of ['prlimit', 'timeout']) {
    if (!which(tool, env, true)) return { available: false, reason: `${tool} is not installed`, fix: `install ${tool === 'prlimit' ? 'util-linux' : 'coreutils'}` };
  }
  const r = spawnSync(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-user', '--disable-userns', '--unshare-pid', '--unshare-net', '--cap-drop', 'ALL', '--', 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0];
    return { available: false, reason: `bubblewrap cannot create its namespaces here (${why})`, fix: 'allow unprivileged user namespaces (on Ubuntu: sysctl kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile for bwrap); in a container, run it with user namespaces allowed' };
  }
  const version = spawnSync(bwrap, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { available: true, backend: 'bubblewrap', detail: `${version || 'bubblewrap'} at ${bwrap}` };
}

/** Forgets the cached probe (tests). */
export function resetSandboxProbe(): void {
  cached = undefined;
}

/** What a launch adds to the profile: the protections computed now, caches, and the seccomp descriptor. */
export interface BwrapExtras {
  readonly plan: ProtectionPlan;
  /** Per-workspace caches: `from` (in Airlock's data) is bound writable on `at` (in the home folder). */
  readonly caches: readonly { readonly from: string; readonly at: string }[];
  /** Folders of the person's own cache shown read-only inside the workspace's cache (bound after it). */
  readonly readThrough?: readonly { readonly from: string; readonly at: string }[];
  /** The descriptor bubblewrap reads the seccomp program from. */
  readonly seccompFd?: number;
  /** Airlock's own files the sandbox must see (the network bridge), even where they would be hidden. */
  readonly visible?: readonly string[];
}

function depth(p: string): number {
  return p.split('/').length;
}

/** The bubblewrap arguments for a profile (everything after `bwrap`), ending in the argv run inside. */
export function bwrapArgs(profile: SandboxProfile, inner: readonly string[], cwd: string, existing: (p: string) => 'dir' | 'file' | undefined, extras: BwrapExtras): string[] {
  const a = ['--die-with-parent', '--new-session', '--unshare-user', '--disable-userns', '--unshare-ipc', '--unshare-pid', '--unshare-uts', '--unshare-cgroup-try'];
  if (profile.network !== 'host') a.push('--unshare-net');
  a.push(
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    // As root, uid 0 may write sysctls even without capabilities: keep them read-only.
    '--ro-bind', '/proc/sys', '/proc/sys',
    '--ro-bind-try', '/proc/sysrq-trigger', '/proc/sysrq-trigger',
    // Private temporary folders; /run hides the sockets of docker, dbus and the like.
    '--tmpfs', '/tmp', '--tmpfs', '/var/tmp', '--tmpfs', '/dev/shm', '--tmpfs', '/run',
  );
  for (const w of [profile.workspace, ...profile.writable]) if (existing(w) === 'dir') a.push('--bind', w, w);
  for (const c of extras.caches) if (existing(c.at) === 'dir' && existing(c.from) === 'dir') a.push('--bind', c.from, c.at);
  // The source is resolved outside the sandbox (the person's cache), the destination inside (the workspace's).
  for (const r of extras.readThrough ?? []) a.push('--ro-bind', r.from, r.at);
  for (const g of extras.plan.gitWritable) a.push('--bind', g, g);
  // Order matters: the protections come after the writable binds they carve out of, parents before
  // children (.git, then .git/hooks), anchors (writable) before read-only paths at the same depth.
  const plan = extras.plan;
  const mounts = [...plan.anchors.map((p) => ({ p, rw: true })), ...[...plan.readOnly, ...plan.placeholders].map((p) => ({ p, rw: false }))].sort((x, y) => depth(x.p) - depth(y.p) || Number(y.rw) - Number(x.rw));
  for (const m of mounts) a.push(m.rw ? '--bind' : '--ro-bind', m.p, m.p);
  for (const h of profile.hide) {
    const kind = existing(h);
    if (kind === 'dir') a.push('--tmpfs', h, '--remount-ro', h);
    else if (kind === 'file') a.push('--ro-bind', '/dev/null', h);
  }
  // What the sandbox must see to start the bridge (Airlock's own files), even under the private /tmp.
  for (const v of extras.visible ?? []) a.push('--ro-bind-try', v, v);
  a.push('--setenv', 'TMPDIR', '/tmp', '--setenv', 'AIRLOCK_SANDBOX', '1', '--chdir', cwd, '--cap-drop', 'ALL');
  if (extras.seccompFd !== undefined) a.push('--seccomp', String(extras.seccompFd));
  a.push('--', ...inner);
  return a;
}

/** The resource limits as `prlimit` options (run inside the sandbox, just before the command). */
export function prlimitArgs(profile: SandboxProfile, options: { memoryByCgroup: boolean; nproc?: number }): string[] {
  const l = profile.limits;
  const MB = 1024 * 1024;
  const r = [`--cpu=${Math.ceil(l.cpuSeconds)}`, `--fsize=${Math.ceil(l.fileSizeMB * MB)}`, '--nofile=4096'];
  if (!options.memoryByCgroup) r.push(`--as=${Math.ceil(l.memoryMB * MB)}`);
  if (options.nproc !== undefined) r.push(`--nproc=${options.nproc}`);
  return [...r, '--'];
}

const sbplString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * A Seatbelt profile for sandbox-exec (macOS): everything else as usual, but writes only to the
 * workspace, the writable folders and temporary folders; the protected paths unwritable whether they exist
 * or not (Seatbelt rules are paths, so nothing needs creating), and neither they nor their ancestors inside
 * the writable folders can be moved away; hidden paths unreadable; no network and no Unix socket paths
 * unless the profile allows the network. Written to the same plan as bubblewrap's mounts, but not
 * exercised by Airlock's own tests, which run on Linux.
 */
export function seatbeltProfile(profile: SandboxProfile, existing: (p: string) => 'dir' | 'file' | undefined, plan: ProtectionPlan): string {
  const writable = [profile.workspace, ...profile.writable, '/private/tmp', '/private/var/folders'].map((p) => `(subpath ${sbplString(p)})`);
  const lines = ['(version 1)', '(allow default)', '(deny file-write*)', `(allow file-write* ${writable.join(' ')} (literal "/dev/null") (literal "/dev/zero") (regex #"^/dev/tty") (regex #"^/dev/fd/"))`];
  const protectedPaths = [...plan.readOnly, ...plan.placeholders, ...plan.watched];
  if (protectedPaths.length) lines.push(`(deny file-write* ${protectedPaths.map((p) => `(subpath ${sbplString(p)})`).join(' ')})`);
  // Moving a folder moves what it protects: block renaming the anchors and every ancestor of a protected
  // path that lies inside a writable folder (the workspace itself included).
  const roots = [profile.workspace, ...profile.writable];
  const ancestors = new Set<string>(plan.anchors);
  for (const p of protectedPaths) {
    for (let d = dirname(p); d !== dirname(d); d = dirname(d)) {
      if (!roots.some((r) => d === r || d.startsWith(`${r}/`))) break;
      ancestors.add(d);
    }
  }
  if (ancestors.size) lines.push(`(deny file-write-unlink ${[...ancestors].map((p) => `(literal ${sbplString(p)})`).join(' ')})`);
  const hidden = profile.hide.filter((h) => existing(h)).map((h) => (existing(h) === 'dir' ? `(subpath ${sbplString(h)})` : `(literal ${sbplString(h)})`));
  if (hidden.length) lines.push(`(deny file-read* ${hidden.join(' ')})`);
  if (profile.network !== 'host') {
    lines.push('(deny network-outbound (remote ip))', '(deny network-bind (local ip))');
    // Unix sockets by path (Docker's, an agent's): connecting and binding are refused; socketpair() stays.
    lines.push('(deny network-outbound (remote unix-socket (path-regex #"^/")))', '(deny network-bind (local unix-socket (path-regex #"^/")))');
  }
  return lines.join('\n');
}
