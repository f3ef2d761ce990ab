import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { skipReasons } from '../../core/install/agentTrust';
import { AGENT_CONFIGS, INSTALL_TARGETS, installedHooks, installHooks, type HookCommandOptions, type InstallTarget } from '../../core/install/hookConfigs';
import type { Logger } from '../../core/logger';
import { TRUST_NAMES, type TrustLevel } from '../../core/policy/types';
import { describeTrust } from '../../core/trust/trustStore';
import { AGENT_IDS } from '../../shared/ids';
import type { FolderPicker } from '../folders/workspaceFolders';
import { agentName, label, said, TARGET_NAMES } from '../labels';

/** What "Connect Agent…" needs: a folder, how hooks start the CLI, and the log. */
export interface ConnectAgentDeps {
  readonly folders: FolderPicker;
  runner(): HookCommandOptions;
  readonly log: Logger;
}

/** What "Set Agent Trust…" needs: a folder, and a way to refresh what shows trust. */
export interface SetAgentTrustDeps {
  readonly folders: FolderPicker;
  refresh(): void;
}

/** What the editor says of an agent's hooks in a folder (the same reasons `airlock doctor` gives). */
export function agentStatus(target: InstallTarget, workspace: string): { label: string; detail?: string; skipped: boolean } {
  const found = installedHooks(target, workspace);
  if (found.error) return { label: 'its configuration file has errors', detail: found.error, skipped: false };
  if (Object.keys(found.events).length === 0) return { label: '', skipped: false };
  const skipped = skipReasons(target, workspace, { home: homedir(), env: process.env });
  if (skipped.length > 0) return { label: `installed, but ${TARGET_NAMES[target]} skips its hooks`, detail: `${skipped[0]!.reason}. Fix: ${skipped[0]!.fix}`, skipped: true };
  return { label: 'guarded (picking it refreshes the hooks)', skipped: false };
}

/** "Airlock: Connect Agent…": installs Airlock's hooks for the agents the person picks (same code as `airlock install`). */
export async function connectAgentCommand(deps: ConnectAgentDeps): Promise<void> {
  const host = await deps.folders.pickHost('Connect agents in which folder?');
  if (!host) return;
  const workspace = host.folder.uri.fsPath;
  const items = INSTALL_TARGETS.map((t) => {
    const status = agentStatus(t, workspace);
    return { label: TARGET_NAMES[t], description: status.label, detail: status.detail ? said(status.detail) : `hooks in ${AGENT_CONFIGS[t].file}`, target: t, picked: false };
  });
  const picked = await vscode.window.showQuickPick(items, { title: `Connect Agents to Airlock in ${label(host.folder.name)}`, placeHolder: 'Pick the agents whose actions Airlock should check', canPickMany: true });
  if (!picked || picked.length === 0) return;
  const run = deps.runner();
  const done: string[] = [];
  const notes: string[] = [];
  for (const p of picked) {
    try {
      const r = installHooks(p.target, workspace, run);
      host.runtime.backstop.accept([r.file]);
      done.push(p.label);
      notes.push(...r.notes);
      deps.log.info(`[install] ${p.target}: ${r.changed ? 'installed' : 'already installed'} in ${r.file}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Airlock could not connect ${p.label}: ${said((e as Error).message)}`);
    }
  }
  if (done.length === 0) return;
  const gate = host.state.kind === 'serving' ? 'This window approves their actions.' : host.state.kind === 'busy' ? 'Another Airlock gate approves their actions for now.' : '';
  void vscode.window.showInformationMessage(`Connected ${done.join(', ')} in ${label(host.folder.name)}. Start a new agent session to use the hooks. ${gate}${notes.length ? ` Note: ${[...new Set(notes)].join(' ')}` : ''}`);
  // Agents that skip a folder's hooks until a person trusts them do so silently: say so now.
  for (const p of picked) {
    const status = agentStatus(p.target, workspace);
    if (status.skipped) void vscode.window.showWarningMessage(`${p.label} will not run Airlock's hooks yet: ${said(status.detail ?? '')}`);
  }
}

/** "Airlock: Set Agent Trust…": pick an agent, see its record, pick its level. */
export async function setAgentTrustCommand(deps: SetAgentTrustDeps): Promise<void> {
  const host = await deps.folders.pickHost('Set agent trust in which folder?');
  if (!host) return;
  const trust = host.runtime.trust;
  const seen = Object.keys(trust.all());
  const agents = [...new Set([...seen, ...AGENT_IDS])];
  const agent = await vscode.window.showQuickPick(
    agents.map((a) => {
      const t = trust.get(a);
      return { label: agentName(a), description: `level ${t.level} (${TRUST_NAMES[t.level]})`, detail: describeTrust(a, t), id: a };
    }),
    { title: `Set Agent Trust in ${label(host.folder.name)}`, placeHolder: 'Pick an agent', matchOnDetail: true },
  );
  if (!agent) return;
  const current = trust.get(agent.id).level;
  const WHAT: Readonly<Record<TrustLevel, string>> = {
    0: 'every edit and command asks',
    1: 'edits in the workspace allowed within limits; commands ask unless read-only',
    2: 'edits allowed; commands allowed unless destructive, networked or privileged',
    3: 'everything allowed but ask/deny rules, built-in protections and limits',
  };
  const level = await vscode.window.showQuickPick(
    ([0, 1, 2, 3] as TrustLevel[]).map((l) => ({ label: `${l === current ? '$(check) ' : ''}Level ${l}: ${TRUST_NAMES[l]}`, description: WHAT[l], level: l })),
    { title: `Trust level for ${agent.label}`, placeHolder: `Now at level ${current}. Deny and ask rules and built-in protections hold at every level.` },
  );
  if (!level || level.level === current) return;
  if (level.level === 3) {
    const sure = await vscode.window.showWarningMessage(
      `Make ${agent.label} Autonomous in ${label(host.folder.name)}?`,
      { modal: true, detail: 'At level 3 everything the policy does not deny or ask about is allowed without asking you: edits, and commands that are destructive, networked or privileged. Your deny and ask rules, the built-in protections and the session limits still hold.' },
      'Make Autonomous',
    );
    if (sure !== 'Make Autonomous') return;
  }
  try {
    trust.set(agent.id, level.level, 'set in the editor');
  } catch (e) {
    void vscode.window.showErrorMessage(`Airlock could not change the trust level: ${said((e as Error).message)}`);
    return;
  }
  deps.refresh();
  void vscode.window.showInformationMessage(`${agent.label} is now at trust level ${level.level} (${TRUST_NAMES[level.level]}) in ${label(host.folder.name)}.`);
}
