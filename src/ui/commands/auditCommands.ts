import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { AGENT_IDS } from '../../shared/ids';
import type { Logger } from '../../core/logger';
import type { FolderList } from '../folders/workspaceFolders';
import { agentName, label, said, shortTime } from '../labels';
import type { AuditView } from '../views/auditView';

/** What the audit commands need: the audit view (its filter and records) and the folders. */
export interface AuditCommandDeps {
  readonly audit: AuditView;
  readonly folders: FolderList;
}

/** "Airlock: Filter Audit Log…": by agent, session or decision, or clear. */
export async function filterAuditCommand(deps: AuditCommandDeps): Promise<void> {
  const view = deps.audit;
  const by = await vscode.window.showQuickPick(
    [
      { label: 'Agent', description: view.filter.agent ? agentName(view.filter.agent) : 'any', key: 'agent' as const },
      { label: 'Session', description: view.filter.session ? label(view.filter.session) : 'any', key: 'session' as const },
      { label: 'Decision', description: view.filter.decision ?? 'any', key: 'decision' as const },
      { label: 'Clear the filter', key: 'clear' as const },
    ],
    { title: 'Filter the Audit Log by…' },
  );
  if (!by) return;
  if (by.key === 'clear') return view.setFilter({});
  if (by.key === 'agent') {
    const seen = new Set(deps.folders.hosts.flatMap((h) => h.runtime.audit.read().map((r) => r.agent).filter((a): a is string => typeof a === 'string')));
    const pick = await vscode.window.showQuickPick([{ label: 'Any agent', id: '' }, ...[...new Set([...seen, ...AGENT_IDS])].map((a) => ({ label: agentName(a), description: seen.has(a) ? '' : 'no records', id: a }))], { title: 'Show records of which agent?' });
    if (pick) view.setFilter({ ...view.filter, ...(pick.id ? { agent: pick.id } : { agent: undefined }) });
    return;
  }
  if (by.key === 'session') {
    const sessions = deps.folders.hosts.flatMap((h) => h.runtime.history.sessions().map((s) => ({ label: `${agentName(s.agent)} · ${shortTime(s.started)}`, description: s.id, id: s.id })));
    const pick = await vscode.window.showQuickPick([{ label: 'Any session', description: '', id: '' }, ...sessions], { title: 'Show records of which session?', matchOnDescription: true });
    if (pick) view.setFilter({ ...view.filter, ...(pick.id ? { session: pick.id } : { session: undefined }) });
    return;
  }
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'Any decision', id: '' },
      { label: 'Allowed', id: 'allow' },
      { label: 'Denied', id: 'deny' },
      { label: 'Asked (left to the agent)', id: 'ask' },
      { label: 'Rollbacks', id: 'rollback' },
      { label: 'Undone rollbacks', id: 'undo-rollback' },
      { label: 'Trust changes', id: 'trust' },
      { label: 'Rules added', id: 'rule-added' },
    ],
    { title: 'Show which decisions?' },
  );
  if (pick) view.setFilter({ ...view.filter, ...(pick.id ? { decision: pick.id } : { decision: undefined }) });
}

/** "Airlock: Export Audit Log…": the records the view shows (all of them, not only the newest 500), as JSON Lines. */
export async function exportAuditCommand(deps: AuditCommandDeps): Promise<void> {
  const records = deps.audit.records(true);
  const filtered = Object.values(deps.audit.filter).some(Boolean);
  if (records.length === 0) {
    void vscode.window.showInformationMessage(`Airlock: there are no audit records to export${filtered ? ' with this filter' : ''}.`);
    return;
  }
  // Not in the workspace by default: agents can read and change files there.
  const uri = await vscode.window.showSaveDialog({ title: `Export the Airlock Audit Log${filtered ? ' (filtered)' : ''}`, defaultUri: vscode.Uri.file(join(homedir(), `airlock-audit-${new Date().toISOString().slice(0, 10)}.jsonl`)), filters: { 'JSON Lines': ['jsonl'], JSON: ['json'] } });
  if (!uri) return;
  const ordered = [...records].reverse();
  const multi = deps.folders.hosts.length > 1;
  const rows = ordered.map(({ host, record }) => (multi ? { folder: host.folder.name, ...record } : record));
  const text = uri.path.endsWith('.json') ? `${JSON.stringify(rows, null, 2)}\n` : rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  void vscode.window.showInformationMessage(`Exported ${records.length} audit record(s)${filtered ? ' that match the filter' : ''} to ${uri.fsPath}. "Airlock: Verify Audit Log" checks the log itself; an export is a copy.`);
}

/** "Airlock: Verify Audit Log": checks every record's hash chain and says which record is the first bad one. */
export async function verifyAuditCommand(deps: { readonly folders: FolderList; readonly log: Logger }): Promise<void> {
  const results = deps.folders.hosts.map((h) => ({ host: h, result: h.runtime.audit.verify() }));
  if (results.length === 0) return;
  const bad = results.filter((r) => !r.result.ok);
  if (bad.length === 0) {
    const total = results.reduce((n, r) => n + r.result.records, 0);
    const incomplete = results.reduce((n, r) => n + r.result.incomplete.length, 0);
    void vscode.window.showInformationMessage(`The audit log is intact: ${total} record(s) verified${incomplete ? `; ${incomplete} incomplete line(s) left by a writer that stopped mid-write were skipped` : ''}.`);
    return;
  }
  const lines = bad.map(({ host, result }) => {
    deps.log.error(`[audit] ${label(host.folder.name)}: the audit log does not verify: line ${result.problem!.line}: ${said(result.problem!.message)}`);
    return `${label(host.folder.name)}: line ${result.problem!.line}${result.problem!.seq !== undefined ? ` (record #${result.problem!.seq})` : ''}: ${said(result.problem!.message)}`;
  });
  await vscode.window.showErrorMessage('The audit log does not verify: it was changed after it was written (edited, cut or reordered), or the disk damaged it.', { modal: true, detail: lines.join('\n') });
}
