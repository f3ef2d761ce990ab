/**
 * Symlink resolution for paths that may not exist yet. Its own small module: the hook client needs it
 * to find a workspace's data folder and must not load the policy engine to do so.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';

/** Thrown for a path that cannot be decided at all (NUL bytes, absurd length, a symlink loop). */
export class PathError extends Error {
  constructor(
    message: string,
    readonly code: 'nul' | 'too-long' | 'empty' | 'loop',
  ) {
    super(message);
  }
}

const MAX_SYMLINK_HOPS = 40;

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync.native(p);
  } catch {
    return undefined;
  }
}

/**
 * Resolves symlinks in `abs` even when the file does not exist yet: the deepest existing ancestor is
 * resolved and the rest appended. A dangling symlink is followed to where a write would land.
 */
export function realPath(abs: string, hops = 0): string {
  const direct = safeRealpath(abs);
  if (direct !== undefined) return direct;
  let link: string | undefined;
  try {
    if (lstatSync(abs).isSymbolicLink()) link = readlinkSync(abs);
  } catch {
    // does not exist: resolve the parent below
  }
  if (link !== undefined) {
    if (hops >= MAX_SYMLINK_HOPS) throw new PathError(`The path is a chain of more than ${MAX_SYMLINK_HOPS} symbolic links (a loop?).`, 'loop');
    return realPath(isAbsolute(link) ? normalize(link) : resolve(dirname(abs), link), hops + 1);
  }
  const parent = dirname(abs);
  if (parent === abs) return abs;
  // Only separators are stripped: on POSIX a backslash is an ordinary character of a file name.
  return join(realPath(parent, hops), abs.slice(parent.length).replace(sep === '\\' ? /^[\\/]+/ : /^\/+/, ''));
}

