import type { ActionKind } from './policy/types';

/** One string replacement of an edit tool (Claude `Edit`, Copilot `replace_string_in_file`, …). */
export interface Replacement {
  readonly oldString: string;
  readonly newString: string;
  readonly replaceAll?: boolean;
}

/** Enough to compute the exact new content of an edited file. */
export type EditPayload =
  | { readonly type: 'content'; readonly content: string }
  | { readonly type: 'replace'; readonly replacements: readonly Replacement[] }
  | { readonly type: 'patch'; readonly patch: string }
  | { readonly type: 'insert'; readonly line: number; readonly text: string };

/**
 * What every agent adapter produces (docs/design.md "The ActionRequest"): who asks, in which workspace, to do
 * what, to which paths, and for edits enough to compute the new content.
 */
export interface ActionRequest {
  readonly agent: string;
  readonly agentSessionId?: string;
  /** Absolute path of the workspace folder. */
  readonly workspace: string;
  readonly kind: ActionKind;
  /** Target paths: one for edit/create/delete/read, `[from, to]` for rename. Absolute or workspace-relative. */
  readonly paths: readonly string[];
  /** For commands: the command line as the agent's shell would run it. */
  readonly command?: string;
  /** For commands: the directory it runs in (default: the workspace). */
  readonly cwd?: string;
  /** For edits: how to compute the new content. */
  readonly edit?: EditPayload;
  /** The agent's own tool name, for messages and the audit log. */
  readonly tool?: string;
}
