/**
 * Prepares a request for the pure evaluator: resolves every path (symlinks, `..`, case), analyzes command
 * lines, expands the globs a shell would expand, and lists what a recursive delete would remove.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { Minimatch } from 'minimatch';
import { analyzeCommand, type AnalyzeProbe, type FileEffect } from '../commands/analyzeCommand';
import type { ScopeFilter } from '../commands/facts';
import type { ActionRequest } from '../request';
import type { PreparedRequest, PreparedTarget } from './evaluate';
import { expandShellGlob, GlobTooLargeError, PathError, resolvePath, toSlash, type PathContext, type ResolvedPath } from './paths';

/** Most files listed below one recursive delete before Airlock stops and asks instead. */
export const MAX_LISTED_BELOW = 20_000;

/** Compiled matchers of a scope filter: which files below a searched folder are read. */
function compileFilter(f: ScopeFilter | undefined): { file(rel: string, name: string): boolean; dir(rel: string, name: string): boolean } {
  if (!f) return { file: () => true, dir: () => true };
  const mm = (p: string): Minimatch => new Minimatch(p, { dot: true, matchBase: !p.includes('/'), nocomment: true, nonegate: true });
  const include = (f.include ?? []).map(mm);
  const exclude = (f.exclude ?? []).map(mm);
  const excludeDir = (f.excludeDir ?? []).map(mm);
  const globs = (f.globs ?? []).map((g) => ({ neg: g.startsWith('!'), m: mm(g.replace(/^!/, '')) }));
  const positive = globs.some((g) => !g.neg);
  return {
    dir(rel, name) {
      if (f.skipHidden && name.startsWith('.')) return false;
      if (excludeDir.some((m) => m.match(name))) return false;
      let state: boolean | undefined;
      for (const g of globs) if (g.neg && (g.m.match(rel) || g.m.match(name))) state = false;
      return state !== false;
    },
    file(rel, name) {
      if (f.skipHidden && name.startsWith('.')) return false;
      if (include.length > 0 && !include.some((m) => m.match(name))) return false;
      if (exclude.some((m) => m.match(name))) return false;
      let state: boolean | undefined;
      for (const g of globs) if (g.m.match(rel) || g.m.match(name)) state = !g.neg;
      if (state === false || (positive && state !== true)) return false;
      return true;
    },
  };
}

/**
 * The files and folders below `dir` that `filter` selects. With `subtree`, a folder the filter selects
 * brings everything below it (`find . -name build -exec rm -rf {} +` deletes all of build/).
 */
function listBelow(dir: ResolvedPath, filter?: ScopeFilter, subtree = false): { below: ResolvedPath[]; incomplete?: string } {
  const below: ResolvedPath[] = [];
  const stack: { sub: string; all: boolean }[] = [{ sub: '', all: false }];
  let incomplete: string | undefined;
  const filtered = compileFilter(filter);
  const everything = compileFilter(undefined);
  while (stack.length > 0) {
    const { sub, all } = stack.pop()!;
    const keep = all ? everything : filtered;
    let entries: Dirent[];
    try {
      entries = readdirSync(sub ? join(dir.real, sub) : dir.real, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory() ? !keep.dir(rel, e.name) : !keep.file(rel, e.name)) continue;
      const selected = all || !filter || keep.file(rel, e.name);
      // Symlinked folders are not followed: deleting a link does not delete its target.
      if (e.isDirectory()) stack.push({ sub: rel, all: all || (subtree && filter !== undefined && selected) });
      // A folder counts itself only when the filter would select it by name (find -name 'build' -delete).
      if (e.isDirectory() && !selected) continue;
      below.push({
        input: `${dir.input.replace(/\/+$/, '')}/${rel}`,
        abs: `${dir.abs}/${rel}`,
        real: `${dir.real}/${rel}`,
        ...(dir.rel !== undefined ? { rel: dir.rel === '' ? rel : `${dir.rel}/${rel}` } : {}),
        ...(dir.realRel !== undefined ? { realRel: dir.realRel === '' ? rel : `${dir.realRel}/${rel}` } : {}),
      });
      if (below.length >= MAX_LISTED_BELOW) {
        incomplete = `it affects more than ${MAX_LISTED_BELOW} files, more than Airlock checks one by one`;
        return { below, incomplete };
      }
    }
  }
  return incomplete ? { below, incomplete } : { below };
}

function isDirectory(p: ResolvedPath): boolean {
  try {
    return lstatSync(p.real).isDirectory();
  } catch {
    return false;
  }
}

