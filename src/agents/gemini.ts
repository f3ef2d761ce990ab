/**
 * Gemini CLI hooks (google-gemini/gemini-cli `docs/hooks/reference.md`, `packages/core/src/hooks/types.ts`).
 * Events `BeforeTool`/`AfterTool`, `SessionEnd`; tools `write_file`, `replace`, `run_shell_command`,
 * `read_file`, … (parameter names changed across versions: `directory` → `dir_path`, `path` →
 * `file_path`). Answer: `decision` allow | deny, `reason` goes to the agent; `ask` exists only in recent
 * versions, so Airlock does not rely on it. `hookSpecificOutput.tool_input` is merged into the input.
 */
import { cwdOf, field, optional, said, toolEvent } from './common';
import type { Adapter, AgentEvent, HookAnswer, HookPhase, Verdict } from './types';

const GEMINI_EVENTS = new Set(['BeforeTool', 'AfterTool', 'BeforeAgent', 'AfterAgent', 'BeforeModel', 'AfterModel', 'BeforeToolSelection', 'PreCompress']);

function phaseOf(name: string): HookPhase {
  return name === 'BeforeTool' ? 'pre' : name === 'AfterTool' ? 'post' : name === 'SessionEnd' ? 'session-end' : 'other';
}

export const geminiAdapter: Adapter = {
  dialect: 'gemini',
  nativeAsk: false,
  matches: (p) => typeof p.hook_event_name === 'string' && GEMINI_EVENTS.has(p.hook_event_name),
  parse(p): AgentEvent {
    const eventName = field(p, 'hook_event_name', 'event name');
    const phase = phaseOf(eventName);
    const failed = phase === 'post' && typeof (p.tool_response as { error?: unknown } | undefined)?.error === 'string';
    return toolEvent({
      dialect: 'gemini',
      agent: 'gemini',
      phase: failed ? 'post-failure' : phase,
      eventName,
      sessionId: field(p, 'session_id', 'session id'),
      cwd: cwdOf(p, 'cwd'),
      tool: phase === 'pre' || phase === 'post' ? field(p, 'tool_name', 'tool name') : eventName,
      input: p.tool_input,
      toolUseId: optional(p, 'tool_call_id'),
    });
  },
  answer(event, verdict: Verdict): HookAnswer {
    if ((event && event.phase !== 'pre') || verdict.action === 'none') return { stdout: '', stderr: '', exitCode: 0 };
    const decision = verdict.action === 'ask' ? 'deny' : verdict.action;
    const out: Record<string, unknown> = { decision, reason: said(verdict.reason) };
    if (decision === 'deny') out.systemMessage = said(verdict.reason);
    if (verdict.updatedInput) out.hookSpecificOutput = { hookEventName: 'BeforeTool', tool_input: verdict.updatedInput };
    return { stdout: `${JSON.stringify(out)}\n`, stderr: '', exitCode: 0 };
  },
};
