/**
 * The requests waiting for a person, across every workspace folder's gate. Each gate asks through
 * {@link ApprovalQueue.askerFor}; the approval panel shows the queue and answers by id. A request
 * leaves the queue when it is answered, times out, or its hook gives up (the gate aborts it). No
 * `vscode` here, so it is unit-tested directly.
 */
import type { ApprovalAnswer, ApprovalRequest, Asker } from '../../engine/ask';
import type { IDisposable } from '../../shared/lifecycle';

/** One waiting request and the folder whose gate asked. */
export interface PendingApproval {
  readonly request: ApprovalRequest;
  /** The workspace folder (its path) the request is for. */
  readonly folder: string;
  /** The folder's URI as a string: the key of its gate. */
  readonly folderKey: string;
  readonly folderName: string;
  /** When it arrived (ms since epoch), for ordering. */
  readonly arrived: number;
}

interface Entry extends PendingApproval {
  readonly resolve: (answer: ApprovalAnswer) => void;
}

/** First in, first out; the person may pick another one to answer first. */
export class ApprovalQueue {
  private readonly entries: Entry[] = [];
  private readonly listeners = new Set<() => void>();

  /** The waiting requests, oldest first. */
  get pending(): readonly PendingApproval[] {
    return this.entries;
  }

  /** Finds a waiting request by id. */
  get(id: string): PendingApproval | undefined {
    return this.entries.find((e) => e.request.id === id);
  }

  /** Calls `listener` after every change to the queue. */
  onDidChange(listener: () => void): IDisposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The asker a folder's gate uses. */
  askerFor(folder: string, folderName: string, folderKey = folder): Asker {
    return { ask: (request, signal) => this.ask(request, signal, folder, folderName, folderKey) };
  }

  private ask(request: ApprovalRequest, signal: AbortSignal, folder: string, folderName: string, folderKey: string): Promise<ApprovalAnswer> {
    if (signal.aborted) return Promise.resolve({ action: 'deny', by: 'cancelled' });
    return new Promise<ApprovalAnswer>((resolve) => {
      const entry: Entry = {
        request,
        folder,
        folderKey,
        folderName,
        arrived: Date.now(),
        resolve: (answer) => {
          signal.removeEventListener('abort', onAbort);
          resolve(answer);
        },
      };
      // The gate aborts when the request times out or its hook process went away: stop showing it.
      const onAbort = (): void => void this.settle(request.id, { action: 'deny', by: 'cancelled' });
      signal.addEventListener('abort', onAbort, { once: true });
      this.entries.push(entry);
      this.fire();
    });
  }

  /** Answers a waiting request; false when it is no longer waiting (answered, timed out, withdrawn). */
  answer(id: string, answer: ApprovalAnswer): boolean {
    return this.settle(id, answer);
  }

  /** Denies everything waiting (the editor is closing, or the folder went away). */
  cancelAll(folder?: string): void {
    for (const e of [...this.entries]) if (folder === undefined || e.folder === folder) this.settle(e.request.id, { action: 'deny', by: 'cancelled' });
  }

  private settle(id: string, answer: ApprovalAnswer): boolean {
    const i = this.entries.findIndex((e) => e.request.id === id);
    if (i === -1) return false;
    const [entry] = this.entries.splice(i, 1);
    entry!.resolve(answer);
    this.fire();
    return true;
  }

  /** Told when a listener throws (the extension logs it: a request must not stay invisible silently). */
  onListenerError: (e: unknown) => void = () => undefined;

  private fire(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch (e) {
        // a failing listener must not stop the others or the answer
        this.onListenerError(e);
      }
    }
  }
}