/** Deleting the workspace, an ancestor of it, the home folder or `/`: a built-in protection on commands. */
function wipes(p: ResolvedPath, ctx: PathContext): string | undefined {
  const real = p.real.replace(/\/+$/, '') || '/';
  const eq = (a: string, b: string): boolean => (ctx.caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b);
  const under = (child: string, parent: string): boolean => {
    const pp = parent === '/' ? '/' : `${parent}/`;
    return ctx.caseInsensitive ? child.toLowerCase().startsWith(pp.toLowerCase()) : child.startsWith(pp);
  };
  if (real === '/' || /^[A-Za-z]:\/?$/.test(real)) return 'it deletes the whole file system (/)';
  const home = toSlash(ctx.home).replace(/\/+$/, '');
  if (eq(real, home)) return 'it deletes your home folder';
  for (const root of ctx.roots) {
    const r = toSlash(root.real);
    if (eq(real, r)) return 'it deletes the workspace folder';
    if (under(r, real)) return 'it deletes a folder that contains the workspace';
  }
  if (under(home, real)) return 'it deletes a folder that contains your home folder';
  return undefined;
}

const WILDCARD_ONLY = /(^|\/)(\*|\.\*|\*\.\*|\.\[!.\]\*|\.\?\*)$/;

function targetsOfEffect(effect: FileEffect, ctx: PathContext, base: string): PreparedTarget[] {
  const display = effect.bounded ? `${effect.path}/…` : effect.path;
  const search = effect.op === 'read' && effect.recursive;
  const common = { op: effect.op, via: effect.via, ...(effect.mention ? { mention: true } : {}), ...(effect.meta ? { meta: true } : {}), ...(search ? { search: true } : {}) };
  if (effect.dynamic) return [{ ...common, display, dynamic: effect.dynamic }];
  if (!isAbsolute(effect.path) && effect.cwd === undefined) {
    const rel = toSlash(normalize(effect.path)).replace(/^(\.\.\/)+/, '');
    const guess: ResolvedPath = { input: effect.path, abs: `/<unknown>/${rel}`, real: `/<unknown>/${rel}`, rel, realRel: rel };
    return [{ ...common, display, guess, dynamic: 'it is relative to a directory changed by a `cd` Airlock cannot follow' }];
  }
  const cwd = effect.cwd ?? base;
  let paths = [effect.path];
  if (effect.glob) {
    if (effect.op === 'delete' && WILDCARD_ONLY.test(effect.path)) {
      // `rm -rf *` in the workspace folder, home or `/` deletes everything there.
      const parent = effect.path.replace(WILDCARD_ONLY, '') || '.';
      try {
        const dir = resolvePath(parent, cwd, ctx);
        const why = wipes(dir, ctx);
        if (why) return [{ ...common, display, path: dir, builtin: `${why.replace('it deletes', 'it deletes everything in')}` }];
      } catch {
        // fall through to the plain expansion
      }
    }
    try {
      paths = expandShellGlob(effect.path, cwd);
    } catch (e) {
      if (!(e instanceof GlobTooLargeError)) throw e;
      return [{ ...common, display, dynamic: e.message }];
    }
  }
  const out: PreparedTarget[] = [];
  for (const p of paths) {
    let resolved: ResolvedPath;
    try {
      resolved = resolvePath(p, cwd, ctx);
    } catch (e) {
      out.push({ ...common, display: p.replace(/\0/g, '\\0'), invalid: (e as Error).message });
      continue;
    }
    const shownPath = paths.length > 1 ? (resolved.rel ?? resolved.abs) : display;
    if (effect.op === 'delete' && !(effect.bounded && effect.filter)) {
      const why = wipes(resolved, ctx);
      if (why) {
        out.push({ ...common, display: shownPath, path: resolved, builtin: why });
        continue;
      }
    }
    if ((effect.recursive || effect.op === 'delete') && isDirectory(resolved)) {
      // A write's filter says which files below it writes (`gofmt -w .` rewrites only `*.go` files).
      const { below, incomplete } = listBelow(resolved, effect.op === 'read' || effect.op === 'write' || effect.bounded ? effect.filter : undefined, effect.op !== 'read' && effect.recursive);
      out.push({ ...common, display: shownPath, path: resolved, below, ...(incomplete ? { belowIncomplete: incomplete } : {}) });
    } else {
      out.push({ ...common, display: shownPath, path: resolved });
    }
  }
  return out;
}

/**
 * A search of the files below `root` (Grep, grep_search): the folder and every file its glob lets through,
 * so that a file a rule keeps from agents is seen inside its scope. A listing (`content` false) reads only
 * names: it is decided as a mention of the folder.
 */
export function searchTarget(root: string, base: string, ctx: PathContext, options: { content: boolean; glob?: string; via: string }): PreparedTarget {
  const { via } = options;
  try {
    const path = resolvePath(root, base, ctx);
    const display = path.rel === undefined ? path.abs : path.rel === '' ? '.' : path.rel;
    if (!options.content) return { op: 'read', display, via, path, mention: true };
    if (!isDirectory(path)) return { op: 'read', display, via, path };
    const { below, incomplete } = listBelow(path, options.glob ? { globs: [options.glob] } : undefined);
    return { op: 'read', display, via, path, below, search: true, ...(incomplete ? { belowIncomplete: incomplete } : {}) };
  } catch (e) {
    if (e instanceof PathError) return { op: 'read', display: root.replace(/\0/g, '\\0'), via, invalid: e.message };
    throw e;
  }
}

