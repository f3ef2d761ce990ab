/**
 * One hook event, end to end: parse the payload, decide (engine/decide.ts), ask a person when the policy
 * says `ask` and a gate is there to ask (engine/ask.ts), record what is allowed in the shadow history
 * before answering, audit it, and answer in the agent's own format. Used by the gate (in the editor or
 * `airlock serve`) and by `airlock hook` itself when no gate answers.
 *
 * Never fails open by accident: any error while deciding a pre-tool event answers deny, naming Airlock.
 */
import { detectAdapter, parseEvent, salvageEvent, ADAPTERS } from '../agents/detect';
import { postNotice } from '../agents/postNotice';
import { MalformedPayloadError, type Adapter, type AgentEvent, type Dialect, type HookAnswer, type Verdict } from '../agents/types';
import { MalformedPatchError } from '../core/edits/editErrors';
import type { History } from '../core/history/history';
import { sessionIdFor, type SessionRef } from '../core/history/history';
import type { LoadedPolicy } from '../core/policy/loadPolicy';
import type { Decision, TrustLevel } from '../core/policy/types';
import { resolveAsk, type AskContext } from './ask';
import { commandWindowMs, type Backstop, type BackstopReport } from './backstop';
import { currentText, decideEvent } from './decide';
import { PENDING_FRESH_MS, PENDING_FRESH_NO_ID_MS, PendingCalls, pendingKey, type Pending } from './pending';
import type { AuditEvent, DecidedBy } from './record';
import type { SandboxEnv } from './sandboxPlan';

/** What the handler needs of the trust store. */
export interface TrustKeeper {
  level(agent: string): TrustLevel;
  /** Counts an allowed action; returns a promotion offer when one becomes due. */
  recordAction(agent: string, session: string): { to: TrustLevel } | undefined;
  demote(agent: string, why: 'denied' | 'limit', detail: string): unknown;
}

/** Everything the handler needs about where it runs. */
export interface HookContext extends AskContext {
  policy(): LoadedPolicy;
  readonly history: History;
  readonly trust: TrustKeeper;
  readonly mode: 'gate' | 'offline';
  /** Decisions under way, by tool call (a gate shares one decision between duplicate deliveries). */
  readonly inflight?: Map<string, Promise<Verdict>>;
  readonly audit?: (event: AuditEvent) => void;
  /** Told when an agent's record earns a promotion offer (the editor shows it to the person). */
  readonly onPromotionOffer?: (agent: string, to: TrustLevel) => void;
  /** How sandboxed commands start Airlock; without it nothing is sandboxed. */
  readonly sandbox?: SandboxEnv;
  /** The after-the-fact check of the protected files (engine/backstop.ts). */
  readonly backstop?: Backstop;
}

const DENIED_WINDOW_MS = 15_000;

/** The time limit a shell tool call gives itself (Claude Code's Bash `timeout`, in ms), in seconds. */
function toolTimeoutSeconds(event: AgentEvent): number | undefined {
  const t = (event.toolInput as { timeout?: unknown } | null)?.timeout;
  return typeof t === 'number' && Number.isFinite(t) && t > 0 ? Math.min(t / 1000, 24 * 3600) : undefined;
}

/** Runs a backstop step; its failure is logged and never changes a decision. */
function backstopStep(ctx: HookContext, step: (b: Backstop) => BackstopReport | undefined): BackstopReport | undefined {
  if (!ctx.backstop) return undefined;
  try {
    return step(ctx.backstop);
  } catch (e) {
    ctx.log.error(`[backstop] the check of the protected files failed: ${(e as Error).message}`);
    return undefined;
  }
}

const MAX_PAYLOAD = 64 * 1024 * 1024;

/** The pending calls of each history folder (one per process, so sweeping is rate-limited per folder). */
const pendingByDir = new Map<string, PendingCalls>();
function pendingOf(ctx: HookContext): PendingCalls {
  let p = pendingByDir.get(ctx.history.dir);
  if (!p) pendingByDir.set(ctx.history.dir, (p = new PendingCalls(ctx.history.dir)));
  return p;
}

