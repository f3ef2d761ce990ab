import * as vscode from 'vscode';
import { RECOMMENDED_POLICY_TEXT } from '../../core/policy/recommended';
import type { CommandId } from '../../shared/commandIds';
import { connectAgentCommand, setAgentTrustCommand } from './agentCommands';
import { exportAuditCommand, filterAuditCommand, verifyAuditCommand } from './auditCommands';
import { rollbackSessionCommand, undoRollbackCommand } from './rollbackCommands';
import type { Services } from '../services';
import { SessionsView, type SessionNode } from '../views/sessionsView';
import { StatusBar } from '../views/statusBar';

/** The command table, registered in one loop by the extension (STYLE.md "Shape"). */
export const COMMANDS: Readonly<Record<CommandId, (s: Services) => (...args: unknown[]) => unknown>> = {
  'airlock.openPolicy': (s) => () => openPolicy(s),
  'airlock.showLog': (s) => () => s.log.show(true),
  'airlock.showApprovals': (s) => () => s.panel.reveal(),
  'airlock.rollbackSession': (s) => (node?: unknown) => rollbackSessionCommand(s, node as SessionNode | undefined),
  'airlock.undoRollback': (s) => () => undoRollbackCommand(s),
  'airlock.connectAgent': (s) => () => connectAgentCommand(s),
  'airlock.setAgentTrust': (s) => () => setAgentTrustCommand(s),
  'airlock.showAuditLog': () => () => vscode.commands.executeCommand('airlock.audit.focus'),
  'airlock.filterAudit': (s) => () => filterAuditCommand(s),
  'airlock.clearAuditFilter': (s) => () => s.audit.setFilter({}),
  'airlock.exportAudit': (s) => () => exportAuditCommand(s),
  'airlock.verifyAudit': (s) => () => verifyAuditCommand(s),
  'airlock.refresh': (s) => () => s.refreshSoon(),
  'airlock.quickMenu': (s) => () => StatusBar.quickMenu(s),
  'airlock.openSessionFile': () => (node?: unknown) => SessionsView.openFile(node as SessionNode),
};

async function openPolicy(s: Services): Promise<void> {
  const service = await s.pickFolder('Open the Airlock policy of which folder?');
  if (!service) return;
  const uri = service.file;
  let exists = true;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    exists = false;
  }
  if (!exists) {
    const create = 'Create from Recommended';
    const answer = await vscode.window.showInformationMessage(
      `${service.folder.name} has no Airlock policy yet, so Airlock applies its recommended policy. Create .vscode/airlock.json from it to make it your own?`,
      { modal: true },
      create,
    );
    if (answer !== create) return;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(RECOMMENDED_POLICY_TEXT));
    service.reload('policy file created from the recommended policy');
  }
  await vscode.window.showTextDocument(uri);
}
