/**
 * The state of one path at one moment, and how to put it back. Content lives in the object store; the
 * state keeps its hash, the permission bits (so the executable bit comes back), or a symlink's target.
 */
import { closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, rmdirSync, symlinkSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDir, tempNameFor } from '../storage/atomicFile';
import { hashOf, type ObjectStore, type PackWriter } from './objectStore';

/** Why a file's content was not kept. */
export type Unsaved = 'too-large' | 'unreadable' | 'over-quota';

/** What a path held: nothing, a file (content by hash), a symlink, or a folder. */
export type FileState =
  | { readonly type: 'missing' }
  | { readonly type: 'file'; readonly hash: string; readonly size: number; readonly mode: number }
  | { readonly type: 'file'; readonly unsaved: Unsaved; readonly size: number; readonly mode: number }
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

/** Records the current state of `abs`, saving its content through `writer` (or only hashing it without one). */
export function captureState(abs: string, writer: PackWriter | undefined, options: CaptureOptions, stat?: Stats): FileState {
  const st = stat ?? lstatOrUndefined(abs);
  if (!st) return MISSING;
  if (st.isSymbolicLink()) return { type: 'symlink', target: readlinkSync(abs) };
  if (st.isDirectory()) return { type: 'dir' };
  const mode = st.mode & 0o7777;
  if (!st.isFile()) return { type: 'file', unsaved: 'unreadable', size: st.size, mode };
  if (st.size > options.maxFileSize) return { type: 'file', unsaved: 'too-large', size: st.size, mode };
  let data: Buffer;
  try {
    data = readFileSync(abs);
  } catch {
    return { type: 'file', unsaved: 'unreadable', size: st.size, mode };
  }
  if (data.length > options.maxFileSize) return { type: 'file', unsaved: 'too-large', size: data.length, mode };
  const hash = writer ? writer.add(data) : hashOf(data);
  return { type: 'file', hash, size: data.length, mode };
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
      // Content that was never kept can only be compared by size.
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

/**
 * Puts `state` at `abs`. Files are written to a temporary file in the same folder, fsynced and renamed
 * over the path, so the path never holds half a file. Missing parent folders are created.
 */
export function applyState(abs: string, state: FileState, store: ObjectStore): void {
  const current = lstatOrUndefined(abs);
  switch (state.type) {
    case 'missing': {
      if (!current) return;
      if (current.isDirectory()) {
        try {
          rmdirSync(abs);
        } catch {
          throw new RestoreError(`${abs} is a folder that is not empty; Airlock leaves it in place.`);
        }
        return;
      }
      unlinkSync(abs);
      return;
    }
    case 'dir': {
      if (current && !current.isDirectory()) unlinkSync(abs);
      mkdirSync(abs, { recursive: true });
      return;
    }
    case 'symlink': {
      if (current?.isDirectory()) throw new RestoreError(`${abs} is now a folder; Airlock does not replace a folder with a link.`);
      mkdirSync(dirname(abs), { recursive: true });
      const tmp = tempNameFor(abs);
      symlinkSync(state.target, tmp);
      renameSync(tmp, abs);
      fsyncDir(dirname(abs));
      return;
    }
    case 'file': {
      if (!('hash' in state)) throw new RestoreError(`${abs}: ${unsavedReason(state.unsaved, state.size)}, so its content was not kept.`);
      if (current?.isDirectory()) throw new RestoreError(`${abs} is now a folder; Airlock does not replace a folder with a file.`);
      const data = store.read(state.hash);
      mkdirSync(dirname(abs), { recursive: true });
      const tmp = tempNameFor(abs);
      const fd = openSync(tmp, 'wx', state.mode & 0o777);
      try {
        let off = 0;
        while (off < data.length) off += writeSync(fd, data, off, data.length - off);
        // The mode given to open() is reduced by the umask; set the recorded bits exactly.
        fchmodSync(fd, state.mode & 0o777);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      try {
        renameSync(tmp, abs);
      } catch (e) {
        try {
          unlinkSync(tmp);
        } catch {
          // gone
        }
        throw e;
      }
      fsyncDir(dirname(abs));
      return;
    }
  }
}
