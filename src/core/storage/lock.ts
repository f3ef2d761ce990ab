/**
 * Cross-process locks on the file system (history, audit log, trust store). Node has no flock, so a lock is a file created with O_EXCL
 * holding its owner's pid; a lock whose owner is gone (or that is older than `staleMs`) is taken over.
 * A crashed process therefore never blocks the store for long.
 */
import { hostname } from 'node:os';
import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Thrown when a lock cannot be taken in time. */
export class LockTimeoutError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: string,
  ) {
    super(`Airlock's data is busy (${holder}); try again in a moment.`);
  }
}

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly time: number;
  readonly what: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * True when the lock file holds an owner that is gone (dead process on this host) or too old. A missing
 * file is not stale: the lock is free, and the caller simply tries to create it again.
 */
function isStale(file: string, staleMs: number, checkPid = true): boolean {
  const owner = readOwner(file);
  if (!owner) {
    // Created but not yet written by its owner, or damaged: stale only after a grace period.
    try {
      return Date.now() - statSync(file).mtimeMs > 2000;
    } catch {
      return false;
    }
  }
  if (checkPid && owner.host === hostname() && !alive(owner.pid)) return true;
  return Date.now() - owner.time > staleMs;
}

function readRaw(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A held lock; release it exactly once. */
export interface Lock {
  release(): void;
}

/** Options of {@link acquireLock}. */
export interface LockOptions {
  /** How long to wait for a busy lock before giving up. */
  readonly timeoutMs?: number;
  /** A lock older than this is taken over even if its owner seems alive. */
  readonly staleMs?: number;
  /** What the lock is for, shown to whoever waits. */
  readonly what?: string;
  /**
   * False for a lock held across processes (taken by one hook process, released by a later one): its
   * owner's pid is gone by design, so only its age makes it stale.
   */
  readonly checkPid?: boolean;
}

function tryCreate(file: string, what: string): boolean {
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now(), what } satisfies Owner));
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Reads what a lock file says about its owner (for locks released by another process). */
export function lockOwnerWhat(file: string): string | undefined {
  return readOwner(file)?.what;
}

/** One attempt at taking a lock, moving a stale one aside first. */
function attempt(file: string, options: LockOptions): boolean {
  const what = options.what ?? 'a history operation';
  if (tryCreate(file, what)) return true;
  const judged = readRaw(file);
  if (judged === undefined || !isStale(file, options.staleMs ?? 10 * 60_000, options.checkPid !== false)) return false;
  // Take the stale lock over: move it aside, and make sure what was moved is the lock judged stale, not
  // a fresh lock another process created in between (that one goes straight back, never overwriting).
  const aside = `${file}.stale.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch {
    return false; // another waiter moved it first
  }
  if (readRaw(aside) !== judged) {
    try {
      linkSync(aside, file);
    } catch {
      // someone created a new lock meanwhile; theirs stands
    }
    unlinkSync(aside);
    return false;
  }
  unlinkSync(aside);
  return tryCreate(file, what);
}

function held(file: string): Lock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        unlinkSync(file);
      } catch {
        // taken over as stale, or already removed
      }
    },
  };
}

function timeout(file: string): LockTimeoutError {
  const owner = readOwner(file);
  return new LockTimeoutError(file, owner ? `${owner.what} by process ${owner.pid}` : 'another process');
}

/** Takes the exclusive lock `file`, waiting up to `timeoutMs`. Synchronous: for the command line and short waits. */
export function acquireLock(file: string, options: LockOptions = {}): Lock {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let wait = 2; !attempt(file, options); wait = Math.min(wait * 2, 100)) {
    if (Date.now() >= deadline) throw timeout(file);
    sleep(wait);
  }
  return held(file);
}

/**
 * Takes the exclusive lock `file`, waiting up to `timeoutMs`, without blocking the event loop: the gate in
 * the editor keeps serving other requests meanwhile.
 */
export async function acquireLockAsync(file: string, options: LockOptions = {}): Promise<Lock> {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let wait = 2; !attempt(file, options); wait = Math.min(wait * 2, 100)) {
    if (Date.now() >= deadline) throw timeout(file);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return held(file);
}

/**
 * A readers-writer lock for the object store: many writers (hooks recording actions) at once, or one
 * collector (garbage collection) alone. Writers register a file in `dir`; the collector takes
 * `dir/collector` and waits until no live writer is registered.
 */
export class StoreLock {
  constructor(private readonly dir: string) {}

  /** Registers a writer; waits while a collection runs. */
  writer(options: LockOptions = {}): Lock {
    mkdirSync(this.dir, { recursive: true });
    const collector = join(this.dir, 'collector');
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const mine = join(this.dir, `writer-${process.pid}-${randomBytes(4).toString('hex')}`);
    for (;;) {
      // Register first, then check: a collector that starts after this sees us; one that started before makes us back off.
      tryCreate(mine, options.what ?? 'recording');
      let busy = false;
      try {
        statSync(collector);
        busy = !isStale(collector, options.staleMs ?? 60 * 60_000);
      } catch {
        busy = false;
      }
      if (!busy) break;
      try {
        unlinkSync(mine);
      } catch {
        // gone
      }
      if (Date.now() >= deadline) throw new LockTimeoutError(collector, 'garbage collection');
      sleep(50);
    }
    return {
      release() {
        try {
          unlinkSync(mine);
        } catch {
          // gone
        }
      },
    };
  }

  /** Takes the collector lock and waits until every live writer has finished. */
  collector(options: LockOptions = {}): Lock {
    const lock = acquireLock(join(this.dir, 'collector'), { ...options, what: 'garbage collection' });
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const writers = readdirSync(this.dir).filter((f) => f.startsWith('writer-') && !isStale(join(this.dir, f), options.staleMs ?? 60 * 60_000));
      if (writers.length === 0) return lock;
      if (Date.now() >= deadline) {
        lock.release();
        throw new LockTimeoutError(join(this.dir, 'collector'), `${writers.length} recording process(es)`);
      }
      sleep(50);
    }
  }
}
