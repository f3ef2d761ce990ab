/**
 * OpenAI Codex CLI hooks (openai/codex `codex-rs/hooks`; developers.openai.com/codex/hooks). Events
 * `PreToolUse`/`PostToolUse`; shell tools arrive as `Bash` with `{command}`, patches as `apply_patch`
 * with the V4A text in `tool_input.command` (paths relative to `cwd`). Answer rules are strict: to
 * allow, print nothing (an `allow` without `updatedInput` is rejected and fails open); `ask` is not
 * supported; a deny needs a non-empty reason. New hooks run only after the person trusts them in `/hooks`.
 */
import { hookSpecific, pascalToolEvent } from './common';
import type { Adapter, AgentEvent, HookAnswer, Verdict } from './types';

export const codexAdapter: Adapter = {
  dialect: 'codex',
  nativeAsk: false,
  matches: (p) => 'turn_id' in p,
  parse: (p): AgentEvent => pascalToolEvent(p, 'codex', 'codex', { event: 'hook_event_name', session: 'session_id' }),
  answer(event, verdict: Verdict): HookAnswer {
    if ((event && event.phase !== 'pre') || verdict.action === 'none') return { stdout: '', stderr: '', exitCode: 0 };
    if (verdict.action === 'allow') {
      return verdict.updatedInput ? { stdout: hookSpecific('PreToolUse', 'allow', verdict.reason, verdict.updatedInput), stderr: '', exitCode: 0 } : { stdout: '', stderr: '', exitCode: 0 };
    }
    // Codex has no `ask`: what would need a person is denied with the reason.
    return { stdout: hookSpecific('PreToolUse', 'deny', verdict.reason || 'denied'), stderr: '', exitCode: 0 };
  },
};
