/** `airlock audit [--verify] [--since ISO] [--export FILE]`, `airlock trust [AGENT] [--set LEVEL]` and the audit export's flusher (docs/cli.md). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditRecord } from '../core/audit/auditLog';
import { auditExportConfig, exportsOn } from '../core/audit/export/exportConfig';
import { flushAuditExport, loadOtlp } from '../core/audit/export/exportFlush';
import { BATCH_RECORDS } from '../core/audit/export/exportQueue';
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
export function auditCommand(ctx: CliContext, options: { verify?: boolean; since?: string; agent?: string; session?: string; export?: string; format?: string }): number {
  if (options.format !== undefined && options.export === undefined) throw new UsageError('--format goes with --export FILE');
  if (options.export !== undefined && options.verify) throw new UsageError('--export and --verify are separate runs');
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
  if (options.export !== undefined) return exportTo(ctx, records, options.export, options.format ?? 'jsonl');
  if (ctx.json) printJson(ctx, records);
  else if (records.length === 0) ctx.out('No audit records yet.\n');
  else for (const r of records) ctx.out(`${formatAuditRecord(r)}\n`);
  return 0;
}

/**
 * `airlock audit --export FILE [--format jsonl|otlp-json]`: the records as stored, one per line, or in the
 * OTLP JSON encoding (one ExportLogsServiceRequest per line of up to 512 records, as OpenTelemetry's file
 * exporter writes and the collector's otlpjsonfile receiver reads). FILE `-` is standard output.
 */
function exportTo(ctx: CliContext, records: readonly AuditRecord[], file: string, format: string): number {
  if (format !== 'jsonl' && format !== 'otlp-json') throw new UsageError(`--format ${format}: use jsonl or otlp-json`);
  let text = '';
  if (format === 'jsonl') text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
  else {
    const otlp = loadOtlp();
    for (let i = 0; i < records.length; i += BATCH_RECORDS) text += `${otlp.otlpJson(records.slice(i, i + BATCH_RECORDS), ctx.workspace, airlockVersion())}\n`;
  }
  if (file === '-') {
    ctx.out(text);
    return 0;
  }
  try {
    writeFileSync(file, text, { mode: 0o600 });
  } catch (e) {
    throw new CliError(`cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (ctx.json) printJson(ctx, { file, format, records: records.length });
  else ctx.out(`Exported ${records.length} audit record(s) to ${file} (${format}).\n`);
  return 0;
}

/** Airlock's version, for the exported resource (`service.version`). */
export function airlockVersion(): string {
  for (const p of [join(__dirname, '..', 'package.json'), join(__dirname, '..', '..', 'package.json')]) {
    try {
      const v = (JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string });
      if (v.name === 'airlock' && v.version) return v.version;
    } catch {
      // next
    }
  }
  return '0';
}

/** `airlock export-flush` (internal): sends the audit records that wait to the configured exports, then exits. */
export async function exportFlushCommand(ctx: CliContext): Promise<number> {
  const config = auditExportConfig(ctx.open.settings.audit);
  for (const p of config.problems) ctx.err(`airlock: audit export: ${p}\n`);
  if (!exportsOn(config)) return 0;
  await flushAuditExport(ctx.workspaceDir, config, { workspace: ctx.workspace, version: airlockVersion(), ...(process.env.AIRLOCK_DEBUG === '1' ? { log: (m: string) => ctx.err(`${m}\n`) } : {}) });
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
