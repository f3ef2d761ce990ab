/**
 * Telling an agent, after a tool ran, what Airlock did about it (the backstop restored protected files the
 * tool changed). Only where the dialect's post-tool answer reaches the model:
 * - Claude Code, VS Code and Codex (`PostToolUse`): `decision: "block"` with a `reason` is shown to the
 *   model (the tool already ran; nothing is undone by it), and `additionalContext` adds it to the context;
 * - Gemini CLI (`AfterTool`): `additionalContext` is appended to the tool's result, `systemMessage` shown;
 * - Copilot CLI and Cursor read nothing from their post-tool hooks: there the person is told, not the agent.
 */
import { said } from './common';
import type { AgentEvent, HookAnswer } from './types';

/** The post-tool answer carrying `message`, or undefined where the dialect cannot carry one. */
export function postNotice(event: AgentEvent, message: string): HookAnswer | undefined {
  if (event.phase !== 'post' && event.phase !== 'post-failure') return undefined;
  const text = said(message);
  switch (event.dialect) {
    case 'claude':
    case 'vscode':
    case 'codex':
      return { stdout: `${JSON.stringify({ decision: 'block', reason: text, hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: text } })}\n`, stderr: '', exitCode: 0 };
    case 'gemini':
      return { stdout: `${JSON.stringify({ systemMessage: text, hookSpecificOutput: { hookEventName: 'AfterTool', additionalContext: text } })}\n`, stderr: '', exitCode: 0 };
    default:
      return undefined;
  }
}
