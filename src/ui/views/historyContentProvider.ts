import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { FileState } from '../../core/history/fileState';
import type { History } from '../../core/history/history';
import { isBinary, stateContent } from '../../core/history/inspect';

/** The scheme of a file's content kept in the shadow history. */
export const HISTORY_SCHEME = 'airlock-history';

/** The file a journal path names: workspace-relative, or absolute for a file outside the workspace. */
export function journalFileUri(folder: vscode.Uri, path: string): vscode.Uri {
  return isAbsolute(path) ? vscode.Uri.file(path) : vscode.Uri.joinPath(folder, path);
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
