/**
 * GitHub Copilot CLI hooks (docs.github.com copilot/reference/hooks-reference). camelCase configs
 * (`preToolUse`) send `toolName` and `toolArgs` (a JSON string in the published example, any value in
 * the newer reference) with no event name, so the installed command passes `--event`; PascalCase
 * configs send a VS Code–style payload with Claude tool names and Copilot argument names. Tools `bash`,
 * `powershell`, `edit`, `create`, `view`, `str_replace_editor`, `apply_patch`, … Answer: top-level
 * `permissionDecision` (+ `modifiedArgs` to rewrite). Copilot CLI denies on a crash or non-zero exit.
 */
import { cwdOf, field, optional, pascalPhase, said, toolEvent } from './common';
import { MalformedPayloadError, type Adapter, type AgentEvent, type HookAnswer, type HookPhase, type Verdict } from './types';

function camelPhase(event: string | undefined, p: Readonly<Record<string, unknown>>): { phase: HookPhase; name: string } {
  const name = event ?? ('toolResult' in p ? 'postToolUse' : 'preToolUse');
  switch (name) {
    case 'preToolUse':
      return { phase: 'pre', name };
    case 'postToolUse':
      return { phase: 'post', name };
    case 'postToolUseFailure':
      return { phase: 'post-failure', name };
    case 'sessionEnd':
      return { phase: 'session-end', name };
    default:
      return { phase: 'other', name };
  }
}

function args(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new MalformedPayloadError('"toolArgs" is a string that is not JSON');
  }
}

/** Parses a Copilot CLI payload; `event` is the `--event` the installed hook command passes. */
export function parseCopilotCli(p: Readonly<Record<string, unknown>>, event?: string): AgentEvent {
  if (typeof p.hook_event_name === 'string') {
    // PascalCase config: VS Code-compatible payload.
    const eventName = p.hook_event_name;
    const phase = pascalPhase(eventName);
    return toolEvent({
      dialect: 'copilot-cli',
      agent: 'copilot-cli',
      phase,
      eventName,
      sessionId: optional(p, 'session_id') ?? optional(p, 'sessionId') ?? 'copilot-cli',
      cwd: cwdOf(p, 'cwd'),
      tool: phase === 'pre' || phase === 'post' || phase === 'post-failure' ? field(p, 'tool_name', 'tool name') : eventName,
      input: p.tool_input,
      toolUseId: optional(p, 'tool_use_id'),
    });
  }
  const { phase, name } = camelPhase(event, p);
  const failed = phase === 'post' && (p.toolResult as { resultType?: string } | undefined)?.resultType === 'failure';
  return toolEvent({
    dialect: 'copilot-cli',
    agent: 'copilot-cli',
    phase: failed ? 'post-failure' : phase,
    eventName: name,
    sessionId: optional(p, 'sessionId') ?? 'copilot-cli',
    cwd: cwdOf(p, 'cwd'),
    tool: phase === 'pre' || phase === 'post' ? field(p, 'toolName', 'tool name') : name,
    input: args(p.toolArgs),
    toolUseId: optional(p, 'toolCallId'),
  });
}

export const copilotCliAdapter: Adapter = {
  dialect: 'copilot-cli',
  nativeAsk: true,
  matches: (p) => 'toolName' in p || 'toolArgs' in p || (typeof p.timestamp === 'string' && typeof p.hook_event_name === 'string' && !('permission_mode' in p) && !('turn_id' in p)),
  parse: (p) => parseCopilotCli(p),
  answer(event, verdict: Verdict): HookAnswer {
    if ((event && event.phase !== 'pre') || verdict.action === 'none') return { stdout: '', stderr: '', exitCode: 0 };
    const out = {
      permissionDecision: verdict.action,
      permissionDecisionReason: said(verdict.reason),
      ...(verdict.updatedInput ? { modifiedArgs: verdict.updatedInput } : {}),
    };
    return { stdout: `${JSON.stringify(out)}\n`, stderr: '', exitCode: 0 };
  },
};
