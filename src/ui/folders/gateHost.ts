import * as vscode from 'vscode';
import { GateBusyError } from '../../gate/gateServer';
import { GateRuntime } from '../../gate/gateRuntime';
import type { AuditEvent } from '../../engine/record';
import type { TrustLevel } from '../../core/policy/types';
import type { SandboxRunner } from '../../core/sandbox/rewrite';
import { Disposable } from '../../shared/lifecycle';
import type { Settings } from '../../core/settings';
import type { ApprovalQueue } from '../approval/approvalQueue';
import type { PolicyService } from './policyService';
import { label, said } from '../labels';

/** What the gate of a folder is doing. */
export type GateState = { readonly kind: 'starting' } | { readonly kind: 'serving' } | { readonly kind: 'busy'; readonly message: string } | { readonly kind: 'failed'; readonly message: string };

const RETRY_BUSY_MS = 15_000;

/**
 * The gate of one workspace folder, hosted by the editor: hooks of every agent in the folder ask it, and
 * what needs a person goes to the approval queue. When another gate already serves the folder (`airlock
 * serve` in a terminal, or a second window on the same folder) it waits and takes over when that one
 * stops. The history, audit log and trust store are open either way, for the views and the commands.
 */
export class GateHost extends Disposable {
  readonly runtime: GateRuntime;
  private stateValue: GateState = { kind: 'starting' };
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when the gate's state changes. */
  readonly onDidChange = this.changed.event;

  constructor(
    readonly policy: PolicyService,
    private readonly queue: ApprovalQueue,
    dataRoot: string,
    settings: () => Settings,
    private readonly log: vscode.LogOutputChannel,
    handlers: { onDecision: (event: AuditEvent) => void; onPromotionOffer: (host: GateHost, agent: string, to: TrustLevel) => void; runner: () => SandboxRunner },
  ) {
    super();
    const folder = policy.folder;
    this.runtime = new GateRuntime({
      workspace: folder.uri.fsPath,
      dataRoot,
      policy: () => policy.policy,
      asker: queue.askerFor(folder.uri.fsPath, folder.name, folder.uri.toString()),
      log,
      approvalTimeoutMs: () => settings().approvalTimeoutSeconds * 1000,
      onDecision: handlers.onDecision,
      onPromotionOffer: (agent, to) => handlers.onPromotionOffer(this, agent, to),
      sandboxRunner: handlers.runner,
      onBackstop: (report) => void vscode.window.showWarningMessage(`Airlock: ${report.message}`),
    });
    // A protected file the person saves here is theirs: the backstop takes it as the new state.
    this._register(vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.uri.scheme === 'file') this.runtime.backstop.accept([d.uri.fsPath]);
    }));
  }

  get folder(): vscode.WorkspaceFolder {
    return this.policy.folder;
  }

  get state(): GateState {
    return this.stateValue;
  }

  /** Starts serving; a busy folder is retried every 15 s. */
  async start(): Promise<void> {
    if (this.isDisposed) return;
    try {
      await this.runtime.start();
      if (this.isDisposed) {
        // The folder closed while the gate was starting: it must not keep serving.
        await this.runtime.stop();
        return;
      }
      this.setState({ kind: 'serving' });
    } catch (e) {
      if (this.isDisposed) return;
      if (e instanceof GateBusyError) {
        if (this.stateValue.kind !== 'busy') this.log.info(`[gate] ${label(this.folder.name)}: ${said(e.message)}; approvals go there, and this window takes over when it stops`);
        this.setState({ kind: 'busy', message: e.message });
        this.retry = setTimeout(() => void this.start(), RETRY_BUSY_MS);
      } else {
        this.log.error(`[gate] ${label(this.folder.name)}: could not start: ${said((e as Error).message)}`);
        this.setState({ kind: 'failed', message: (e as Error).message });
      }
    }
  }

  private setState(state: GateState): void {
    this.stateValue = state;
    this.changed.fire();
  }

  override dispose(): void {
    if (this.retry) clearTimeout(this.retry);
    this.queue.cancelAll(this.folder.uri.fsPath);
    // Only a gate this window started is stopped: a busy folder's socket and token belong to the other gate.
    if (this.stateValue.kind === 'serving') void this.runtime.stop().catch((e: Error) => this.log.warn(`[gate] stopping: ${said(e.message)}`));
    super.dispose();
  }
}
