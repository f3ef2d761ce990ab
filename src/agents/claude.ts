/**
 * Claude Code hooks (https://code.claude.com/docs/en/hooks; payloads verified against the real CLI
 * 2.1.332, see test/e2e/claude). Events `PreToolUse`, `PostToolUse`, `PostToolUseFailure`,
 * `SessionEnd`; tools `Write`, `Edit`, `MultiEdit` (older versions), `NotebookEdit`, `Bash`, `Read`, …
 * Answer: `hookSpecificOutput.permissionDecision` allow | deny | ask (exit 0, JSON on stdout);
 * `updatedInput` replaces the whole tool input.
 */
import { hookSpecific, pascalToolEvent } from './common';
import type { Adapter, AgentEvent, HookAnswer, Verdict } from './types';

export const claudeAdapter: Adapter = {
  dialect: 'claude',
  nativeAsk: true,
  matches: (p) => typeof p.hook_event_name === 'string' && 'permission_mode' in p && !('turn_id' in p),
  parse: (p): AgentEvent => pascalToolEvent(p, 'claude', 'claude', { event: 'hook_event_name', session: 'session_id' }),
  answer(event, verdict: Verdict): HookAnswer {
    if (event && event.phase !== 'pre') return { stdout: '', stderr: '', exitCode: 0 };
    if (verdict.action === 'none') return { stdout: '', stderr: '', exitCode: 0 };
    return { stdout: hookSpecific('PreToolUse', verdict.action, verdict.reason, verdict.updatedInput), stderr: '', exitCode: 0 };
  },
};