/** Turns an {@link ActionRequest} into what the evaluator decides. Reads the disk; never writes. */
export function prepareRequest(req: ActionRequest, ctx: PathContext, options: { changedLines?: number } = {}): PreparedRequest {
  const base = req.workspace;
  const resolveTarget = (p: string, op: PreparedTarget['op'], via: string): PreparedTarget => {
    try {
      const path = resolvePath(p, base, ctx);
      const display = path.rel === undefined ? path.abs : path.rel === '' ? '.' : path.rel;
      if (op === 'delete' && isDirectory(path)) {
        const why = wipes(path, ctx);
        if (why) return { op, display, via, path, builtin: why };
        const { below, incomplete } = listBelow(path);
        return { op, display, via, path, below, ...(incomplete ? { belowIncomplete: incomplete } : {}) };
      }
      return { op, display, via, path };
    } catch (e) {
      if (e instanceof PathError) return { op, display: p.replace(/\0/g, '\\0'), via, invalid: e.message };
      throw e;
    }
  };
  const via = req.tool ?? req.kind;
  switch (req.kind) {
    case 'read':
      return { kind: 'read', targets: req.paths.map((p) => resolveTarget(p, 'read', via)) };
    case 'edit':
    case 'create':
      return { kind: 'edit', targets: req.paths.map((p) => resolveTarget(p, 'write', via)), ...(options.changedLines !== undefined ? { changedLines: options.changedLines } : {}) };
    case 'delete':
      return { kind: 'edit', targets: req.paths.map((p) => resolveTarget(p, 'delete', via)) };
    case 'rename': {
      const [from, to] = req.paths;
      const targets: PreparedTarget[] = [];
      if (from !== undefined) targets.push(resolveTarget(from, 'delete', via));
      if (to !== undefined) targets.push(resolveTarget(to, 'write', via));
      return { kind: 'edit', targets };
    }
    case 'command': {
      const command = req.command ?? '';
      const cwd = req.cwd ?? base;
      const analysis = analyzeCommand(command, { cwd, home: ctx.home, platform: process.platform === 'win32' ? 'win32' : 'posix', probe: diskProbe(ctx) });
      const targets = analysis.effects.flatMap((e) => targetsOfEffect(e, ctx, cwd));
      return { kind: 'command', command, commands: analysis.commands, lines: analysis.lines, targets };
    }
  }
}

const MAX_MANIFEST = 1024 * 1024;

/** The `scripts` of a package.json, or undefined. */
function packageScripts(dir: string): Readonly<Record<string, string>> | undefined {
  try {
    const file = join(dir, 'package.json');
    if (statSync(file).size > MAX_MANIFEST) return undefined;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { scripts?: unknown };
    if (!pkg.scripts || typeof pkg.scripts !== 'object') return undefined;
    return Object.fromEntries(Object.entries(pkg.scripts as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return undefined;
  }
}

function under(child: string, parent: string | undefined): boolean {
  if (!parent) return false;
  const p = toSlash(parent).replace(/\/+$/, '');
  const c = toSlash(child);
  return c === p || c.startsWith(`${p}/`);
}

/** True when the package.json next to (or one folder above) a file names it `airlock`. */
function inAirlockPackage(file: string): boolean {
  for (const dir of [dirname(file), dirname(dirname(file))]) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; bin?: unknown };
      if (pkg.name === 'airlock' || (pkg.bin && typeof pkg.bin === 'object' && 'airlock' in (pkg.bin as object))) return true;
    } catch {
      // no package here
    }
  }
  return false;
}

/** The probe the command analysis uses: package scripts, and recognising Airlock's own program and data. */
export function diskProbe(ctx: PathContext): AnalyzeProbe {
  return {
    packageScripts,
    isAirlock(path, cwd) {
      if (!path || path.includes('\0')) return false;
      const expanded = path === '~' || path.startsWith('~/') ? ctx.home + path.slice(1) : path;
      if (!isAbsolute(expanded) && cwd === undefined) return /(^|\/)airlock(-cli)?$|airlock[^/]*\/(dist|out)\/(cli|main|hook)\.js$/i.test(expanded);
      const abs = resolve(cwd ?? '/', expanded);
      let real = abs;
      try {
        real = realpathSync(abs);
      } catch {
        real = abs;
      }
      if (under(real, ctx.airlock?.dataRoot) || under(abs, ctx.airlock?.dataRoot)) return true;
      if (ctx.airlock?.installDir && (under(real, ctx.airlock.installDir) || under(abs, ctx.airlock.installDir))) return true;
      for (const p of [abs, real]) {
        if (/^airlock(-cli)?$/i.test(basename(p))) return true;
        if (/airlock[^/]*\/(dist|out)\/(cli|main|hook|extension)\.js$/i.test(toSlash(p))) return true;
        if (/^(cli|main|hook|extension)\.js$/.test(basename(p)) && inAirlockPackage(p)) return true;
      }
      return false;
    },
  };
}
