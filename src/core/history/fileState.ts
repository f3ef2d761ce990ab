/**
 * The state of one path at one moment, and how to put it back. Content lives in the object store; the
 * state keeps its hash, the permission bits (so the executable bit comes back), or a symlink's target.
 */
import { createHash } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, readSync, realpathSync, renameSync, rmdirSync, symlinkSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDir, tempNameFor } from '../storage/atomicFile';
import { faultPoint } from './faults';
import { hashOf, type ObjectStore, type PackWriter } from './objectStore';

/** Why a file's content was not kept. */
export type Unsaved = 'too-large' | 'unreadable' | 'over-quota';

/** What a path held: nothing, a file (content by hash), a symlink, or a folder. */
export type FileState =
  | { readonly type: 'missing' }
  | { readonly type: 'file'; readonly hash: string; readonly size: number; readonly mode: number }
  | {
      readonly type: 'file';
      readonly unsaved: Unsaved;
      readonly size: number;
      readonly mode: number;
      /** SHA-256 of the content when it was hashed but not kept (so a change can still be seen). */
      readonly sha?: string;
    }
  | { readonly type: 'symlink'; readonly target: string }
  | { readonly type: 'dir' };

/** The state of a missing path. */
export const MISSING: FileState = Object.freeze({ type: 'missing' });

/** Limits on what is kept. */
export interface CaptureOptions {
  /** Files larger than this are recorded as `too-large`, not kept. */
  readonly maxFileSize: number;
}

/** Thrown when a state cannot be restored. */
export class RestoreError extends Error {}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Hashes a file in chunks, without keeping it in memory; undefined when it cannot be read. */
function hashFile(abs: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(abs, 'r');
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
    return hash.digest('hex');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Records the current state of `abs`, saving its content through `writer` (or only hashing it without
 * one). With `hashUnsaved`, content too large to keep is still hashed (`sha`), so a rollback can tell
 * whether it changed.
 */
export function captureState(abs: string, writer: PackWriter | undefined, options: CaptureOptions, stat?: Stats, extra: { hashUnsaved?: boolean } = {}): FileState {
  const st = stat ?? lstatOrUndefined(abs);
  if (!st) return MISSING;
  if (st.isSymbolicLink()) return { type: 'symlink', target: readlinkSync(abs) };
  if (st.isDirectory()) return { type: 'dir' };
  const mode = st.mode & 0o7777;
  if (!st.isFile()) return { type: 'file', unsaved: 'unreadable', size: st.size, mode };
  const tooLarge = (size: number): FileState => {
    const sha = extra.hashUnsaved ? hashFile(abs) : undefined;
    return { type: 'file', unsaved: 'too-large', size, mode, ...(sha ? { sha } : {}) };
  };
  if (st.size > options.maxFileSize) return tooLarge(st.size);
  let data: Buffer;
  try {
    data = readFileSync(abs);
  } catch {
    return { type: 'file', unsaved: 'unreadable', size: st.size, mode };
  }
  if (data.length > options.maxFileSize) return tooLarge(data.length);
  const hash = writer ? writer.add(data) : hashOf(data);
  return { type: 'file', hash, size: data.length, mode };
}

/** The content hash of a state: of kept content, or of content hashed but not kept. */
export function contentHash(s: FileState): string | undefined {
  if (s.type !== 'file') return undefined;
  return 'hash' in s ? s.hash : s.sha;
}

/**
 * Compares two states strictly, for rollbacks: `unknown` when content was not kept and not hashed on
 * one side, so nothing can be said beyond the size (never taken for "the same").
 */
export function compareStates(a: FileState, b: FileState): 'same' | 'different' | 'unknown' {
  if (a.type !== b.type) return 'different';
  switch (a.type) {
    case 'missing':
    case 'dir':
      return 'same';
    case 'symlink':
      return a.target === (b as typeof a).target ? 'same' : 'different';
    case 'file': {
      const o = b as Extract<FileState, { type: 'file' }>;
      if ((a.mode & 0o777) !== (o.mode & 0o777)) return 'different';
      const ha = contentHash(a);
      const hb = contentHash(o);
      if (ha !== undefined && hb !== undefined) return ha === hb ? 'same' : 'different';
      return a.size !== o.size ? 'different' : 'unknown';
    }
  }
}

/** True when two states hold the same thing (content, permission bits, link target). */
export function sameState(a: FileState, b: FileState): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'missing':
    case 'dir':
      return true;
    case 'symlink':
      return a.target === (b as typeof a).target;
    case 'file': {
      const o = b as Extract<FileState, { type: 'file' }>;
      if ((a.mode & 0o777) !== (o.mode & 0o777)) return false;
      if ('hash' in a && 'hash' in o) return a.hash === o.hash;
      // Content that was never kept can only be compared by size here (the stat cache of scans);
      // rollbacks compare with compareStates, which never takes an unknown for "the same".
      return a.size === o.size && !('hash' in a) && !('hash' in o);
    }
  }
}

