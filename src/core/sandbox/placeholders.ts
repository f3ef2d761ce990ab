/**
 * Empty read-only folders standing in for protected paths that do not exist yet (see protect.ts). They are
 * created on the host just before a sandboxed command starts, because a mount needs something to mount
 * on, and removed again once no sandboxed command of the workspace runs any more: every running launcher
 * registers itself, and only when none is registered are they removed, so a folder is never removed from
 * under a sandbox that still relies on it (removing a mount point's folder on the host would dissolve the
 * mount inside). Only empty folders are ever removed (`rmdir`), so nothing anyone put there is lost.
 *
 * The last launcher out removes them before it returns, so nothing is left behind once the command is
 * done (a check right after it sees no `.mcp.json`, not even an empty folder). A launcher that was killed
 * leaves its registration behind; the next one prunes it. Cgroups whose processes were still leaving when
 * a command ended are removed by a small background process (`airlock sandbox-cleanup`) a second later.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { acquireLock } from '../storage/lock';

/** The placeholders one launcher holds. */
export interface PlaceholderLease {
  /** Folders created on the host for this command (and possibly shared with others). */
  readonly created: readonly string[];
  /** Unregisters this launcher, and removes the placeholders when no other sandbox of the workspace runs. */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readList(file: string): string[] {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function liveUsers(dir: string): string[] {
  const live: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return live;
  }
  for (const n of names) {
    const pid = Number(n.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) live.push(n);
    else {
      try {
        unlinkSync(join(dir, n));
      } catch {
        // another process pruned it
      }
    }
  }
  return live;
}

const lockOf = (stateDir: string, what: string) => acquireLock(join(stateDir, 'placeholders.lock'), { what, timeoutMs: 10_000, staleMs: 30_000 });

/** Makes every folder in `paths` exist (empty), recording the ones created, and registers this launcher. */
export function leasePlaceholders(stateDir: string, paths: readonly string[]): PlaceholderLease {
  const registry = join(stateDir, 'placeholders.json');
  const users = join(stateDir, 'users');
  const me = join(users, `${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(users, { recursive: true, mode: 0o700 });
  const lock = lockOf(stateDir, 'preparing a sandbox');
  const created: string[] = [];
  try {
    // Registered first: a cleaner that takes the lock after this sees us.
    writeFileSync(me, '');
    for (const p of paths) {
      // Create missing parents one by one, remembering each, so that they can all be removed again.
      const chain: string[] = [];
      for (let d = p; ; d = dirname(d)) {
        try {
          readdirSync(d);
          break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) break;
          chain.unshift(d);
        }
      }
      for (const d of chain) {
        try {
          mkdirSync(d, { mode: 0o755 });
          created.push(d);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
      }
    }
    if (created.length) writeFileSync(registry, JSON.stringify([...new Set([...readList(registry), ...created])]));
  } catch (e) {
    try {
      unlinkSync(me);
    } catch {
      // not registered
    }
    throw e;
  } finally {
    lock.release();
  }
  return {
    created,
    release() {
      try {
        unlinkSync(me);
      } catch {
        // pruned
      }
      cleanUp(stateDir, { delayMs: 0, maxMs: 0 });
    },
  };
}

/** Remembers a cgroup folder the cleaner should remove (its processes were still leaving). */
export function deferCgroupRemoval(stateDir: string, dirs: readonly string[]): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  appendFileSync(join(stateDir, 'cgroups-pending'), dirs.map((d) => `${d}\n`).join(''));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Removes the placeholders (and pending cgroups) once no launcher is registered: at once with `delayMs: 0`
 * (the launcher, as it ends), or waiting `delayMs` between attempts for up to `maxMs` (the background cleaner).
 */
export function cleanUp(stateDir: string, options: { readonly delayMs?: number; readonly maxMs?: number } = {}): 'removed' | 'busy' {
  const deadline = Date.now() + (options.maxMs ?? 15 * 60_000);
  const registry = join(stateDir, 'placeholders.json');
  const users = join(stateDir, 'users');
  for (;;) {
    if ((options.delayMs ?? 1000) > 0) sleep(options.delayMs ?? 1000);
    const lock = lockOf(stateDir, 'cleaning up after sandboxes');
    try {
      if (liveUsers(users).length === 0) {
        const remaining: string[] = [];
        // Deepest first, so that a created parent becomes empty before its turn.
        for (const d of readList(registry).sort((a, b) => b.length - a.length)) {
          try {
            rmdirSync(d);
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            // Not empty any more: someone's folder now, not a placeholder.
            if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') remaining.push(d);
          }
        }
        writeFileSync(registry, JSON.stringify(remaining));
        const pending = join(stateDir, 'cgroups-pending');
        let cgroups: string[] = [];
        try {
          cgroups = readFileSync(pending, 'utf8').split('\n').filter(Boolean);
        } catch {
          cgroups = [];
        }
        const left = cgroups.filter((d) => {
          try {
            rmdirSync(d);
            return false;
          } catch (e) {
            return (e as NodeJS.ErrnoException).code !== 'ENOENT';
          }
        });
        writeFileSync(pending, left.map((d) => `${d}\n`).join(''));
        return 'removed';
      }
    } finally {
      lock.release();
    }
    if (Date.now() > deadline) return 'busy';
  }
}

/** Starts the background cleaner (for cgroups still being left) unless one is already waiting (`node CLI sandbox-cleanup STATE`). */
export function startCleaner(stateDir: string, node: string, cli: string): void {
  const pidFile = join(stateDir, 'cleaner.pid');
  try {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) return;
  } catch {
    // none yet
  }
  try {
    const child = spawn(node, [cli, 'sandbox-cleanup', stateDir], { detached: true, stdio: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    child.on('error', () => undefined);
    if (child.pid) writeFileSync(pidFile, String(child.pid));
    child.unref();
  } catch {
    // the next command's launcher tries again
  }
}
