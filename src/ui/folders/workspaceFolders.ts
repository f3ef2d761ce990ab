import * as vscode from 'vscode';
import type { HookCommandOptions } from '../../core/install/hookConfigs';
import type { TrustLevel } from '../../core/policy/types';
import { parseSettings, type Settings } from '../../core/settings';
import type { AuditEvent } from '../../engine/record';
import { Disposable } from '../../shared/lifecycle';
import type { ApprovalQueue } from '../approval/approvalQueue';
import { GateHost } from './gateHost';
import { hookRunner } from './hookRunner';
import { PolicyService } from './policyService';
import { repairHooks } from './repairHooks';
import { label, said } from '../labels';

/** The open folders' gates (each with its policy, history, audit log and trust). */
export interface FolderList {
  readonly hosts: readonly GateHost[];
}

/** Asks which folder when there are several. */
export interface FolderPicker {
  /** Undefined when no folder is open or the person cancels. */
  pickHost(title: string): Promise<GateHost | undefined>;
}

/** What the folders need from the rest of the editor shell. */
export interface WorkspaceFoldersOptions {
  readonly log: vscode.LogOutputChannel;
  /** The extension's folder: hooks and sandboxed commands run its `dist/cli.js`. */
  readonly installDir: string;
  readonly dataRoot: string;
  /** Where every folder's gate asks the person. */
  readonly queue: ApprovalQueue;
  onDecision(host: GateHost, event: AuditEvent): void;
  onPromotionOffer(host: GateHost, agent: string, to: TrustLevel): void;
  /** Folders came or went, or a gate's state changed (serving, busy, failed). */
  onChange(): void;
}

const FIRST_CHECKPOINT_DELAY_MS = 3000;

/**
 * One policy service and one gate per open workspace folder, kept in step with the folders and the
 * settings. Commands and views see it through {@link FolderList} and {@link FolderPicker}.
 */
export class WorkspaceFolders extends Disposable implements FolderList, FolderPicker {
  private settingsValue: Settings = parseSettings(vscode.workspace.getConfiguration('airlock'));
  private readonly policies = new Map<string, PolicyService>();
  private readonly gates = new Map<string, GateHost>();
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('airlock'));
  private runnerValue: HookCommandOptions | undefined;

  constructor(private readonly options: WorkspaceFoldersOptions) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('airlock')) return;
        this.settingsValue = parseSettings(vscode.workspace.getConfiguration('airlock'));
        for (const p of this.policies.values()) p.reload('settings changed');
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.sync()));
    this.sync();
  }

  /** How hooks and sandboxed commands start Airlock's CLI (found once: it may probe PATH). */
  get runner(): HookCommandOptions {
    return (this.runnerValue ??= hookRunner(this.options.installDir));
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  get hosts(): readonly GateHost[] {
    return [...this.gates.values()];
  }

  /** The gate of a folder, by the folder URI's string. */
  host(folderKey: string): GateHost | undefined {
    return this.gates.get(folderKey);
  }

  async pickHost(title: string): Promise<GateHost | undefined> {
    const all = this.hosts;
    if (all.length === 0) {
      void vscode.window.showWarningMessage('Airlock works on a folder: open a folder or workspace first.');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((h) => ({ label: label(h.folder.name), description: h.folder.uri.fsPath, host: h })),
      { title },
    );
    return picked?.host;
  }

  private sync(): void {
    const { log, installDir, dataRoot, queue } = this.options;
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
      const service = new PolicyService(folder, this.diagnostics, log, () => this.settingsValue, dataRoot, installDir);
      this.policies.set(key, service);
      service.reload('folder opened');
      let host: GateHost;
      try {
        host = new GateHost(service, queue, dataRoot, () => this.settingsValue, log, {
          onDecision: (event) => this.options.onDecision(host, event),
          onPromotionOffer: (h, agent, to) => this.options.onPromotionOffer(h, agent, to),
          runner: () => this.runner,
        });
      } catch (e) {
        log.error(`[gate] ${label(folder.name)}: cannot open Airlock's data: ${said((e as Error).message)}`);
        void vscode.window.showErrorMessage(`Airlock cannot open its data for ${label(folder.name)}: ${said((e as Error).message)}. Agents in this folder are checked by their hooks alone; see "Airlock: Show Log".`);
        continue;
      }
      this.gates.set(key, host);
      let reported = false;
      host.onDidChange(() => {
        this.options.onChange();
        if (host.state.kind === 'failed' && !reported) {
          reported = true;
          void vscode.window.showErrorMessage(`Airlock could not start its gate for ${label(folder.name)}: ${host.state.message}. Hooks decide without it, and what needs you is denied.`, 'Show Log').then((a) => a && log.show(true));
        }
      });
      void host.start();
      // Hooks left by an older version of this extension point at a folder that is gone after an update.
      if (vscode.workspace.isTrusted) repairHooks(host, installDir, () => this.runner, log);
      this.scheduleFirstCheckpoint(host);
    }
    this.options.onChange();
  }

  /**
   * The first checkpoint of a folder reads every file once; done soon after start-up with progress, so
   * the first agent command does not pay for it. Later checkpoints only look at what changed.
   */
  private scheduleFirstCheckpoint(host: GateHost): void {
    const { log } = this.options;
    const timer = setTimeout(() => {
      if (this.isDisposed || !this.gates.has(host.folder.uri.toString())) return;
      const history = host.runtime.history;
      if (history.readIndex()) return;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Airlock: recording ${label(host.folder.name)} so agent changes can be rolled back…` }, async () => {
        try {
          const info = await history.checkpoint();
          log.info(`[history] ${label(host.folder.name)}: first checkpoint of ${info.files} files in ${info.ms} ms${info.unsaved.length ? `; ${info.unsaved.length} file(s) too large or unreadable were not kept` : ''}`);
        } catch (e) {
          log.warn(`[history] ${label(host.folder.name)}: first checkpoint failed: ${said((e as Error).message)}; the first agent command records the workspace instead`);
        }
      });
    }, FIRST_CHECKPOINT_DELAY_MS);
    this._register({ dispose: () => clearTimeout(timer) });
  }

  override dispose(): void {
    for (const g of this.gates.values()) g.dispose();
    this.gates.clear();
    for (const p of this.policies.values()) p.dispose();
    this.policies.clear();
    super.dispose();
  }
}
