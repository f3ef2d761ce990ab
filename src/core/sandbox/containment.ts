/**
 * What "contained" means on this machine, said plainly for `airlock doctor` and the status bar: whether
 * commands that pass without a person run in the sandbox, how each protection and limit is enforced here
 * (by the kernel, by Airlock's launcher, or not at all), and, where there is no sandbox, what that means
 * for trust (code-running commands then pass by trust only at level 3).
 */
import { existsSync } from 'node:fs';
import type { SandboxAvailability } from './backends';
import { seccompSupported } from './seccomp';
import type { ResolvedSandbox } from './sandboxPolicy';

/** One protection or limit and how it is enforced here. */
export interface ContainmentAspect {
  readonly name: string;
  /** `kernel`: namespaces, mounts, seccomp, rlimits, cgroups; `launcher`: Airlock's own launcher; `none`: not enforced. */
  readonly by: 'kernel' | 'launcher' | 'none';
  readonly how: string;
}

/** The sandbox as this machine runs it. */
export interface Containment {
  /** Commands that pass without a person run in the sandbox. */
  readonly contained: boolean;
  /** One sentence for the person. */
  readonly summary: string;
  /** What that means for trust. */
  readonly trust: string;
  readonly aspects: readonly ContainmentAspect[];
}

/** Describes the containment of commands for a policy's sandbox on this machine. */
export function describeContainment(s: ResolvedSandbox, available: SandboxAvailability, options: { readonly platform?: NodeJS.Platform; readonly arch?: string; readonly uid?: number } = {}): Containment {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  if (!s.enabled) {
    return { contained: false, summary: 'the policy turns the sandbox off ("sandbox": { "enabled": false }): commands run uncontained', trust: 'so commands that run code (tests, builds, scripts) pass by trust only at level 3 and ask at level 2', aspects: [] };
  }
  if (!available.available) {
    return { contained: false, summary: `no sandbox on this machine (${available.reason}): commands run uncontained`, trust: 'so commands that run code (tests, builds, scripts) pass by trust only at level 3 and ask at level 2; rules that say "sandbox": true ask', aspects: [] };
  }
  const levels = s.trustLevels.length === 4 ? '' : ` (at trust level${s.trustLevels.length === 1 ? '' : 's'} ${s.trustLevels.join(', ')})`;
  const aspects: ContainmentAspect[] = [];
  if (platform === 'darwin') {
    aspects.push(
      { name: 'files', by: 'kernel', how: 'Seatbelt (sandbox-exec): writes only to the workspace, the writable folders and temporary folders; protected paths unwritable and unmovable (written, not tested by Airlock)' },
      { name: 'network', by: 'kernel', how: s.network === 'host' ? "the host's network" : 'Seatbelt denies IP connections and Unix socket paths' },
      { name: 'limits', by: 'kernel', how: 'ulimit for CPU time, file size and processes; the launcher stops the command at the time limit' },
    );
  } else {
    const root = (options.uid ?? process.getuid?.() ?? 1) === 0;
    const cgroup = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes') && existsSync('/sys/fs/cgroup/pids/cgroup.procs');
    aspects.push(
      { name: 'files', by: 'kernel', how: `mount namespace: the file system read-only except the workspace${s.writable.length ? ` and ${s.writable.length} writable folder(s)` : ''}, a private /tmp, caches per workspace; credential folders hidden` },
      { name: 'protected files', by: 'kernel', how: 'git internals, agent hook configurations and the policy bound read-only, missing ones blocked by empty read-only placeholders, their folders unmovable; .git/commondir and .git/config.worktree (which no mount can block without breaking git) removed by the launcher the moment they appear' },
      { name: 'processes', by: 'kernel', how: 'PID, IPC and UTS namespaces, no new user namespaces, all capabilities dropped, a new session (no terminal injection)' },
      { name: 'environment', by: 'launcher', how: 'secret variables removed before the sandbox starts (its process 1 included); descriptors above 2 closed' },
      { name: 'network', by: 'kernel', how: s.network === 'none' ? 'own network namespace: no network' : s.network === 'host' ? "the host's network" : `own network namespace; a proxy outside reaches only ${s.network.allow.join(', ')}` },
      s.network === 'host'
        ? { name: 'Unix sockets', by: 'none', how: 'reachable: the network is "host"' }
        : seccompSupported(arch)
          ? { name: 'Unix sockets', by: 'kernel', how: `seccomp refuses socket(AF_UNIX) and io_uring (${arch})` }
          : { name: 'Unix sockets', by: 'none', how: `reachable: Airlock has no seccomp filter for ${arch}` },
      { name: 'memory and processes', by: 'kernel', how: cgroup && root ? 'memory and pids cgroups' : root ? 'address space per process (RLIMIT_AS); the process limit is not enforced for root without a writable cgroup' : 'address space per process (RLIMIT_AS) and RLIMIT_NPROC' },
      { name: 'time and CPU', by: 'kernel', how: 'timeout(1) for the wall clock, RLIMIT_CPU for CPU time' },
      { name: 'output', by: 'launcher', how: `at most ${s.limits.outputMB} MB passed back` },
    );
  }
  return { contained: true, summary: `commands that pass without a person run in the sandbox${levels}: ${available.detail}`, trust: 'so commands that run code (tests, builds, scripts) may pass by trust at level 2', aspects };
}
