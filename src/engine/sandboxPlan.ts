/**
 * Whether a command the policy lets through runs in the sandbox, and the tool input that runs it so.
 * Where no sandbox is available (or the agent cannot rewrite the command), what passes runs uncontained
 * and says so, and what passed only because it would be contained (code at trust level 2, a rule that
 * demands the sandbox) asks a person: a command never runs unsandboxed silently.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cannotRewrite, rewriteCommandInput } from '../agents/rewriteCommand';
import type { AgentEvent } from '../agents/types';
import { deniesReading, type CompiledPolicy } from '../core/policy/evaluate';
import type { Decision, TrustLevel } from '../core/policy/types';
import { sandboxAvailability, type SandboxAvailability } from '../core/sandbox/backends';
import { buildProfile } from '../core/sandbox/profile';
import { RewriteError, sandboxedCommand, type SandboxRunner } from '../core/sandbox/rewrite';
import { describeSandbox, wantsSandbox } from '../core/sandbox/sandboxPolicy';

/** How sandboxed commands start Airlock, and the folders their profile needs. */
export interface SandboxEnv {
  readonly runner: SandboxRunner;
  readonly home: string;
  readonly dataRoot: string;
  readonly availability?: () => SandboxAvailability;
}

/** The sandbox as a CLI process starts it: the Node.js running now and the CLI bundle in `distDir`. */
export function cliSandboxEnv(distDir: string, home: string, dataRoot: string): SandboxEnv {
  return { runner: { node: process.execPath, cli: join(distDir, 'cli.js'), ...(process.versions.electron ? { env: { ELECTRON_RUN_AS_NODE: '1' } } : {}) }, home, dataRoot };
}

/** What happens to a command with respect to the sandbox. */
export interface SandboxPlan {
  /** Set when the command runs sandboxed: the tool input that runs it so. */
  readonly updatedInput?: Record<string, unknown>;
  /** For the person and the agent: how it runs, or why not in the sandbox. */
  readonly note: string;
}

function availabilityFor(env: SandboxEnv | undefined): SandboxAvailability {
  if (!env) return { available: false, reason: 'this Airlock process cannot start sandboxed commands', fix: '' };
  // The probe is cached in Airlock's data too: a hook process would otherwise start bubblewrap every time.
  return env.availability ? env.availability() : sandboxAvailability(process.platform, process.env, env.dataRoot);
}

/** At most this many of the workspace's own secret files are hidden by name (the profile travels in the command line). */
const MAX_HIDDEN_SECRETS = 32;

/**
 * The files at the top of the workspace that a `deny` read rule keeps from agents (`.env`, `.env.local`,
 * `key.pem` under the recommended policy's rules): hidden in the sandbox too, so that a program it runs
 * cannot read them for the agent. One folder listing; secrets deeper down are not found this way (README).
 */
function secretsAtTop(policy: CompiledPolicy, workspace: string): string[] {
  let names: string[];
  try {
    names = readdirSync(workspace);
  } catch {
    return [];
  }
  return names.filter((name) => deniesReading(policy, name)).slice(0, MAX_HIDDEN_SECRETS).map((name) => join(workspace, name));
}

/**
 * Would a command of this event run inside the sandbox, before anything is decided? (The policy turns the
 * sandbox on for this trust level, the machine has one, and the agent's hook can rewrite the command.)
 * Code-running commands pass by trust at level 2 only when they would.
 */
export function containment(policy: CompiledPolicy, env: SandboxEnv | undefined, event: AgentEvent, trust: TrustLevel): { contained: boolean; why?: string } {
  const s = policy.sandbox;
  if (!s.enabled) return { contained: false, why: 'the policy turns Airlock\'s sandbox off ("sandbox": { "enabled": false })' };
  if (!s.trustLevels.includes(trust)) return { contained: false, why: `the policy sandboxes commands only at trust level${s.trustLevels.length === 1 ? '' : 's'} ${s.trustLevels.join(', ')}` };
  const available = availabilityFor(env);
  if (!available.available) return { contained: false, why: `no sandbox is available on this machine (${available.reason})` };
  const why = cannotRewrite(event);
  return why ? { contained: false, why } : { contained: true };
}

