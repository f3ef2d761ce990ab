import { mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { airlockHome } from '../core/dataDir';
import { writeFileAtomic } from '../core/storage/atomicFile';
import { addRuleToPolicy } from '../core/policy/editPolicy';
import { TRUST_NAMES, type TrustLevel } from '../core/policy/types';
import type { AuditEvent } from '../engine/record';
import { Disposable } from '../shared/lifecycle';
import { parseSettings, type Settings } from '../core/settings';
import { hookRunner, repairHooks } from './commands/agentCommands';
import type { SandboxRunner } from '../core/sandbox/rewrite';
import { ApprovalPanel } from './approval/approvalPanel';
import { ApprovalQueue, type PendingApproval } from './approval/approvalQueue';
import { alwaysAllowRule, ruleWouldNotAllow } from './approval/approvalView';
import { AuditView } from './views/auditView';
import { HISTORY_SCHEME, HistoryContentProvider, PROPOSED_SCHEME, ProposedContentProvider } from './views/contentProviders';
import { GateHost } from './folders/gateHost';
import { PolicyService } from './folders/policyService';
import { agentName, SessionsView } from './views/sessionsView';
import { StatusBar } from './views/statusBar';

/** An agent seen deciding recently, for the status bar. */
export interface RecentAgent {
  readonly agent: string;
  readonly folderKey: string;
  readonly last: number;
}

const ACTIVE_MS = 30 * 60_000;
const FIRST_CHECKPOINT_DELAY_MS = 3000;

/** Everything the commands and views share; built once at activation. */
export class Services extends Disposable {
  readonly dataRoot = airlockHome();
  private settingsValue: Settings = parseSettings(vscode.workspace.getConfiguration('airlock'));
  private readonly policies = new Map<string, PolicyService>();
  private readonly gates = new Map<string, GateHost>();
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('airlock'));
  readonly queue = new ApprovalQueue();
  readonly panel: ApprovalPanel;
  readonly sessions: SessionsView;
  readonly audit: AuditView;
  readonly statusBar: StatusBar;
  private readonly recent = new Map<string, RecentAgent>();
  private runnerValue: SandboxRunner | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires (debounced) after decisions, rollbacks and trust changes: views and the status bar refresh. */
  readonly onDidChange = this.changed.event;

  constructor(
    readonly log: vscode.LogOutputChannel,
    readonly extensionUri: vscode.Uri,
  ) {
    super();
    this.panel = this._register(new ApprovalPanel(this.queue, { log, extensionUri, addAlwaysRule: (p) => this.addAlwaysRule(p) }));
    this.sessions = this._register(new SessionsView(() => this.hosts));
    this.audit = this._register(new AuditView(() => this.hosts));
    this.statusBar = this._register(new StatusBar(this));
    this._register(vscode.window.createTreeView('airlock.sessions', { treeDataProvider: this.sessions, showCollapseAll: true }));
    this.audit.attach(this._register(vscode.window.createTreeView('airlock.audit', { treeDataProvider: this.audit })));
    this._register(vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, new ProposedContentProvider(this.queue)));
    this._register(vscode.workspace.registerTextDocumentContentProvider(HISTORY_SCHEME, new HistoryContentProvider((key) => this.gates.get(key)?.runtime.history)));
    this._register(this.queue.onDidChange(() => this.statusBar.update()));
    this.queue.onListenerError = (e) => log.error(`[approval] showing the queue failed: ${(e as Error).stack ?? String(e)}`);
    this._register(this.onDidChange(() => {
      this.sessions.refresh();
      this.audit.refresh();
      this.statusBar.update();
    }));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('airlock')) return;
        this.settingsValue = parseSettings(vscode.workspace.getConfiguration('airlock'));
        for (const p of this.policies.values()) p.reload('settings changed');
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.syncFolders()));
    this.syncFolders();
  }

  /** How hooks and sandboxed commands start Airlock's CLI (found once: it may probe PATH). */
  get runner(): SandboxRunner {
    return (this.runnerValue ??= hookRunner(this.extensionUri.fsPath));
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  /** The policy services, one per workspace folder. */
  get folders(): readonly PolicyService[] {
    return [...this.policies.values()];
  }

  /** The gates, one per workspace folder. */
  get hosts(): readonly GateHost[] {
    return [...this.gates.values()];
  }

  /** Agents that decided something in the last 30 minutes. */
  get recentAgents(): readonly RecentAgent[] {
    const now = Date.now();
    return [...this.recent.values()].filter((r) => now - r.last < ACTIVE_MS);
  }

  /** Asks which folder when there are several; undefined when there is none or the person cancels. */
  async pickFolder(title: string): Promise<PolicyService | undefined> {
    const host = await this.pickHost(title);
    return host?.policy;
  }

  /** Like {@link pickFolder}, for the folder's gate, history, audit log and trust. */
  async pickHost(title: string): Promise<GateHost | undefined> {
    const all = this.hosts;
    if (all.length === 0) {
      void vscode.window.showWarningMessage('Airlock works on a folder: open a folder or workspace first.');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((h) => ({ label: h.folder.name, description: h.folder.uri.fsPath, host: h })),
      { title },
    );
    return picked?.host;
  }

  /** Refreshes the views and the status bar soon (many decisions in a burst cause one refresh). */
  refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire();
    }, 250);
  }

  private onDecision(host: GateHost, event: AuditEvent): void {
    if (event.session) this.recent.set(event.session, { agent: event.agent, folderKey: host.folder.uri.toString(), last: Date.now() });
    this.refreshSoon();
  }

  /**
   * Writes the rule "Always allow" shows into the folder's policy file, and audits it. The rule is
   * written only when the policy with it really allows the request (a rule that does nothing is worse
   * than none); the file's comments, mode and symlink stay as they were.
   */
  private async addAlwaysRule(pending: PendingApproval): Promise<void> {
    const host = this.gates.get(pending.folderKey);
    if (!host) throw new Error('the workspace folder is no longer open');
    const always = alwaysAllowRule(pending.request);
    if ('unavailable' in always) throw new Error(always.unavailable);
    const uri = host.policy.file;
    // An open, unsaved editor on the policy file would be overwritten by a write behind its back.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open?.isDirty) throw new Error(`${uri.fsPath} has unsaved changes in an editor; save or revert them first`);
    let target = uri.fsPath;
    let text: string | undefined;
    let mode = 0o644;
    try {
      target = realpathSync(uri.fsPath);
      mode = statSync(target).mode & 0o777;
      text = readFileSync(target, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${uri.fsPath}: ${(e as Error).message}`);
      target = uri.fsPath;
    }
    const next = addRuleToPolicy(text, always.rule);
    const why = ruleWouldNotAllow(pending.request, next, { workspace: host.folder.uri.fsPath, home: homedir(), dataRoot: this.dataRoot, installDir: this.extensionUri.fsPath, userRules: this.settingsValue.rules, restricted: !vscode.workspace.isTrusted, sandbox: { runner: this.runner, home: homedir(), dataRoot: this.dataRoot } });
    if (why) throw new Error(`the rule would not allow this request (${why}), so Airlock did not add it`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomic(target, next, { mode });
    host.runtime.audit.append({ type: 'rule-added', agent: pending.request.agent, session: pending.request.sessionId, agentSessionId: pending.request.agentSessionId, action: 'always-allow', decidedBy: 'person', via: 'editor', file: always.file, rule: always.rule, ...(text === undefined ? { created: true } : {}), reason: 'a person chose "Always allow" in the approval popup' });
    host.policy.reload('a rule was added by "Always allow"');
    this.log.info(`[approval] added to ${always.file}${text === undefined ? ' (created from the recommended policy)' : ''}: ${JSON.stringify(always.rule)}`);
  }

  private async offerPromotion(host: GateHost, agent: string, to: TrustLevel): Promise<void> {
    const t = host.runtime.trust.get(agent);
    const promote = `Promote to Level ${to}`;
    const answer = await vscode.window.showInformationMessage(
      `${agentName(agent)} has earned more trust in ${host.folder.name}: ${t.record.actions} actions over ${t.record.sessions.length} sessions with no rollback, denied attempt or breached limit. Promote it to level ${to} (${TRUST_NAMES[to]})?`,
      promote,
      'Not Now',
    );
    try {
      if (answer === promote) host.runtime.trust.set(agent, to, 'accepted a promotion offer in the editor');
      else if (answer === 'Not Now') host.runtime.trust.decline(agent);
    } catch (e) {
      void vscode.window.showErrorMessage(`Airlock could not change ${agentName(agent)}'s trust: ${(e as Error).message}`);
    }
    this.refreshSoon();
  }

  private syncFolders(): void {
    const wanted = new Map((vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => [f.uri.toString(), f]));
    for (const [key, service] of this.policies) {
      if (wanted.has(key)) continue;
      this.gates.get(key)?.dispose();
      this.gates.delete(key);
      service.dispose();
      this.policies.delete(key);
    }
    for (const [key, folder] of wanted) {
      if (this.policies.has(key)) continue;
      const service = new PolicyService(folder, this.diagnostics, this.log, () => this.settingsValue, this.dataRoot, this.extensionUri.fsPath);
      this.policies.set(key, service);
      service.reload('folder opened');
      let host: GateHost;
      try {
        host = new GateHost(service, this.queue, this.dataRoot, () => this.settingsValue, this.log, {
          onDecision: (event) => this.onDecision(host, event),
          onPromotionOffer: (h, agent, to) => void this.offerPromotion(h, agent, to),
          runner: () => this.runner,
        });
      } catch (e) {
        this.log.error(`[gate] ${folder.name}: cannot open Airlock's data: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`Airlock cannot open its data for ${folder.name}: ${(e as Error).message}. Agents in this folder are checked by their hooks alone; see "Airlock: Show Log".`);
        continue;
      }
      this.gates.set(key, host);
      let reported = false;
      host.onDidChange(() => {
        this.statusBar.update();
        if (host.state.kind === 'failed' && !reported) {
          reported = true;
          void vscode.window.showErrorMessage(`Airlock could not start its gate for ${folder.name}: ${host.state.message}. Hooks decide without it, and what needs you is denied.`, 'Show Log').then((a) => a && this.log.show(true));
        }
      });
      void host.start();
      // Hooks left by an older version of this extension point at a folder that is gone after an update.
      if (vscode.workspace.isTrusted) repairHooks(host, this.extensionUri.fsPath, () => this.runner, this.log);
      this.scheduleFirstCheckpoint(host);
    }
    this.refreshSoon();
  }

  /**
   * The first checkpoint of a folder reads every file once; done soon after start-up with progress, so
   * the first agent command does not pay for it. Later checkpoints only look at what changed.
   */
  private scheduleFirstCheckpoint(host: GateHost): void {
    const timer = setTimeout(() => {
      if (this.isDisposed || !this.gates.has(host.folder.uri.toString())) return;
      const history = host.runtime.history;
      if (history.readIndex()) return;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Airlock: recording ${host.folder.name} so agent changes can be rolled back…` }, async () => {
        try {
          const info = await history.checkpoint();
          this.log.info(`[history] ${host.folder.name}: first checkpoint of ${info.files} files in ${info.ms} ms${info.unsaved.length ? `; ${info.unsaved.length} file(s) too large or unreadable were not kept` : ''}`);
        } catch (e) {
          this.log.warn(`[history] ${host.folder.name}: first checkpoint failed: ${(e as Error).message}; the first agent command records the workspace instead`);
        }
      });
    }, FIRST_CHECKPOINT_DELAY_MS);
    this._register({ dispose: () => clearTimeout(timer) });
  }

  override dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const g of this.gates.values()) g.dispose();
    this.gates.clear();
    this.queue.cancelAll();
    for (const p of this.policies.values()) p.dispose();
    this.policies.clear();
    super.dispose();
  }
}
