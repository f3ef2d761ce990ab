import * as vscode from 'vscode';
import type { HookCommandOptions } from '../../core/install/hookConfigs';
import { RECOMMENDED_POLICY_TEXT } from '../../core/policy/recommended';
import type { CommandId } from '../../shared/commandIds';
import type { FolderList, FolderPicker } from '../folders/workspaceFolders';
import type { AuditView } from '../views/auditView';
import { SessionsView, type SessionNode } from '../views/sessionsView';
import { StatusBar } from '../views/statusBar';
import { connectAgentCommand, setAgentTrustCommand } from './agentCommands';
import { exportAuditCommand, filterAuditCommand, verifyAuditCommand } from './auditCommands';
import { rollbackSessionCommand, undoRollbackCommand } from './rollbackCommands';
import { label } from '../labels';

/**
 * The parts of the editor shell the command table hands out. Each command takes only what it uses
 * (see the `…Deps` interface next to it), never this whole object.
 */
export interface CommandContext {
  readonly log: vscode.LogOutputChannel;
  readonly folders: FolderList & FolderPicker & { readonly runner: HookCommandOptions };
  readonly approvals: { reveal(): void; readonly waiting: number };
  readonly audit: AuditView;
  refresh(): void;
}

/** The command table, registered in one loop by the extension (STYLE.md "Shape"). */
export const COMMANDS: Readonly<Record<CommandId, (c: CommandContext) => (...args: unknown[]) => unknown>> = {
  'airlock.openPolicy': ({ folders }) => () => openPolicy(folders),
  'airlock.showLog': ({ log }) => () => log.show(true),
  'airlock.showApprovals': ({ approvals }) => () => approvals.reveal(),
  'airlock.rollbackSession': ({ folders, log, refresh }) => (node?: unknown) => rollbackSessionCommand({ folders, log, refresh }, node as SessionNode | undefined),
  'airlock.undoRollback': ({ folders, refresh }) => () => undoRollbackCommand({ folders, refresh }),
  'airlock.connectAgent': ({ folders, log }) => () => connectAgentCommand({ folders, runner: () => folders.runner, log }),
  'airlock.setAgentTrust': ({ folders, refresh }) => () => setAgentTrustCommand({ folders, refresh }),
  'airlock.showAuditLog': () => () => vscode.commands.executeCommand('airlock.audit.focus'),
  'airlock.filterAudit': ({ audit, folders }) => () => filterAuditCommand({ audit, folders }),
  'airlock.clearAuditFilter': ({ audit }) => () => audit.setFilter({}),
  'airlock.exportAudit': ({ audit, folders }) => () => exportAuditCommand({ audit, folders }),
  'airlock.verifyAudit': ({ folders, log }) => () => verifyAuditCommand({ folders, log }),
  'airlock.refresh': ({ refresh }) => () => refresh(),
  'airlock.quickMenu': ({ approvals }) => () => StatusBar.quickMenu(approvals.waiting),
  'airlock.openSessionFile': () => (node?: unknown) => SessionsView.openFile(node as SessionNode),
};

async function openPolicy(folders: FolderPicker): Promise<void> {
  const host = await folders.pickHost('Open the Airlock policy of which folder?');
  if (!host) return;
  const service = host.policy;
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
      `${label(service.folder.name)} has no Airlock policy yet, so Airlock applies its recommended policy. Create .vscode/airlock.json from it to make it your own?`,
      { modal: true },
      create,
    );
    if (answer !== create) return;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(RECOMMENDED_POLICY_TEXT));
    service.reload('policy file created from the recommended policy');
  }
  await vscode.window.showTextDocument(uri);
}
