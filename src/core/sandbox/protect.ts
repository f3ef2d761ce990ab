/**
 * The built-in protections as the kernel enforces them inside the sandbox: which paths inside the
 * writable folders become read-only mounts, computed when the command starts (from the file system as it
 * is then), so that nothing the command does can run code outside the sandbox later.
 *
 * - Paths that exist are bound read-only onto themselves. A mount point cannot be renamed, removed or
 *   replaced (EBUSY), so `mv .vscode x`, `rm -rf .git/hooks` and hard links into them (EXDEV) fail too.
 * - Paths that do not exist yet (`.gemini`, `.mcp.json`, `.git/modules`, …) get an empty folder created
 *   on the host and bound read-only: nothing can be created inside or in its place. bubblewrap's
 *   `--ro-bind-try` would silently skip them. The launcher removes these empty folders again after the
 *   last sandboxed command of the workspace ends (see placeholders.ts); git ignores empty folders.
 * - `.git` itself and `.git/objects` are bound onto themselves writable: git commits as usual, but neither
 *   can be renamed away and replaced by a copy whose configuration and hooks the command wrote.
 * - Two names git reads inside the writable `.git` folder cannot be protected by a mount without
 *   breaking git (an empty `commondir` folder makes every git command fail): `commondir` and
 *   `config.worktree`. They are watched instead: the launcher removes them the moment they appear and
 *   stops the command (see launcher.ts), and checks again when it ends.
 */
import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { gitConfigValues, gitdirOf, readText } from './gitRisk';

/** Folders (and files) in the workspace whose change would run code outside the sandbox later. */
export const AGENT_CONFIG_PATHS: readonly string[] = Object.freeze(['.vscode', '.claude', '.gemini', '.codex', '.cursor', '.idea', '.github/hooks', '.mcp.json', '.envrc', '.gitmodules']);

/** Inside a git folder: kept read-only (existing) or blocked (missing). */
const GITDIR_READ_ONLY: readonly string[] = ['hooks', 'objects/info', 'objects/pack', 'modules', 'worktrees'];
/** Inside a git folder: read-only files when they exist. */
const GITDIR_FILES: readonly string[] = ['config', 'commondir', 'config.worktree', 'gitdir'];
/** Inside a git folder: git reads them by name; watched when missing. */
export const GITDIR_WATCHED: readonly string[] = ['config', 'commondir', 'config.worktree'];

/** What the sandbox does with each protected path. */
export interface ProtectionPlan {
  /** Folders bound onto themselves (writable) so that they cannot be renamed or replaced. */
  readonly anchors: string[];
  /** Existing paths bound read-only. */
  readonly readOnly: string[];
  /** Missing paths to create as empty folders and bind read-only. */
  readonly placeholders: string[];
  /** Missing files that cannot be protected by a mount: removed the moment they appear. */
  readonly watched: string[];
  /** Git folders (the workspace's and those of its submodules and nested repositories) under protection. */
  readonly gitDirs: string[];
  /**
   * Folders outside the writable roots that the workspace's own git needs to write: when the workspace is a
   * linked worktree (`.git` is a file), its git folder and the repository's common folder. Bound writable
   * before the protections, which then apply to them as to any git folder.
   */
  readonly gitWritable: string[];
  /** Why the sandbox cannot protect what it must; the command must not run. */
  readonly problems: string[];
}