/** Says why content was not kept, for people. */
export function unsavedReason(u: Unsaved, size: number): string {
  switch (u) {
    case 'too-large':
      return `it was larger than the history's size limit per file (${size} bytes)`;
    case 'over-quota':
      return "the history had reached its size limit for this workspace when it was recorded";
    case 'unreadable':
      return 'it could not be read when it was recorded';
  }
}

/** True when the content of `s` can be put back. */
export function restorable(s: FileState): boolean {
  return !(s.type === 'file' && 'unsaved' in s);
}

/** Thrown when a folder on a path is a symbolic link: a rollback never writes through one. */
export class SymlinkedFolderError extends RestoreError {}

/**
 * Throws {@link SymlinkedFolderError} when a folder on the way to `abs` is a symbolic link (the
 * deepest existing folder must be its own real path), so a write or delete never lands elsewhere.
 */
export function checkRealParents(abs: string): void {
  let dir = dirname(abs);
  for (;;) {
    let real: string | undefined;
    try {
      real = realpathSync.native(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
    if (real !== undefined) {
      if (real !== dir) throw new SymlinkedFolderError(`the folder ${dir} on its path is a symbolic link (to ${real}); Airlock does not write or delete through it`);
      return;
    }
    // A dangling link on the way is a link too.
    let st: Stats | undefined;
    try {
      st = lstatSync(dir);
    } catch {
      st = undefined;
    }
    if (st?.isSymbolicLink()) throw new SymlinkedFolderError(`the folder ${dir} on its path is a symbolic link; Airlock does not write or delete through it`);
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/**
 * Creates `dir` and its missing parents one level at a time (a recursive mkdir reports some errors,
 * such as a read-only file system, as "no such file").
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !lstatOrUndefined(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Creates a missing folder (and its missing parents) without following a symlinked folder. */
export function createDir(abs: string): boolean {
  checkRealParents(abs);
  const current = lstatOrUndefined(abs);
  if (current) {
    if (current.isDirectory()) return false;
    throw new RestoreError(`${abs} is not a folder now; Airlock leaves it in place.`);
  }
  makeDirs(abs);
  fsyncDir(dirname(abs));
  return true;
}

/** Removes an empty folder; false when it is not empty or already gone. Never through a symlinked folder. */
export function removeEmptyDir(abs: string): boolean {
  checkRealParents(abs);
  const current = lstatOrUndefined(abs);
  if (!current?.isDirectory()) return false;
  try {
    rmdirSync(abs);
  } catch {
    return false;
  }
  fsyncDir(dirname(abs));
  return true;
}

/** What {@link applyGuarded} did to one path. */
export type ApplyOutcome = { readonly done: 'applied' | 'already' } | { readonly conflict: string };

function unlinkQuiet(p: string | undefined): void {
  if (p === undefined) return;
  try {
    unlinkSync(p);
  } catch {
    // gone
  }
}

function describe(s: FileState): string {
  if (s.type === 'file') return `a file of ${s.size} bytes`;
  if (s.type === 'symlink') return `a link to ${s.target}`;
  return s.type === 'dir' ? 'a folder' : 'missing';
}

/**
 * Moves `abs` from the state `from` to the state `to`, only if it holds exactly `from` now (compared by
 * content hash); `already` when it holds `to`; a conflict otherwise, leaving it untouched. Every step
 * can be repeated after a crash:
 * 1. the new content goes to a temporary file beside the path (fsynced);
 * 2. the current file gets a second name (a hard link), so a write that lands in it meanwhile is seen;
 * 3. the new content is renamed over the path (a missing path is created with link(), which fails
 *    rather than overwrite a file someone created meanwhile), or the path is unlinked;
 * 4. the kept name is checked again: if someone wrote into the file in the meantime, their content is
 *    put back and the path is reported as a conflict; then the temporary names are removed.
 * The path holds `from` or `to` at every moment; nothing is ever half-written. I/O errors are thrown
 * after the temporary files are removed.
 */
export function applyGuarded(abs: string, from: FileState, to: FileState, store: ObjectStore, options: CaptureOptions, op: string): ApplyOutcome {
  checkRealParents(abs);
  const current = captureState(abs, undefined, options, undefined, { hashUnsaved: true });
  if (compareStates(current, to) === 'same') return { done: 'already' };
  const vsFrom = compareStates(current, from);
  if (vsFrom !== 'same') {
    return { conflict: vsFrom === 'unknown' ? `its content was not kept, so Airlock cannot tell whether it changed since (it is ${describe(current)})` : `it changed since (it is now ${describe(current)})` };
  }
  if (current.type === 'dir' || to.type === 'dir') return { conflict: 'it is a folder now' };
  if (to.type === 'file' && !('hash' in to)) throw new RestoreError(`${abs}: ${unsavedReason(to.unsaved, to.size)}, so its content was not kept.`);
  let tmp: string | undefined;
  let keep: string | undefined;
  try {
    if (to.type === 'file' && 'hash' in to) {
      const data = store.read(to.hash);
      makeDirs(dirname(abs));
      tmp = tempNameFor(abs);
      const fd = openSync(tmp, 'wx', to.mode & 0o777);
      try {
        let off = 0;
        while (off < data.length) {
          const n = writeSync(fd, data, off, data.length - off);
          if (n <= 0) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
          off += n;
        }
        // The mode given to open() is reduced by the umask; set the recorded bits exactly.
        fchmodSync(fd, to.mode & 0o777);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      faultPoint(`${op}:file-tmp`);
    } else if (to.type === 'symlink') {
      makeDirs(dirname(abs));
      tmp = tempNameFor(abs);
      symlinkSync(to.target, tmp);
      faultPoint(`${op}:file-tmp`);
    }
    if (current.type !== 'missing') {
      keep = tempNameFor(abs);
      try {
        linkSync(abs, keep);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return { conflict: 'it was removed while the rollback ran' };
        // File systems without hard links: go on without the second check.
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'EMLINK') throw e;
        keep = undefined;
      }
      if (keep !== undefined && compareStates(captureState(keep, undefined, options, undefined, { hashUnsaved: true }), from) !== 'same') {
        return { conflict: 'it changed while the rollback ran' };
      }
      faultPoint(`${op}:file-keep`);
    }
    faultPoint(`${op}:file-place`);
    if (to.type === 'missing') {
      unlinkSync(abs);
    } else if (current.type === 'missing') {
      try {
        linkSync(tmp!, abs);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { conflict: 'someone created it while the rollback ran' };
        throw e;
      }
    } else {
      renameSync(tmp!, abs);
      tmp = undefined;
    }
    fsyncDir(dirname(abs));
    if (keep !== undefined && compareStates(captureState(keep, undefined, options, undefined, { hashUnsaved: true }), from) !== 'same') {
      // Someone wrote into the file between the check and the rename: their content wins.
      faultPoint(`${op}:file-putback`);
      renameSync(keep, abs);
      keep = undefined;
      fsyncDir(dirname(abs));
      return { conflict: 'it changed while the rollback ran; it holds that content again' };
    }
    faultPoint(`${op}:file-cleanup`);
    return { done: 'applied' };
  } finally {
    unlinkQuiet(tmp);
    unlinkQuiet(keep);
  }
}