/** Parses the payload text into an object, refusing anything an agent would not send. */
function parsePayload(text: string): Record<string, unknown> {
  if (text.length > MAX_PAYLOAD) throw new MalformedPayloadError(`the payload is larger than ${MAX_PAYLOAD / 1024 / 1024} MiB`);
  if (text.trim() === '') throw new MalformedPayloadError('the payload is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MalformedPayloadError(`the payload is not JSON (${(e as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new MalformedPayloadError('the payload is not a JSON object');
  return value as Record<string, unknown>;
}

async function decideVerdict(ctx: HookContext, adapter: Adapter, event: AgentEvent, signal?: AbortSignal): Promise<Verdict> {
  const ref: SessionRef = { agent: event.agent, agentSessionId: event.agentSessionId };
  const session = sessionIdFor(ref);
  const pending = pendingOf(ctx);
  pending.sweep();
  const key = pendingKey(event);
  const earlier = pending.read(key);
  // Replay only a real decision, and for calls without an id only within seconds (the same call arriving
  // through a second hook file), never a withdrawn or timed-out one.
  const fresh = event.toolUseId ? PENDING_FRESH_MS : PENDING_FRESH_NO_ID_MS;
  if (earlier && Date.now() - earlier.time < fresh && earlier.by !== 'cancelled' && earlier.by !== 'timeout') {
    // The same tool call through a second hook file (VS Code reads .claude/ and .github/hooks/): same answer, recorded once.
    return earlier.verdict;
  }
  const audit = (verdict: Verdict, decidedBy: DecidedBy, target: string, kind: string, decision?: Decision): void => {
    ctx.audit?.({ type: 'decision', agent: event.agent, agentSessionId: event.agentSessionId, session, tool: event.tool, ...(event.toolUseId ? { toolUseId: event.toolUseId } : {}), kind, target, action: verdict.action, decidedBy, ...(decision ? { source: decision.source, rule: decision.rule ?? null, ...(decision.failed ? { failed: decision.failed } : {}) } : {}), reason: verdict.reason });
  };

  // Whatever this session's earlier tools changed among the protected files is settled first, so that a
  // demotion it earns applies to this decision already.
  const settled = backstopStep(ctx, (b) => b.settle(event, session));
  if (event.action.category === 'passthrough') {
    const verdict: Verdict = { action: 'none', reason: `${event.tool} neither edits files nor runs commands; ${event.agent}'s own permissions decide` };
    audit(verdict, 'passthrough', event.tool, 'other');
    return verdict;
  }

  const trust = ctx.trust.level(event.agent);
  const { decision, action: req, plan } = decideEvent({ workspace: ctx.history.workspace, policy: ctx.policy(), trust, usage: ctx.history.usage(ref), ...(ctx.sandbox ? { sandbox: ctx.sandbox } : {}) }, event);
  let verdict: Verdict;
  let by: DecidedBy = 'policy';
  if (decision.action === 'ask') ({ verdict, by } = await resolveAsk(ctx, event, adapter, decision, req, session, trust, signal, plan?.note));
  else verdict = { action: decision.action, reason: decision.reason };
  // An `ask` left to the agent's own prompt carries the sandboxed command too (Claude Code shows it to the
  // person and runs it as approved); dialects that cannot rewrite on ask ignore it.
  if ((verdict.action === 'allow' || verdict.action === 'ask') && plan) verdict = { ...verdict, reason: `${verdict.reason}; ${plan.note}`, ...(plan.updatedInput ? { updatedInput: plan.updatedInput } : {}) };
  if (settled) verdict = { ...verdict, reason: `${verdict.reason}. ${settled.message}` };
  // Trust moves with what the agent does: a denied attempt or a breached limit demotes it by one level.
  if (decision.action === 'deny' && !decision.noDemote) ctx.trust.demote(event.agent, 'denied', decision.reason);
  if (decision.source === 'limit' && decision.limit) ctx.trust.demote(event.agent, 'limit', `${decision.limit.name}: ${decision.limit.value} of ${decision.limit.limit}`);

  // Record before answering allow (or handing an ask to the agent's own prompt, which may allow it).
  let actionId: string | undefined;
  if ((verdict.action === 'allow' || verdict.action === 'ask') && req && (event.action.category === 'edit' || event.action.category === 'command')) {
    const summary = { action: decision.action, source: decision.source, reason: decision.reason };
    if (event.action.category === 'edit') {
      actionId = ctx.history.beginEdit(ref, { kind: req.recordKind, paths: req.paths, tool: event.tool, decision: summary, ...(req.lines !== undefined ? { lines: req.lines } : {}) });
    } else {
      actionId = await ctx.history.beginCommand(ref, { command: event.action.command, cwd: event.action.cwd, tool: event.tool, decision: summary });
    }
  }
  if (verdict.action === 'allow' && actionId) {
    const offer = ctx.trust.recordAction(event.agent, session);
    if (offer) ctx.onPromotionOffer?.(event.agent, offer.to);
  }
  const record: Pending = {
    ...(actionId ? { actionId } : {}),
    by,
    category: event.action.category === 'edit' || event.action.category === 'command' || event.action.category === 'read' ? event.action.category : 'other',
    kind: req?.recordKind ?? 'edit',
    paths: req?.paths ?? [],
    time: Date.now(),
    verdict,
  };
  // From here until the tool reports back, what changes among the protected files is this action's (denied
  // ones included: an agent may ignore a deny).
  if (event.action.category === 'edit' || event.action.category === 'command') {
    // A denied tool does not run, and sends no post event: an agent that ignores the deny acts at once, so
    // its watch is short (the gate's periodic check looks before it ends).
    const timeoutMs = verdict.action === 'deny' ? DENIED_WINDOW_MS : event.action.category === 'command' ? commandWindowMs(toolTimeoutSeconds(event) ?? ctx.policy().compiled.sandbox.limits.timeoutSeconds) : undefined;
    backstopStep(ctx, (b) => b.open(event, session, timeoutMs !== undefined ? { timeoutMs } : {}));
  }
  pending.write(key, record);
  // Agents without a tool-call id pair the post event by its input, which is now the rewritten one.
  if (verdict.updatedInput && !event.toolUseId) pending.write(pendingKey({ ...event, toolInput: verdict.updatedInput }), record);
  audit(verdict, by, req?.target ?? event.tool, req?.kind ?? 'unknown', decision);
  return verdict;
}

/**
 * Decides a pre-tool event. The same tool call can arrive twice at once (VS Code runs both the
 * `.claude/` and the `.github/hooks/` hook for it): the second waits for the first's decision instead of
 * asking the person again.
 */
async function decidePre(ctx: HookContext, adapter: Adapter, event: AgentEvent, signal?: AbortSignal): Promise<HookAnswer> {
  const key = pendingKey(event);
  const running = ctx.inflight?.get(key);
  if (running) return adapter.answer(event, await running);
  const work = decideVerdict(ctx, adapter, event, signal);
  ctx.inflight?.set(key, work);
  try {
    return adapter.answer(event, await work);
  } finally {
    ctx.inflight?.delete(key);
  }
}

/** Cursor reports edits only after they happened: the content before is the current one with each edit reversed. */
function reconstructBefore(current: string, edits: readonly { old_string?: unknown; new_string?: unknown }[]): string | undefined {
  let text = current;
  for (const e of [...edits].reverse()) {
    if (typeof e.old_string !== 'string' || typeof e.new_string !== 'string') return undefined;
    const at = text.indexOf(e.new_string);
    if (at === -1) return undefined;
    text = text.slice(0, at) + e.old_string + text.slice(at + e.new_string.length);
  }
  return text;
}

async function finishPost(ctx: HookContext, adapter: Adapter, event: AgentEvent): Promise<HookAnswer> {
  const ref: SessionRef = { agent: event.agent, agentSessionId: event.agentSessionId };
  const calls = pendingOf(ctx);
  const key = pendingKey(event);
  const pending = calls.read(key);
  const ok = event.phase === 'post';
  // The protected files first: what the tool changed among them is restored before the history records it.
  const report = backstopStep(ctx, (b) => b.finish(event));
  if (pending) {
    calls.remove(key);
    if (pending.actionId) {
      if (pending.category === 'command') await ctx.history.endCommand(ref, pending.actionId, ok);
      else ctx.history.endEdit(ref, pending.actionId, pending.paths, ok, pending.kind);
    }
  } else if (event.dialect === 'cursor' && event.eventName === 'afterFileEdit' && event.action.category === 'edit') {
    const input = event.toolInput as { file_path: string; edits: { old_string?: unknown; new_string?: unknown }[] };
    const cur = currentText(input.file_path);
    const before = cur.text !== undefined ? reconstructBefore(cur.text, input.edits) : undefined;
    if (before !== undefined) ctx.history.recordAfterTheFact(ref, input.file_path, before, event.tool);
    else ctx.log.warn(`[gate] could not reconstruct ${input.file_path} before Cursor's edit; it is not in the history`);
  }
  return (report && postNotice(event, report.message)) || adapter.answer(event, { action: 'none', reason: '' });
}

/** Handles one hook payload. Never throws: errors become a deny (before a tool) or are logged (after one). */
export async function handleHook(text: string, dialect: Dialect, eventArg: string | undefined, ctx: HookContext, signal?: AbortSignal): Promise<HookAnswer> {
  let adapter: Adapter = ADAPTERS[dialect];
  let event: AgentEvent | undefined;
  try {
    const payload = parsePayload(text);
    // Known before parsing, so that a refusal is answered in the format of the agent that sent it.
    adapter = detectAdapter(dialect, payload);
    ({ adapter, event } = parseEvent(dialect, payload, eventArg));
    switch (event.phase) {
      case 'pre':
        return await decidePre(ctx, adapter, event, signal);
      case 'post':
      case 'post-failure':
        return await finishPost(ctx, adapter, event);
      case 'session-end': {
        const ev = event;
        backstopStep(ctx, (b) => b.settle(ev, sessionIdFor({ agent: ev.agent, agentSessionId: ev.agentSessionId }), { endSession: true }));
        ctx.history.endSession({ agent: event.agent, agentSessionId: event.agentSessionId });
        return adapter.answer(event, { action: 'none', reason: '' });
      }
      default:
        return adapter.answer(event, { action: 'none', reason: '' });
    }
  } catch (e) {
    const malformed = e instanceof MalformedPayloadError || e instanceof MalformedPatchError;
    const reason = malformed ? `the hook payload is not valid: ${(e as Error).message}` : `Airlock failed while deciding (${(e as Error).message}); it denies rather than let the action through unchecked`;
    ctx.log.error(`[gate] ${reason}${malformed ? '' : `\n${(e as Error).stack ?? ''}`}`);
    if (event && event.phase !== 'pre') return adapter.answer(event, { action: 'none', reason: '' });
    // A refused payload keeps what could be read of it: its agent, session, tool and target are audited,
    // and its session is listed (a session whose calls were all refused is still the last one).
    const found = event ? { agent: event.agent, agentSessionId: event.agentSessionId, tool: event.tool } : salvageEvent(dialect, text);
    let session = '';
    if (found.agentSessionId) {
      try {
        session = ctx.history.session({ agent: found.agent, agentSessionId: found.agentSessionId });
      } catch (err) {
        ctx.log.error(`[gate] could not list the session of a refused payload: ${(err as Error).message}`);
      }
    }
    const target = event ? (event.action.category === 'command' ? event.action.command : event.action.category === 'edit' ? event.action.files.map((f) => f.path).join(', ') : '') : ('target' in found ? (found.target ?? '') : '');
    ctx.audit?.({ type: 'decision', agent: found.agent, agentSessionId: found.agentSessionId ?? '', session, tool: found.tool ?? '', kind: 'unknown', target, action: 'deny', decidedBy: 'error', reason });
    return adapter.answer(event, { action: 'deny', reason });
  }
}
