/**
 * Empty read-only folders standing in for protected paths that do not exist yet (see protect.ts). They are
 * created on the host just before a sandboxed command starts, because a mount needs something to mount
 * on, and removed again once no sandboxed command of the workspace runs any more: every running launcher
 * registers itself, and only the last one out removes them, so a folder is never removed from under a
 * sandbox that still relies on it (removing a mount point's folder on the host would dissolve the mount
 * inside). Only empty folders are ever removed (`rmdir`), so nothing anyone put there is lost.
 */
import { mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { acquireLock } from '../storage/lock';

/** The placeholders one launcher holds. */
export interface PlaceholderLease {
  /** Folders created on the host for this command (and possibly shared with others). */
  readonly created: readonly string[];
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

function readRegistry(file: string): string[] {
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
        // another launcher pruned it
      }
    }
  }
  return live;
}

/** Makes every folder in `paths` exist (empty), recording the ones created, and registers this launcher. */
export function leasePlaceholders(stateDir: string, paths: readonly string[]): PlaceholderLease {
  const registry = join(stateDir, 'placeholders.json');
  const users = join(stateDir, 'users');
  const me = `${process.pid}-${Date.now().toString(36)}`;
  const lock = acquireLock(join(stateDir, 'placeholders.lock'), { what: 'preparing a sandbox', timeoutMs: 10_000, staleMs: 30_000 });
  const created: string[] = [];
  try {
    mkdirSync(users, { recursive: true });
    liveUsers(users);
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
    const known = readRegistry(registry);
    writeFileSync(registry, JSON.stringify([...new Set([...known, ...created])]));
    writeFileSync(join(users, me), '');
  } finally {
    lock.release();
  }
  return {
    created,
    release() {
      const l = acquireLock(join(stateDir, 'placeholders.lock'), { what: 'cleaning up after a sandbox', timeoutMs: 10_000, staleMs: 30_000 });
      try {
        try {
          unlinkSync(join(users, me));
        } catch {
          // pruned
        }
        if (liveUsers(users).length > 0) return;
        const remaining: string[] = [];
        // Deepest first, so that a created parent becomes empty before its turn.
        for (const d of readRegistry(registry).sort((a, b) => b.length - a.length)) {
          try {
            rmdirSync(d);
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') remaining.push(d);
          }
        }
        writeFileSync(registry, JSON.stringify(remaining));
      } finally {
        l.release();
      }
    },
  };
}
