/**
 * GitHub Copilot agent hooks in VS Code (code.visualstudio.com/docs/agents/reference/hooks-reference,
 * "Local" harness; microsoft/vscode-copilot-chat `chatHookService.ts`, `hookExecutor.ts`). camelCase
 * `sessionId`/`hookEventName`, snake_case `tool_name`/`tool_input`, tools `replace_string_in_file`,
 * `multi_replace_string_in_file`, `insert_edit_into_file`, `create_file`, `apply_patch`,
 * `run_in_terminal`, `edit_notebook_file`, `read_file`, … VS Code also reads `.claude/settings*.json`
 * and sends this payload to Claude Code's hook commands. Answer: `permissionDecision` only inside
 * `hookSpecificOutput` (a top-level one is ignored).
 */
import { hookSpecific, pascalToolEvent } from './common';
import type { Adapter, AgentEvent, HookAnswer, Verdict } from './types';

export const vscodeAdapter: Adapter = {
  dialect: 'vscode',
  nativeAsk: true,
  matches: (p) => typeof p.hookEventName === 'string' || (typeof p.sessionId === 'string' && !('toolName' in p)),
  parse: (p): AgentEvent => pascalToolEvent(p, 'vscode', 'copilot', { event: 'hookEventName', session: 'sessionId' }),
  answer(event, verdict: Verdict): HookAnswer {
    if ((event && event.phase !== 'pre') || verdict.action === 'none') return { stdout: '', stderr: '', exitCode: 0 };
    return { stdout: hookSpecific('PreToolUse', verdict.action, verdict.reason, verdict.updatedInput), stderr: '', exitCode: 0 };
  },
};
