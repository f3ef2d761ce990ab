import * as vscode from 'vscode';
import { TRUST_NAMES } from '../../core/policy/types';
import { sandboxAvailability } from '../../core/sandbox/backends';
import { describeContainment } from '../../core/sandbox/containment';
import { Disposable } from '../../shared/lifecycle';
import type { GateHost } from '../folders/gateHost';
import { agentName, label, said } from '../labels';
import type { RecentAgent } from './activity';

/** What the status bar shows: the waiting requests, the folders' gates and the agents active lately. */
export interface StatusBarSource {
  /** How many requests wait for a person. */
  readonly waiting: number;
  readonly hosts: readonly GateHost[];
  readonly recentAgents: readonly RecentAgent[];
}

/** Short agent names for the status bar. */
const SHORT: Readonly<Record<string, string>> = { claude: 'Claude', copilot: 'Copilot', 'copilot-cli': 'Copilot CLI', cursor: 'Cursor', gemini: 'Gemini', codex: 'Codex' };

/** The command the status bar item runs. */
export const QUICK_MENU = 'airlock.quickMenu';

/**
 * The status bar item: requests waiting for approval (highlighted), the agents active in the last half
 * hour with their trust levels, and whether the gates are serving. Clicking it opens the quick menu.
 */
export class StatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('airlock.status', vscode.StatusBarAlignment.Left, 100));

  constructor(private readonly source: StatusBarSource) {
    super();
    this.item.name = 'Airlock';
    this.item.command = QUICK_MENU;
    this.item.show();
  }

  update(): void {
    const s = this.source;
    const waiting = s.waiting;
    void vscode.commands.executeCommand('setContext', 'airlock.pending', waiting > 0);
    const hosts = s.hosts;
    const recent = s.recentAgents;
    const levels = new Map<string, number>();
    for (const r of recent) {
      const host = hosts.find((h) => h.folder.uri.toString() === r.folderKey);
      if (host) levels.set(r.agent, host.runtime.trust.level(r.agent));
    }
    const failed = hosts.filter((h) => h.state.kind === 'failed');
    const busy = hosts.filter((h) => h.state.kind === 'busy');
    const agents = [...levels].map(([agent, level]) => `${SHORT[agent] ?? label(agent, 40)} L${level}`).join(' ');
    if (waiting > 0) {
      this.item.text = `$(bell-dot) Airlock: ${waiting} waiting`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (failed.length > 0) {
      this.item.text = '$(error) Airlock: gate failed';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (busy.length > 0 && busy.length === hosts.length) {
      // Approvals for this folder appear where the other gate runs (another window, or a terminal).
      this.item.text = `$(shield) Airlock: approvals elsewhere${agents ? ` · ${agents}` : ''}`;
      this.item.backgroundColor = undefined;
    } else {
      this.item.text = `$(shield) Airlock${agents ? `: ${agents}` : ''}`;
      this.item.backgroundColor = undefined;
    }
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Airlock**\n\n`);
    md.appendText(waiting > 0 ? `${waiting} request${waiting === 1 ? '' : 's'} waiting for your approval: click here or press ${process.platform === 'darwin' ? 'Cmd+Alt+A' : 'Ctrl+Alt+A'} to answer.\n` : 'Nothing is waiting for your approval.\n');
    for (const h of hosts) {
      const st = h.state;
      md.appendText(`${label(h.folder.name)}: ${st.kind === 'serving' ? 'gate serving' : st.kind === 'busy' ? 'another gate serves this folder (airlock serve or another window)' : st.kind === 'failed' ? `gate failed: ${said(st.message)}` : 'gate starting'}${h.policy.policy.compiled.restricted ? ', restricted mode' : ''}\n`);
    }
    for (const [agent, level] of levels) md.appendText(`${agentName(agent)}: active, trust level ${level} (${TRUST_NAMES[level as 0]})\n`);
    const first = hosts[0];
    if (first) {
      // Whether commands run contained here (the probe is cached for a minute).
      const c = describeContainment(first.policy.policy.compiled.sandbox, sandboxAvailability());
      md.appendText(`Commands: ${c.summary}${c.contained ? '' : `, ${c.trust}`}. Details: airlock doctor.\n`);
    }
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: `Airlock: ${waiting} waiting${agents ? `; ${agents}` : ''}` };
  }

  /** The quick menu: the common commands, with what needs attention first. */
  static async quickMenu(waiting: number): Promise<void> {
    const items: (vscode.QuickPickItem & { command?: string })[] = [
      ...(waiting > 0 ? [{ label: `$(bell-dot) Show ${waiting} Waiting Approval${waiting === 1 ? '' : 's'}`, command: 'airlock.showApprovals' }] : []),
      { label: '$(discard) Roll Back Agent Session…', command: 'airlock.rollbackSession' },
      { label: '$(redo) Undo Last Rollback', command: 'airlock.undoRollback' },
      { label: '$(history) Show Agent Sessions', command: 'airlock.sessions.focus' },
      { label: '$(output) Show Audit Log', command: 'airlock.showAuditLog' },
      { label: '$(shield) Set Agent Trust…', command: 'airlock.setAgentTrust' },
      { label: '$(plug) Connect Agent…', command: 'airlock.connectAgent' },
      { label: '$(law) Open Policy', command: 'airlock.openPolicy' },
      { label: '$(list-unordered) Show Log', command: 'airlock.showLog' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Airlock' });
    if (picked?.command) await vscode.commands.executeCommand(picked.command);
  }
}
