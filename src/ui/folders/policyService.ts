import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { loadPolicy, POLICY_FILE, type LoadedPolicy } from '../../core/policy/loadPolicy';
import { managedStamp } from '../../core/policy/managedPolicy';
import { writeUserSettings } from '../../core/settings';
import { parsePolicyText, positionAt } from '../../core/policy/policyFile';
import type { PolicyProblem } from '../../core/policy/types';
import { Disposable } from '../../shared/lifecycle';
import type { Settings } from '../../core/settings';
import { label, said } from '../labels';

/**
 * Keeps one workspace folder's policy loaded: reloads it when the file, the settings or the workspace's
 * trust change, shows problems as diagnostics on the file (with line and column), and mirrors the
 * personal `airlock.rules` into Airlock's data directory so hooks and the CLI decide with them too.
 */
export class PolicyService extends Disposable {
  private current: LoadedPolicy | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<LoadedPolicy>());
  /** Fires after every reload. */
  readonly onDidChange = this.changed.event;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly diagnostics: vscode.DiagnosticCollection,
    private readonly log: Logger,
    private readonly settings: () => Settings,
    private readonly dataRoot: string,
    private readonly installDir: string,
  ) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, POLICY_FILE)));
    this._register(watcher.onDidCreate(() => this.reload('policy file created')));
    this._register(watcher.onDidChange(() => this.reload('policy file changed')));
    this._register(watcher.onDidDelete(() => this.reload('policy file deleted')));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.reload('workspace trusted')));
    // Problems show while typing, before the file is saved; the saved file is what decides.
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.validateBuffer(e.document)));
  }

  /** The loaded policy (loads it on first use). */
  get policy(): LoadedPolicy {
    // The organisation's managed policy lives outside the workspace, where no watcher looks: its files'
    // fingerprint is checked on each use (a few stat calls) so a deployed change holds at once.
    if (this.current && this.current.managed.stamp !== managedStamp()) return this.reload("your organisation's policy changed");
    return this.current ?? this.reload('first use');
  }

  /** The policy file of this folder (whether or not it exists). */
  get file(): vscode.Uri {
    return vscode.Uri.joinPath(this.folder.uri, POLICY_FILE);
  }

  /** Reloads from disk and settings, publishes diagnostics, and tells listeners. */
  reload(why: string): LoadedPolicy {
    const settings = this.settings();
    const rules = settings.rules;
    this.mirrorUserSettings(settings);
    const loaded = loadPolicy({
      workspace: this.folder.uri.fsPath,
      home: homedir(),
      dataRoot: this.dataRoot,
      installDir: this.installDir,
      userRules: rules,
      restricted: !vscode.workspace.isTrusted,
    });
    this.current = loaded;
    this.publish(loaded.problems, undefined);
    const errors = loaded.problems.filter((p) => p.severity === 'error').length;
    this.log.info(`[policy] ${label(this.folder.name)}: loaded (${why}): ${loaded.state}${errors ? `, ${errors} error(s)` : ''}${loaded.compiled.restricted ? ', restricted mode' : ''}`);
    for (const p of loaded.userProblems) this.log.warn(`[policy] airlock.rules: ${p.message}`);
    for (const f of loaded.managed.files) for (const p of f.problems) this.log.warn(`[policy] your organisation's policy ${label(f.path)}:${p.line}:${p.column}: ${p.message}`);
    this.changed.fire(loaded);
    return loaded;
  }

  private validateBuffer(doc: vscode.TextDocument): void {
    if (doc.uri.toString() !== this.file.toString()) return;
    this.publish(parsePolicyText(doc.getText()).problems, doc.getText());
  }

  private publish(problems: readonly PolicyProblem[], text: string | undefined): void {
    const toRange = (p: PolicyProblem): vscode.Range => {
      if (text === undefined) return new vscode.Range(p.line - 1, p.column - 1, p.line - 1, p.column - 1 + p.length);
      const a = positionAt(text, p.offset);
      const b = positionAt(text, p.offset + p.length);
      return new vscode.Range(a.line, a.character, b.line, b.character);
    };
    this.diagnostics.set(
      this.file,
      problems.map((p) => {
        const d = new vscode.Diagnostic(toRange(p), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = 'Airlock';
        return d;
      }),
    );
  }

  private mirrorUserSettings(settings: Settings): void {
    try {
      writeUserSettings(this.dataRoot, settings);
    } catch (e) {
      this.log.error(`[policy] could not write personal settings for hooks: ${said((e as Error).message)}`);
    }
  }
}
