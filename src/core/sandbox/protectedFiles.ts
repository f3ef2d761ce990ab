/**
 * The protected files as the backstop sees them (spec/policy.md: "After the fact, Airlock checks that
 * every protected file is as it was before each allowed action"): which paths, a cheap snapshot of their
 * state, what changed, and how to put it back.
 *
 * The snapshot keeps the content of every protected file (they are small: at most 1 MiB each, 256 entries
 * per folder) in a content-addressed folder of Airlock's data, and for the git folder its identity (device
 * and inode). A snapshot costs one lstat per path when nothing changed; a file is read only when its
 * size, times, inode or mode differ.
 *
 * What is and is not restored:
 * - files: content and mode, from the snapshot; files that did not exist are moved to the quarantine;
 * - folders of hook files (`.git/hooks`, `.github/hooks`, `.codex`): each file as above, new ones moved away;
 * - `.git` renamed or replaced: the original folder is found by its inode (anywhere up to two levels down
 *   in the workspace) and moved back; the impostor is set aside inert (`.git.airlock-replaced-…`, its
 *   configuration and hooks in the quarantine). A `.git` that was deleted cannot come back: Airlock keeps
 *   neither objects nor refs, and says so; its configuration and hooks are restored from the snapshot.
 * - git configuration files are compared by meaning: a change to harmless keys only (a remote, a user
 *   name, an upstream) is accepted; anything that could run code or redirect git restores the whole file.
 * - Claude Code's settings files are compared without their `permissions` (Claude writes them itself when
 *   a person answers "don't ask again"); a change to anything else (hooks, helpers, status line) restores.
 * - `.git/HEAD` (and the `refs` folder) are put back only when removed (git changes HEAD on every checkout).
 * - git's objects and refs are not kept: a history deleted inside `.git` (beyond the packs, which the
 *   sandbox keeps read-only) is not restored.
 */
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../storage/atomicFile';
import { gitConfigValues, gitdirOf, readText, riskyGitConfigChange } from './gitRisk';
import { neutralizeGitDir, type Quarantine } from './quarantine';
import { globalGitConfigs } from './protect';

/** How a tracked path is compared (`presence`: only its removal counts, as for `.git/HEAD`). */
type Semantic = 'bytes' | 'git-config' | 'claude-settings' | 'presence';

/** One protected path: a file, a folder of files, or the identity of the git folder. */
export interface Tracked {
  readonly path: string;
  readonly kind: 'file' | 'tree' | 'gitdir';
  readonly semantic: Semantic;
}

/** The recorded state of one path. */
export type EntryState =
  | { readonly t: 'missing' }
  | { readonly t: 'file'; readonly size: number; readonly mtimeMs: number; readonly ctimeMs: number; readonly ino: number; readonly mode: number; readonly hash: string; readonly kept: boolean }
  | { readonly t: 'dir'; readonly dev: number; readonly ino: number; readonly mode: number }
  | { readonly t: 'symlink'; readonly target: string }
  | { readonly t: 'other' };

/** A snapshot: every tracked path (and each file of the tracked folders) with its state. */
export type Snapshot = Record<string, EntryState>;

const MAX_KEPT = 1024 * 1024;
const MAX_TREE = 256;

