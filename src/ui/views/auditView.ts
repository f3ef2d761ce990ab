import * as vscode from 'vscode';
import type { AuditRecord } from '../../core/audit/auditLog';
import { AuditReader } from '../../core/audit/auditReader';
import { Disposable } from '../../shared/lifecycle';
import type { GateHost } from '../folders/gateHost';
import { agentName, label, said, shortTime } from '../labels';

/** What the audit view shows; empty fields match everything. */
export interface AuditFilter {
  readonly agent?: string;
  readonly session?: string;
  /** `allow`, `deny`, `ask`, or a record type such as `rollback` or `trust`. */
  readonly decision?: string;
}

/** A node of the audit tree. */
export type AuditNode = { readonly type: 'record'; readonly host: GateHost; readonly record: AuditRecord } | { readonly type: 'message'; readonly text: string };

const SHOWN = 500;

/** True when a record passes the filter. */
export function matchesFilter(r: AuditRecord, f: AuditFilter): boolean {
  if (f.agent && r.agent !== f.agent) return false;
  if (f.session && r.session !== f.session && r.agentSessionId !== f.session) return false;
  if (f.decision) {
    if (r.type === 'decision') return r.action === f.decision;
    return r.type === f.decision;
  }
  return true;
}

/** One line for a record: what happened. */
export function describeRecord(r: AuditRecord): string {
  switch (r.type) {
    case 'decision':
      return `${String(r.action ?? '').toUpperCase()} ${r.kind ?? ''} ${label(String(r.target ?? ''))}`.replace(/\s+/g, ' ').trim();
    case 'trust':
      return `trust ${String(r.from)} → ${String(r.to)}`;
    case 'rollback':
      return `rolled back session ${r.session ?? ''}`;
    case 'undo-rollback':
      return `undid a rollback of session ${r.session ?? ''}`;
    case 'rule-added':
      return `added a rule to ${String(r.file ?? 'the policy')}`;
    case 'promotion-offer':
      return `offered promotion to level ${String(r.to)}`;
    default:
      return r.type;
  }
}

/** The Airlock view's "Audit Log": newest first, filtered by agent, session and decision. */
export class AuditView extends Disposable implements vscode.TreeDataProvider<AuditNode> {
  private readonly changed = this._register(new vscode.EventEmitter<AuditNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private filterValue: AuditFilter = {};
  private treeView: vscode.TreeView<AuditNode> | undefined;
  private readonly readers = new WeakMap<GateHost, AuditReader>();
  private stale = false;

  constructor(private readonly hosts: () => readonly GateHost[]) {
    super();
  }

  /** The tree view showing this provider (its description shows the filter). */
  attach(view: vscode.TreeView<AuditNode>): void {
    this.treeView = view;
    this.describe();
    // A hidden view is not refreshed after every decision; it catches up when it is shown.
    this._register(
      view.onDidChangeVisibility((e) => {
        if (e.visible && this.stale) this.refresh();
      }),
    );
  }

  get filter(): AuditFilter {
    return this.filterValue;
  }

  setFilter(filter: AuditFilter): void {
    this.filterValue = filter;
    void vscode.commands.executeCommand('setContext', 'airlock.auditFiltered', Object.values(filter).some(Boolean));
    this.describe();
    this.refresh();
  }

  private describe(): void {
    if (!this.treeView) return;
    const f = this.filterValue;
    const parts = [f.agent ? agentName(f.agent) : '', f.session ? `session ${label(f.session)}` : '', f.decision ?? ''].filter(Boolean);
    this.treeView.description = parts.length ? `filtered: ${parts.join(', ')}` : undefined;
  }

  refresh(): void {
    if (this.treeView && !this.treeView.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    this.changed.fire(undefined);
  }

  /**
   * The records that pass the filter, newest first: the newest 20,000 of each folder (read as the log
   * grows), or with `all`, every record in the files (for export).
   */
  records(all = false): { host: GateHost; record: AuditRecord }[] {
    const out: { host: GateHost; record: AuditRecord }[] = [];
    for (const host of this.hosts()) {
      let reader = this.readers.get(host);
      if (!reader) this.readers.set(host, (reader = new AuditReader(host.runtime.audit.file)));
      const source = all ? host.runtime.audit.read() : reader.records();
      for (const record of source) if (matchesFilter(record, this.filterValue)) out.push({ host, record });
    }
    return out.sort((a, b) => (a.record.time < b.record.time ? 1 : a.record.time > b.record.time ? -1 : b.record.seq - a.record.seq));
  }

  getChildren(node?: AuditNode): AuditNode[] {
    if (node) return [];
    let all: { host: GateHost; record: AuditRecord }[];
    try {
      all = this.records();
    } catch (e) {
      return [{ type: 'message', text: `Cannot read the audit log: ${said((e as Error).message)}` }];
    }
    const shown: AuditNode[] = all.slice(0, SHOWN).map(({ host, record }) => ({ type: 'record', host, record }));
    if (all.length > SHOWN) shown.push({ type: 'message', text: `${all.length - SHOWN} older record(s): filter, or export to see them all` });
    return shown;
  }

  getTreeItem(node: AuditNode): vscode.TreeItem {
    if (node.type === 'message') {
      const item = new vscode.TreeItem(node.text);
      item.iconPath = new vscode.ThemeIcon('info');
      return item;
    }
    const r = node.record;
    const item = new vscode.TreeItem(describeRecord(r));
    const who = r.agent ? agentName(r.agent) : 'person';
    item.description = `${who} · ${r.decidedBy ?? (r.type === 'decision' ? 'policy' : 'person')} · ${shortTime(r.time)}`;
    const md = new vscode.MarkdownString(undefined, false);
    md.appendMarkdown(`**#${r.seq}** ${r.type} at ${new Date(r.time).toLocaleString()}\n\n`);
    const rows: [string, unknown][] = [
      ['Agent', r.agent],
      ['Session', r.session],
      ['Tool', r.tool],
      ['Target', r.target],
      ['Decided by', r.decidedBy],
      ['Source', r.source],
      ['Reason', r.reason],
      ['Rule', r.rule ? JSON.stringify(r.rule) : undefined],
      ['Hash', r.hash.slice(0, 16)],
    ];
    for (const [k, v] of rows) if (v !== undefined && v !== null && v !== '') md.appendText(`${k}: ${said(String(v))}\n`);
    item.tooltip = md;
    const action = r.type === 'decision' ? r.action : r.type;
    item.iconPath = new vscode.ThemeIcon(
      action === 'allow' ? 'pass' : action === 'deny' ? 'circle-slash' : action === 'ask' ? 'question' : action === 'rollback' ? 'discard' : action === 'trust' ? 'shield' : action === 'rule-added' ? 'law' : 'note',
      new vscode.ThemeColor(action === 'deny' ? 'errorForeground' : action === 'allow' ? 'testing.iconPassed' : 'foreground'),
    );
    item.contextValue = 'airlockAuditRecord';
    return item;
  }
}
