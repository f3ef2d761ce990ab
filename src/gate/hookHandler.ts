/**
 * One hook event, end to end: parse the payload, decide with the policy (trust and limits included),
 * ask a person when the policy says `ask` and a gate is there to ask, record what is allowed in the
 * shadow history before answering, and answer in the agent's own format. Used by the gate (in the
 * editor or `airlock serve`) and by `airlock hook` itself when no gate answers.
 *
 * Never fails open by accident: any error while deciding a pre-tool event answers deny, naming Airlock.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { parseEvent } from '../agents/detect';
import { ADAPTERS } from '../agents/detect';
import { MalformedPayloadError, type Adapter, type AgentEvent, type Dialect, type HookAnswer, type ProposedFile, type Verdict } from '../agents/types';
import { applyReplacements, applyUnified, changedLines } from '../core/edits/applyEdits';
import { MalformedPatchError } from '../core/edits/editErrors';
import type { History} from '../core/history/history';
import { sessionIdFor, type SessionRef } from '../core/history/history';
import type { AuditLog } from '../core/audit/auditLog';
import type { Logger } from '../core/logger';
import { evaluate, type PreparedRequest, type PreparedTarget } from '../core/policy/evaluate';
import type { LoadedPolicy } from '../core/policy/loadPolicy';
import { prepareRequest } from '../core/policy/prepare';
import type { Decision, TrustLevel } from '../core/policy/types';
import type { ActionRequest } from '../core/request';
import { cannotRewrite, rewriteCommandInput } from '../agents/rewriteCommand';
import { sandboxAvailability, type SandboxAvailability } from '../core/sandbox/backends';
import { buildProfile } from '../core/sandbox/profile';
import { RewriteError, sandboxedCommand, type SandboxRunner } from '../core/sandbox/rewrite';
import { describeSandbox, wantsSandbox } from '../core/sandbox/sandboxPolicy';
import type { ApprovalAnswer, ApprovalFile, ApprovalRequest, Asker } from './approvals';

/** One line of the audit trail, as the handler reports it. */
export interface AuditEvent {
  readonly type: 'decision';
  readonly agent: string;
  readonly agentSessionId: string;
  readonly session: string;
  readonly tool: string;
  readonly kind: string;
  readonly target: string;
  readonly action: 'allow' | 'deny' | 'ask' | 'none';
  readonly decidedBy: 'policy' | 'person' | 'timeout' | 'cancelled' | 'offline' | 'session' | 'error' | 'passthrough';
  readonly source?: string;
  readonly rule?: unknown;
  readonly reason: string;
}

