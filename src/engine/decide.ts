/**
 * Deciding one tool call: what it would do (the files and their new content, or the command line), the
 * policy's decision for this agent now (trust and limits included), and whether it runs in the sandbox.
 * The one decision path: the hook, the gate, `airlock check` and the editor's "Always allow" checker all
 * come here, so they cannot answer differently.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { AgentEvent, ProposedFile, ToolAction } from '../agents/types';
import { applyReplacements, applyUnified, changedLines } from '../core/edits/applyEdits';
import { evaluate, readRuleHits, type EvalContext, type PreparedRequest, type PreparedTarget, type SessionUsage } from '../core/policy/evaluate';
import type { LoadedPolicy } from '../core/policy/loadPolicy';
import { prepareRequest, searchTarget } from '../core/policy/prepare';
import type { Decision, TrustLevel } from '../core/policy/types';
import type { ActionRequest } from '../core/request';
import type { AgentId } from '../shared/ids';
import type { ApprovalFile, ApprovalRequest } from './ask';
import { containment, planSandbox, type SandboxEnv, type SandboxPlan } from './sandboxPlan';

const MAX_PREVIEW = 2 * 1024 * 1024;

/** A tool call made ready for the policy: the prepared request and what the person would be shown. */
export interface PreparedAction {
  readonly prepared: PreparedRequest;
  readonly kind: ApprovalRequest['kind'];
  /** What the audit log names as the target. */
  readonly target: string;
  readonly files?: ApprovalFile[];
  readonly lines?: number;
  /** Absolute paths the call touches (edits and reads). */
  readonly paths: string[];
  /** How the shadow history records an edit. */
  readonly recordKind: 'edit' | 'create' | 'delete' | 'rename';
}

/** The outcome of deciding one call, before anyone is asked. */
export interface Decided {
  readonly decision: Decision;
  /** Undefined for a tool Airlock does not understand. */
  readonly action?: PreparedAction;
  readonly plan?: SandboxPlan;
}

/** Everything a decision depends on besides the call itself. */
export interface DecideInputs {
  readonly workspace: string;
  readonly policy: LoadedPolicy;
  readonly trust: TrustLevel;
  /** The session's record so far, for the limits (none: a fresh session). */
  readonly usage?: SessionUsage;
  /** How sandboxed commands start; without it a command the policy sandboxes is asked about. */
  readonly sandbox?: SandboxEnv;
  readonly now?: number;
}

/** A path as the person should see it: workspace-relative where it is inside. */
export function displayPath(workspace: string, p: string): string {
  const r = relative(workspace, p);
  const outside = r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r);
  return r && !outside ? r.split(sep).join('/') : p;
}

