/**
 * Messages between the extension host and the approval webview. One discriminated union per direction;
 * every inbound message is validated at run time (the webview is untrusted), and an answer must echo the
 * pending request's id and the nonce of the current render or it is dropped.
 */

/** One side of a diff row. */
export interface DiffCell {
  /** 1-based line number in that version. */
  readonly line: number;
  /** The line split into segments; `changed` marks the words that differ from the other side. */
  readonly segments: readonly { readonly text: string; readonly changed: boolean }[];
}

/** One row of a side-by-side diff; `inline` renders the same rows one under the other. */
export interface DiffRow {
  /** `gap`: unchanged lines collapsed; `truncated`: `count` changed lines not shown (too many rows). */
  readonly kind: 'same' | 'change' | 'add' | 'del' | 'gap' | 'truncated';
  readonly left?: DiffCell;
  readonly right?: DiffCell;
  readonly count?: number;
}

/** A file of an edit awaiting approval, ready to render. */
export interface FileView {
  readonly path: string;
  readonly op: string;
  readonly newPath?: string;
  readonly rows: readonly DiffRow[];
  readonly added: number;
  readonly removed: number;
  /** Set instead of rows for binary files, or when the exact result is unknown; says why. */
  readonly note?: string;
  /** The language id for light syntax colouring (by extension). */
  readonly language?: string;
}

/** One part of a command line with its own decision. */
export interface CommandPartView {
  readonly kind: string;
  readonly text: string;
  readonly via: string;
  readonly action: 'allow' | 'ask' | 'deny';
  readonly reason: string;
}

/** Everything the approval panel shows about one request. */
export interface ApprovalView {
  readonly id: string;
  readonly agent: string;
  readonly agentName: string;
  readonly trust: number;
  /** The workspace folder the request is for (shown when several are open). */
  readonly folder?: string;
  readonly tool: string;
  readonly kind: 'edit' | 'read' | 'command' | 'unknown';
  /** One sentence: "Claude Code wants to edit package.json". */
  readonly title: string;
  readonly reason: string;
  /** The deciding rule in words, when a rule decided. */
  readonly rule?: string;
  readonly limit?: string;
  readonly files: readonly FileView[];
  readonly command?: { readonly text: string; readonly cwd: string; readonly parts: readonly CommandPartView[] };
  readonly paths?: readonly string[];
  /** When the request is denied without an answer (ms since epoch). */
  readonly deadline: number;
  /** The rule "Always allow" would add, or why it cannot help. */
  readonly always: { readonly rule: string; readonly file: string; readonly creates?: boolean } | { readonly unavailable: string };
  /** Will the command run in a sandbox if allowed? Says how, or why not. */
  readonly sandbox?: string;
  /** Whether "Allow for this session" is offered. */
  readonly sessionScope: boolean;
  /** For a tool Airlock does not understand: its input, shortened. */
  readonly input?: string;
  /** Milliseconds left when the host sent this (clocks of host and webview may differ). */
  readonly remainingMs?: number;
}

/** Host → webview. */
export type HostMessage =
  /** Sent by the host: the request to show, with the render nonce answers must echo, and the queue. */
  | { readonly type: 'show'; readonly nonce: string; readonly request: ApprovalView; readonly queued: readonly { readonly id: string; readonly title: string }[] }
  /** Sent by the host: the queue changed while the same request stays on screen (nothing else re-renders). */
  | { readonly type: 'queue'; readonly queued: readonly { readonly id: string; readonly title: string }[] }
  /** Sent by the host: nothing is waiting. */
  | { readonly type: 'empty' }
  /** Sent by the host: something went wrong handling the webview's last message. */
  | { readonly type: 'error'; readonly message: string };

/** Webview → host. */
export type WebviewMessage =
  /** Sent by the webview once its script runs; the host waits for it before the first `show`. */
  | { readonly type: 'ready' }
  /** Sent by the webview: the person's decision. */
  | { readonly type: 'answer'; readonly id: string; readonly nonce: string; readonly action: 'allow' | 'deny'; readonly scope: 'once' | 'session' | 'always'; readonly message?: string }
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
      return { type: 'answer', id: m.id, nonce: m.nonce, action: m.action, scope: m.scope, ...(typeof m.message === 'string' && m.message.trim() ? { message: m.message.trim() } : {}) };
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
