import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import { AGENT_CONFIGS, INSTALL_TARGETS, installedHooks, installHooks, type HookCommandOptions, type InstallTarget } from '../../core/install/hookConfigs';
import { TRUST_NAMES, type TrustLevel } from '../../core/policy/types';
import { describeTrust } from '../../core/trust/trustStore';
import { AGENT_IDS, AGENT_NAMES } from '../../shared/ids';
import type { GateHost } from '../folders/gateHost';
import type { Services } from '../services';
import { agentName } from '../views/sessionsView';

/** The agent each install target is for (`vscode` is Copilot's agent mode in VS Code). */
const TARGET_NAMES: Readonly<Record<InstallTarget, string>> = {
  claude: AGENT_NAMES.claude,
  vscode: AGENT_NAMES.copilot,
  'copilot-cli': AGENT_NAMES['copilot-cli'],
  cursor: AGENT_NAMES.cursor,
  gemini: AGENT_NAMES.gemini,
  codex: AGENT_NAMES.codex,
};

function nodeVersionOk(path: string): boolean {
  const r = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 5000 });
  const major = Number(/^(\d+)\./.exec(r.stdout ?? '')?.[1]);
  return r.status === 0 && major >= 18;
}

/**
 * How hooks run the CLI. Hooks run in the agent's process, not the editor's: a Node.js 18+ on PATH is
 * best (it starts fastest); otherwise the editor's own runtime as Node (`ELECTRON_RUN_AS_NODE=1`).
 */
export function hookRunner(extensionPath: string): HookCommandOptions {
  const cli = join(extensionPath, 'dist', 'cli.js');
  if (!process.versions.electron) return { node: process.execPath, cli };
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    if (nodeVersionOk(candidate)) return { node: candidate, cli };
  }
  return { node: process.execPath, cli, env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/** "Airlock: Connect Agent…": installs Airlock's hooks for the agents the person picks (same code as `airlock install`). */
export async function connectAgentCommand(services: Services): Promise<void> {
  const host = await services.pickHost('Connect agents in which folder?');
  if (!host) return;
  const workspace = host.folder.uri.fsPath;
  const items = INSTALL_TARGETS.map((t) => {
    const found = installedHooks(t, workspace);
    const connected = Object.keys(found.events).length > 0;
    return { label: TARGET_NAMES[t], description: connected ? 'connected (picking it refreshes the hooks)' : found.error ? 'its configuration file has errors' : '', detail: `hooks in ${AGENT_CONFIGS[t].file}`, target: t, picked: false };
  });
  const picked = await vscode.window.showQuickPick(items, { title: `Connect Agents to Airlock in ${host.folder.name}`, placeHolder: 'Pick the agents whose actions Airlock should check', canPickMany: true });
  if (!picked || picked.length === 0) return;
  const run = services.runner;
  const done: string[] = [];
  const notes: string[] = [];
  for (const p of picked) {
    try {
      const r = installHooks(p.target, workspace, run);
      done.push(p.label);
      notes.push(...r.notes);
      services.log.info(`[install] ${p.target}: ${r.changed ? 'installed' : 'already installed'} in ${r.file}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Airlock could not connect ${p.label}: ${(e as Error).message}`);
    }
  }
  if (done.length === 0) return;
  const gate = host.state.kind === 'serving' ? 'This window approves their actions.' : host.state.kind === 'busy' ? 'Another Airlock gate approves their actions for now.' : '';
  void vscode.window.showInformationMessage(`Connected ${done.join(', ')} in ${host.folder.name}. Start a new agent session to use the hooks. ${gate}${notes.length ? ` Note: ${[...new Set(notes)].join(' ')}` : ''}`);
}

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
      log.info(`[install] ${host.folder.name}: ${t}'s hooks pointed at a removed version of Airlock; pointed them at this one`);
    } catch (e) {
      log.error(`[install] ${host.folder.name}: cannot repair ${t}'s hooks: ${(e as Error).message}`);
    }
  }
  if (repaired.length > 0) void vscode.window.showInformationMessage(`Airlock updated the hooks of ${repaired.join(', ')} in ${host.folder.name} to this version of the extension (they pointed at the removed previous version).`);
}

/** "Airlock: Set Agent Trust…": pick an agent, see its record, pick its level. */
export async function setAgentTrustCommand(services: Services): Promise<void> {
  const host = await services.pickHost('Set agent trust in which folder?');
  if (!host) return;
  const trust = host.runtime.trust;
  const seen = Object.keys(trust.all());
  const agents = [...new Set([...seen, ...AGENT_IDS])];
  const agent = await vscode.window.showQuickPick(
    agents.map((a) => {
      const t = trust.get(a);
      return { label: agentName(a), description: `level ${t.level} (${TRUST_NAMES[t.level]})`, detail: describeTrust(a, t), id: a };
    }),
    { title: `Set Agent Trust in ${host.folder.name}`, placeHolder: 'Pick an agent', matchOnDetail: true },
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
      `Make ${agent.label} Autonomous in ${host.folder.name}?`,
      { modal: true, detail: 'At level 3 everything the policy does not deny or ask about is allowed without asking you: edits, and commands that are destructive, networked or privileged. Your deny and ask rules, the built-in protections and the session limits still hold.' },
      'Make Autonomous',
    );
    if (sure !== 'Make Autonomous') return;
  }
  try {
    trust.set(agent.id, level.level, 'set in the editor');
  } catch (e) {
    void vscode.window.showErrorMessage(`Airlock could not change the trust level: ${(e as Error).message}`);
    return;
  }
  services.refreshSoon();
  void vscode.window.showInformationMessage(`${agent.label} is now at trust level ${level.level} (${TRUST_NAMES[level.level]}) in ${host.folder.name}.`);
}