/** Reads text for a preview; undefined for a missing file. */
export function currentText(path: string): { text?: string; binary?: boolean; tooLarge?: boolean } {
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
function preview(workspace: string, files: readonly ProposedFile[]): { files: ApprovalFile[]; lines: number } {
  let lines = 0;
  const out: ApprovalFile[] = [];
  for (const f of files) {
    const cur = currentText(f.path);
    const base = { path: displayPath(workspace, f.path), op: f.op, ...(f.newPath ? { newPath: displayPath(workspace, f.newPath) } : {}) };
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

/** Makes a tool call ready for the policy; undefined for a call that neither edits, reads nor runs a command. */
export function prepareAction(workspace: string, policy: LoadedPolicy, event: AgentEvent): PreparedAction | undefined {
  const a = event.action;
  const base = { agent: event.agent, agentSessionId: event.agentSessionId, workspace, tool: event.tool };
  switch (a.category) {
    case 'command': {
      const req: ActionRequest = { ...base, kind: 'command', paths: [], command: a.command, cwd: a.cwd };
      return { prepared: prepareRequest(req, policy.paths), kind: 'command', target: a.command, paths: [], recordKind: 'edit' };
    }
    case 'read': {
      const target = a.paths.map((p) => displayPath(workspace, p)).join(', ');
      if (a.search) {
        const search = a.search;
        const targets = a.paths.map((p) => searchTarget(p, workspace, policy.paths, { content: search.content, ...(search.glob ? { glob: search.glob } : {}), via: event.tool }));
        return { prepared: { kind: 'read', targets }, kind: 'read', target, paths: [...a.paths], recordKind: 'edit' };
      }
      const req: ActionRequest = { ...base, kind: 'read', paths: a.paths };
      return { prepared: prepareRequest(req, policy.paths), kind: 'read', target, paths: [...a.paths], recordKind: 'edit' };
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
      const { files, lines } = preview(workspace, a.files);
      const only = a.files.length === 1 ? a.files[0]! : undefined;
      const recordKind: PreparedAction['recordKind'] = only ? (only.op === 'delete' ? 'delete' : only.op === 'rename' ? 'rename' : existsSync(only.path) ? 'edit' : 'create') : 'edit';
      return { prepared: { kind: 'edit', targets, changedLines: lines }, kind: 'edit', target: paths.map((p) => displayPath(workspace, p)).join(', '), files, lines, paths, recordKind };
    }
    default:
      return undefined;
  }
}

/** Decides a tool call for its agent: the policy, then the sandbox plan. Reads the disk; records nothing. */
export function decideEvent(inputs: DecideInputs, event: AgentEvent): Decided {
  const action = prepareAction(inputs.workspace, inputs.policy, event);
  if (!action) {
    return { decision: { action: 'ask', source: 'default', reason: `Airlock does not know the tool ${event.tool}, so a person decides`, trustApplied: false } };
  }
  const compiled = inputs.policy.compiled;
  const box = event.action.category === 'command' ? containment(compiled, inputs.sandbox, event, inputs.trust) : { contained: false };
  const ctx: EvalContext = {
    agent: event.agent,
    trust: inputs.trust,
    contained: box.contained,
    ...(box.why ? { uncontainedBecause: box.why } : {}),
    ...(inputs.usage ? { session: inputs.usage } : {}),
    ...(inputs.now !== undefined ? { now: inputs.now } : {}),
  };
  const decision = evaluate(compiled, action.prepared, ctx);
  const narrowed = narrowSearch(inputs, event, action, decision, ctx);
  if (narrowed) return narrowed;
  const planned = planSandbox(compiled, inputs.workspace, inputs.sandbox, event, decision, inputs.trust);
  return { decision: planned.decision, action, ...(planned.plan ? { plan: planned.plan } : {}) };
}

/**
 * A search whose scope holds files the agent may not read is denied, or narrowed where the tool takes an
 * exclusion (Claude Code's Grep `glob`): Airlock leaves those files out of the search and lets it run.
 * Narrowing keeps ordinary workspace-wide searches working in a workspace with a `.env`, and the agent
 * still never sees the secret.
 */
function narrowSearch(inputs: DecideInputs, event: AgentEvent, action: PreparedAction, decision: Decision, ctx: EvalContext): Decided | undefined {
  const a = event.action;
  if (a.category !== 'read' || !a.search?.content || !a.search.narrowable || decision.action !== 'deny' || !decision.noDemote) return undefined;
  if (action.prepared.kind !== 'read') return undefined;
  const names = new Set<string>();
  for (const t of action.prepared.targets) for (const hit of readRuleHits(inputs.policy.compiled, t, ctx)) names.add(hit.abs.split('/').pop() ?? '');
  if (names.size === 0 || [...names].some((n) => n === '' || /[*?[\]{},!]/.test(n))) return undefined;
  const glob = names.size === 1 ? `!${[...names][0]}` : `!{${[...names].sort().join(',')}}`;
  const retry: AgentEvent = { ...event, action: { ...a, search: { content: true, glob } } };
  const again = prepareAction(inputs.workspace, inputs.policy, retry);
  if (!again) return undefined;
  const second = evaluate(inputs.policy.compiled, again.prepared, ctx);
  if (second.action !== 'allow') return undefined;
  const input = event.toolInput && typeof event.toolInput === 'object' && !Array.isArray(event.toolInput) ? (event.toolInput as Record<string, unknown>) : {};
  const note = `Airlock left ${[...names].sort().join(', ')} out of the search (the policy keeps ${names.size === 1 ? 'it' : 'them'} from agents)`;
  return { decision: { ...second, reason: `${second.reason}; ${note}` }, action: again, plan: { updatedInput: { ...input, [a.search.narrowable]: glob }, note } };
}

/** How each agent's shell tool looks on the wire, so a command decided for it is decided as its hook would. */
const SHELL_TOOL: Readonly<Record<AgentId, { readonly dialect: AgentEvent['dialect']; readonly tool: string; readonly field: 'command' }>> = {
  claude: { dialect: 'claude', tool: 'Bash', field: 'command' },
  copilot: { dialect: 'vscode', tool: 'run_in_terminal', field: 'command' },
  'copilot-cli': { dialect: 'copilot-cli', tool: 'bash', field: 'command' },
  cursor: { dialect: 'cursor', tool: 'Shell', field: 'command' },
  gemini: { dialect: 'gemini', tool: 'run_shell_command', field: 'command' },
  codex: { dialect: 'codex', tool: 'Bash', field: 'command' },
};

/**
 * A tool call built from a plain action (for `airlock check` and the "Always allow" checker): what the
 * agent's own hook would deliver for it, so it is decided on the same path.
 */
export function eventFor(agent: string, action: ToolAction, cwd: string): AgentEvent {
  const shell = SHELL_TOOL[agent as AgentId] ?? SHELL_TOOL.claude;
  const base = { dialect: shell.dialect, agent: agent as AgentId, phase: 'pre' as const, eventName: 'check', agentSessionId: '', cwd, workspaceRoots: [] };
  switch (action.category) {
    case 'command':
      return { ...base, tool: shell.tool, toolInput: { [shell.field]: action.command }, action };
    case 'edit':
      return { ...base, tool: 'Write', toolInput: null, action };
    case 'read':
      return { ...base, tool: 'Read', toolInput: null, action };
    default:
      return { ...base, tool: 'unknown', toolInput: null, action };
  }
}
