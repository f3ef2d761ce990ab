/**
 * Asking a person: what the gate asks (the editor popup, or `airlock serve`'s terminal), what the person
 * answers, and what an `ask` becomes when nobody can be asked.
 */
import { randomBytes } from 'node:crypto';
import { canAskNatively, type Adapter, type AgentEvent, type Verdict } from '../agents/types';
import type { Logger } from '../core/logger';
import type { Decision } from '../core/policy/types';
import type { PreparedAction } from './decide';
import { displayPath } from './decide';
import type { DecidedBy } from './record';

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

/** Remembers what a person allowed "for this session". */
export class SessionAllows {
  private readonly allowed = new Map<string, Set<string>>();
  has(session: string, signature: string): boolean {
    return this.allowed.get(session)?.has(signature) === true;
  }
  add(session: string, signature: string): void {
    let set = this.allowed.get(session);
    if (!set) this.allowed.set(session, (set = new Set()));
    set.add(signature);
  }
}

/** What asking needs of where it runs. */
export interface AskContext {
  readonly workspace: string;
  /** The person, when a gate is running. */
  readonly asker?: Asker;
  readonly approvalTimeoutMs: number;
  /** What an `ask` becomes with no gate, for agents without their own prompt: `deny` (default) or `allow`. */
  readonly offline: 'deny' | 'allow';
  readonly sessionAllows?: SessionAllows;
  readonly log: Logger;
}

/**
 * What "allow for this session" covers: this kind of action on exactly these paths (sorted), or this
 * exact command line. Unknown tools have no signature: their input is not understood, so a person's
 * answer covers only the call they saw.
 */
function signature(action: PreparedAction | undefined, event: AgentEvent): string | undefined {
  if (!action) return undefined;
  if (action.kind === 'command') return JSON.stringify(['command', event.action.category === 'command' ? event.action.command : action.target]);
  return JSON.stringify([action.kind, [...action.paths].sort()]);
}

/** A tool's raw input, shortened, for a person to read when Airlock does not understand the tool. */
function previewInput(input: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(input, null, 2) ?? String(input);
  } catch {
    text = String(input);
  }
  return text.length > 4000 ? `${text.slice(0, 4000)}\n… (${text.length - 4000} more characters)` : text;
}

/** Resolves an `ask`: the person through the gate, or without one the agent's own prompt or `airlock.offline`. */
export async function resolveAsk(ctx: AskContext, event: AgentEvent, adapter: Adapter, decision: Decision, action: PreparedAction | undefined, session: string, trust: number, hangUp?: AbortSignal, sandboxNote?: string): Promise<{ verdict: Verdict; by: DecidedBy }> {
  const sig = signature(action, event);
  // A limit asks every time: an earlier "for this session" does not lift the limits.
  if (sig && decision.source !== 'limit' && ctx.sessionAllows?.has(session, sig)) return { verdict: { action: 'allow', reason: 'allowed for this session by a person' }, by: 'session' };
  if (!ctx.asker) {
    if (canAskNatively(adapter, event)) return { verdict: { action: 'ask', reason: `${decision.reason} (no Airlock gate is running, so ${event.agent} asks you itself)` }, by: 'offline' };
    const why = `${decision.reason}. It needs a person's approval, and no Airlock gate is running: open the workspace in VS Code with Airlock, or run \`airlock serve\``;
    return ctx.offline === 'allow' ? { verdict: { action: 'allow', reason: `${why}; allowed because airlock.offline is "allow"` }, by: 'offline' } : { verdict: { action: 'deny', reason: why }, by: 'offline' };
  }
  // Read once: the setting may change while the person looks at the request.
  const timeoutMs = ctx.approvalTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  const request: ApprovalRequest = {
    id: randomBytes(8).toString('hex'),
    agent: event.agent,
    agentSessionId: event.agentSessionId,
    sessionId: session,
    tool: event.tool,
    kind: action?.kind ?? 'unknown',
    decision,
    ...(action?.files ? { files: action.files } : {}),
    ...(event.action.category === 'command' ? { command: event.action.command } : {}),
    ...(action?.paths.length ? { paths: action.paths.map((p) => displayPath(ctx.workspace, p)) } : {}),
    cwd: event.cwd,
    deadline,
    trust,
    ...(sandboxNote ? { sandbox: sandboxNote } : {}),
    sessionScope: sig !== undefined && decision.source !== 'limit',
    ...(action ? {} : { input: previewInput(event.toolInput) }),
  };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onHangUp = (): void => controller.abort();
  if (hangUp?.aborted) controller.abort();
  hangUp?.addEventListener('abort', onHangUp, { once: true });
  let answer: ApprovalAnswer;
  try {
    answer = await Promise.race([
      ctx.asker.ask(request, controller.signal),
      new Promise<ApprovalAnswer>((resolve) => {
        const settle = (): void => resolve(timedOut ? { action: 'deny', by: 'timeout' } : { action: 'deny', by: 'cancelled', message: 'the request was withdrawn (the agent stopped waiting, or the editor closed)' });
        if (controller.signal.aborted) settle();
        else controller.signal.addEventListener('abort', settle, { once: true });
      }),
    ]);
  } catch (e) {
    ctx.log.error(`[gate] asking failed: ${(e as Error).message}`);
    answer = { action: 'deny', by: 'cancelled' };
  } finally {
    clearTimeout(timer);
    hangUp?.removeEventListener('abort', onHangUp);
    controller.abort();
  }
  // The asker hears the abort too and may answer `cancelled` first: a timeout is still a timeout.
  if (timedOut && answer.by === 'cancelled') answer = { action: 'deny', by: 'timeout' };
  if (answer.action === 'allow') {
    if (answer.scope === 'session' && sig && decision.source !== 'limit') ctx.sessionAllows?.add(session, sig);
    return { verdict: { action: 'allow', reason: `allowed by a person${answer.scope === 'session' ? ' for this session' : answer.scope === 'always' ? ' (a rule now allows it)' : ''}` }, by: 'person' };
  }
  if (answer.by === 'timeout') return { verdict: { action: 'deny', reason: `nobody answered within ${Math.round(timeoutMs / 1000)} s, so Airlock denied it (${decision.reason})` }, by: 'timeout' };
  if (answer.by === 'cancelled') return { verdict: { action: 'deny', reason: `nobody answered: ${answer.message ?? 'the request was withdrawn'} (${decision.reason})` }, by: 'cancelled' };
  return { verdict: { action: 'deny', reason: answer.message ? `a person denied it: ${answer.message}` : 'a person denied it' }, by: 'person' };
}
