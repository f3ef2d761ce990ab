import * as vscode from 'vscode';
import type { FileState } from '../../core/history/fileState';
import type { History } from '../../core/history/history';
import { isBinary, stateContent } from '../../core/history/inspect';
import type { ApprovalQueue } from '../approval/approvalQueue';

/** The scheme of a proposed edit's text (before or after), for the diff editor. */
export const PROPOSED_SCHEME = 'airlock-proposed';
/** The scheme of a file's content kept in the shadow history. */
export const HISTORY_SCHEME = 'airlock-history';

/** The URI of one side of a pending request's file. */
export function proposedUri(requestId: string, file: number, side: 'before' | 'after', path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${side}/${path.replace(/^\/+/, '')}`, query: new URLSearchParams({ id: requestId, file: String(file) }).toString() });
}

/** Serves the before and after text of files in requests still waiting for a person. */
export class ProposedContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly queue: ApprovalQueue) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const q = new URLSearchParams(uri.query);
    const pending = this.queue.get(q.get('id') ?? '');
    const file = pending?.request.files?.[Number(q.get('file'))];
    if (!pending || !file) return '(This request is no longer waiting, so Airlock no longer holds its proposed text.)';
    const side = uri.path.startsWith('/before/') ? 'before' : 'after';
    if (file.binary) return `(${file.approximate ?? 'binary file: no text to show'})`;
    if (side === 'before') return file.before ?? '';
    if (file.op === 'delete') return '';
    return file.after ?? `(${file.approximate ?? 'the new content is not known before the tool runs'})`;
  }
}

/** The URI of a recorded state of `path` in a folder's history. */
export function historyUri(folderKey: string, path: string, state: FileState | undefined, label: string): vscode.Uri {
  const params = new URLSearchParams({ folder: folderKey, label });
  if (state) params.set('state', JSON.stringify(state));
  return vscode.Uri.from({ scheme: HISTORY_SCHEME, path: `/${path.replace(/^\/+/, '')}`, query: params.toString() });
}

/** Serves file content from the shadow history (read-only; verified against its hash on every read). */
export class HistoryContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly historyOf: (folderKey: string) => History | undefined) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const q = new URLSearchParams(uri.query);
    const history = this.historyOf(q.get('folder') ?? '');
    if (!history) return '(The workspace folder of this file is no longer open.)';
    let state: FileState | undefined;
    try {
      state = q.has('state') ? (JSON.parse(q.get('state')!) as FileState) : undefined;
    } catch {
      return '(Not a valid Airlock history address.)';
    }
    if (!state || state.type === 'missing') return '';
    if (state.type === 'dir') return '(a folder)';
    if (state.type === 'symlink') return `(a symbolic link to ${state.target})`;
    const data = stateContent(history, state);
    if (data === 'unsaved') return `(Airlock did not keep this content: ${'unsaved' in state ? state.unsaved : 'it is missing or damaged'}; ${state.size} bytes)`;
    if (!data) return '';
    if (isBinary(data)) return `(binary file, ${data.length} bytes)`;
    return data.toString('utf8');
  }
}
