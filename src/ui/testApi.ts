import type { ApprovalAnswer, ApprovalRequest } from '../engine/ask';
import type { ApprovalQueue } from './approval/approvalQueue';
import type { FolderList } from './folders/workspaceFolders';
import type { SessionsView } from './views/sessionsView';

/**
 * What the in-host tests may see and do, returned by `activate()` only when VS Code runs the
 * extension under its test runner (`ExtensionMode.Test`). Never in normal use: any other extension can
 * read an extension's exports, and none may answer an approval.
 */
export interface AirlockTestApi {
  /** Each folder's gate: its folder path and state. */
  gates(): readonly { readonly folder: string; readonly state: string }[];
  /** The requests waiting for a person, oldest first. */
  pending(): readonly ApprovalRequest[];
  /** Answers a waiting request as the person would; false when it no longer waits. */
  answer(id: string, answer: ApprovalAnswer): boolean;
  /** The agents of the sessions the "Agent Sessions" view lists, newest first. */
  sessionAgents(): readonly string[];
}

/** Builds the test API over the shell's parts. */
export function testApi(parts: { readonly folders: FolderList; readonly queue: ApprovalQueue; readonly sessions: SessionsView }): AirlockTestApi {
  return {
    gates: () => parts.folders.hosts.map((h) => ({ folder: h.folder.uri.fsPath, state: h.state.kind })),
    pending: () => parts.queue.pending.map((p) => p.request),
    answer: (id, answer) => parts.queue.answer(id, answer),
    sessionAgents: () => parts.sessions.getChildren().flatMap((n) => (n.type === 'session' ? [n.session.agent] : [])),
  };
}