/** Inputs of {@link planProtections}. */
export interface ProtectInputs {
  readonly workspace: string;
  /** Writable folders besides the workspace (absolute). */
  readonly writable: readonly string[];
  readonly home: string;
  /** Airlock's own program folder: read-only when it lies in a writable folder. */
  readonly programDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

type Kind = 'dir' | 'file' | 'symlink' | 'other' | undefined;

function kindOf(p: string): Kind {
  try {
    const st = lstatSync(p);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
  } catch {
    return undefined;
  }
}

function inside(p: string, root: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

const realCache = new Map<string, string>();

/** realpath, remembered for the launch (the plan asks for the same few folders many times). */
function real(p: string): string {
  const known = realCache.get(p);
  if (known !== undefined) return known;
  let r = p;
  try {
    r = realpathSync(p);
  } catch {
    r = p;
  }
  realCache.set(p, r);
  return r;
}

const MAX_NESTED = 64;
const SKIP_SCAN = new Set(['node_modules', '.git', '.hg', '.svn', 'target', 'dist', 'build', 'out', 'vendor', '.venv', 'venv', '__pycache__']);

/** Computes the protections of one sandboxed command, from the file system as it is now. */
export function planProtections(inputs: ProtectInputs): ProtectionPlan {
  realCache.clear();
  const plan: ProtectionPlan = { anchors: [], readOnly: [], placeholders: [], watched: [], gitDirs: [], gitWritable: [], problems: [] };
  const roots = [inputs.workspace, ...inputs.writable].filter((r) => kindOf(r) === 'dir' || kindOf(r) === 'symlink');
  // A linked worktree commits into its git folder and the repository's common folder, both elsewhere.
  const worktreeGit = linkedWorktreeGitDirs(inputs.workspace);
  if (worktreeGit) {
    for (const d of [worktreeGit.gitDir, worktreeGit.commonDir]) {
      if (!roots.some((r) => inside(real(d), real(r)))) {
        roots.push(d);
        plan.gitWritable.push(d);
      }
    }
  }
  const realRoots = roots.map(real);
  const writable = (p: string): boolean => realRoots.some((r) => inside(real(p), r) || inside(p, r));
  const seen = new Set<string>();
  const add = (list: string[], p: string): void => {
    if (seen.has(p)) return;
    seen.add(p);
    list.push(p);
  };

  // A writable folder holding the home folder (or everything) would expose the person's shell and git
  // start-up files where they do not exist yet; no mount can cover every such name.
  for (const r of realRoots) {
    if (inside(real(inputs.home), r)) plan.problems.push(`the writable folder ${r} contains the home folder ${inputs.home}; list the folders below it that commands need in "sandbox.writable"`);
  }

  /** Protects a path: read-only when it exists, a read-only placeholder folder when it does not. */
  const guard = (p: string, options: { placeholder: boolean; watchIfMissing?: boolean }): void => {
    const kind = kindOf(p);
    if (kind === 'dir' || kind === 'file') return add(plan.readOnly, p);
    if (kind === 'symlink') {
      // A symlink is protected where it points (bubblewrap follows it): a missing target inside a writable
      // folder could be created there.
      const target = kindOf(real(p));
      if (target === 'dir' || target === 'file') return add(plan.readOnly, p);
      let to = p;
      try {
        to = resolve(dirname(p), readlinkSync(p));
      } catch {
        // gone meanwhile
      }
      if (writable(to)) plan.problems.push(`${p} is a symbolic link to ${to}, which does not exist and could be created by the command; remove the link or create its target`);
      return;
    }
    if (kind === 'other') return add(plan.readOnly, p);
    // Missing: its parent must be a real folder for a placeholder (a symlinked parent is protected where it points).
    if (options.placeholder) add(plan.placeholders, p);
    else if (options.watchIfMissing) add(plan.watched, p);
  };

  for (const rel of AGENT_CONFIG_PATHS) guard(join(inputs.workspace, rel), { placeholder: true });

  const protectGitDir = (g: string, worktree: string | undefined, anchor: boolean): void => {
    if (plan.gitDirs.includes(g) || plan.gitDirs.length > MAX_NESTED) return;
    plan.gitDirs.push(g);
    if (!writable(g)) return; // read-only as all of the file system is
    if (anchor) add(plan.anchors, g);
    if (kindOf(join(g, 'objects')) === 'dir') add(plan.anchors, join(g, 'objects'));
    for (const d of GITDIR_READ_ONLY) {
      // objects/info and objects/pack only make sense with an objects folder.
      if (d.startsWith('objects/') && kindOf(join(g, 'objects')) !== 'dir') continue;
      guard(join(g, d), { placeholder: true });
    }
    for (const f of GITDIR_FILES) guard(join(g, f), { placeholder: false, watchIfMissing: GITDIR_WATCHED.includes(f) });
    // core.hooksPath and included configuration files, wherever they are set, when they lie in a writable folder.
    const env = inputs.env ?? process.env;
    const configs = [join(g, 'config'), join(g, 'config.worktree'), ...globalGitConfigs(inputs.home, env), env.GIT_CONFIG_SYSTEM || '/etc/gitconfig'];
    for (const c of configs) {
      const text = readText(c);
      if (!text) continue;
      for (const hp of gitConfigValues(text, (k) => k === 'core.hookspath')) {
        const p = expandHome(hp, inputs.home);
        const abs = isAbsolute(p) ? p : resolve(worktree ?? g, p);
        if (writable(abs)) guard(abs, { placeholder: true });
      }
      for (const inc of gitConfigValues(text, (k) => k === 'include.path' || (k.startsWith('includeif.') && k.endsWith('.path')))) {
        const p = expandHome(inc, inputs.home);
        const abs = isAbsolute(p) ? p : resolve(dirname(c), p);
        if (writable(abs)) guard(abs, { placeholder: false, watchIfMissing: true });
      }
    }
  };

  /** A worktree's `.git`: a folder, or a file pointing at the git folder elsewhere (worktrees, submodules). */
  const protectDotGit = (worktree: string, missing: 'placeholder' | 'ignore'): void => {
    const dotGit = join(worktree, '.git');
    const kind = kindOf(dotGit);
    if (kind === 'dir') return protectGitDir(dotGit, worktree, true);
    if (kind === 'file') {
      add(plan.readOnly, dotGit);
      const target = gitdirOf(dotGit);
      if (!target || kindOf(target) !== 'dir') return;
      protectGitDir(target, worktree, true);
      const common = readText(join(target, 'commondir'), 4096)?.trim();
      if (common) {
        const c = isAbsolute(common) ? common : resolve(target, common);
        if (kindOf(c) === 'dir') protectGitDir(c, undefined, true);
      }
      return;
    }
    if (kind === 'symlink' || kind === 'other') return guard(dotGit, { placeholder: false });
    if (missing === 'placeholder') add(plan.placeholders, dotGit);
  };

  protectDotGit(inputs.workspace, 'placeholder');
  for (const r of roots.slice(1)) {
    protectDotGit(r, 'ignore');
    // A writable folder that is itself a git folder (a main repository's .git for a worktree).
    if (kindOf(join(r, 'HEAD')) === 'file' && kindOf(join(r, 'objects')) === 'dir') protectGitDir(r, undefined, false);
  }
  // Submodules (their `.git` files and folders) and repositories nested one level down: the person's git
  // and the editor's work in them too (git status descends into submodules; VS Code opens nested repositories).
  for (const sub of submodulePaths(inputs.workspace).concat(nestedRepos(inputs.workspace))) {
    if (plan.gitDirs.length > MAX_NESTED) break;
    protectDotGit(sub, 'ignore');
  }
  if (inputs.programDir && writable(inputs.programDir) && kindOf(inputs.programDir) === 'dir') add(plan.readOnly, inputs.programDir);
  // A protected path is only as safe as its folders: `mv .github x && mkdir -p .github/hooks` would
  // leave the read-only hooks folder behind under another name. Every folder between a writable root and
  // a protected path becomes an anchor (bound onto itself), which cannot be renamed or removed.
  for (const p of [...plan.readOnly, ...plan.placeholders, ...plan.watched, ...plan.anchors]) {
    const root = realRoots.find((r) => inside(p, r) && p !== r) ?? roots.find((r) => inside(p, r) && p !== r);
    if (!root) continue;
    for (let d = dirname(p); d !== root && inside(d, root) && d !== dirname(d); d = dirname(d)) {
      if (!seen.has(d) && (kindOf(d) === 'dir' || plan.placeholders.some((q) => inside(q, d)))) add(plan.anchors, d);
    }
  }
  return plan;
}

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
}

/** The git folder and common folder of a linked worktree (`.git` is a file whose target has a `commondir`). */
export function linkedWorktreeGitDirs(workspace: string): { gitDir: string; commonDir: string } | undefined {
  const dotGit = join(workspace, '.git');
  if (kindOf(dotGit) !== 'file') return undefined;
  const gitDir = gitdirOf(dotGit);
  if (!gitDir || kindOf(gitDir) !== 'dir') return undefined;
  const common = readText(join(gitDir, 'commondir'), 4096)?.trim();
  if (!common) return undefined;
  const commonDir = isAbsolute(common) ? common : resolve(gitDir, common);
  if (kindOf(commonDir) !== 'dir' || kindOf(join(commonDir, 'objects')) !== 'dir') return undefined;
  return { gitDir: real(gitDir), commonDir: real(commonDir) };
}

/** The person's git configuration files (they may set core.hooksPath or include files for every repository). */
export function globalGitConfigs(home: string, env: NodeJS.ProcessEnv): string[] {
  const xdg = env.XDG_CONFIG_HOME || join(home, '.config');
  return [join(home, '.gitconfig'), join(xdg, 'git', 'config'), ...(env.GIT_CONFIG_GLOBAL ? [env.GIT_CONFIG_GLOBAL] : [])];
}

/** The worktrees of the submodules a workspace declares in `.gitmodules` (inside the workspace only). */
export function submodulePaths(workspace: string): string[] {
  const text = readText(join(workspace, '.gitmodules'), 256 * 1024);
  if (!text) return [];
  return gitConfigValues(text, (k) => k.startsWith('submodule.') && k.endsWith('.path'))
    .map((p) => resolve(workspace, p))
    .filter((p) => inside(p, workspace) && p !== workspace)
    .slice(0, MAX_NESTED);
}

/** Folders up to `depth` levels below the workspace that hold a `.git` (folder or file). */
export function nestedRepos(workspace: string, depth = 1): string[] {
  const found: string[] = [];
  const walk = (dir: string, level: number): void => {
    if (found.length >= MAX_NESTED) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || SKIP_SCAN.has(e.name)) continue;
      const sub = join(dir, e.name);
      try {
        statSync(join(sub, '.git'));
        found.push(sub);
      } catch {
        // not a repository
      }
      if (level < depth) walk(sub, level + 1);
    }
  };
  walk(workspace, 1);
  return found;
}
