/**
 * Claude Code hooks (https://code.claude.com/docs/en/hooks; payloads verified against the real CLI
 * 2.1.332, see test/e2e/claude). Events `PreToolUse`, `PostToolUse`, `PostToolUseFailure`,
 * `SessionEnd`; tools `Write`, `Edit`, `MultiEdit` (older versions), `NotebookEdit`, `Bash`, `Read`, …
 * Answer: `hookSpecificOutput.permissionDecision` allow | deny | ask (exit 0, JSON on stdout);
 * `updatedInput` replaces the whole tool input.
 *
 * `PreSkillShellCommand` (2.1.332): shell commands a skill runs (its `!` lines) never pass `PreToolUse`.
 * The payload is Claude's common fields with `tool_name` (the shell tool, `Bash`), `tool_input: {command}`,
 * `tool_use_id`, `command_name`, `command_source` and `invoked_by` (read from the CLI itself, no public
 * docs yet). Claude Code blocks the command on `deny`, on `ask` (it cannot ask about a skill's command) and
 * on an `updatedInput` (it cannot run a rewritten one), and runs it on `allow`; a hook that fails is
 * reported and the command runs anyway, so the installed command ends in a blocking exit 2.
 */
import { hookSpecific, pascalToolEvent } from './common';
import type { Adapter, AgentEvent, HookAnswer, Verdict } from './types';

/** The event of shell commands run by skills. */
export const SKILL_SHELL_EVENT = 'PreSkillShellCommand';

export const claudeAdapter: Adapter = {
  dialect: 'claude',
  nativeAsk: true,
  // A skill's shell command cannot be asked about: Claude Code would block it without asking anyone.
  asksNatively: (event) => event.eventName !== SKILL_SHELL_EVENT,
  matches: (p) => typeof p.hook_event_name === 'string' && 'permission_mode' in p && !('turn_id' in p),
  parse: (p): AgentEvent => pascalToolEvent(p, 'claude', 'claude', { event: 'hook_event_name', session: 'session_id' }),
  answer(event, verdict: Verdict): HookAnswer {
    if (event && event.phase !== 'pre') return { stdout: '', stderr: '', exitCode: 0 };
    if (verdict.action === 'none') return { stdout: '', stderr: '', exitCode: 0 };
    if (event?.eventName === SKILL_SHELL_EVENT) {
      const action = verdict.action === 'allow' && !verdict.updatedInput ? 'allow' : 'deny';
      return { stdout: hookSpecific(SKILL_SHELL_EVENT, action, verdict.reason), stderr: '', exitCode: 0 };
    }
    return { stdout: hookSpecific('PreToolUse', verdict.action, verdict.reason, verdict.updatedInput), stderr: '', exitCode: 0 };
  },
};
