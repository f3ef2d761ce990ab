/**
 * Messages between the extension host and the approval webview. One discriminated union per direction;
 * every inbound message is validated at run time (the webview is untrusted), and an answer must echo the
 * pending request's id and the nonce of the current render or it is dropped.
 */
import type { Shown } from './shown';

export type { Shown, ShownRun } from './shown';

/** One side of a diff row. */
export interface DiffCell {
  /** 1-based line number in that version. */
  readonly line: number;
  /** The line split into segments; `changed` marks the words that differ from the other side. */
  readonly segments: readonly { readonly text: Shown; readonly changed: boolean }[];
}

/** One row of a side-by-side diff; `inline` renders the same rows one under the other. */
export interface DiffRow {
  /** `gap`: unchanged lines collapsed; `truncated`: `count` changed rows not shown (too many rows). */
  readonly kind: 'same' | 'change' | 'add' | 'del' | 'gap' | 'truncated';
  readonly left?: DiffCell;
  readonly right?: DiffCell;
  readonly count?: number;
}

/** What a tool does to a file. */
export type FileOp = 'write' | 'create' | 'delete' | 'rename' | 'mkdir';

/** A file of an edit awaiting approval, ready to render. */
export interface FileView {
  readonly path: Shown;
  readonly op: FileOp;
  readonly newPath?: Shown;
  readonly rows: readonly DiffRow[];
  readonly added: number;
  readonly removed: number;
  /** Set instead of rows for binary files, or when the exact result is unknown; says why. */
  readonly note?: Shown;
  /** The language id for light syntax colouring (Airlock's table, by extension). */
  readonly language?: string;
}

/** One part of a command line with its own decision. */
export interface CommandPartView {
  readonly kind: 'command' | 'edit' | 'read';
  readonly text: Shown;
  readonly via: Shown;
  readonly action: 'allow' | 'ask' | 'deny';
  readonly reason: Shown;
  /** How many times the same part with the same decision occurs in the command (listed once). */
  readonly count?: number;
}

/** Something the person should look at before anything else. */
export interface AttentionItem {
  /** Why: a line touching secrets, the network or protected paths; hidden characters; a lookalike name. */
  readonly kinds: readonly ('secret' | 'network' | 'protected' | 'hidden' | 'lookalike')[];
  /** Where: "src/app.ts line 4,812", or the name. */
  readonly where: Shown;
  /** What: the line, or what the name looks like. */
  readonly text: Shown;
  /** The file it is in (index into `files`), to open it in the diff editor. */
  readonly file?: number;
}

/** Something the popup does not show in full, with the way to see all of it. */
export interface LeftOutItem {
  readonly what: Shown;
  /** `diff`: Open in diff editor (file `file`); `command`: show the whole command; `none`: nothing here can show it. */
  readonly see: 'diff' | 'command' | 'none';
  readonly file?: number;
}

/**
 * Everything the approval panel shows about one request. Every text an agent or the file system
 * supplied is a {@link Shown} (made by `shared/shown.ts`); the few plain strings are Airlock's own
 * (ids, language names), and test/unit/ui/protocol.test.ts fails the build if another is added.
 */
export interface ApprovalView {
  readonly id: string;
  readonly agentName: Shown;
  readonly trust: number;
  /** The workspace folder the request is for (shown when several are open). */
  readonly folder?: Shown;
  readonly tool: Shown;
  readonly kind: 'edit' | 'read' | 'command' | 'unknown';
  /** One sentence: "Claude Code wants to edit package.json". */
  readonly title: Shown;
  readonly reason: Shown;
  /**
   * Which condition for passing without a person failed (docs/policy.md "What may pass without a
   * person"): not understood, not reversible, or code that would run outside the sandbox.
   */
  readonly failed?: 'understood' | 'reversible' | 'contained';
  /** The deciding rule in words, when a rule decided. */
  readonly rule?: Shown;
  readonly limit?: Shown;
  readonly files: readonly FileView[];
  /** `text` may be cut (see `leftOut`); `full` is the whole command then, shown on request. */
  readonly command?: { readonly text: Shown; readonly full?: Shown; readonly cwd: Shown; readonly parts: readonly CommandPartView[] };
  readonly paths?: readonly Shown[];
  /** When the request is denied without an answer (ms since epoch). */
  readonly deadline: number;
  /** The rule "Always allow" would add, or why it cannot help. */
  readonly always: { readonly rule: Shown; readonly file: Shown; readonly creates?: boolean } | { readonly unavailable: Shown };
  /** Will the command run in a sandbox if allowed? Says how, or why not. */
  readonly sandbox?: Shown;
  /** Whether "Allow for this session" is offered. */
  readonly sessionScope: boolean;
  /** For a tool Airlock does not understand: its input, shortened. */
  readonly input?: Shown;
  /** What to look at first: shown at the top, whatever its place in the request. */
  readonly attention: readonly AttentionItem[];
  /** What is not shown in full. When not empty, allowing takes a deliberate extra step. */
  readonly leftOut: readonly LeftOutItem[];
  /** Milliseconds left when the host sent this (clocks of host and webview may differ). */
  readonly remainingMs?: number;
}

