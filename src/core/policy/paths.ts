/**
 * Path resolution (docs/policy.md "Paths"): every path is made absolute and normalized, symlinks are
 * resolved to their real target, and the workspace-relative forms are computed for glob matching.
 * This is the only part of deciding that touches the disk; evaluation itself stays pure.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { Minimatch } from 'minimatch';
import { PathError, realPath } from '../storage/realPath';

export { PathError, realPath };

/** A path in every form the evaluator matches. All forms use `/` as separator. */
export interface ResolvedPath {
  /** The path as the agent wrote it. */
  readonly input: string;
  /** Absolute and normalized, symlinks not resolved. */
  readonly abs: string;
  /** Absolute with every symlink resolved (for paths that do not exist yet: the deepest existing ancestor). */
  readonly real: string;
  /** Workspace-relative form of `abs`, or undefined when it is outside every workspace folder. */
  readonly rel?: string;
  /** Workspace-relative form of `real`, or undefined when the real target is outside every workspace folder. */
  readonly realRel?: string;
}

/** One workspace folder, resolved once. */
export interface WorkspaceRoot {
  /** Absolute, normalized, as opened. */
  readonly path: string;
  /** Real path (symlinks resolved). */
  readonly real: string;
}

/** What path resolution needs to know about the machine; built once per workspace. */
export interface PathContext {
  readonly roots: readonly WorkspaceRoot[];
  readonly home: string;
  /** True when the workspace's file system ignores case (macOS and Windows defaults). */
  readonly caseInsensitive: boolean;
  /** Where Airlock itself lives, to recognise its CLI and data in commands. */
  readonly airlock?: { readonly dataRoot: string; readonly installDir?: string };
}

const MAX_PATH_LENGTH = 8192;

/** `C:\x\y` → `C:/x/y`; POSIX paths are unchanged. */
export function toSlash(p: string): string {
  return sep === '\\' ? p.replace(/\\/g, '/') : p;
}

/** True when the file system holding `dir` ignores case (probed by looking the folder up with its case swapped). */
export function probeCaseInsensitive(dir: string): boolean {
  const base = dir.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const swapped = [...base].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
  if (swapped === base) {
    // No letters in the name: probe the platform default instead.
    return process.platform === 'darwin' || process.platform === 'win32';
  }
  try {
    const a = statSync(dir);
    const b = statSync(join(dirname(dir), swapped));
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

/** Builds the path context for a set of workspace folders. */
export function createPathContext(folders: readonly string[], home: string): PathContext {
  const roots = folders.map((f) => {
    const path = normalize(resolve(f));
    return { path, real: realPath(path) };
  });
  const first = roots[0]?.real;
  return { roots, home: normalize(home), caseInsensitive: first ? probeCaseInsensitive(first) : false };
}

function within(parent: string, child: string, caseInsensitive: boolean): string | undefined {
  const p = caseInsensitive ? parent.toLowerCase() : parent;
  const c = caseInsensitive ? child.toLowerCase() : child;
  if (c === p) return '';
  const prefix = p.endsWith(sep) ? p : p + sep;
  if (!c.startsWith(prefix)) return undefined;
  return toSlash(relative(parent, child));
}

/** Resolves `input` (absolute, or relative to `base`) into every form the evaluator matches. */
export function resolvePath(input: string, base: string, ctx: PathContext): ResolvedPath {
  if (input.length === 0) throw new PathError('The path is empty.', 'empty');
  if (input.includes('\0')) throw new PathError('The path contains a NUL byte.', 'nul');
  if (input.length > MAX_PATH_LENGTH) throw new PathError(`The path is longer than ${MAX_PATH_LENGTH} characters.`, 'too-long');
  const expanded = input === '~' ? ctx.home : input.startsWith('~/') ? join(ctx.home, input.slice(2)) : input;
  const abs = normalize(isAbsolute(expanded) ? expanded : resolve(base, expanded));
  const real = realPath(abs);
  let rel: string | undefined;
  let realRel: string | undefined;
  for (const root of ctx.roots) {
    rel ??= within(root.path, abs, ctx.caseInsensitive) ?? within(root.real, abs, ctx.caseInsensitive);
    realRel ??= within(root.real, real, ctx.caseInsensitive);
  }
  return {
    input,
    abs: toSlash(abs),
    real: toSlash(real),
    ...(rel !== undefined ? { rel } : {}),
    ...(realRel !== undefined ? { realRel } : {}),
  };
}

const MAX_GLOB_RESULTS = 1000;

/**
 * Expands a shell glob the way bash would at run time (no dotfiles for `*` unless the pattern starts
 * with `.`), against the real file system. Returns the pattern itself when nothing matches, as bash does.
 */
export function expandShellGlob(pattern: string, base: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : join(base, pattern);
  const parts = toSlash(abs).split('/');
  let candidates = [parts[0] === '' ? '/' : parts[0]!];
  for (let i = 1; i < parts.length; i++) {
    const seg = parts[i]!;
    if (seg === '') continue;
    const next: string[] = [];
    const magic = /[*?[]/.test(seg);
    const mm = magic ? new Minimatch(seg, { dot: seg.startsWith('.'), nocomment: true, nonegate: true }) : undefined;
    for (const dir of candidates) {
      if (!mm) {
        next.push(join(dir, seg));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names.sort()) if (mm.match(name)) next.push(join(dir, name));
      if (next.length > MAX_GLOB_RESULTS) break;
    }
    if (next.length > MAX_GLOB_RESULTS) throw new GlobTooLargeError(`the pattern ${pattern} matches more than ${MAX_GLOB_RESULTS} files, more than Airlock checks one by one`);
    candidates = next;
    if (candidates.length === 0) return [pattern];
  }
  return candidates;
}

/** Thrown when a shell pattern matches more files than Airlock checks. */
export class GlobTooLargeError extends Error {}
