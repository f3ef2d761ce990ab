/**
 * `airlock check`: decides one action exactly as a hook would for that agent now, without doing or
 * recording anything. It goes through the engine's one decision path (engine/decide.ts), sandbox plan
 * included, so it cannot answer differently from the hook.
 */
import { existsSync } from 'node:fs';
import type { ToolAction } from '../agents/types';
import { MANAGED_NAME } from '../core/policy/managedPolicy';
import { TRUST_NAMES, type Decision, type RuleRef } from '../core/policy/types';
import { decideEvent, eventFor } from '../engine/decide';
import { cliSandboxEnv } from '../engine/sandboxPlan';
import { AGENT_IDS, isAgentId, UNKNOWN_AGENT } from '../shared/ids';
import { printJson, UsageError, type CliContext } from './cliSupport';

/** Options of `airlock check`. */
export interface CheckOptions {
  readonly edit?: string;
  readonly read?: string;
  readonly command?: string;
  readonly agent?: string;
}

/** Decides one action and prints the decision. */
export function checkCommand(ctx: CliContext, options: CheckOptions): number {
  const given = (['edit', 'read', 'command'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) throw new UsageError('check needs exactly one of --edit PATH, --read PATH or --command CMD');
  const agent = options.agent ?? UNKNOWN_AGENT;
  if (options.agent !== undefined && !isAgentId(options.agent)) {
    throw new UsageError(`unknown agent "${options.agent}"; known agents: ${AGENT_IDS.join(', ')}`);
  }
  const loaded = ctx.open.loadPolicy();
  for (const p of [...loaded.problems, ...loaded.userProblems]) {
    const where = loaded.userProblems.includes(p) ? 'airlock.rules' : `${loaded.file}:${p.line}:${p.column}`;
    ctx.err(`airlock: ${p.severity}: ${where}: ${p.message}\n`);
  }
  // The organisation's files are reported like the workspace's: an invalid one asks until it is fixed.
  for (const f of loaded.managed.files) for (const p of f.problems) ctx.err(`airlock: ${p.severity}: ${f.path}:${p.line}:${p.column}: ${p.message}${f.valid ? '' : " (your organisation's policy is invalid: Airlock asks for everything it does not deny until an administrator fixes it)"}\n`);
  const trust = agent === UNKNOWN_AGENT ? 0 : ctx.open.trust.level(agent);
  const kind = given[0]!;
  const cwd = insideOrWorkspace(ctx);
  let action: ToolAction;
  if (kind === 'command') action = { category: 'command', command: options.command!, cwd };
  else if (kind === 'read') action = { category: 'read', paths: [resolveFromCwd(ctx, options.read!)] };
  else {
    const path = resolveFromCwd(ctx, options.edit!);
    action = { category: 'edit', files: [{ path, op: existsSync(path) ? 'write' : 'create' }] };
  }
  const { decision, plan } = decideEvent(
    { workspace: ctx.workspace, policy: loaded, trust, sandbox: cliSandboxEnv(__dirname, ctx.home, ctx.dataRoot) },
    eventFor(agent, action, cwd),
  );
  const sandbox = plan ? { sandboxed: plan.updatedInput !== undefined, note: plan.note } : undefined;
  if (ctx.json) {
    printJson(ctx, toJson(decision, sandbox));
  } else {
    ctx.out(formatDecision(decision, agent, trust, sandbox?.note));
  }
  return 0;
}

function resolveFromCwd(ctx: CliContext, p: string): string {
  if (p.includes('\0')) return p;
  // Relative paths are relative to where the person typed the command, as in any shell tool.
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('~') ? p : `${ctx.cwd.replace(/[\\/]+$/, '')}/${p}`;
}

function insideOrWorkspace(ctx: CliContext): string {
  return ctx.cwd === ctx.workspace || ctx.cwd.startsWith(`${ctx.workspace}/`) ? ctx.cwd : ctx.workspace;
}

function toJson(d: Decision, sandbox: { sandboxed: boolean; note: string } | undefined): Record<string, unknown> {
  return {
    action: d.action,
    source: d.source,
    rule: d.rule ?? null,
    reason: d.reason,
    trustApplied: d.trustApplied,
    ...(d.limit ? { limit: d.limit } : {}),
    ...(d.failed ? { failed: d.failed } : {}),
    ...(sandbox ? { sandbox } : {}),
    parts: (d.parts ?? []).map((p) => ({ kind: p.kind, text: p.text, via: p.via, action: p.action, source: p.source, rule: p.rule ?? null, reason: p.reason, ...(p.failed ? { failed: p.failed } : {}) })),
  };
}

function describe(r: RuleRef): string {
  const where = r.origin === 'workspace' ? `${r.file ?? '.vscode/airlock.json'}${r.line ? `:${r.line}` : ''} rule ${r.index + 1}` : r.origin === 'managed' ? `${MANAGED_NAME}, ${r.file ?? 'managed policy'}${r.line ? `:${r.line}` : ''} rule ${r.index + 1}` : r.origin === 'user' ? `airlock.rules rule ${r.index + 1}` : r.origin === 'recommended' ? `recommended policy rule ${r.index + 1}` : 'built-in protection';
  return `${where}: ${r.action} ${r.selector} "${r.pattern}"`;
}

const FAILED: Readonly<Record<NonNullable<Decision['failed']>, string>> = {
  understood: 'understood: Airlock cannot prove what it does, so it asks at every trust level',
  reversible: 'reversible: its effects leave what Airlock can roll back, so it asks at every trust level',
  contained: 'contained: it runs code and would run outside the sandbox, so at trust level 2 it asks',
};

/** The human form of a decision. */
export function formatDecision(d: Decision, agent: string, trust: number, sandbox?: string): string {
  const lines = [`${d.action.toUpperCase()}  (${d.source === 'managed' ? `managed: ${MANAGED_NAME}` : d.source})`, `  reason: ${d.reason}`];
  if (d.failed) lines.push(`  failed: ${FAILED[d.failed]}`);
  if (d.rule) lines.push(`  rule:   ${describe(d.rule)}`);
  lines.push(`  agent:  ${agent} at trust level ${trust} (${TRUST_NAMES[trust as 0 | 1 | 2 | 3]})`);
  if (d.limit) lines.push(`  limit:  ${d.limit.name} ${d.limit.value}/${d.limit.limit}`);
  if (sandbox) lines.push(`  runs:   ${sandbox}`);
  if (d.parts && d.parts.length > 0) {
    lines.push('  parts:');
    for (const p of d.parts) lines.push(`    ${p.action.padEnd(5)}  ${p.kind.padEnd(7)}  ${p.text}${p.via !== 'command' ? `  [${p.via}]` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
