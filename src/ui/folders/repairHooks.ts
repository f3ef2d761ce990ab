import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { INSTALL_TARGETS, installedHooks, installHooks, type HookCommandOptions } from '../../core/install/hookConfigs';
import { label, said, TARGET_NAMES } from '../labels';
import type { GateHost } from './gateHost';

/**
 * Hooks installed by an earlier version of this extension point at its old folder, which an update
 * removes; a hook that cannot start would leave the agent unchecked. Only those are repointed at this
 * version (hooks pointing anywhere else are the person's business, and `airlock doctor` reports them),
 * and the person is told.
 */
export function repairHooks(host: GateHost, extensionPath: string, runner: () => HookCommandOptions, log: vscode.LogOutputChannel): void {
  const workspace = host.folder.uri.fsPath;
  const ours = /[\\/]airlock-dev\.airlock-[^\\/]+[\\/]dist[\\/]cli\.js$/;
  const repaired: string[] = [];
  for (const t of INSTALL_TARGETS) {
    const found = installedHooks(t, workspace);
    const commands = Object.values(found.events).flat();
    const stale = commands.some((c) => {
      const m = /^(?:[A-Z_]+=\S+ )*('([^']+)'|(\S+)) ('([^']+)'|(\S+)) hook /.exec(c);
      const cli = m?.[5] ?? m?.[6];
      return cli !== undefined && ours.test(cli) && cli !== join(extensionPath, 'dist', 'cli.js') && !existsSync(cli);
    });
    if (!stale) continue;
    try {
      installHooks(t, workspace, runner());
      repaired.push(TARGET_NAMES[t]);
      log.info(`[install] ${label(host.folder.name)}: ${t}'s hooks pointed at a removed version of Airlock; pointed them at this one`);
    } catch (e) {
      log.error(`[install] ${label(host.folder.name)}: cannot repair ${t}'s hooks: ${said((e as Error).message)}`);
    }
  }
  if (repaired.length > 0) void vscode.window.showInformationMessage(`Airlock updated the hooks of ${repaired.join(', ')} in ${label(host.folder.name)} to this version of the extension (they pointed at the removed previous version).`);
}
