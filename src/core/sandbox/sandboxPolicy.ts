/**
 * Whether an allowed command runs in the OS sandbox, and with what: the policy's `sandbox` section with
 * Airlock's defaults filled in, and the per-rule `sandbox` option. Most restrictive wins here too: one
 * part of a command whose rule asks for the sandbox sandboxes the whole command line.
 */
import { isAbsolute, join } from 'node:path';
import type { Decision, SandboxLimits, SandboxSpec, TrustLevel } from '../policy/types';

/** Limits when the policy gives none. Generous: they stop runaways, not ordinary builds. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = Object.freeze({ cpuSeconds: 600, memoryMB: 4096, timeoutSeconds: 600, processes: 512, outputMB: 16, fileSizeMB: 2048 });

/** Hidden from every sandboxed command: credentials in the home folder. */
export const DEFAULT_DENY_READ: readonly string[] = Object.freeze([
  '~/.ssh',
  '~/.aws',
  '~/.gnupg',
  '~/.config/gcloud',
  '~/.azure',
  '~/.kube',
  '~/.docker',
  '~/.config/gh',
  '~/.password-store',
  '~/.netrc',
  '~/.npmrc',
  '~/.pypirc',
  '~/.git-credentials',
]);

/**
 * Kept read-only inside the writable workspace: files whose change would run code outside the sandbox
 * later (git hooks and config, agent hook configurations, the policy, shell start-up files).
 */
export const WORKSPACE_READ_ONLY: readonly string[] = Object.freeze(['.git/hooks', '.git/config', '.gitmodules', '.vscode', '.claude', '.github/hooks', '.cursor', '.gemini', '.codex', '.envrc', '.mcp.json', '.idea']);

/** Environment variables that commonly hold credentials; removed inside the sandbox. */
export const SECRET_ENV: readonly string[] = Object.freeze([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GITLAB_TOKEN',
  'NPM_TOKEN',
  'NODE_AUTH_TOKEN',
  'PYPI_TOKEN',
  'ANTHROPIC_API_KEY',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'AZURE_CLIENT_SECRET',
  'HF_TOKEN',
  'SSH_AUTH_SOCK',
  'GPG_AGENT_INFO',
]);

/** The sandbox settings in force, every field filled in. */
export interface ResolvedSandbox {
  readonly enabled: boolean;
  readonly trustLevels: readonly TrustLevel[];
  readonly network: 'none' | 'host' | { readonly allow: readonly string[] };
  readonly writable: readonly string[];
  readonly denyRead: readonly string[];
  readonly limits: SandboxLimits;
  readonly allowUnsandboxed: boolean;
}

/**
 * Fills in the defaults. In an untrusted workspace (restricted mode) nothing in the workspace file may
 * relax the sandbox: no unsandboxed fallback, no network, no extra writable folders.
 */
export function resolveSandbox(spec: SandboxSpec | undefined, restricted: boolean): ResolvedSandbox {
  const s = spec ?? {};
  const network = s.network === undefined || s.network === 'none' ? 'none' : s.network === 'host' ? 'host' : { allow: [...s.network] };
  return {
    enabled: s.enabled === true,
    trustLevels: s.trustLevels && s.trustLevels.length > 0 ? [...s.trustLevels] : [0, 1, 2, 3],
    network: restricted ? 'none' : network,
    writable: restricted ? [] : [...(s.writable ?? [])],
    denyRead: [...DEFAULT_DENY_READ, ...(s.denyRead ?? [])],
    limits: { ...DEFAULT_SANDBOX_LIMITS, ...(s.limits ?? {}) },
    allowUnsandboxed: restricted ? false : s.allowUnsandboxed === true,
  };
}

/** Does this command decision run in the sandbox? Says why, for the person and the agent. */
export function wantsSandbox(sandbox: ResolvedSandbox, decision: Decision, trust: TrustLevel, restricted: boolean): { readonly sandboxed: boolean; readonly why: string } {
  const commandParts = (decision.parts ?? []).filter((p) => p.kind === 'command');
  const forced = commandParts.find((p) => p.rule?.sandbox === true);
  if (forced) return { sandboxed: true, why: `${forced.text}: its rule asks for the sandbox` };
  if (!sandbox.enabled) return { sandboxed: false, why: 'the policy does not enable the sandbox' };
  if (!sandbox.trustLevels.includes(trust)) return { sandboxed: false, why: `the policy sandboxes commands at trust level${sandbox.trustLevels.length === 1 ? '' : 's'} ${sandbox.trustLevels.join(', ')}, and the agent is at ${trust}` };
  // A rule may let its commands out of the sandbox, when every part of the line is let out (and the
  // workspace is trusted: an untrusted workspace's file cannot relax anything).
  const exempt = commandParts.length > 0 && commandParts.every((p) => p.rule?.sandbox === false && !(restricted && p.rule.origin === 'workspace'));
  if (exempt) return { sandboxed: false, why: 'its rule runs it outside the sandbox' };
  return { sandboxed: true, why: 'the policy sandboxes commands' };
}

/** Expands `~/` and makes workspace-relative paths absolute. */
export function resolveSandboxPath(p: string, workspace: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return isAbsolute(p) ? p : join(workspace, p);
}

/** A sentence on what the sandbox allows, for the popup and the agent. */
export function describeSandbox(s: ResolvedSandbox): string {
  const net = s.network === 'none' ? 'no network' : s.network === 'host' ? 'full network' : `network only to ${s.network.allow.join(', ')}`;
  const l = s.limits;
  return `writes only to the workspace and a private temporary folder${s.writable.length ? ` (and ${s.writable.join(', ')})` : ''}, ${net}, credentials hidden, at most ${l.timeoutSeconds} s, ${l.memoryMB} MB of memory and ${l.processes} processes`;
}
