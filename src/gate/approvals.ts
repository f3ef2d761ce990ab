/** What the gate asks a person, and what the person answers (the editor popup, or `airlock serve`'s terminal). */
import type { Decision } from '../core/policy/types';

/** One file of an edit awaiting approval, with exactly what will land. */
export interface ApprovalFile {
  /** Workspace-relative where possible. */
  readonly path: string;
  readonly op: 'write' | 'create' | 'delete' | 'rename' | 'mkdir';
  readonly newPath?: string;
  /** Current content (undefined when the file does not exist yet); `binary` when it is not text. */
  readonly before?: string;
  readonly after?: string;
  readonly binary?: boolean;
  /** Set when the exact new content could not be computed; says why. */
  readonly approximate?: string;
}

/** A request for a person's decision. */
export interface ApprovalRequest {
  readonly id: string;
  readonly agent: string;
  readonly agentSessionId: string;
  readonly sessionId: string;
  readonly tool: string;
  readonly kind: 'edit' | 'read' | 'command' | 'unknown';
  /** The policy's decision that led here (action `ask`), with the rule, the reason and each part. */
  readonly decision: Decision;
  readonly files?: readonly ApprovalFile[];
  readonly command?: string;
  readonly cwd: string;
  readonly paths?: readonly string[];
  /** When the request times out to deny (ms since epoch). */
  readonly deadline: number;
  /** The trust level the agent is at. */
  readonly trust: number;
  /** For commands: whether and how it will run in the sandbox if allowed. */
  readonly sandbox?: string;
  /** Whether "allow for this session" may be offered (not for unknown tools, nor when a limit asks). */
  readonly sessionScope?: boolean;
  /** For tools Airlock does not understand: their input, shortened, so the person sees what they allow. */
  readonly input?: string;
}

/** A person's answer. */
export interface ApprovalAnswer {
  readonly action: 'allow' | 'deny';
  /** `session`: allow the same thing again in this session without asking; `always`: a rule was written. */
  readonly scope?: 'once' | 'session' | 'always';
  /** Sent back to the agent with a denial. */
  readonly message?: string;
  readonly by: 'person' | 'timeout' | 'cancelled';
}

/** Whoever asks people: the editor, or a terminal. */
export interface Asker {
  ask(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer>;
}
