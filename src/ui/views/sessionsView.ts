import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { FileState } from '../../core/history/fileState';
import type { SessionSummary } from '../../core/history/history';
import { sessionActions, type SessionAction } from '../../core/history/inspect';
import { Disposable } from '../../shared/lifecycle';
import { historyUri, journalFileUri } from './historyContentProvider';
import type { GateHost } from '../folders/gateHost';
import { visible } from '../../shared/shown';
import { agentName, label, said, shortTime } from '../labels';

/** A node of the sessions tree. */
export type SessionNode =
  | { readonly type: 'session'; readonly host: GateHost; readonly session: SessionSummary }
  | { readonly type: 'action'; readonly host: GateHost; readonly session: SessionSummary; readonly action: SessionAction }
  | { readonly type: 'file'; readonly host: GateHost; readonly session: SessionSummary; readonly action: SessionAction; readonly file: SessionAction['files'][number] }
  | { readonly type: 'message'; readonly text: string };

function stateWord(s: FileState | undefined): string {
  return !s ? 'unknown' : s.type === 'missing' ? 'absent' : s.type;
}

/** What happened to a file in one action, in a word. */
function change(before: FileState | undefined, after: FileState | undefined): string {
  if (!after) return 'not finished';
  if (!before || before.type === 'missing') return after.type === 'missing' ? 'unchanged' : 'created';
  if (after.type === 'missing') return 'deleted';
  return 'modified';
}

/** The command to open a file of a session in the diff editor (before the action → after it). */
export const OPEN_SESSION_FILE = 'airlock.openSessionFile';

/**
 * The Airlock view's "Agent Sessions": sessions newest first → their actions → the files each touched.
 * Opening a file shows its diff from the shadow history in VS Code's diff editor.
 */
export class SessionsView extends Disposable implements vscode.TreeDataProvider<SessionNode> {
  private readonly changed = this._register(new vscode.EventEmitter<SessionNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly hosts: () => readonly GateHost[]) {
    super();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: SessionNode): SessionNode[] {
    if (!node) {
      const hosts = this.hosts();
      const all = hosts.flatMap((host): SessionNode[] => {
        try {
          return host.runtime.history.sessions().map((session) => ({ type: 'session' as const, host, session }));
        } catch (e) {
          return [{ type: 'message' as const, text: `${label(host.folder.name)}: cannot read the history (${said((e as Error).message)})` }];
        }
      });
      const started = (n: SessionNode): string => (n.type === 'message' ? '\uffff' : n.session.started);
      return all.sort((a, b) => (started(a) < started(b) ? 1 : started(a) > started(b) ? -1 : 0));
    }
    if (node.type === 'session') {
      const { actions, damaged } = sessionActions(node.host.runtime.history, node.session.id);
      const items: SessionNode[] = actions.map((action) => ({ type: 'action', host: node.host, session: node.session, action }));
      if (damaged > 0) items.push({ type: 'message', text: `${damaged} damaged journal line(s) skipped` });
      return items.reverse();
    }
    if (node.type === 'action') return node.action.files.map((file) => ({ type: 'file', host: node.host, session: node.session, action: node.action, file }));
    return [];
  }

  getTreeItem(node: SessionNode): vscode.TreeItem {
    switch (node.type) {
      case 'message': {
        const item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon('warning');
        return item;
      }
      case 'session': {
        const s = node.session;
        const item = new vscode.TreeItem(`${agentName(s.agent)} · ${shortTime(s.started)}`, vscode.TreeItemCollapsibleState.Collapsed);
        const multi = this.hosts().length > 1;
        const lines = s.linesChanged ? `, ${s.linesChanged} line${s.linesChanged === 1 ? '' : 's'}` : '';
        item.description = `${s.files} file${s.files === 1 ? '' : 's'}${lines}, ${s.actions} action${s.actions === 1 ? '' : 's'}${s.rolledBack ? ' · rolled back' : s.ended ? '' : ' · active'}${multi ? ` · ${label(node.host.folder.name)}` : ''}`;
        item.tooltip = new vscode.MarkdownString(
          [`**${agentName(s.agent)}** session \`${s.id}\``, `Started ${new Date(s.started).toLocaleString()}${s.ended ? `, ended ${new Date(s.ended).toLocaleString()}` : ' (still active)'}`, `${s.files} files, ${s.linesChanged ?? 0} lines changed by edits, ${s.actions} actions`, s.rolledBack ? 'Rolled back.' : 'Not rolled back.'].join('\n\n'),
        );
        item.iconPath = new vscode.ThemeIcon(s.rolledBack ? 'discard' : s.ended ? 'history' : 'pulse');
        item.contextValue = s.rolledBack ? 'airlockSessionRolledBack' : 'airlockSession';
        item.id = `${node.host.folder.uri.toString()}#${s.id}`;
        return item;
      }
      case 'action': {
        const a = node.action;
        const target = a.command ? `$ ${visible(a.command, { kind: 'command', max: 200 })}` : a.files.map((f) => label(basename(f.path))).join(', ') || a.kind;
        const item = new vscode.TreeItem(target, a.files.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = `${a.tool ?? a.kind} · ${shortTime(a.time)}${!a.ended ? ' · did not finish' : !a.ok ? ' · failed' : ''}`;
        item.tooltip = `${a.tool ?? a.kind} at ${new Date(a.time).toLocaleString()}${a.decision ? `\n${a.decision.action} (${a.decision.source}): ${said(a.decision.reason)}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(a.kind === 'command' ? 'terminal' : a.kind === 'delete' ? 'trash' : a.kind === 'create' ? 'new-file' : 'edit');
        item.id = `${node.host.folder.uri.toString()}#${node.session.id}#${a.id}`;
        return item;
      }
      case 'file': {
        const f = node.file;
        const item = new vscode.TreeItem(label(basename(f.path)));
        const dir = dirname(f.path);
        item.description = `${change(f.before, f.after)}${dir === '.' ? '' : ` · ${label(dir)}`}`;
        item.resourceUri = journalFileUri(node.host.folder.uri, f.path);
        item.tooltip = `${label(f.path)}: ${stateWord(f.before)} before, ${stateWord(f.after)} after`;
        item.command = { command: OPEN_SESSION_FILE, title: 'Open Diff', arguments: [node] };
        item.contextValue = 'airlockSessionFile';
        return item;
      }
    }
  }

  /** Opens a file of a session in the diff editor: its content before the action, and after it. */
  static async openFile(node: SessionNode): Promise<void> {
    if (node?.type !== 'file') return;
    const key = node.host.folder.uri.toString();
    const f = node.file;
    const left = historyUri(key, f.path, f.before, 'before');
    const right = f.after ? historyUri(key, f.path, f.after, 'after') : historyUri(key, f.path, { type: 'missing' }, 'unknown');
    await vscode.commands.executeCommand('vscode.diff', left, right, `${label(basename(f.path))} (${agentName(node.session.agent)}, ${shortTime(node.action.time)})`, { preview: true });
  }
}
