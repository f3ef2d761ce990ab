/**
 * Built-in protections (docs/policy.md "Built-in protections"): always on, for every agent, at every trust
 * level, and no file or setting can relax them. Agents can never raise their own permissions: the policy,
 * the hook configurations that route agents through Airlock and Airlock's own data are for people only.
 */
import type { Selector } from './types';

/** One built-in protection: the globs it covers (workspace-relative or absolute, `~` for home) and why. */
export interface BuiltinProtection {
  readonly selector: Extract<Selector, 'edit' | 'read'>;
  readonly globs: readonly string[];
  readonly reason: string;
}

/** Where Airlock itself lives, so that agents cannot change it. */
export interface BuiltinContext {
  /** Airlock's data directory (all workspaces). */
  readonly dataRoot: string;
  /** The folder the running Airlock was installed in (extension or CLI), when known. */
  readonly installDir?: string;
  /** The organisation's managed policy folders (docs/cli.md "For teams"). */
  readonly managedDirs?: readonly string[];
}

const PERSON = 'a person changes it in the editor';

/** The built-in protections for this machine. */
export function builtinProtections(ctx: BuiltinContext): BuiltinProtection[] {
  const data = ctx.dataRoot.replace(/\\/g, '/').replace(/\/+$/, '');
  const list: BuiltinProtection[] = [
    {
      selector: 'edit',
      globs: ['**/.vscode/airlock.json'],
      reason: `agents cannot change the Airlock policy (.vscode/airlock.json); ${PERSON}`,
    },
    {
      selector: 'edit',
      globs: [
        '**/.claude/settings.json',
        '**/.claude/settings.local.json',
        '**/.github/hooks/**',
        '**/.cursor/hooks.json',
        '**/.gemini/settings.json',
        '**/.codex/**',
        '~/.claude/settings.json',
        '~/.claude/settings.local.json',
        '~/.claude.json',
        '~/.cursor/hooks.json',
        '~/.gemini/settings.json',
        '~/.codex/**',
        '~/.copilot/**',
      ],
      reason: `agents cannot change the hook configuration that routes them through Airlock; ${PERSON}`,
    },
    {
      selector: 'edit',
      globs: ['**/.git', '**/.git/**'],
      reason: 'agents cannot edit git internals (hooks, config, objects) with edit tools; use git commands',
    },
    {
      selector: 'edit',
      globs: [
        '~/.config/*/User/settings.json',
        '~/Library/Application Support/*/User/settings.json',
        '~/AppData/Roaming/*/User/settings.json',
        '~/.local/share/code-server/User/settings.json',
      ],
      reason: `agents cannot change the editor's user settings, which hold personal Airlock rules; ${PERSON}`,
    },
    {
      selector: 'edit',
      globs: [data, `${data}/**`],
      reason: "agents cannot change Airlock's own data (history, audit log, trust, tokens)",
    },
    {
      selector: 'read',
      globs: [data, `${data}/**`],
      reason: "agents cannot read Airlock's own data (it holds the gate's access token)",
    },
  ];
  for (const m of ctx.managedDirs ?? []) {
    const dir = m.replace(/\\/g, '/').replace(/\/+$/, '');
    // The folder itself too: replacing or removing it would drop the organisation's policy.
    list.push({ selector: 'edit', globs: [dir, `${dir}/**`], reason: "agents cannot change the organisation's managed Airlock policy; an administrator changes it" });
  }
  if (ctx.installDir) {
    const dir = ctx.installDir.replace(/\\/g, '/').replace(/\/+$/, '');
    list.push({ selector: 'edit', globs: [dir, `${dir}/**`], reason: 'agents cannot change the installed Airlock program' });
  }
  return list;
}

/**
 * Workspace-relative paths of the protected files that can be checked for existence when a command
 * deletes or overwrites a whole directory (`rm -rf .vscode`).
 */
export const PROTECTED_WORKSPACE_FILES: readonly string[] = [
  '.vscode/airlock.json',
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.github/hooks',
  '.cursor/hooks.json',
  '.gemini/settings.json',
  '.codex',
  '.git',
];