/** The protected paths of a workspace, as they are now (the git folder is found through `.git` files). */
export function trackedPaths(workspace: string, home: string, env: NodeJS.ProcessEnv = process.env): Tracked[] {
  const w = (rel: string, kind: Tracked['kind'] = 'file', semantic: Semantic = 'bytes'): Tracked => ({ path: join(workspace, rel), kind, semantic });
  const list: Tracked[] = [
    w('.vscode/airlock.json'),
    w('.claude/settings.json', 'file', 'claude-settings'),
    w('.claude/settings.local.json', 'file', 'claude-settings'),
    w('.github/hooks', 'tree'),
    w('.cursor/hooks.json'),
    w('.gemini/settings.json'),
    w('.codex', 'tree'),
    w('.git', 'gitdir'),
  ];
  const gitDir = gitDirFor(workspace);
  if (gitDir) {
    list.push(
      // Without HEAD the folder is no repository, and git looks for one in the folders above.
      { path: join(gitDir, 'HEAD'), kind: 'file', semantic: 'presence' },
      { path: join(gitDir, 'refs'), kind: 'file', semantic: 'presence' },
      { path: join(gitDir, 'config'), kind: 'file', semantic: 'git-config' },
      { path: join(gitDir, 'config.worktree'), kind: 'file', semantic: 'git-config' },
      { path: join(gitDir, 'commondir'), kind: 'file', semantic: 'bytes' },
      { path: join(gitDir, 'objects', 'info', 'alternates'), kind: 'file', semantic: 'bytes' },
      { path: join(gitDir, 'hooks'), kind: 'tree', semantic: 'bytes' },
    );
    // A linked worktree's configuration and hooks are the repository's common ones.
    const common = readText(join(gitDir, 'commondir'), 4096)?.trim();
    if (common) {
      const c = isAbsolute(common) ? common : resolve(gitDir, common);
      list.push({ path: join(c, 'config'), kind: 'file', semantic: 'git-config' }, { path: join(c, 'hooks'), kind: 'tree', semantic: 'bytes' });
    }
    // A hooks folder set by core.hooksPath inside the workspace holds hooks too.
    for (const c of [join(gitDir, 'config'), ...globalGitConfigs(home, env)]) {
      const text = readText(c);
      if (!text) continue;
      for (const hp of gitConfigValues(text, (k) => k === 'core.hookspath')) {
        const p = hp.startsWith('~/') ? join(home, hp.slice(2)) : isAbsolute(hp) ? hp : resolve(workspace, hp);
        if (inside(p, workspace) && !list.some((t) => t.path === p)) list.push({ path: p, kind: 'tree', semantic: 'bytes' });
      }
    }
  }
  for (const c of globalGitConfigs(home, env)) list.push({ path: c, kind: 'file', semantic: 'git-config' });
  list.push(
    { path: join(home, '.claude', 'settings.json'), kind: 'file', semantic: 'claude-settings' },
    { path: join(home, '.claude', 'settings.local.json'), kind: 'file', semantic: 'claude-settings' },
    { path: join(home, '.gemini', 'settings.json'), kind: 'file', semantic: 'bytes' },
    { path: join(home, '.cursor', 'hooks.json'), kind: 'file', semantic: 'bytes' },
    { path: join(home, '.codex', 'hooks.json'), kind: 'file', semantic: 'bytes' },
  );
  return list;
}

