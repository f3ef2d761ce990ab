/**
 * What every agent adapter produces from a hook payload, and what it needs to answer. One module per
 * wire format (docs/cli.md "airlock hook DIALECT"); the payload says which agent really sent it.
 */
import type { AgentId } from '../shared/ids';

/** The wire formats `airlock hook` accepts. */
export const DIALECTS = ['claude', 'vscode', 'copilot-cli', 'cursor', 'gemini', 'codex'] as const;

/** One of {@link DIALECTS}. */
export type Dialect = (typeof DIALECTS)[number];

/** True when `d` names a dialect. */
export function isDialect(d: string): d is Dialect {
  return (DIALECTS as readonly string[]).includes(d);
}

/** Where in the tool call's life the event comes. */
export type HookPhase = 'pre' | 'post' | 'post-failure' | 'session-end' | 'other';

/** One file an edit tool will change, with what is known of its new content. */
export interface ProposedFile {
  /** Absolute path. */
  readonly path: string;
  readonly op: 'write' | 'create' | 'delete' | 'rename' | 'mkdir';
  /** For renames: the new absolute path. */
  readonly newPath?: string;
  /** The full new content, when the tool gives it (Write, create_file). */
  readonly content?: string;
  /** String replacements to apply to the current content (Edit, replace_string_in_file, V4A hunks). */
  readonly replacements?: readonly { oldString: string; newString: string; replaceAll?: boolean; anchor?: string }[];
  /** A unified diff of this file (git_apply_patch). */
  readonly unifiedPatch?: string;
  /** The new content is only approximately known (insert_edit_into_file, notebooks); says why. */
  readonly approximate?: string;
}

/** What the tool call does, in Airlock's terms. */
export type ToolAction =
  | { readonly category: 'edit'; readonly files: readonly ProposedFile[] }
  | {
      readonly category: 'read';
      readonly paths: readonly string[];
      /**
       * A search or a listing of folders rather than a read of files (Grep, Glob, LS): `content` says whether
       * it reads the files below (a search) or only their names (a listing). `glob` narrows a search; where
       * the tool takes an exclusion, `narrowable` names the input field Airlock can set to leave secrets out.
       */
      readonly search?: { readonly content: boolean; readonly glob?: string; readonly narrowable?: string };
    }
  | { readonly category: 'command'; readonly command: string; readonly cwd: string }
  /** A tool Airlock has no opinion on (todo lists, sub-agents, web search): the agent's own permissions decide. */
  | { readonly category: 'passthrough' }
  /** A tool Airlock does not know: never allowed without a person. */
  | { readonly category: 'unknown' };

/** A hook payload, understood. */
export interface AgentEvent {
  readonly dialect: Dialect;
  readonly agent: AgentId;
  readonly phase: HookPhase;
  /** The event name as the agent spelled it (`PreToolUse`, `beforeShellExecution`, …). */
  readonly eventName: string;
  readonly agentSessionId: string;
  /** The directory the agent works in (absolute). */
  readonly cwd: string;
  /** Workspace folders the agent reports (Cursor). */
  readonly workspaceRoots: readonly string[];
  /** The tool call's id, when the agent gives one (pairs pre- and post-events). */
  readonly toolUseId?: string;
  readonly tool: string;
  readonly toolInput: unknown;
  readonly action: ToolAction;
}

/** How the gate or the offline decision answers one event. */
export interface Verdict {
  /** `none`: no opinion, the agent's own permission system decides. */
  readonly action: 'allow' | 'deny' | 'ask' | 'none';
  readonly reason: string;
  /** Replacement tool input (sandboxed commands); only where the dialect supports it. */
  readonly updatedInput?: Record<string, unknown>;
}

/** What `airlock hook` prints and exits with. */
export interface HookAnswer {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Thrown for a payload that is not what an agent sends; answered with a deny. */
export class MalformedPayloadError extends Error {}

/** One agent dialect: understands its payloads and speaks its answers. */
export interface Adapter {
  readonly dialect: Dialect;
  /** True when the payload looks like this dialect's (used to tell agents sharing a hook file apart). */
  matches(payload: Readonly<Record<string, unknown>>): boolean;
  parse(payload: Readonly<Record<string, unknown>>): AgentEvent;
  answer(event: AgentEvent | undefined, verdict: Verdict): HookAnswer;
  /** True when the agent can show its own approval prompt for an `ask` (used when no gate answers). */
  readonly nativeAsk: boolean;
  /**
   * Whether the agent can show its own prompt for this event, when that depends on the event or on how
   * the agent runs (a headless Gemini CLI would wait for an answer forever; Claude Code cannot ask about
   * a skill's shell command). Falls back to {@link nativeAsk}.
   */
  asksNatively?(event: AgentEvent): boolean;
}

/** Whether `adapter` can ask a person itself about `event`. */
export function canAskNatively(adapter: Adapter, event: AgentEvent): boolean {
  return adapter.asksNatively ? adapter.asksNatively(event) : adapter.nativeAsk;
}
