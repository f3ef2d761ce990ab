import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_FILE } from '../../core/policy/loadPolicy';
import * as vscode from 'vscode';
import type { ApprovalAnswer } from '../../engine/ask';
import { Disposable } from '../../shared/lifecycle';
import { assertNever, parseWebviewMessage, type ApprovalView, type HostMessage, type WebviewMessage } from '../../shared/protocol';
import { sh, shown, shownText, visible } from '../../shared/shown';
import { renderApprovalHtml, newNonce } from './approvalHtml';
import type { ApprovalQueue, PendingApproval } from './approvalQueue';
import { approvalTitle, approvalView } from './approvalView';
import { proposedUri } from './proposedContentProvider';

/** What the panel needs from the rest of the extension. */
export interface ApprovalPanelHost {
  /** Writes the "Always allow" rule for a request; throws with a message for the person when it cannot. */
  addAlwaysRule(pending: PendingApproval): Promise<void>;
  readonly log: vscode.LogOutputChannel;
  readonly extensionUri: vscode.Uri;
  /** Whether a popup opening for a new request takes the keyboard (`airlock.approvalTakesFocus`). */
  takesFocus(): boolean;
}

/**
 * The approval popup: one webview panel that shows the oldest waiting request (or the one the person
 * picks), with the queue above it. It opens when a request arrives and closes when nothing is waiting.
 * Every answer must name the request on screen and echo the nonce of that render, or it is dropped.
 */
