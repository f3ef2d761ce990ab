/**
 * OpenAI Codex CLI hooks (openai/codex `codex-rs/hooks`; developers.openai.com/codex/hooks; payloads
 * verified against the real CLI 0.171.0, test/e2e/codex). Events `PreToolUse`/`PostToolUse` (with
 * `turn_id`), `SessionStart`, `Stop`, `SessionEnd` (`reason`, no `turn_id`). Shell tools arrive as `Bash`
 * with `{command}` only: the `workdir` the model gave `exec_command` is not passed to hooks. Patches
 * arrive as `apply_patch` with the V4A text in `tool_input.command` (paths relative to `cwd`).
 *
 * Answer rules are strict: to allow, print nothing or an `allow` with `updatedInput` (a bare `allow` is
 * rejected and fails open); `ask` is not supported; a deny needs a non-empty reason. Exit code 2 blocks.
 * New hooks run only after the person trusts them in `/hooks`, and only in a trusted project.
 *
 * Because the hook never sees `workdir`, every allowed shell command is rewritten to start with
 * `cd <the directory Airlock decided it for> &&`: a command cannot run somewhere other than where it was
 * decided (`workdir: "/"` with `rm -rf *` would otherwise pass as a command in the workspace).
 */
import { hookSpecific, pascalToolEvent, shellQuote } from './common';
import type { Adapter, AgentEvent, HookAnswer, Verdict } from './types';

/** The shell tools whose command the answer pins to the decided directory. */
const SHELL_TOOLS = new Set(['Bash', 'shell', 'exec_command', 'local_shell', 'shell_command', 'unified_exec']);

/** The tool input that runs the command (the rewritten one, if any) in the directory it was decided for. */
export function pinnedInput(event: AgentEvent, verdict: Verdict): Record<string, unknown> | undefined {
  if (event.action.category !== 'command' || !SHELL_TOOLS.has(event.tool)) return verdict.updatedInput;
  const input = verdict.updatedInput ?? (event.toolInput && typeof event.toolInput === 'object' && !Array.isArray(event.toolInput) ? (event.toolInput as Record<string, unknown>) : {});
  const command = typeof input.command === 'string' ? input.command : event.action.command;
  return { ...input, command: `cd ${shellQuote(event.action.cwd)} && ${command}` };
}

export const codexAdapter: Adapter = {
  dialect: 'codex',
  nativeAsk: false,
  matches: (p) => 'turn_id' in p,
  parse: (p): AgentEvent => pascalToolEvent(p, 'codex', 'codex', { event: 'hook_event_name', session: 'session_id' }),
  answer(event, verdict: Verdict): HookAnswer {
    if ((event && event.phase !== 'pre') || verdict.action === 'none') return { stdout: '', stderr: '', exitCode: 0 };
    if (verdict.action === 'allow') {
      const updatedInput = event ? pinnedInput(event, verdict) : verdict.updatedInput;
      return updatedInput ? { stdout: hookSpecific('PreToolUse', 'allow', verdict.reason, updatedInput), stderr: '', exitCode: 0 } : { stdout: '', stderr: '', exitCode: 0 };
    }
    // Codex has no `ask`: what would need a person is denied with the reason.
    return { stdout: hookSpecific('PreToolUse', 'deny', verdict.reason || 'denied'), stderr: '', exitCode: 0 };
  },
};
