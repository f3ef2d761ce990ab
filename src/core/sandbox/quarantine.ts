/**
 * Taking away what a command was not allowed to leave behind, without destroying it: a protected file an
 * agent created or changed, an active hook, a repository configuration that would run code. Each is moved
 * into the workspace's quarantine in Airlock's data (copied when that is another file system), where a
 * person can look at it, and the report names where it went. Nothing is followed through a symbolic link.
 */
import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { activeHooks, gitdirOf, harmlessGitKey, indexGitlinks, parseGitConfig, readText, riskyGitConfig } from './gitRisk';

/** A quarantine folder for one check, created on first use. */
export class Quarantine {
  private made = false;
  readonly dir: string;

  constructor(stateDir: string, private readonly workspace: string) {
    this.dir = join(stateDir, 'quarantine', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  }

  /** Where `path` goes in the quarantine (its place relative to the workspace, or its absolute path). */
  private destination(path: string): string {
    const r = relative(this.workspace, path);
    const rel = r && !r.startsWith(`..${sep}`) && r !== '..' ? r : path.replace(/^\/+/, '_root/');
    return join(this.dir, rel);
  }

  /** Moves `path` (a file, link or folder) into the quarantine; returns where it went, or undefined if it was gone. */
  take(path: string): string | undefined {
    try {
      lstatSync(path);
    } catch {
      return undefined;
    }
    const to = this.destination(path);
    mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
    this.made = true;
    try {
      renameSync(path, to);
      return to;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    }
    cpSync(path, to, { recursive: true, verbatimSymlinks: true, errorOnExist: false, force: true });
    rmSync(path, { recursive: true, force: true });
    return to;
  }

  /** Copies the file `path` into the quarantine (it stays where it is); returns where the copy went. */
  copy(path: string): string | undefined {
    try {
      if (!lstatSync(path).isFile()) return undefined;
    } catch {
      return undefined;
    }
    const to = this.destination(path);
    mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
    this.made = true;
    cpSync(path, to, { force: true });
    return to;
  }

  /** True once something was put in quarantine. */
  get used(): boolean {
    return this.made;
  }
}

/** What made a git folder dangerous, and what was done about it. */
export interface GitRisk {
  /** The repository's worktree (its folder in the workspace). */
  readonly worktree: string;
  /** Its git folder. */
  readonly gitDir: string;
  /** What would run code or redirect git: configuration keys, hooks, redirections. */
  readonly risks: string[];
}

/** The code-running or redirecting parts of a git folder. */
export function gitDirRisks(gitDir: string): string[] {
  const risks: string[] = [];
  for (const name of ['config', 'config.worktree']) {
    const text = readText(join(gitDir, name));
    if (text !== undefined) risks.push(...riskyGitConfig(text).map((k) => `${name}: ${k}`));
  }
  risks.push(...activeHooks(join(gitDir, 'hooks')).map((h) => `hooks/${h}`));
  for (const r of ['commondir', 'objects/info/alternates']) {
    try {
      lstatSync(join(gitDir, r));
      risks.push(r);
    } catch {
      // absent
    }
  }
  return risks;
}

/**
 * Makes a git folder inert: its configuration keeps only what cannot run code (the rest goes to the
 * quarantine), active hooks and redirections go to the quarantine. The repository's history is untouched.
 */
export function neutralizeGitDir(gitDir: string, q: Quarantine): string[] {
  const moved: string[] = [];
  for (const name of ['config', 'config.worktree']) {
    const file = join(gitDir, name);
    const text = readText(file);
    if (text === undefined || riskyGitConfig(text).length === 0) continue;
    let kept = '';
    try {
      const byKey = parseGitConfig(text).filter((e) => harmlessGitKey(e.key, e.value));
      kept = byKey.map((e) => {
        const dot = e.key.indexOf('.');
        const last = e.key.lastIndexOf('.');
        const section = dot === last ? `[${e.key.slice(0, dot)}]` : `[${e.key.slice(0, dot)} "${e.key.slice(dot + 1, last).replace(/["\\]/g, '\\$&')}"]`;
        const value = e.value === null ? '' : ` = "${e.value.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\n')}"`;
        return `${section}\n\t${e.key.slice(last + 1)}${value}\n`;
      }).join('');
    } catch {
      kept = '';
    }
    const where = q.take(file);
    if (where) moved.push(where);
    if (name === 'config') writeFileSync(file, kept || '[core]\n\trepositoryformatversion = 0\n', { mode: 0o644 });
  }
  // Never through a link: a hooks or objects folder that is a link is moved away whole, not emptied.
  const hooks = join(gitDir, 'hooks');
  if (isLink(hooks)) {
    const where = q.take(hooks);
    if (where) moved.push(where);
  } else {
    for (const hook of activeHooks(hooks)) {
      const where = q.take(join(hooks, hook));
      if (where) moved.push(where);
    }
  }
  for (const r of ['commondir', isLink(join(gitDir, 'objects')) || isLink(join(gitDir, 'objects', 'info')) ? '' : 'objects/info/alternates'].filter(Boolean)) {
    const where = q.take(join(gitDir, r));
    if (where) moved.push(where);
  }
  return moved;
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Folders below `root`, `depth` levels down at most, that hold a `.git` (folder or file). */
function reposBelow(root: string, depth: number): string[] {
  const found: string[] = [];
  const skip = new Set(['node_modules', '.git', '.hg', '.svn']);
  const walk = (dir: string, level: number): void => {
    if (found.length >= 256) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || skip.has(e.name)) continue;
      const sub = join(dir, e.name);
      try {
        lstatSync(join(sub, '.git'));
        found.push(sub);
      } catch {
        // not a repository
      }
      if (level < depth) walk(sub, level + 1);
    }
  };
  walk(root, 1);
  return found;
}

