/**
 * The Copilot runtime's hooks: GitHub Copilot CLI (docs.github.com copilot/reference/hooks-reference) and
 * VS Code's Copilot harness, which runs the same runtime (the Copilot SDK format, docs.github.com
 * copilot/how-tos/copilot-sdk/use-hooks/pre-tool-use). Payloads verified against the real CLI 1.0.102
 * (test/e2e/copilot):
 * - camelCase configs (`preToolUse`) send `{sessionId, timestamp: number, cwd, toolName, toolArgs}` with
 *   no event name (the installed command passes `--event`) and no call id; `toolArgs` is an object, or
 *   for `apply_patch` the raw patch text;
 * - PascalCase configs (`PreToolUse`, VS Code's format) send `{hook_event_name, session_id, timestamp: ISO,
 *   cwd, tool_name, tool_input}` with Claude tool names (`Bash`) and, for `apply_patch`, `tool_name: "Edit"`
 *   with the raw patch text as `tool_input`.
 * Tools `bash`, `powershell`, `edit`, `create`, `view`, `str_replace_editor`, `apply_patch`, `rg`, `glob`, …
 * Answer: `permissionDecision` allow | deny | ask with `permissionDecisionReason`, `modifiedArgs` to
 * rewrite (camelCase); PascalCase configs read the same fields inside `hookSpecificOutput` (with
 * `updatedInput`), and the top-level ones too. `ask` in a headless run (`copilot -p`) is a denial. A crash
 * or a non-zero exit denies.
 */
import { cwdOf, field, optional, pascalPhase, said, toolEvent } from './common';
import { MalformedPayloadError, type Adapter, type AgentEvent, type HookAnswer, type HookPhase, type Verdict } from './types';

function camelPhase(event: string | undefined, p: Readonly<Record<string, unknown>>): { phase: HookPhase; name: string } {
  const name = event ?? ('toolResult' in p ? 'postToolUse' : 'toolName' in p ? 'preToolUse' : 'reason' in p ? 'sessionEnd' : 'preToolUse');
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

/** True for text in the apply_patch format (V4A) or a unified diff. */
function looksLikePatch(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('*** Begin Patch') || t.startsWith('diff --git') || t.startsWith('--- ');
}

/**
 * The tool's arguments: `toolArgs` is an object, a JSON text, or (apply_patch with GPT models) the raw
 * patch. Any other text is refused: Airlock cannot tell what it would do.
 */
function args(raw: unknown, tool: string): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    if ((tool === 'apply_patch' || tool === 'Edit') && looksLikePatch(raw)) return raw;
    throw new MalformedPayloadError(`"toolArgs" of ${tool} is a string that is neither JSON nor a patch`);
  }
}

/**
 * PascalCase payloads name tools as Claude Code does; the same call arrives camelCase through the other
 * hook file, so both are named alike (one decision, one record for the call).
 */
function camelToolName(tool: string, input: unknown): string {
  if (tool === 'Edit' && typeof input === 'string') return 'apply_patch';
  if (tool === 'Bash') return 'bash';
  if (tool === 'PowerShell') return 'powershell';
  return tool;
}

/** Parses a Copilot runtime payload; `event` is the `--event` the installed hook command passes. */
export function parseCopilotCli(p: Readonly<Record<string, unknown>>, event?: string): AgentEvent {
  if (typeof p.hook_event_name === 'string') {
    // PascalCase config: VS Code-compatible payload.
    const eventName = p.hook_event_name;
    const phase = pascalPhase(eventName);
    const isTool = phase === 'pre' || phase === 'post' || phase === 'post-failure';
    const rawTool = isTool ? field(p, 'tool_name', 'tool name') : eventName;
    const input = isTool ? args(p.tool_input, rawTool) : undefined;
    const failed = phase === 'post' && (p.tool_result as { result_type?: string } | undefined)?.result_type === 'failure';
    return toolEvent({
      dialect: 'copilot-cli',
      agent: 'copilot-cli',
      phase: failed ? 'post-failure' : phase,
      eventName,
      // Copilot always sends its session id; a payload without one is kept apart under one fixed id.
      sessionId: optional(p, 'session_id') ?? optional(p, 'sessionId') ?? 'copilot-cli',
      cwd: cwdOf(p, 'cwd'),
      tool: isTool ? camelToolName(rawTool, input) : rawTool,
      input,
      toolUseId: optional(p, 'tool_use_id'),
    });
  }
  const { phase, name } = camelPhase(event, p);
  const isTool = phase === 'pre' || phase === 'post' || phase === 'post-failure';
  const failed = phase === 'post' && (p.toolResult as { resultType?: string } | undefined)?.resultType === 'failure';
  const tool = isTool ? field(p, 'toolName', 'tool name') : name;
  return toolEvent({
    dialect: 'copilot-cli',
    agent: 'copilot-cli',
    phase: failed ? 'post-failure' : phase,
    eventName: name,
    sessionId: optional(p, 'sessionId') ?? 'copilot-cli',
    cwd: cwdOf(p, 'cwd'),
    tool,
    input: isTool ? args(p.toolArgs, tool) : undefined,
    toolUseId: optional(p, 'toolCallId'),
  });
}

/** True for the Copilot runtime's payloads: camelCase ones, and PascalCase ones (ISO timestamp, no Claude or Codex markers). */
function isCopilotPayload(p: Readonly<Record<string, unknown>>): boolean {
  if ('toolName' in p || 'toolArgs' in p || 'toolResult' in p) return true;
  if (typeof p.sessionId === 'string' && typeof p.timestamp === 'number' && !('hookEventName' in p)) return true;
  return typeof p.hook_event_name === 'string' && typeof p.timestamp === 'string' && !('permission_mode' in p) && !('turn_id' in p) && !('hookEventName' in p);
}

export const copilotCliAdapter: Adapter = {
  dialect: 'copilot-cli',
  nativeAsk: true,
  matches: isCopilotPayload,
  parse: (p) => parseCopilotCli(p),
  answer(event, verdict: Verdict): HookAnswer {
    if ((event && event.phase !== 'pre') || verdict.action === 'none') return { stdout: '', stderr: '', exitCode: 0 };
    const reason = said(verdict.reason);
    const out: Record<string, unknown> = { permissionDecision: verdict.action, permissionDecisionReason: reason };
    if (event && /^[A-Z]/.test(event.eventName)) {
      // PascalCase config: VS Code's answer shape, which Copilot reads too (the top-level fields stay for older versions).
      out.hookSpecificOutput = { hookEventName: event.eventName, permissionDecision: verdict.action, permissionDecisionReason: reason, ...(verdict.updatedInput ? { updatedInput: verdict.updatedInput } : {}) };
    } else if (verdict.updatedInput) out.modifiedArgs = verdict.updatedInput;
    return { stdout: `${JSON.stringify(out)}\n`, stderr: '', exitCode: 0 };
  },
};
