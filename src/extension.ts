import * as vscode from 'vscode';
import type { CommandId } from './shared/commandIds';
import { COMMANDS } from './ui/commands/commands';
import { Services } from './ui/services';

/** Activation: create the logger, build the services, register every command; on failure, show and rethrow. */
export function activate(context: vscode.ExtensionContext): Services {
  const log = vscode.window.createOutputChannel('Airlock', { log: true });
  context.subscriptions.push(log);
  try {
    const services = new Services(log, context.extensionUri);
    context.subscriptions.push(services);
    for (const [id, make] of Object.entries(COMMANDS) as [CommandId, (typeof COMMANDS)[CommandId]][]) {
      context.subscriptions.push(vscode.commands.registerCommand(id, make(services)));
    }
    log.info(`[extension] Airlock ${String(context.extension.packageJSON.version)} active; data in ${services.dataRoot}`);
    return services;
  } catch (e) {
    log.error(`[extension] activation failed: ${(e as Error).stack ?? String(e)}`);
    void vscode.window.showErrorMessage(`Airlock could not start: ${(e as Error).message}. Approvals cannot be shown, so hooks decide alone and deny what needs you; see "Airlock: Show Log".`);
    throw e;
  }
}

/** Nothing to do: everything is in `context.subscriptions`. */
export function deactivate(): void {}
