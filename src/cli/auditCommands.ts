/** `airlock audit [--verify] [--since ISO]` and `airlock trust [AGENT] [--set LEVEL]` (docs/cli.md). */
import type { AuditRecord } from '../core/audit/auditLog';
import { isTrustLevel, TRUST_NAMES } from '../core/policy/types';
import { describeTrust, TrustCapError } from '../core/trust/trustStore';
import { AGENT_IDS, isAgentId } from '../shared/ids';
import { CliError, printJson, UsageError, type CliContext } from './cliSupport';
import { agentAbove } from './personOnly';

/** One line for a record. */
export function formatAuditRecord(r: AuditRecord): string {
  const who = r.agent ? `${r.agent}${r.session ? `/${r.session}` : ''}` : '-';
  const what = r.type === 'decision' ? `${String(r.action).toUpperCase()} ${r.kind ?? ''} ${r.target ?? ''} (by ${r.decidedBy ?? 'policy'})` : r.type === 'trust' ? `trust ${String(r.from)} -> ${String(r.to)} (by ${r.decidedBy ?? ''})` : r.type;
  return `${String(r.seq).padStart(5)}  ${r.time.replace('T', ' ').slice(0, 19)}  ${who.padEnd(24)}  ${what}${r.reason ? `: ${r.reason}` : ''}`;
}

/** `airlock audit` */
export function auditCommand(ctx: CliContext, options: { verify?: boolean; since?: string; agent?: string; session?: string }): number {
  const log = ctx.open.audit;
  if (options.verify) {
    const result = log.verify();
    if (ctx.json) printJson(ctx, result);
    else if (result.ok) ctx.out(`The audit log is intact: ${result.records} record(s)${result.incomplete.length ? `; ${result.incomplete.length} incomplete line(s) from a writer that stopped mid-write were skipped` : ''}.\n`);
    if (!result.ok) throw new CliError(`the audit log was tampered with: line ${result.problem!.line}: ${result.problem!.message}`);
    return 0;
  }
  let since: number | undefined;
  if (options.since !== undefined) {
    since = Date.parse(options.since);
    if (Number.isNaN(since)) throw new UsageError(`--since ${options.since}: not a date; use ISO 8601 such as 2026-11-26 or 2026-11-26T10:00:00Z`);
  }
  const records = log.read().filter((r) => (since === undefined || Date.parse(r.time) >= since) && (!options.agent || r.agent === options.agent) && (!options.session || r.session === options.session || r.agentSessionId === options.session));
  if (ctx.json) printJson(ctx, records);
  else if (records.length === 0) ctx.out('No audit records yet.\n');
  else for (const r of records) ctx.out(`${formatAuditRecord(r)}\n`);
  return 0;
}

/** `airlock trust [AGENT] [--set LEVEL]` */
export function trustCommand(ctx: CliContext, agent: string | undefined, set: string | undefined): number {
  if (agent !== undefined && !isAgentId(agent)) throw new UsageError(`unknown agent "${agent}"; known agents: ${AGENT_IDS.join(', ')}`);
  const store = ctx.open.trust;
  if (set !== undefined) {
    if (!agent) throw new UsageError('--set needs an AGENT');
    const level = Number(set);
    if (!isTrustLevel(level)) throw new UsageError(`--set ${set}: a trust level is 0, 1, 2 or 3`);
    // An agent running this through its shell is stopped by a built-in policy protection; this catches
    // the same call when the analysis misjudged it: an agent's environment or an agent among the ancestors.
    const inside = agentAbove();
    if (inside) throw new CliError(`refusing to change trust from inside an agent's session (this process runs under ${inside}): a person changes trust, in a terminal of their own or in the editor`);
    const before = store.get(agent).level;
    let after;
    try {
      after = store.set(agent, level, 'set with airlock trust --set');
    } catch (e) {
      if (e instanceof TrustCapError) throw new CliError(`refusing: ${e.message}`);
      throw e;
    }
    if (ctx.json) printJson(ctx, { agent, from: before, to: after.level });
    else ctx.out(`${agent}: trust level ${before} -> ${after.level} (${TRUST_NAMES[after.level]})\n`);
    return 0;
  }
  const all = store.all();
  const agents = agent ? [agent] : [...new Set([...Object.keys(all)])].sort();
  if (ctx.json) {
    printJson(ctx, Object.fromEntries(agents.map((a) => [a, store.get(a)])));
    return 0;
  }
  if (agents.length === 0) ctx.out('No agent has acted in this workspace yet; every agent starts at level 0 (Supervised).\n');
  for (const a of agents) {
    const t = store.get(a);
    ctx.out(`${describeTrust(a, t)}\n`);
    if (t.offer) ctx.out(`  accept with: airlock trust ${a} --set ${t.offer.to}\n`);
    for (const h of t.history.slice(-3)) ctx.out(`  ${h.time.slice(0, 19).replace('T', ' ')}  ${h.from} -> ${h.to} (${h.by}): ${h.reason}\n`);
  }
  return 0;
}
