import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { gatingEvents, INSTALL_TARGETS, installedHooks, installHooks, parseHookCommand, writeLauncher, type HookCommandOptions } from '../../core/install/hookConfigs';
import { label, said, TARGET_NAMES } from '../labels';
import type { GateHost } from './gateHost';

/**
 * Hooks run a stable launcher in Airlock's data folder, which is pointed at this version first (cheap,
 * and it repairs every workspace at once). Hooks installed by an earlier version of this extension that
 * name its folder directly (which an update removes), or that were written before hooks failed closed,
 * are rewritten. Hooks pointing anywhere else are the person's business (`airlock doctor` reports them);
 * the person is told.
 */
export function repairHooks(host: GateHost, extensionPath: string, runner: () => HookCommandOptions, log: vscode.LogOutputChannel): void {
  const workspace = host.folder.uri.fsPath;
  const ours = /[\\/]airlock-dev\.airlock-[^\\/]+[\\/]dist[\\/]cli\.js$/;
  const repaired: string[] = [];
  const run = runner();
  if (run.dataRoot && process.platform !== 'win32') {
    try {
      writeLauncher(run.dataRoot, run);
    } catch (e) {
      log.error(`[install] cannot refresh Airlock's hook launcher: ${said((e as Error).message)}`);
    }
  }
  for (const t of INSTALL_TARGETS) {
    const found = installedHooks(t, workspace);
    const commands = Object.values(found.events).flat();
    const gating = new Set(gatingEvents(t).flatMap((e) => found.events[e] ?? []));
    const stale = commands.some((c) => {
      const parsed = parseHookCommand(c);
      const cli = parsed?.cli;
      const ourOwn = cli !== undefined && ours.test(cli);
      const removed = ourOwn && cli !== join(extensionPath, 'dist', 'cli.js') && !existsSync(cli);
      return removed || (ourOwn && gating.has(c) && parsed?.failsClosed !== true && process.platform !== 'win32');
    });
    if (!stale) continue;
    try {
      const r = installHooks(t, workspace, run);
      host.runtime.backstop.accept([r.file]);
      repaired.push(TARGET_NAMES[t]);
      log.info(`[install] ${label(host.folder.name)}: ${t}'s hooks were written by an earlier version of Airlock; rewrote them for this one`);
    } catch (e) {
      log.error(`[install] ${label(host.folder.name)}: cannot repair ${t}'s hooks: ${said((e as Error).message)}`);
    }
  }
  if (repaired.length > 0) void vscode.window.showInformationMessage(`Airlock updated the hooks of ${repaired.join(', ')} in ${label(host.folder.name)} to this version of the extension (they were written by an earlier version).`);
}
