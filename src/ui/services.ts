import * as vscode from 'vscode';
import { airlockHome } from '../core/dataDir';
import { Disposable } from '../shared/lifecycle';
import { parseSettings, type Settings } from '../shared/settings';
import { PolicyService } from './policyService';

/** Everything the commands and views share; built once at activation. */
export class Services extends Disposable {
  readonly dataRoot = airlockHome();
  private settingsValue: Settings = parseSettings(vscode.workspace.getConfiguration('airlock'));
  private readonly policies = new Map<string, PolicyService>();
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('airlock'));

  constructor(
    readonly log: vscode.LogOutputChannel,
    readonly extensionPath: string,
  ) {
    super();
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

  get settings(): Settings {
    return this.settingsValue;
  }

  /** The policy services, one per workspace folder. */
  get folders(): readonly PolicyService[] {
    return [...this.policies.values()];
  }

  /** Asks which folder when there are several; undefined when there is none or the person cancels. */
  async pickFolder(title: string): Promise<PolicyService | undefined> {
    const all = this.folders;
    if (all.length === 0) {
      void vscode.window.showWarningMessage('Airlock works on a folder: open a folder or workspace first.');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((p) => ({ label: p.folder.name, description: p.folder.uri.fsPath, service: p })),
      { title },
    );
    return picked?.service;
  }

  private syncFolders(): void {
    const wanted = new Map((vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => [f.uri.toString(), f]));
    for (const [key, service] of this.policies) {
      if (!wanted.has(key)) {
        service.dispose();
        this.policies.delete(key);
      }
    }
    for (const [key, folder] of wanted) {
      if (this.policies.has(key)) continue;
      const service = new PolicyService(folder, this.diagnostics, this.log, () => this.settingsValue, this.dataRoot, this.extensionPath);
      this.policies.set(key, service);
      service.reload('folder opened');
    }
  }

  override dispose(): void {
    for (const p of this.policies.values()) p.dispose();
    this.policies.clear();
    super.dispose();
  }
}