function inside(p: string, root: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

/** The workspace's git folder: `.git`, or where a `.git` file points. */
export function gitDirFor(workspace: string): string | undefined {
  const dotGit = join(workspace, '.git');
  try {
    const st = lstatSync(dotGit);
    if (st.isDirectory()) return dotGit;
    if (st.isFile()) {
      const t = gitdirOf(dotGit);
      return t && statSync(t).isDirectory() ? t : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Stores and reads the content of protected files, by SHA-256. */
export class BlobStore {
  constructor(private readonly dir: string) {}

  put(content: Buffer): string {
    const hash = createHash('sha256').update(content).digest('hex');
    const file = join(this.dir, hash);
    try {
      statSync(file);
    } catch {
      writeFileAtomic(file, content, { fsync: false });
    }
    return hash;
  }

  get(hash: string): Buffer | undefined {
    try {
      const b = readFileSync(join(this.dir, hash));
      return createHash('sha256').update(b).digest('hex') === hash ? b : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Records the state of one path, reusing `previous` when its metadata did not change (no read). */
function stateOf(path: string, previous: EntryState | undefined, blobs: BlobStore): EntryState {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return { t: 'missing' };
  }
  if (st.isSymbolicLink()) {
    try {
      return { t: 'symlink', target: readlinkSync(path) };
    } catch {
      return { t: 'other' };
    }
  }
  if (st.isDirectory()) return { t: 'dir', dev: st.dev, ino: st.ino, mode: st.mode & 0o7777 };
  if (!st.isFile()) return { t: 'other' };
  const meta = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, mode: st.mode & 0o7777 };
  if (previous?.t === 'file' && previous.size === meta.size && previous.mtimeMs === meta.mtimeMs && previous.ctimeMs === meta.ctimeMs && previous.ino === meta.ino && previous.mode === meta.mode) return previous;
  if (st.size > MAX_KEPT) return { t: 'file', ...meta, hash: `size:${st.size}:${st.mtimeMs}`, kept: false };
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch {
    return { t: 'other' };
  }
  return { t: 'file', ...meta, hash: blobs.put(content), kept: true };
}

/** Takes a snapshot of the tracked paths (files of tracked folders included, bounded). */
export function snapshot(tracked: readonly Tracked[], previous: Snapshot, blobs: BlobStore): Snapshot {
  const out: Snapshot = {};
  for (const t of tracked) {
    const s = stateOf(t.path, previous[t.path], blobs);
    out[t.path] = s;
    if (t.kind === 'tree' && s.t === 'dir') {
      let n = 0;
      const walk = (dir: string, depth: number): void => {
        let names: string[];
        try {
          names = readdirSync(dir).sort();
        } catch {
          return;
        }
        for (const name of names) {
          if (++n > MAX_TREE) return;
          const p = join(dir, name);
          const e = stateOf(p, previous[p], blobs);
          out[p] = e;
          if (e.t === 'dir' && depth < 4) walk(p, depth + 1);
        }
      };
      walk(t.path, 1);
    }
  }
  return out;
}

/** One path whose state differs from the snapshot. */
export interface Change {
  readonly path: string;
  readonly before: EntryState;
  readonly after: EntryState;
  /** False when only harmless parts changed (a git remote, Claude's permissions): accepted as is. */
  readonly risky: boolean;
  /** What changed, for the report. */
  readonly detail: string;
}

function same(a: EntryState, b: EntryState): boolean {
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'file':
      return a.hash === (b as typeof a).hash && a.mode === (b as typeof a).mode;
    case 'dir':
      return a.ino === (b as typeof a).ino && a.dev === (b as typeof a).dev;
    case 'symlink':
      return a.target === (b as typeof a).target;
    default:
      return true;
  }
}

function withoutPermissions(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const { permissions: _p, ...rest } = v;
    return JSON.stringify(rest, Object.keys(rest).sort());
  } catch {
    return undefined;
  }
}

/** What differs between two snapshots, judged by each path's meaning. */
export function compare(tracked: readonly Tracked[], before: Snapshot, after: Snapshot, blobs: BlobStore): Change[] {
  const semanticOf = (p: string): Semantic => tracked.find((t) => t.path === p)?.semantic ?? 'bytes';
  const changes: Change[] = [];
  for (const path of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[path] ?? { t: 'missing' as const };
    const a = after[path] ?? { t: 'missing' as const };
    if (same(b, a)) continue;
    // A folder's own entry: only the git folder's identity matters (its files are tracked one by one).
    if (b.t === 'dir' && a.t === 'dir') {
      const t = tracked.find((x) => x.path === path);
      if (t?.kind !== 'gitdir') continue;
      changes.push({ path, before: b, after: a, risky: true, detail: 'replaced by another folder' });
      continue;
    }
    const semantic = semanticOf(path);
    if (semantic === 'presence') {
      changes.push({ path, before: b, after: a, risky: b.t !== 'missing' && a.t === 'missing', detail: a.t === 'missing' ? 'removed' : 'changed' });
      continue;
    }
    // A configuration file judged by meaning may also appear or go: it is then compared with an empty one.
    const textOf = (e: EntryState): string | undefined => (e.t === 'missing' ? '' : e.t === 'file' && e.kept ? blobs.get(e.hash)?.toString('utf8') : undefined);
    if (semantic !== 'bytes' && (b.t === 'file' || b.t === 'missing') && (a.t === 'file' || a.t === 'missing')) {
      const bt = textOf(b);
      const at = textOf(a);
      if (bt !== undefined && at !== undefined) {
        if (semantic === 'git-config') {
          const risky = riskyGitConfigChange(bt, at);
          const modeChanged = b.t === 'file' && a.t === 'file' && b.mode !== a.mode;
          changes.push({ path, before: b, after: a, risky: risky.length > 0 || modeChanged, detail: risky.length ? `${a.t === 'missing' ? 'removed, with' : 'sets'} ${risky.join(', ')}` : 'harmless keys only' });
          continue;
        }
        const x = withoutPermissions(bt || '{}');
        const y = withoutPermissions(at || '{}');
        const harmless = x !== undefined && x === y && (b.t !== 'file' || a.t !== 'file' || b.mode === a.mode);
        changes.push({ path, before: b, after: a, risky: !harmless, detail: harmless ? 'permissions only' : 'changed' });
        continue;
      }
    }
    const detail = b.t === 'missing' ? 'created' : a.t === 'missing' ? 'removed' : b.t !== a.t ? `replaced by a ${a.t === 'symlink' ? 'symbolic link' : a.t === 'dir' ? 'folder' : 'file'}` : 'changed';
    changes.push({ path, before: b, after: a, risky: true, detail });
  }
  return changes;
}

/** The outcome of putting protected paths back. */
export interface RestoreResult {
  readonly restored: string[];
  /** What could not be put back, with why. */
  readonly notRestored: string[];
  /** Where the agent's versions went. */
  readonly quarantined: string[];
}

/** Makes every folder from `root` down to `dir` a real folder (a symlink or file in the way is quarantined). */
function realFolders(root: string, dir: string, q: Quarantine): void {
  const rel = relative(root, dir);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return;
  let cur = root;
  for (const part of rel.split(sep)) {
    cur = join(cur, part);
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      mkdirSync(cur, { mode: 0o755 });
      continue;
    }
    if (!st.isDirectory()) {
      q.take(cur);
      mkdirSync(cur, { mode: 0o755 });
    }
  }
}

/** Finds a folder by device and inode, up to two levels below `root`. */
function findByInode(root: string, dev: number, ino: number): string | undefined {
  const walk = (dir: string, depth: number): string | undefined => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return undefined;
    }
    for (const n of names) {
      const p = join(dir, n);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (!st.isDirectory()) continue;
      if (st.ino === ino && st.dev === dev) return p;
    }
    if (depth >= 2) return undefined;
    for (const n of names) {
      if (n === 'node_modules') continue;
      const p = join(dir, n);
      try {
        if (!lstatSync(p).isDirectory()) continue;
      } catch {
        continue;
      }
      const found = walk(p, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return walk(root, 1);
}

/**
 * Puts the risky changes back: the git folder first (moved back where it can be found), then every file
 * from its snapshot. The agent's versions go to the quarantine. Paths are never followed through links.
 */
export function restore(changes: readonly Change[], roots: { readonly workspace: string; readonly home: string }, blobs: BlobStore, q: Quarantine): RestoreResult {
  const result: RestoreResult = { restored: [], notRestored: [], quarantined: [] };
  const rootOf = (p: string): string => (inside(p, roots.workspace) ? roots.workspace : roots.home);
  const risky = changes.filter((c) => c.risky);
  const gitDirChange = risky.find((c) => c.before.t === 'dir' && basename(c.path) === '.git');
  const handled = new Set<string>();
  if (gitDirChange && gitDirChange.before.t === 'dir') {
    const g = gitDirChange.path;
    handled.add(g);
    const original = findByInode(roots.workspace, gitDirChange.before.dev, gitDirChange.before.ino);
    if (original && original !== g) {
      try {
        lstatSync(g);
        // The impostor: set aside, inert, so that nothing of it runs.
        const aside = join(dirname(g), `.git.airlock-replaced-${Date.now().toString(36)}`);
        let isDir = false;
        try {
          isDir = lstatSync(g).isDirectory();
        } catch {
          isDir = false;
        }
        if (isDir) {
          renameSync(g, aside);
          result.quarantined.push(...neutralizeGitDir(aside, q));
          result.restored.push(`${g} (the folder that replaced it is now ${aside}, without configuration or hooks)`);
        } else {
          const where = q.take(g);
          if (where) result.quarantined.push(where);
        }
      } catch {
        // no impostor
      }
      try {
        renameSync(original, g);
        if (!result.restored.some((r) => r.startsWith(g))) result.restored.push(`${g} (moved back from ${original})`);
        else result.restored[result.restored.length - 1] += `; the original moved back from ${original}`;
      } catch (e) {
        result.notRestored.push(`${g}: could not move ${original} back (${(e as Error).message})`);
      }
    } else if (!original) {
      result.notRestored.push(`${g}: the original git folder is gone; Airlock keeps neither its objects nor its refs, so the repository's history is not restored (its configuration and hooks are, where a git folder exists)`);
      try {
        if (lstatSync(g).isDirectory()) result.quarantined.push(...neutralizeGitDir(g, q));
      } catch {
        // no .git at all now
      }
    }
  }
  // Removals of whole folders come last, after the files inside were handled; creations of folders first.
  const ordered = risky.filter((c) => !handled.has(c.path)).sort((a, b) => a.path.length - b.path.length);
  for (const c of ordered) {
    const p = c.path;
    try {
      if (c.before.t === 'missing') {
        const where = q.take(p);
        if (where) result.quarantined.push(where);
        result.restored.push(`${p} (removed)`);
      } else if (c.before.t === 'file') {
        // Already back (the git folder it lives in was moved back).
        if (same(c.before, stateOf(p, undefined, blobs))) continue;
        if (!c.before.kept) {
          result.notRestored.push(`${p}: larger than ${MAX_KEPT / 1024 / 1024} MiB, its content was not kept`);
          continue;
        }
        const content = blobs.get(c.before.hash);
        if (!content) {
          result.notRestored.push(`${p}: its saved content is missing or damaged`);
          continue;
        }
        realFolders(rootOf(p), dirname(p), q);
        try {
          const st = lstatSync(p);
          if (st.isDirectory() || st.isSymbolicLink() || !st.isFile()) {
            const where = q.take(p);
            if (where) result.quarantined.push(where);
          } else {
            const where = q.copy(p);
            if (where) result.quarantined.push(where);
          }
        } catch {
          // gone: simply written back
        }
        writeFileAtomic(p, content, { mode: c.before.mode, fsync: false });
        chmodSync(p, c.before.mode);
        result.restored.push(p);
      } else if (c.before.t === 'dir') {
        realFolders(rootOf(p), p, q);
        result.restored.push(`${p} (folder)`);
      } else if (c.before.t === 'symlink') {
        result.notRestored.push(`${p}: was a symbolic link; Airlock does not recreate links`);
      }
    } catch (e) {
      result.notRestored.push(`${p}: ${(e as Error).message}`);
    }
  }
  return result;
}

