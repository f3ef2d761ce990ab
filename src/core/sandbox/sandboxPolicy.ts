/**
 * Whether an allowed command runs in the OS sandbox, and with what: the policy's `sandbox` section with
 * Airlock's defaults filled in, and the per-rule `sandbox` option. Most restrictive wins here too: one
 * part of a command whose rule asks for the sandbox sandboxes the whole command line.
 *
 * The sandbox is on by default (spec/policy.md, "contained"): a policy without a `sandbox` section, the
 * recommended policy and an invalid policy all sandbox every command that passes without a person. Where
 * no sandbox works (no bubblewrap, user namespaces forbidden, Windows) such a default falls back to running
 * commands uncontained, said plainly, and code-running commands then pass by trust only at level 3. A
 * policy that writes `"enabled": true` itself requires the sandbox: where there is none, a person decides
 * (unless it also sets `"allowUnsandboxed": true`).
 */
import { isAbsolute, join } from 'node:path';
import type { Decision, SandboxLimits, SandboxSpec, TrustLevel } from '../policy/types';

/** Limits when the policy gives none. Generous: they stop runaways, not ordinary builds. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = Object.freeze({ cpuSeconds: 600, memoryMB: 4096, timeoutSeconds: 600, processes: 512, outputMB: 16, fileSizeMB: 2048 });

/**
 * Hidden from every sandboxed command: credentials in the home folder (the agents' own logins among them,
 * which a command could print for the agent to read), shell and REPL histories, and the system's secrets
 * that root could read.
 */
export const DEFAULT_DENY_READ: readonly string[] = Object.freeze([
  '~/.ssh',
  '~/.aws',
  '~/.gnupg',
  '~/.config/gcloud',
  '~/.azure',
  '~/.kube',
  '~/.docker',
  '~/.config/gh',
  '~/.config/hub',
  '~/.password-store',
  '~/.local/share/keyrings',
  '~/.netrc',
  '~/.npmrc',
  '~/.yarnrc',
  '~/.yarnrc.yml',
  '~/.pypirc',
  '~/.pgpass',
  '~/.my.cnf',
  '~/.git-credentials',
  '~/.config/git/credentials',
  '~/.cargo/credentials',
  '~/.cargo/credentials.toml',
  '~/.gem/credentials',
  '~/.terraform.d/credentials.tfrc.json',
  '~/.vault-token',
  '~/.boto',
  '~/.s3cfg',
  '~/.config/rclone',
  '~/.claude/.credentials.json',
  '~/.codex/auth.json',
  '~/.gemini/oauth_creds.json',
  '~/.config/github-copilot',
  '~/.copilot',
  '~/.cache/huggingface/token',
  '~/.cache/huggingface/stored_tokens',
  '~/.bash_history',
  '~/.zsh_history',
  '~/.local/share/fish/fish_history',
  '~/.python_history',
  '~/.node_repl_history',
  '~/.psql_history',
  '~/.mysql_history',
  '~/.mozilla',
  '~/.config/google-chrome',
  '~/.config/chromium',
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/ssh/ssh_host_rsa_key',
  '/etc/ssh/ssh_host_ecdsa_key',
  '/etc/ssh/ssh_host_ed25519_key',
  '/etc/ssh/ssh_host_dsa_key',
  '/etc/ssl/private',
]);

/**
 * Caches in the home folder a sandboxed command may write: each is replaced, inside the sandbox, by a
 * folder of its own in Airlock's data, one per workspace and persistent (a build in the sandbox is as fast
 * the second time), never read by anything outside the sandbox. Only folders that exist in the home folder
 * are replaced; the rest of the home folder is read-only.
 */
export const CACHE_DIRS: readonly string[] = Object.freeze(['~/.cache', '~/.npm']);

/**
 * Folders of the person's own `~/.cache` that hold installed things rather than a cache (browsers for
 * Playwright and Puppeteer, Node.js headers for native modules, machine-learning models): shown
 * read-only inside the workspace's cache, so that tests find them without the network and cannot change them.
 */