export class ApprovalPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: { id: string; nonce: string } | undefined;
  private selected: string | undefined;
  private ready = false;
  private busy = false;
  /** Views are built once per request (diffing is the costly part). */
  private readonly views = new Map<string, ApprovalView>();
  /** Requests the person has seen the panel for; closing the panel hides them until a new one arrives. */
  private readonly known = new Set<string>();

  constructor(
    private readonly queue: ApprovalQueue,
    private readonly host: ApprovalPanelHost,
  ) {
    super();
    this._register(queue.onDidChange(() => this.update()));
  }

  /** Shows the panel and moves the focus into it (the status bar and "Show Pending Approvals" call this). */
  reveal(): void {
    if (this.queue.pending.length === 0) {
      void vscode.window.showInformationMessage('Airlock: nothing is waiting for your approval.');
      return;
    }
    if (this.panel) this.panel.reveal(undefined, false);
    else this.open(false);
  }

  /** The request on screen, for tests and the status bar. */
  get current(): string | undefined {
    return this.shown?.id;
  }

  /**
   * Opens the panel beside the editor. Without `focus` it does not take the keyboard: a request arriving
   * while the person types elsewhere must not receive their keystrokes.
   */
  private open(preserveFocus = true): void {
    const media = vscode.Uri.joinPath(this.host.extensionUri, 'media');
    const webviewDir = vscode.Uri.joinPath(this.host.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel('airlock.approval', 'Airlock: Approval', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, { enableScripts: true, localResourceRoots: [media, webviewDir], enableFindWidget: true });
    panel.iconPath = vscode.Uri.joinPath(media, 'airlock.svg');
    const w = panel.webview;
    w.html = renderApprovalHtml({
      cspSource: w.cspSource,
      nonce: newNonce(),
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(webviewDir, 'approval.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(media, 'approval.css')).toString(),
      codiconsUri: w.asWebviewUri(vscode.Uri.joinPath(webviewDir, 'codicon.css')).toString(),
    });
    this.ready = false;
    this.shown = undefined;
    const subs = [
      w.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      // A hidden webview is torn down and its script runs again when shown: it sends `ready` again.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    ];
    panel.onDidDispose(() => {
      for (const s of subs) s.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.shown = undefined;
        this.ready = false;
      }
    });
    this.panel = panel;
  }

  private pick(): PendingApproval | undefined {
    const all = this.queue.pending;
    return all.find((p) => p.request.id === this.selected) ?? all.find((p) => p.request.id === this.shown?.id) ?? all[0];
  }

  private update(): void {
    const pending = this.queue.pending;
    for (const id of [...this.views.keys()]) if (!pending.some((p) => p.request.id === id)) this.views.delete(id);
    const arrived = pending.some((p) => !this.known.has(p.request.id));
    for (const p of pending) this.known.add(p.request.id);
    for (const id of [...this.known]) if (!pending.some((p) => p.request.id === id)) this.known.delete(id);
    if (pending.length === 0) {
      this.shown = undefined;
      this.selected = undefined;
      this.panel?.dispose();
      return;
    }
    if (!this.panel) {
      // Closed by the person: it comes back for a new request, not when others leave the queue.
      if (arrived) this.open(!this.host.takesFocus());
      return;
    }
    this.panel.title = `Airlock: Approval${this.queue.pending.length > 1 ? ` (${this.queue.pending.length})` : ''}`;
    // Behind another tab: bring it forward for a new request, without taking the keyboard.
    if (arrived && !this.panel.visible) this.panel.reveal(undefined, true);
    this.show(false);
  }

  /** Sends the request to show; the same request on screen only gets its queue refreshed. */
  private show(force: boolean): void {
    if (!this.panel || !this.ready) return;
    const next = this.pick();
    if (!next) return void this.post({ type: 'empty' });
    const queued = this.queue.pending.map((p) => ({ id: p.request.id, title: approvalTitle(p.request) }));
    if (!force && this.shown?.id === next.request.id) return void this.post({ type: 'queue', queued });
    const nonce = randomBytes(16).toString('hex');
    this.shown = { id: next.request.id, nonce };
    const view = this.viewOf(next);
    this.post({ type: 'show', nonce, request: { ...view, remainingMs: Math.max(0, next.request.deadline - Date.now()) }, queued });
  }

  private viewOf(p: PendingApproval): ApprovalView {
    let view = this.views.get(p.request.id);
    if (!view) {
      const folders = vscode.workspace.workspaceFolders?.length ?? 0;
      view = approvalView(p.request, { workspace: p.folder, ...(folders > 1 ? { folderName: p.folderName } : {}) });
      if ('rule' in view.always && !existsSync(join(p.folder, POLICY_FILE))) view = { ...view, always: { ...view.always, creates: true } };
      this.views.set(p.request.id, view);
    }
    return view;
  }

  private post(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.host.log.warn('[approval] dropped a malformed message from the approval panel');
      return;
    }
    await this.handle(message);
  }

  private stale(id: string, nonce: string, what: string): boolean {
    if (this.shown && this.shown.id === id && this.shown.nonce === nonce) return false;
    this.host.log.warn(`[approval] dropped ${what} for ${id}: it is not the request on screen (or its nonce is stale)`);
    return true;
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.show(true);
        return;
      case 'select':
        if (this.queue.get(message.id)) {
          this.selected = message.id;
          this.show(false);
        }
        return;
      case 'openDiff': {
        if (this.stale(message.id, message.nonce, 'a diff request')) return;
        const pending = this.queue.get(message.id);
        const file = pending?.request.files?.[message.file];
        if (!pending || !file) return;
        // Labels only (the content is found by request id and file index), shown with their marks.
        const left = proposedUri(pending.request.id, message.file, 'before', visible(file.path, { kind: 'name' }));
        const right = proposedUri(pending.request.id, message.file, 'after', visible(file.newPath ?? file.path, { kind: 'name' }));
        // In the other editor group, so the approval panel stays in view.
        const column = this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
        await vscode.commands.executeCommand('vscode.diff', left, right, `${visible(file.path, { kind: 'name', max: 200 })} (proposed by ${shownText(this.viewOf(pending).agentName)})`, { preview: true, preserveFocus: false, viewColumn: column });
        return;
      }
      case 'answer': {
        if (this.stale(message.id, message.nonce, 'an answer') || this.busy) return;
        const pending = this.queue.get(message.id);
        if (!pending) return;
        if (message.scope === 'session' && pending.request.sessionScope === false) {
          this.post({ type: 'error', message: sh`"Allow for this session" is not offered for this request.` });
          return;
        }
        // Allowing what was not shown in full takes the person's extra step in the popup; an answer
        // without it (a script error, a stale render) is refused rather than taken as consent.
        if (message.action === 'allow' && this.viewOf(pending).leftOut.length > 0 && !message.unseen) {
          this.post({ type: 'error', message: sh`This request is not shown in full: open what is left out, or confirm that you allow it without seeing all of it.` });
          return;
        }
        this.busy = true;
        try {
          if (message.scope === 'always') {
            try {
              await this.host.addAlwaysRule(pending);
            } catch (e) {
              this.post({ type: 'error', message: sh`The rule was not added: ${shown((e as Error).message)}. Nothing was allowed; choose again.` });
              return;
            }
          }
          const answer: ApprovalAnswer = { action: message.action, scope: message.scope, by: 'person', ...(message.message ? { message: message.message } : {}) };
          this.selected = undefined;
          if (!this.queue.answer(message.id, answer)) this.post({ type: 'error', message: sh`This request is no longer waiting (it timed out or the agent gave up).` });
        } finally {
          this.busy = false;
        }
        return;
      }
      default:
        assertNever(message);
    }
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}
