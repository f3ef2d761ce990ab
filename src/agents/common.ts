/** Helpers shared by the dialect modules. */
import { isAbsolute } from 'node:path';
import type { AgentId } from '../shared/ids';
import { toolAction } from './toolTable';
import { MalformedPayloadError, type AgentEvent, type Dialect, type HookPhase } from './types';

type Payload = Readonly<Record<string, unknown>>;

/** A required string field, or a clear error naming it. */
export function field(p: Payload, key: string, what = key): string {
  const v = p[key];
  if (typeof v !== 'string' || v.length === 0) throw new MalformedPayloadError(`the payload has no ${what} ("${key}")`);
  if (v.length > 4096 && key !== 'command') throw new MalformedPayloadError(`"${key}" is longer than 4096 characters`);
  return v;
}

/** An optional string field. */
export function optional(p: Payload, key: string): string | undefined {
  const v = p[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The working directory the payload reports, made absolute and checked. */
export function cwdOf(p: Payload, ...keys: string[]): string {
  for (const k of keys) {
    const v = p[k];
    if (typeof v === 'string' && v.length > 0) {
      if (v.includes('\0')) throw new MalformedPayloadError(`"${k}" contains a NUL byte`);
      if (isAbsolute(v)) return v;
    }
  }
  // VS Code only sends cwd when the hook entry sets one; the hook process runs there.
  return process.cwd();
}

/** Builds an event for a tool-call payload, classifying the tool. */
export function toolEvent(options: {
  dialect: Dialect;
  agent: AgentId;
  phase: HookPhase;
  eventName: string;
  sessionId: string;
  cwd: string;
  tool: string;
  input: unknown;
  toolUseId?: string | undefined;
  workspaceRoots?: readonly string[];
}): AgentEvent {
  const action = options.phase === 'session-end' || options.phase === 'other' ? ({ category: 'passthrough' } as const) : toolAction(options.tool, options.input, options.cwd);
  return {
    dialect: options.dialect,
    agent: options.agent,
    phase: options.phase,
    eventName: options.eventName,
    agentSessionId: options.sessionId,
    cwd: options.cwd,
    workspaceRoots: options.workspaceRoots ?? [],
    ...(options.toolUseId ? { toolUseId: options.toolUseId } : {}),
    tool: options.tool,
    toolInput: options.input,
    action,
  };
}

/**
 * Parses the PascalCase tool-event payload Claude Code, VS Code and Codex share (`tool_name`,
 * `tool_input`, `tool_use_id`); only the keys of the event name and the session id differ.
 */
export function pascalToolEvent(p: Payload, dialect: Dialect, agent: AgentId, keys: { readonly event: string; readonly session: string }): AgentEvent {
  const eventName = field(p, keys.event, 'event name');
  const phase = pascalPhase(eventName);
  return toolEvent({
    dialect,
    agent,
    phase,
    eventName,
    sessionId: field(p, keys.session, 'session id'),
    cwd: cwdOf(p, 'cwd'),
    tool: phase === 'pre' || phase === 'post' || phase === 'post-failure' ? field(p, 'tool_name', 'tool name') : eventName,
    input: p.tool_input,
    toolUseId: optional(p, 'tool_use_id'),
  });
}

/** Phases of the PascalCase event names Claude Code, VS Code, Copilot CLI and Codex share. */
export function pascalPhase(name: string): HookPhase {
  switch (name) {
    case 'PreToolUse':
    case 'PreSkillShellCommand':
      return 'pre';
    case 'PostToolUse':
      return 'post';
    case 'PostToolUseFailure':
      return 'post-failure';
    case 'SessionEnd':
      return 'session-end';
    default:
      return 'other';
  }
}

/** Prefixes a reason so the agent and the person know who decided. */
export function said(reason: string): string {
  return reason.startsWith('Airlock') ? reason : `Airlock: ${reason}`;
}

/** The answer format Claude Code, VS Code and Codex read: `hookSpecificOutput.permissionDecision`. */
export function hookSpecific(eventName: string, decision: string, reason: string, updatedInput?: Record<string, unknown>): string {
  return `${JSON.stringify({ hookSpecificOutput: { hookEventName: eventName, permissionDecision: decision, permissionDecisionReason: said(reason), ...(updatedInput ? { updatedInput } : {}) } })}\n`;
}

/** POSIX single-quoting (bare only when nothing in the word is special to any shell). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_/.,:@+-][A-Za-z0-9_/.,:=@+-]*$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