export const READ_THROUGH_CACHES: readonly string[] = Object.freeze(['ms-playwright', 'puppeteer', 'Cypress', 'node-gyp', 'electron', 'huggingface', 'torch', 'selenium']);

/** The sandbox settings in force, every field filled in. */
export interface ResolvedSandbox {
  readonly enabled: boolean;
  /** The policy itself asked for the sandbox (`"enabled": true`), rather than Airlock's default. */
  readonly required: boolean;
  readonly trustLevels: readonly TrustLevel[];
  readonly network: 'none' | 'host' | { readonly allow: readonly string[] };
  readonly writable: readonly string[];
  readonly denyRead: readonly string[];
  readonly limits: SandboxLimits;
  /** Where no sandbox is available, commands run without one (said plainly) instead of asking. */
  readonly allowUnsandboxed: boolean;
}

/**
 * Fills in the defaults. In an untrusted workspace (restricted mode) nothing in the workspace file may
 * relax the sandbox: it stays on at every level, with no network, no extra writable folders, and no
 * unsandboxed fallback the file asked for.
 */
export function resolveSandbox(spec: SandboxSpec | undefined, restricted: boolean): ResolvedSandbox {
  const s = spec ?? {};
  const network = s.network === undefined || s.network === 'none' ? 'none' : s.network === 'host' ? 'host' : { allow: [...s.network] };
  const required = s.enabled === true;
  return {
    enabled: restricted || s.enabled !== false,
    required,
    trustLevels: !restricted && s.trustLevels && s.trustLevels.length > 0 ? [...s.trustLevels] : [0, 1, 2, 3],
    network: restricted ? 'none' : network,
    writable: restricted ? [] : [...(s.writable ?? [])],
    denyRead: [...DEFAULT_DENY_READ, ...(s.denyRead ?? [])],
    limits: { ...DEFAULT_SANDBOX_LIMITS, ...(s.limits ?? {}) },
    allowUnsandboxed: (restricted ? undefined : s.allowUnsandboxed) ?? !required,
  };
}

/** Does this command decision run in the sandbox? Says why, for the person and the agent. */
export function wantsSandbox(sandbox: ResolvedSandbox, decision: Decision, trust: TrustLevel, restricted: boolean): { readonly sandboxed: boolean; readonly why: string } {
  const commandParts = (decision.parts ?? []).filter((p) => p.kind === 'command');
  const forced = commandParts.find((p) => p.rule?.sandbox === true);
  if (forced) return { sandboxed: true, why: `${forced.text}: its rule asks for the sandbox` };
  if (!sandbox.enabled) return { sandboxed: false, why: 'the policy turns the sandbox off ("sandbox": { "enabled": false })' };
  if (!sandbox.trustLevels.includes(trust)) return { sandboxed: false, why: `the policy sandboxes commands at trust level${sandbox.trustLevels.length === 1 ? '' : 's'} ${sandbox.trustLevels.join(', ')}, and the agent is at ${trust}` };
  // A rule may let its commands out of the sandbox, when every part of the line is let out (and the
  // workspace is trusted: an untrusted workspace's file cannot relax anything).
  const exempt = commandParts.length > 0 && commandParts.every((p) => p.rule?.sandbox === false && !(restricted && p.rule.origin === 'workspace'));
  if (exempt) return { sandboxed: false, why: 'its rule runs it outside the sandbox ("sandbox": false)' };
  return { sandboxed: true, why: sandbox.required ? 'the policy sandboxes commands' : 'Airlock sandboxes commands by default' };
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
  return `writes only to the workspace, its caches and a private temporary folder${s.writable.length ? ` (and ${s.writable.join(', ')})` : ''}, git internals and agent configurations read-only, ${net}, credentials hidden, at most ${l.timeoutSeconds} s, ${l.memoryMB} MB of memory and ${l.processes} processes`;
}
