import * as vscode from 'vscode';
import { airlockHome } from './core/dataDir';
import type { CommandId } from './shared/commandIds';
import type { IDisposable } from './shared/lifecycle';
import { ApprovalPanel } from './ui/approval/approvalPanel';
import { ApprovalQueue } from './ui/approval/approvalQueue';
import { PROPOSED_SCHEME, ProposedContentProvider } from './ui/approval/proposedContentProvider';
import { writeAlwaysRule } from './ui/approval/writeAlwaysRule';
import { COMMANDS } from './ui/commands/commands';
import { offerPromotion } from './ui/folders/offerPromotion';
import { WorkspaceFolders } from './ui/folders/workspaceFolders';
import { testApi, type AirlockTestApi } from './ui/testApi';
import { Activity } from './ui/views/activity';
import { AuditView } from './ui/views/auditView';
import { HISTORY_SCHEME, HistoryContentProvider } from './ui/views/historyContentProvider';
import { SessionsView } from './ui/views/sessionsView';
import { StatusBar } from './ui/views/statusBar';

/**
 * Activation: create the logger, build each part with what it needs, register every command; on failure,
 * show and rethrow. Returns the test API only under VS Code's test runner.
 */
export function activate(context: vscode.ExtensionContext): AirlockTestApi | undefined {
  const log = vscode.window.createOutputChannel('Airlock', { log: true });
  context.subscriptions.push(log);
  const owned: IDisposable[] = [];
  const own = <T extends IDisposable>(d: T): T => (owned.push(d), d);
  const queue = new ApprovalQueue();
  // Disposed last first; then whatever still waits is denied, so no hook waits for a closed editor.
  context.subscriptions.push({ dispose: () => (owned.splice(0).reverse().forEach((d) => d.dispose()), queue.cancelAll()) });
  try {
    const dataRoot = airlockHome();
    const installDir = context.extensionUri.fsPath;
    const activity = own(new Activity());
    const refresh = (): void => activity.refreshSoon();
    const folders = own(
      new WorkspaceFolders({
        log,
        installDir,
        dataRoot,
        queue,
        onDecision: (host, event) => activity.decided(host.folder.uri.toString(), event),
        onPromotionOffer: (host, agent, to) => void offerPromotion(host, agent, to, refresh),
        onChange: refresh,
      }),
    );
    const panel = own(new ApprovalPanel(queue, { log, extensionUri: context.extensionUri, takesFocus: () => folders.settings.approvalTakesFocus, addAlwaysRule: (p) => writeAlwaysRule(p, { host: (key) => folders.host(key), settings: folders.settings, runner: folders.runner, dataRoot, installDir, log }) }));
    const hosts = (): typeof folders.hosts => folders.hosts;
    const sessions = own(new SessionsView(hosts));
    const audit = own(new AuditView(hosts));
    const statusBar = own(new StatusBar({ get waiting() { return queue.pending.length; }, get hosts() { return folders.hosts; }, get recentAgents() { return activity.recentAgents; } }));
    own(vscode.window.createTreeView('airlock.sessions', { treeDataProvider: sessions, showCollapseAll: true }));
    audit.attach(own(vscode.window.createTreeView('airlock.audit', { treeDataProvider: audit })));
    own(vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, new ProposedContentProvider(queue)));
    own(vscode.workspace.registerTextDocumentContentProvider(HISTORY_SCHEME, new HistoryContentProvider((key) => folders.host(key)?.runtime.history)));
    own(queue.onDidChange(() => statusBar.update()));
    queue.onListenerError = (e) => log.error(`[approval] showing the queue failed: ${(e as Error).stack ?? String(e)}`);
    own(activity.onDidChange(() => (sessions.refresh(), audit.refresh(), statusBar.update())));
    const approvals = { reveal: () => panel.reveal(), get waiting() { return queue.pending.length; } };
    for (const [id, make] of Object.entries(COMMANDS) as [CommandId, (typeof COMMANDS)[CommandId]][]) {
      own(vscode.commands.registerCommand(id, make({ log, folders, approvals, audit, refresh })));
    }
    refresh();
    if (context.extensionMode !== vscode.ExtensionMode.Test) showWalkthroughOnce(context);
    log.info(`[extension] Airlock ${String(context.extension.packageJSON.version)} active; data in ${dataRoot}`);
    return context.extensionMode === vscode.ExtensionMode.Test ? testApi({ folders, queue, sessions }) : undefined;
  } catch (e) {
    log.error(`[extension] activation failed: ${(e as Error).stack ?? String(e)}`);
    void vscode.window.showErrorMessage(`Airlock could not start: ${(e as Error).message}. Approvals cannot be shown, so hooks decide alone and deny what needs you; see "Airlock: Show Log".`);
    throw e;
  }
}

/**
 * The first time Airlock runs in this editor, its walkthrough opens, as VS Code does for an extension
 * installed from the Extensions view (installed from a VSIX or the command line, it does not). Not for
 * people who open no editor at start-up (`workbench.startupEditor: none`) or turned walkthroughs off
 * (`workbench.welcomePage.walkthroughs.openOnInstall`; a remote extension host may not see that one).
 */
function showWalkthroughOnce(context: vscode.ExtensionContext): void {
  const shown = 'airlock.walkthroughShown';
  if (context.globalState.get<boolean>(shown)) return;
  const workbench = vscode.workspace.getConfiguration('workbench');
  if (workbench.get<string>('startupEditor') === 'none' || !workbench.get<boolean>('welcomePage.walkthroughs.openOnInstall', true)) return;
  void context.globalState.update(shown, true);
  void vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#airlock.gettingStarted`, false);
}

/** Nothing to do: everything is in `context.subscriptions`. */
export function deactivate(): void {}
