/**
 * The operating system's sandbox: bubblewrap with prlimit and timeout on Linux, sandbox-exec (Seatbelt)
 * on macOS. Builds the argument vectors and says whether the sandbox works on this machine.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { SandboxProfile } from './profile';

/** Whether a sandbox can run commands here, and if not, why and what to do. */
export type SandboxAvailability = { readonly available: true; readonly backend: 'bubblewrap' | 'sandbox-exec'; readonly detail: string } | { readonly available: false; readonly reason: string; readonly fix: string };

/** Finds an executable on PATH (or in the usual system folders). */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'];
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

/**
 * Probes the sandbox once a minute at most: the tools are there and bubblewrap can really create its
 * namespaces (container runtimes and some distributions forbid user namespaces).
 */
export function sandboxAvailability(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): SandboxAvailability {
  if (env.AIRLOCK_SANDBOX_DISABLE === '1') return { available: false, reason: 'the sandbox is switched off on this machine (AIRLOCK_SANDBOX_DISABLE=1)', fix: 'unset AIRLOCK_SANDBOX_DISABLE' };
  if (cached && Date.now() - cached.at < CACHE_MS && platform === process.platform) return cached.result;
  const result = probe(platform, env);
  cached = { at: Date.now(), result };
  return result;
}

function probe(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): SandboxAvailability {
  if (platform === 'darwin') {
    return existsSync('/usr/bin/sandbox-exec') ? { available: true, backend: 'sandbox-exec', detail: '/usr/bin/sandbox-exec' } : { available: false, reason: '/usr/bin/sandbox-exec is missing', fix: 'sandbox-exec ships with macOS; check the system installation' };
  }
  if (platform !== 'linux') return { available: false, reason: `Airlock has no sandbox for ${platform}`, fix: 'run agents under WSL or Linux to sandbox their commands' };
  const bwrap = which('bwrap', env);
  if (!bwrap) return { available: false, reason: 'bubblewrap (bwrap) is not installed', fix: 'install it: sudo apt-get install bubblewrap (or dnf/pacman install bubblewrap)' };
  for (const tool of ['prlimit', 'timeout']) {
    if (!which(tool, env)) return { available: false, reason: `${tool} is not installed`, fix: `install ${tool === 'prlimit' ? 'util-linux' : 'coreutils'}` };
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

/** The bubblewrap arguments for a profile (everything after `bwrap`), ending in the argv run inside. */
export function bwrapArgs(profile: SandboxProfile, inner: readonly string[], cwd: string, existing: (p: string) => 'dir' | 'file' | undefined, proxyDir?: string, visible: readonly string[] = []): string[] {
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
  // Order matters: these come after the writable binds they carve out of.
  for (const p of profile.readOnly) a.push('--ro-bind-try', p, p);
  for (const h of profile.hide) {
    const kind = existing(h);
    if (kind === 'dir') a.push('--tmpfs', h, '--remount-ro', h);
    else if (kind === 'file') a.push('--ro-bind', '/dev/null', h);
  }
  // The network proxy's socket (network allow-lists): the only way out of the empty network namespace.
  if (proxyDir) a.push('--ro-bind', proxyDir, PROXY_DIR_INSIDE);
  // What the sandbox must see to start the bridge (Airlock's own files), even under the private /tmp.
  for (const v of visible) a.push('--ro-bind-try', v, v);
  for (const e of profile.unsetEnv) a.push('--unsetenv', e);
  a.push('--setenv', 'TMPDIR', '/tmp', '--setenv', 'AIRLOCK_SANDBOX', '1', '--chdir', cwd, '--cap-drop', 'ALL', '--', ...inner);
  return a;
}

/** Where the proxy's socket folder appears inside the sandbox. */
export const PROXY_DIR_INSIDE = '/run/airlock-proxy';

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
 * workspace, the writable folders and temporary folders, hidden paths unreadable, and no network unless
 * the profile allows it. (Not exercised by Airlock's own tests, which run on Linux.)
 */
export function seatbeltProfile(profile: SandboxProfile, existing: (p: string) => 'dir' | 'file' | undefined): string {
  const writable = [profile.workspace, ...profile.writable, '/private/tmp', '/private/var/folders'].map((p) => `(subpath ${sbplString(p)})`);
  const lines = ['(version 1)', '(allow default)', '(deny file-write*)', `(allow file-write* ${writable.join(' ')} (literal "/dev/null") (literal "/dev/zero") (regex #"^/dev/tty") (regex #"^/dev/fd/"))`];
  const ro = profile.readOnly.map((p) => `(subpath ${sbplString(p)})`);
  if (ro.length) lines.push(`(deny file-write* ${ro.join(' ')})`);
  const hidden = profile.hide.filter((h) => existing(h)).map((h) => (existing(h) === 'dir' ? `(subpath ${sbplString(h)})` : `(literal ${sbplString(h)})`));
  if (hidden.length) lines.push(`(deny file-read* ${hidden.join(' ')})`);
  if (profile.network !== 'host') lines.push('(deny network-outbound (remote ip))', '(deny network-bind (local ip))');
  return lines.join('\n');
}
