/**
 * Prepares a request for the pure evaluator: resolves every path (symlinks, `..`, case), analyzes command
 * lines, expands the globs a shell would expand, and lists what a recursive delete would remove.
 */
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { analyzeCommand, type FileEffect } from '../commands/analyzeCommand';
import type { ActionRequest } from '../request';
import type { PreparedRequest, PreparedTarget } from './evaluate';
import { expandShellGlob, PathError, resolvePath, toSlash, type PathContext, type ResolvedPath } from './paths';

/** Most files listed below one recursive delete before Airlock stops and asks instead. */
export const MAX_LISTED_BELOW = 20_000;

function listBelow(dir: ResolvedPath): { below: ResolvedPath[]; incomplete?: string } {
  const below: ResolvedPath[] = [];
  const stack: string[] = [''];
  let incomplete: string | undefined;
  while (stack.length > 0) {
    const sub = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(sub ? join(dir.real, sub) : dir.real, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      below.push({
        input: `${dir.input.replace(/\/+$/, '')}/${rel}`,
        abs: `${dir.abs}/${rel}`,
        real: `${dir.real}/${rel}`,
        ...(dir.rel !== undefined ? { rel: dir.rel === '' ? rel : `${dir.rel}/${rel}` } : {}),
        ...(dir.realRel !== undefined ? { realRel: dir.realRel === '' ? rel : `${dir.realRel}/${rel}` } : {}),
      });
      // Symlinked folders are not followed: deleting a link does not delete its target.
      if (e.isDirectory()) stack.push(rel);
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
  const display = effect.path;
  const common = { op: effect.op, via: effect.via, ...(effect.mention ? { mention: true } : {}) };
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
    paths = expandShellGlob(effect.path, cwd);
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
    if (effect.op === 'delete') {
      const why = wipes(resolved, ctx);
      if (why) {
        out.push({ ...common, display: shownPath, path: resolved, builtin: why });
        continue;
      }
    }
    if ((effect.recursive || effect.op === 'delete') && effect.op !== 'read' && isDirectory(resolved)) {
      const { below, incomplete } = listBelow(resolved);
      out.push({ ...common, display: shownPath, path: resolved, below, ...(incomplete ? { belowIncomplete: incomplete } : {}) });
    } else {
      out.push({ ...common, display: shownPath, path: resolved });
    }
  }
  return out;
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
      const analysis = analyzeCommand(command, { cwd, home: ctx.home, platform: process.platform === 'win32' ? 'win32' : 'posix' });
      const targets = analysis.effects.flatMap((e) => targetsOfEffect(e, ctx, cwd));
      return { kind: 'command', command, commands: analysis.commands, lines: analysis.lines, targets };
    }
  }
}