/** A waiting request in the queue. */
export interface QueuedView {
  readonly id: string;
  readonly title: Shown;
}

/** Host → webview. */
export type HostMessage =
  /** Sent by the host: the request to show, with the render nonce answers must echo, and the queue. */
  | { readonly type: 'show'; readonly nonce: string; readonly request: ApprovalView; readonly queued: readonly QueuedView[] }
  /** Sent by the host: the queue changed while the same request stays on screen (nothing else re-renders). */
  | { readonly type: 'queue'; readonly queued: readonly QueuedView[] }
  /** Sent by the host: nothing is waiting. */
  | { readonly type: 'empty' }
  /** Sent by the host: something went wrong handling the webview's last message. */
  | { readonly type: 'error'; readonly message: Shown };

/** Webview → host. */
export type WebviewMessage =
  /** Sent by the webview once its script runs; the host waits for it before the first `show`. */
  | { readonly type: 'ready' }
  /**
   * Sent by the webview: the person's decision. `unseen` is set when the request was not shown in full
   * and the person either opened every way to see it all or took the extra step to allow it anyway.
   */
  | { readonly type: 'answer'; readonly id: string; readonly nonce: string; readonly action: 'allow' | 'deny'; readonly scope: 'once' | 'session' | 'always'; readonly message?: string; readonly unseen?: true }
  /** Sent by the webview: open one file of the request in VS Code's diff editor. */
  | { readonly type: 'openDiff'; readonly id: string; readonly nonce: string; readonly file: number }
  /** Sent by the webview: show another queued request first. */
  | { readonly type: 'select'; readonly id: string };

/** Exhaustiveness check for `switch` over the unions above. */
export function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}

const isString = (v: unknown, max = 100_000): v is string => typeof v === 'string' && v.length <= max;

/**
 * Validates a message from the webview. Returns undefined for anything malformed: unknown type, wrong
 * field types, oversized strings, extra fields are ignored.
 */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'answer': {
      if (!isString(m.id, 64) || !isString(m.nonce, 64)) return undefined;
      if (m.action !== 'allow' && m.action !== 'deny') return undefined;
      if (m.scope !== 'once' && m.scope !== 'session' && m.scope !== 'always') return undefined;
      if (m.action === 'deny' && m.scope !== 'once') return undefined;
      if (m.message !== undefined && !isString(m.message, 2000)) return undefined;
      if (m.unseen !== undefined && m.unseen !== true) return undefined;
      return { type: 'answer', id: m.id, nonce: m.nonce, action: m.action, scope: m.scope, ...(typeof m.message === 'string' && m.message.trim() ? { message: m.message.trim() } : {}), ...(m.unseen === true ? { unseen: true as const } : {}) };
    }
    case 'openDiff':
      if (!isString(m.id, 64) || !isString(m.nonce, 64) || typeof m.file !== 'number' || !Number.isInteger(m.file) || m.file < 0 || m.file > 10_000) return undefined;
      return { type: 'openDiff', id: m.id, nonce: m.nonce, file: m.file };
    case 'select':
      return isString(m.id, 64) ? { type: 'select', id: m.id } : undefined;
    default:
      return undefined;
  }
}
