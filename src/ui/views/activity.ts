import * as vscode from 'vscode';
import type { AuditEvent } from '../../engine/record';
import { Disposable } from '../../shared/lifecycle';

/** An agent seen deciding recently, for the status bar. */
export interface RecentAgent {
  readonly agent: string;
  readonly folderKey: string;
  readonly last: number;
}

const ACTIVE_MS = 30 * 60_000;
const REFRESH_DELAY_MS = 250;

/**
 * What happened lately: the agents that decided something in the last half hour, and one debounced
 * event after decisions, rollbacks and trust changes, on which the views and the status bar refresh.
 */
export class Activity extends Disposable {
  private readonly recent = new Map<string, RecentAgent>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires (debounced) after {@link refreshSoon}: many decisions in a burst cause one refresh. */
  readonly onDidChange = this.changed.event;

  /** Notes a decision of a folder's gate. */
  decided(folderKey: string, event: AuditEvent): void {
    if (event.session) this.recent.set(event.session, { agent: event.agent, folderKey, last: Date.now() });
    this.refreshSoon();
  }

  /** Agents that decided something in the last 30 minutes. */
  get recentAgents(): readonly RecentAgent[] {
    const now = Date.now();
    return [...this.recent.values()].filter((r) => now - r.last < ACTIVE_MS);
  }

  /** Refreshes the views and the status bar soon. */
  refreshSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire();
    }, REFRESH_DELAY_MS);
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }
}
