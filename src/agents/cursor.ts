/**
 * Cursor hooks (`.cursor/hooks.json`, version 1; cursor.com/docs/hooks, read through eqtylab/cupcake,
 * CorridorSecurity/hookshot and mksglu/context-mode: Cursor's own docs were not reachable). Events
 * `beforeShellExecution` (`command`, `cwd`), `beforeReadFile` (`file_path`), `beforeMCPExecution`,
 * `preToolUse` (`tool_name`, `tool_input`), `afterFileEdit` (`file_path`, `edits`),
 * `afterShellExecution`, `postToolUse`, `stop`, `sessionEnd`; every payload has `conversation_id`.
 * Answer: flat `permission` allow | deny | ask with `user_message`/`agent_message` (camelCase too, as
 * sources disagree). `ask` is reported broken since Cursor 2.4.21, so Airlock never relies on it.
 * Cursor treats empty output as an error: always print JSON.
 */
import { cwdOf, field, optional, said, toolEvent } from './common';
import { toolPath } from './toolTable';
import { MalformedPayloadError, type Adapter, type AgentEvent, type HookAnswer, type Verdict } from './types';

function roots(p: Readonly<Record<string, unknown>>): string[] {
  return Array.isArray(p.workspace_roots) ? p.workspace_roots.filter((r): r is string => typeof r === 'string' && r.length > 0) : [];
}

export const cursorAdapter: Adapter = {
  dialect: 'cursor',
  nativeAsk: false,
  matches: (p) => 'conversation_id' in p || 'cursor_version' in p,
  parse(p): AgentEvent {
    const eventName = field(p, 'hook_event_name', 'event name');
    const workspaceRoots = roots(p);
    const cwd = cwdOf({ ...p, root: workspaceRoots[0] }, 'cwd', 'root');
    const sessionId = optional(p, 'conversation_id') ?? 'cursor';
    const base = { dialect: 'cursor' as const, agent: 'cursor' as const, eventName, sessionId, cwd, workspaceRoots, toolUseId: optional(p, 'tool_use_id') ?? optional(p, 'generation_id') };
    switch (eventName) {
      case 'beforeShellExecution':
        return toolEvent({ ...base, phase: 'pre', tool: 'Shell', input: { command: field(p, 'command', 'command'), cwd: optional(p, 'cwd') } });
      case 'afterShellExecution':
        return toolEvent({ ...base, phase: 'post', tool: 'Shell', input: { command: field(p, 'command', 'command'), cwd: optional(p, 'cwd') } });
      case 'beforeReadFile':
        return toolEvent({ ...base, phase: 'pre', tool: 'Read', input: { file_path: field(p, 'file_path', 'file path') } });
      case 'afterFileEdit': {
        const path = toolPath(field(p, 'file_path', 'file path'), cwd);
        const edits = Array.isArray(p.edits) ? p.edits : [];
        return toolEvent({ ...base, phase: 'post', tool: 'Edit', input: { file_path: path, edits } });
      }
      case 'beforeMCPExecution':
        return toolEvent({ ...base, phase: 'pre', tool: `mcp__${optional(p, 'tool_name') ?? 'unknown'}`, input: p.tool_input });
      case 'preToolUse':
      case 'postToolUse':
      case 'postToolUseFailure':
        return toolEvent({ ...base, phase: eventName === 'preToolUse' ? 'pre' : eventName === 'postToolUse' ? 'post' : 'post-failure', tool: field(p, 'tool_name', 'tool name'), input: p.tool_input });
      case 'sessionEnd':
        return toolEvent({ ...base, phase: 'session-end', tool: eventName, input: undefined });
      default:
        if (typeof eventName !== 'string') throw new MalformedPayloadError('the payload has no event name');
        return toolEvent({ ...base, phase: 'other', tool: eventName, input: undefined });
    }
  },
  answer(event, verdict: Verdict): HookAnswer {
    if ((event && event.phase !== 'pre') || verdict.action === 'none') return { stdout: '{}\n', stderr: '', exitCode: 0 };
    // Cursor's `ask` is unreliable: an unanswered ask is a deny.
    const permission = verdict.action === 'ask' ? 'deny' : verdict.action;
    const message = said(verdict.reason);
    const out: Record<string, unknown> = { permission };
    if (permission !== 'allow' || verdict.reason) {
      out.user_message = message;
      out.agent_message = message;
      out.userMessage = message;
      out.agentMessage = message;
    }
    if (verdict.updatedInput && event?.eventName === 'preToolUse') out.updated_input = verdict.updatedInput;
    return { stdout: `${JSON.stringify(out)}\n`, stderr: '', exitCode: 0 };
  },
};