/** The git folder of a worktree (`.git` itself, or where its `gitdir:` file points inside `within`). */
function gitDirOf(worktree: string, within: string): string | undefined {
  const dotGit = join(worktree, '.git');
  try {
    const st = lstatSync(dotGit);
    if (st.isDirectory()) return dotGit;
    if (!st.isFile()) return undefined;
  } catch {
    return undefined;
  }
  const target = gitdirOf(dotGit);
  if (!target) return undefined;
  const r = relative(within, target);
  return r && !r.startsWith('..') && statSafe(target)?.isDirectory() ? target : undefined;
}

function statSafe(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Repositories inside the workspace that the person's git or editor would work in, and that a command
 * (started at `since`, epoch ms) made dangerous: nested up to two levels down (the editor opens nested
 * repositories on its own) or linked from the workspace's index as submodules (`git status` descends into
 * them). A repository counts when something in its git folder changed since the command started (the
 * kernel sets the change time; a command cannot set it back) and it would run code or redirect git.
 */
export function findGitRisks(workspace: string, since: number, options: { readonly skip?: readonly string[] } = {}): GitRisk[] {
  const worktrees = new Set(reposBelow(workspace, 2));
  try {
    const index = readFileSync(join(workspace, '.git', 'index'));
    for (const link of indexGitlinks(index) ?? []) {
      const w = join(workspace, link);
      if (relative(workspace, w).startsWith('..')) continue;
      worktrees.add(w);
    }
  } catch {
    // no index
  }
  const risks: GitRisk[] = [];
  const skip = new Set(options.skip ?? []);
  for (const w of worktrees) {
    const g = gitDirOf(w, workspace);
    if (!g || skip.has(g) || g === join(workspace, '.git')) continue;
    if (!changedSince(g, since) && !changedSince(join(w, '.git'), since)) continue;
    const found = gitDirRisks(g);
    if (found.length) risks.push({ worktree: w, gitDir: g, risks: found });
  }
  return risks;
}

/** True when the git folder, its configuration, hooks or redirections changed (ctime) at or after `since`. */
function changedSince(path: string, since: number): boolean {
  const probe = [path, join(path, 'config'), join(path, 'config.worktree'), join(path, 'hooks'), join(path, 'commondir'), join(path, 'objects', 'info')];
  for (const p of probe) {
    try {
      if (lstatSync(p).ctimeMs >= since - 5) return true;
    } catch {
      // absent
    }
  }
  try {
    for (const h of readdirSync(join(path, 'hooks'))) if (lstatSync(join(path, 'hooks', h)).ctimeMs >= since - 5) return true;
  } catch {
    // no hooks folder
  }
  return false;
}

/** A one-line account of a neutralized repository, for the person and the agent. */
export function describeGitRisk(r: GitRisk, workspace: string): string {
  const where = relative(workspace, r.worktree) || basename(r.worktree);
  return `${where}/.git (${r.risks.slice(0, 4).join(', ')}${r.risks.length > 4 ? ', …' : ''})`;
}
