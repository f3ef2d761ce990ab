import * as vscode from 'vscode';
import type { ApprovalQueue } from './approvalQueue';

/** The scheme of a proposed edit's text (before or after), for the diff editor. */
export const PROPOSED_SCHEME = 'airlock-proposed';

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