/** Writes a decision to the audit log; an audit failure is logged, and never turns a deny into an allow. */
export function auditDecision(log: AuditLog, event: AuditEvent, logger: Logger): void {
  try {
    log.append({ ...event });
  } catch (e) {
    logger.error(`[audit] could not write the audit log: ${(e as Error).message}`);
  }
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

/** What the handler needs of the trust store. */
export interface TrustKeeper {
  level(agent: string): TrustLevel;
  /** Counts an allowed action; returns a promotion offer when one becomes due. */
  recordAction(agent: string, session: string): { to: TrustLevel } | undefined;
  demote(agent: string, why: 'denied' | 'limit', detail: string): unknown;
}

/** Everything the handler needs about where it runs. */
export interface HookContext {
  readonly workspace: string;
  policy(): LoadedPolicy;
  readonly history: History;
  readonly trust: TrustKeeper;
  /** The person, when a gate is running. */
  readonly asker?: Asker;
  readonly approvalTimeoutMs: number;
  /** What an `ask` becomes with no gate, for agents without their own prompt: `deny` (default) or `allow`. */
  readonly offline: 'deny' | 'allow';
  readonly mode: 'gate' | 'offline';
  readonly sessionAllows?: SessionAllows;
  /** Decisions under way, by tool call (a gate shares one decision between duplicate deliveries). */
  readonly inflight?: Map<string, Promise<Verdict>>;
  readonly audit?: (event: AuditEvent) => void;
  /** Told when an agent's record earns a promotion offer (the editor shows it to the person). */
  readonly onPromotionOffer?: (agent: string, to: TrustLevel) => void;
  /** How sandboxed commands start Airlock, and the folders their profile needs; without it nothing is sandboxed. */
  readonly sandbox?: { readonly runner: SandboxRunner; readonly home: string; readonly dataRoot: string; readonly availability?: () => SandboxAvailability };
  readonly log: Logger;
}

/** What happens to a command with respect to the sandbox. */
interface SandboxPlan {
  /** Set when the command runs sandboxed: the tool input that runs it so. */
  readonly updatedInput?: Record<string, unknown>;
  /** For the person and the agent: how it runs, or why not in the sandbox. */
  readonly note: string;
}

/**
 * Decides whether an allowed command runs in the sandbox. Where the policy wants the sandbox and none
 * is available, an `allow` becomes `ask` (a person decides, told it will run unsandboxed) unless the
 * policy allows unsandboxed commands; it never runs unsandboxed silently.
 */
function planSandbox(ctx: HookContext, event: AgentEvent, decision: Decision, trust: TrustLevel): { plan?: SandboxPlan; decision: Decision } {
  if (event.action.category !== 'command' || decision.action === 'deny') return { decision };
  const policy = ctx.policy().compiled;
  const want = wantsSandbox(policy.sandbox, decision, trust, policy.restricted);
  if (!want.sandboxed) return { decision };
  let why: string | undefined;
  let updatedInput: Record<string, unknown> | undefined;
  const available = ctx.sandbox ? (ctx.sandbox.availability ?? sandboxAvailability)() : { available: false as const, reason: 'this Airlock process cannot start sandboxed commands', fix: '' };
  if (!available.available) why = `${available.reason}${available.fix ? ` (${available.fix})` : ''}`;
  else {
    why = cannotRewrite(event);
    if (!why && ctx.sandbox) {
      try {
        const profile = buildProfile(policy.sandbox, { workspace: ctx.workspace, home: ctx.sandbox.home, dataRoot: ctx.sandbox.dataRoot });
        updatedInput = rewriteCommandInput(event, sandboxedCommand(event.action.command, profile, ctx.sandbox.runner));
      } catch (e) {
        if (!(e instanceof RewriteError)) throw e;
        why = e.message;
      }
    }
  }
  if (updatedInput) return { plan: { updatedInput, note: `runs in Airlock's sandbox: ${describeSandbox(policy.sandbox)}` }, decision };
  const note = `runs WITHOUT Airlock's sandbox: the policy wants one (${want.why}), but ${why}`;
  if (policy.sandbox.allowUnsandboxed) return { plan: { note: `${note}; the policy allows unsandboxed commands` }, decision };
  if (decision.action === 'allow') {
    return { plan: { note }, decision: { ...decision, action: 'ask', reason: `${decision.reason}; it would run in Airlock's sandbox, but ${why}, so a person decides whether it runs without one` } };
  }
  return { plan: { note }, decision };
}

const MAX_PAYLOAD = 64 * 1024 * 1024;
const PENDING_FRESH_MS = 120_000;
const PENDING_FRESH_NO_ID_MS = 5_000;
const MAX_PREVIEW = 2 * 1024 * 1024;

interface Pending {
  readonly actionId?: string;
  /** Who decided (a withdrawn or timed-out request is never replayed). */
  readonly by?: AuditEvent['decidedBy'];
  readonly category: 'edit' | 'command' | 'read' | 'other';
  readonly kind: 'edit' | 'create' | 'delete' | 'rename';
  readonly paths: readonly string[];
  readonly time: number;
  readonly verdict: Verdict;
}

function pendingKey(event: AgentEvent): string {
  const id = event.toolUseId ?? `${event.tool}\0${JSON.stringify(event.toolInput ?? null)}`;
  return createHash('sha256').update(`${event.agent}\0${event.agentSessionId}\0${id}`).digest('hex').slice(0, 32);
}

function pendingFile(ctx: HookContext, key: string): string {
  return join(ctx.history.dir, 'pending', `${key}.json`);
}

function readPending(ctx: HookContext, key: string): Pending | undefined {
  try {
    return JSON.parse(readFileSync(pendingFile(ctx, key), 'utf8')) as Pending;
  } catch {
    return undefined;
  }
}

function writePending(ctx: HookContext, key: string, pending: Pending): void {
  mkdirSync(join(ctx.history.dir, 'pending'), { recursive: true, mode: 0o700 });
  writeFileSync(pendingFile(ctx, key), JSON.stringify(pending), { mode: 0o600 });
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

function rel(ctx: HookContext, p: string): string {
  const r = relative(ctx.workspace, p);
  const outside = r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r);
  return r && !outside ? r.split(sep).join('/') : p;
}

/** Reads text for a preview; undefined for a missing file. */
function currentText(path: string): { text?: string; binary?: boolean; tooLarge?: boolean } {
  try {
    const st = statSync(path);
    if (!st.isFile()) return {};
    if (st.size > MAX_PREVIEW) return { tooLarge: true };
    const buf = readFileSync(path);
    if (buf.subarray(0, 8000).includes(0)) return { binary: true };
    return { text: buf.toString('utf8') };
  } catch {
    return {};
  }
}

/** What each proposed file will look like, for the person and for the changed-lines limit. */
function preview(ctx: HookContext, files: readonly ProposedFile[]): { files: ApprovalFile[]; lines: number } {
  let lines = 0;
  const out: ApprovalFile[] = [];
  for (const f of files) {
    const cur = currentText(f.path);
    const base = { path: rel(ctx, f.path), op: f.op, ...(f.newPath ? { newPath: rel(ctx, f.newPath) } : {}) };
    if (cur.binary || cur.tooLarge) {
      out.push({ ...base, binary: true, ...(cur.tooLarge ? { approximate: 'the file is too large to show' } : {}) });
      continue;
    }
    let after: string | undefined;
    let approximate = f.approximate;
    if (f.op === 'delete') after = undefined;
    else if (f.op === 'mkdir') after = undefined;
    else if (f.content !== undefined) after = f.content;
    else if (f.unifiedPatch !== undefined) {
      const r = applyUnified(cur.text ?? '', f.unifiedPatch);
      if ('content' in r) after = r.content;
      else approximate = r.error;
    } else if (f.replacements) {
      const r = applyReplacements(cur.text ?? '', f.replacements);
      if ('content' in r) after = r.content;
      else approximate = r.error;
    }
    lines += changedLines(cur.text ?? '', after ?? (f.op === 'delete' ? '' : (cur.text ?? '')));
    out.push({ ...base, ...(cur.text !== undefined ? { before: cur.text } : {}), ...(after !== undefined ? { after } : {}), ...(approximate ? { approximate } : {}) });
  }
  return { files: out, lines };
}

function requestFor(ctx: HookContext, event: AgentEvent): { prepared: PreparedRequest; kind: ApprovalRequest['kind']; target: string; files?: ApprovalFile[]; lines?: number; paths: string[]; recordKind: Pending['kind'] } | undefined {
  const a = event.action;
  const policy = ctx.policy();
  const base = { agent: event.agent, agentSessionId: event.agentSessionId, workspace: ctx.workspace, tool: event.tool };
  switch (a.category) {
    case 'command': {
      const req: ActionRequest = { ...base, kind: 'command', paths: [], command: a.command, cwd: a.cwd };
      return { prepared: prepareRequest(req, policy.paths), kind: 'command', target: a.command, paths: [], recordKind: 'edit' };
    }
    case 'read': {
      const req: ActionRequest = { ...base, kind: 'read', paths: a.paths };
      return { prepared: prepareRequest(req, policy.paths), kind: 'read', target: a.paths.map((p) => rel(ctx, p)).join(', '), paths: [...a.paths], recordKind: 'edit' };
    }
    case 'edit': {
      const targets: PreparedTarget[] = [];
      const paths: string[] = [];
      for (const f of a.files) {
        const kind = f.op === 'delete' ? 'delete' : f.op === 'rename' ? 'rename' : f.op === 'create' || f.op === 'mkdir' ? 'create' : 'edit';
        const req: ActionRequest = { ...base, kind, paths: f.op === 'rename' && f.newPath ? [f.path, f.newPath] : [f.path] };
        const p = prepareRequest(req, policy.paths);
        if (p.kind !== 'command') targets.push(...p.targets);
        paths.push(f.path, ...(f.newPath ? [f.newPath] : []));
      }
      const { files, lines } = preview(ctx, a.files);
      const only = a.files.length === 1 ? a.files[0]! : undefined;
      const recordKind: Pending['kind'] = only ? (only.op === 'delete' ? 'delete' : only.op === 'rename' ? 'rename' : existsSync(only.path) ? 'edit' : 'create') : 'edit';
      return { prepared: { kind: 'edit', targets, changedLines: lines }, kind: 'edit', target: paths.map((p) => rel(ctx, p)).join(', '), files, lines, paths, recordKind };
    }
    default:
      return undefined;
  }
}

/**
 * What "allow for this session" covers: this kind of action on exactly these paths (sorted), or this
 * exact command line. Unknown tools have no signature: their input is not understood, so a person's
 * answer covers only the call they saw.
 */
function signature(req: NonNullable<ReturnType<typeof requestFor>> | undefined, event: AgentEvent): string | undefined {
  if (!req) return undefined;
  if (req.kind === 'command') return JSON.stringify(['command', event.action.category === 'command' ? event.action.command : req.target]);
  return JSON.stringify([req.kind, [...req.paths].sort()]);
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

/** Asks the person through the gate (or resolves an ask without one). */
async function resolveAsk(ctx: HookContext, event: AgentEvent, adapter: Adapter, decision: Decision, req: NonNullable<ReturnType<typeof requestFor>> | undefined, session: string, hangUp?: AbortSignal, sandboxNote?: string): Promise<{ verdict: Verdict; by: AuditEvent['decidedBy'] }> {
  const sig = signature(req, event);
  // A limit asks every time: an earlier "for this session" does not lift the limits.
  if (sig && decision.source !== 'limit' && ctx.sessionAllows?.has(session, sig)) return { verdict: { action: 'allow', reason: 'allowed for this session by a person' }, by: 'session' };
  if (!ctx.asker) {
    if (adapter.nativeAsk) return { verdict: { action: 'ask', reason: `${decision.reason} (no Airlock gate is running, so ${event.agent} asks you itself)` }, by: 'offline' };
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
    kind: req?.kind ?? 'unknown',
    decision,
    ...(req?.files ? { files: req.files } : {}),
    ...(event.action.category === 'command' ? { command: event.action.command } : {}),
    ...(req?.paths.length ? { paths: req.paths.map((p) => rel(ctx, p)) } : {}),
    cwd: event.cwd,
    deadline,
    trust: ctx.trust.level(event.agent),
    ...(sandboxNote ? { sandbox: sandboxNote } : {}),
    sessionScope: sig !== undefined && decision.source !== 'limit',
    ...(req ? {} : { input: previewInput(event.toolInput) }),
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

async function decideVerdict(ctx: HookContext, adapter: Adapter, event: AgentEvent, signal?: AbortSignal): Promise<Verdict> {
  const ref: SessionRef = { agent: event.agent, agentSessionId: event.agentSessionId };
  const session = sessionIdFor(ref);
  const key = pendingKey(event);
  const earlier = readPending(ctx, key);
  // Replay only a real decision, and for calls without an id only within seconds (the same call arriving
  // through a second hook file), never a withdrawn or timed-out one.
  const fresh = event.toolUseId ? PENDING_FRESH_MS : PENDING_FRESH_NO_ID_MS;
  if (earlier && Date.now() - earlier.time < fresh && earlier.by !== 'cancelled' && earlier.by !== 'timeout') {
    // The same tool call through a second hook file (VS Code reads .claude/ and .github/hooks/): same answer, recorded once.
    return earlier.verdict;
  }
  const audit = (verdict: Verdict, decidedBy: AuditEvent['decidedBy'], target: string, kind: string, decision?: Decision): void => {
    ctx.audit?.({ type: 'decision', agent: event.agent, agentSessionId: event.agentSessionId, session, tool: event.tool, kind, target, action: verdict.action, decidedBy, ...(decision ? { source: decision.source, rule: decision.rule ?? null } : {}), reason: verdict.reason });
  };

  if (event.action.category === 'passthrough') {
    const verdict: Verdict = { action: 'none', reason: `${event.tool} neither edits files nor runs commands; ${event.agent}'s own permissions decide` };
    audit(verdict, 'passthrough', event.tool, 'other');
    return verdict;
  }

  const req = requestFor(ctx, event);
  const trust = ctx.trust.level(event.agent);
  let decision: Decision;
  if (!req) {
    decision = { action: 'ask', source: 'default', reason: `Airlock does not know the tool ${event.tool}, so a person decides`, trustApplied: false };
  } else {
    const usage = ctx.history.usage(ref);
    decision = evaluate(ctx.policy().compiled, req.prepared, { agent: event.agent, trust, session: usage });
  }
  const sandboxed = planSandbox(ctx, event, decision, trust);
  decision = sandboxed.decision;
  const plan = sandboxed.plan;
  let verdict: Verdict;
  let by: AuditEvent['decidedBy'] = 'policy';
  if (decision.action === 'ask') ({ verdict, by } = await resolveAsk(ctx, event, adapter, decision, req, session, signal, plan?.note));
  else verdict = { action: decision.action, reason: decision.reason };
  if (verdict.action === 'allow' && plan) verdict = { ...verdict, reason: `${verdict.reason}; ${plan.note}`, ...(plan.updatedInput ? { updatedInput: plan.updatedInput } : {}) };
  // Trust moves with what the agent does: a denied attempt or a breached limit demotes it by one level.
  if (decision.action === 'deny') ctx.trust.demote(event.agent, 'denied', decision.reason);
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
  const pending: Pending = {
    ...(actionId ? { actionId } : {}),
    by,
    category: event.action.category === 'edit' || event.action.category === 'command' || event.action.category === 'read' ? event.action.category : 'other',
    kind: req?.recordKind ?? 'edit',
    paths: req?.paths ?? [],
    time: Date.now(),
    verdict,
  };
  writePending(ctx, key, pending);
  // Agents without a tool-call id pair the post event by its input, which is now the rewritten one.
  if (verdict.updatedInput && !event.toolUseId) writePending(ctx, pendingKey({ ...event, toolInput: verdict.updatedInput }), pending);
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
  const key = pendingKey(event);
  const pending = readPending(ctx, key);
  const ok = event.phase === 'post';
  if (pending) {
    rmSync(pendingFile(ctx, key), { force: true });
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
  return adapter.answer(event, { action: 'none', reason: '' });
}

/** Handles one hook payload. Never throws: errors become a deny (before a tool) or are logged (after one). */
export async function handleHook(text: string, dialect: Dialect, eventArg: string | undefined, ctx: HookContext, signal?: AbortSignal): Promise<HookAnswer> {
  let adapter: Adapter = ADAPTERS[dialect];
  let event: AgentEvent | undefined;
  try {
    const payload = parsePayload(text);
    ({ adapter, event } = parseEvent(dialect, payload, eventArg));
    switch (event.phase) {
      case 'pre':
        return await decidePre(ctx, adapter, event, signal);
      case 'post':
      case 'post-failure':
        return await finishPost(ctx, adapter, event);
      case 'session-end':
        ctx.history.endSession({ agent: event.agent, agentSessionId: event.agentSessionId });
        return adapter.answer(event, { action: 'none', reason: '' });
      default:
        return adapter.answer(event, { action: 'none', reason: '' });
    }
  } catch (e) {
    const malformed = e instanceof MalformedPayloadError || e instanceof MalformedPatchError;
    const reason = malformed ? `the hook payload is not valid: ${(e as Error).message}` : `Airlock failed while deciding (${(e as Error).message}); it denies rather than let the action through unchecked`;
    ctx.log.error(`[gate] ${reason}${malformed ? '' : `\n${(e as Error).stack ?? ''}`}`);
    if (event && event.phase !== 'pre') return adapter.answer(event, { action: 'none', reason: '' });
    ctx.audit?.({ type: 'decision', agent: event?.agent ?? dialect, agentSessionId: event?.agentSessionId ?? '', session: '', tool: event?.tool ?? '', kind: 'unknown', target: '', action: 'deny', decidedBy: 'error', reason });
    return adapter.answer(undefined, { action: 'deny', reason });
  }
}
