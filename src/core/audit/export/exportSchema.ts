/**
 * The exported form of an audit record, schema version 1 (docs/audit-export.md): the same attributes in
 * OpenTelemetry logs, in syslog structured data and in `airlock audit --export --format otlp-json`.
 * Names follow Claude Code's `claude_code.tool_decision` event where they mean the same (`tool_name`,
 * `tool_use_id`, `session.id`, `decision`, `source`); everything else is Airlock's, under `airlock.`.
 */
import type { AuditRecord } from '../auditLog';

/** The version of this mapping; bumped on any change a consumer could notice. */
export const EXPORT_SCHEMA_VERSION = 1;

/** An attribute value as OpenTelemetry and syslog both carry it. */
export type ExportValue = string | number | boolean;

/** Fields with a name of their own (the rest become `airlock.<snake_case>`). */
const NAMED: Readonly<Record<string, string>> = {
  tool: 'tool_name',
  toolUseId: 'tool_use_id',
  agentSessionId: 'session.id',
  action: 'decision',
  source: 'source',
  seq: 'airlock.record.seq',
  hash: 'airlock.record.hash',
  prev: 'airlock.record.prev',
  type: 'airlock.record.type',
  time: 'airlock.record.time',
  decidedBy: 'airlock.decided_by',
};

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/[^a-z0-9_.]/gi, '_');
}

/**
 * The attributes of one record, in a stable order: the schema version and the chain first, then the
 * Claude Code names, then Airlock's own. Objects (a rule) are carried as JSON text.
 */
export function exportAttributes(r: AuditRecord, workspace?: string): Record<string, ExportValue> {
  const out: Record<string, ExportValue> = {
    'airlock.schema.version': EXPORT_SCHEMA_VERSION,
    'event.name': `airlock.${r.type}`,
  };
  const keys = Object.keys(r).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const k of keys) {
    const v = (r as Record<string, unknown>)[k];
    if (v === undefined || v === null) continue;
    const name = NAMED[k] ?? `airlock.${snake(k)}`;
    out[name] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  if (workspace) out['airlock.workspace'] = workspace;
  return out;
}

const FIRST = ['seq', 'hash', 'prev', 'type', 'time', 'tool', 'toolUseId', 'agentSessionId', 'action', 'source'];
function rank(k: string): number {
  const i = FIRST.indexOf(k);
  return i === -1 ? FIRST.length : i;
}

/** How serious a record is, for log levels: a deny or an error is a warning, the rest information. */
export function exportSeverity(r: AuditRecord): 'info' | 'notice' | 'warning' | 'error' {
  if (r.decidedBy === 'error') return 'error';
  if (r.action === 'deny' || r.type === 'recovered') return 'warning';
  if (r.action === 'ask' || r.type === 'rollback' || r.type === 'trust') return 'notice';
  return 'info';
}

/** One line a person reads in a log viewer: what, by whom, why. */
export function exportSummary(r: AuditRecord): string {
  const who = r.agent ? ` by ${r.agent}` : '';
  const what =
    r.type === 'decision'
      ? `${String(r.action ?? '').toUpperCase()} ${r.kind ?? ''} ${r.target ?? ''}${who} (decided by ${r.decidedBy ?? 'policy'}${r.source ? `, ${r.source}` : ''})`
      : r.type === 'trust'
        ? `trust of ${r.agent ?? '?'} ${String(r.from)} -> ${String(r.to)} (by ${r.decidedBy ?? ''})`
        : `${r.type}${who}`;
  return `${what.replace(/\s+/g, ' ').trim()}${r.reason ? `: ${r.reason}` : ''}`;
}