/** Plans the sandbox for a decided event; returns the decision, changed to `ask` where it must be. */
export function planSandbox(policy: CompiledPolicy, workspace: string, env: SandboxEnv | undefined, event: AgentEvent, decision: Decision, trust: TrustLevel): { plan?: SandboxPlan; decision: Decision } {
  if (event.action.category !== 'command' || decision.action === 'deny') return { decision };
  const want = wantsSandbox(policy.sandbox, decision, trust, policy.restricted);
  if (!want.sandboxed) {
    if (decision.action === 'allow' && decision.needsSandbox) {
      return { decision: { ...decision, action: 'ask', failed: 'contained', reason: `${decision.reason}; it runs code and passes at trust level 2 only inside the sandbox, but it would not run in it (${want.why}), so a person decides` } };
    }
    return { decision };
  }
  const forced = (decision.parts ?? []).some((p) => p.kind === 'command' && p.rule?.sandbox === true);
  const available = availabilityFor(env);
  // No sandbox for this machine or this agent: what passes runs uncontained, and says so; what passed only
  // because it would be contained (code at trust level 2, or a rule that demands the sandbox) asks.
  const missing = !available.available ? `${available.reason}${available.fix ? ` (${available.fix})` : ''}` : cannotRewrite(event);
  if (missing) {
    const note = `runs WITHOUT Airlock's sandbox, uncontained: ${missing}`;
    if (decision.action === 'allow' && (decision.needsSandbox || forced)) {
      const what = decision.needsSandbox ? `it runs code (${decision.needsSandbox}) and passes at trust level 2 only inside the sandbox` : 'its rule runs it only inside the sandbox';
      return { plan: { note }, decision: { ...decision, action: 'ask', failed: 'contained', reason: `${decision.reason}; ${what}, but ${missing}, so a person decides` } };
    }
    return { plan: { note }, decision };
  }
  let why: string | undefined;
  let updatedInput: Record<string, unknown> | undefined;
  if (env) {
    try {
      const built = buildProfile(policy.sandbox, { workspace, home: env.home, dataRoot: env.dataRoot });
      const profile = { ...built, hide: [...new Set([...built.hide, ...secretsAtTop(policy, workspace)])] };
      updatedInput = rewriteCommandInput(event, sandboxedCommand(event.action.command, profile, env.runner));
    } catch (e) {
      if (!(e instanceof RewriteError)) throw e;
      why = e.message;
    }
  }
  if (updatedInput) return { plan: { updatedInput, note: `runs in Airlock's sandbox: ${describeSandbox(policy.sandbox)}` }, decision };
  // The sandbox is there, but this command cannot be put in it (too long, a NUL byte): a person decides.
  why ??= 'the command cannot be passed to the sandbox unchanged';
  const note = `runs WITHOUT Airlock's sandbox: the policy wants one (${want.why}), but ${why}`;
  if (decision.action === 'allow' && decision.needsSandbox) {
    return { plan: { note }, decision: { ...decision, action: 'ask', failed: 'contained', reason: `${decision.reason}; it runs code (${decision.needsSandbox}) and passes at trust level 2 only inside the sandbox, but ${why}, so a person decides` } };
  }
  if (policy.sandbox.allowUnsandboxed) return { plan: { note: `${note}; the policy allows unsandboxed commands` }, decision };
  if (decision.action === 'allow') {
    return { plan: { note }, decision: { ...decision, action: 'ask', failed: 'contained', reason: `${decision.reason}; it would run in Airlock's sandbox, but ${why}, so a person decides whether it runs without one` } };
  }
  return { plan: { note }, decision };
}
