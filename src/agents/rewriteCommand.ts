/**
 * Which agents let a hook change the command a shell tool runs, and how: the tool input with its
 * command replaced (Claude Code and VS Code `updatedInput`, Copilot CLI `modifiedArgs`, Gemini CLI
 * `hookSpecificOutput.tool_input`, Codex `updatedInput`). Cursor's shell hook cannot rewrite, and a
 * command given as an argument vector is not rewritten (there is no single string to wrap).
 */
import type { AgentEvent, Dialect } from './types';

const SHELL_TOOLS: Readonly<Record<Dialect, ReadonlySet<string>>> = {
  claude: new Set(['Bash']),
  vscode: new Set(['run_in_terminal', 'Bash']),
  'copilot-cli': new Set(['bash', 'Bash']),
  gemini: new Set(['run_shell_command']),
  codex: new Set(['Bash', 'shell', 'exec_command', 'local_shell', 'shell_command']),
  cursor: new Set(),
};

/** The tool input that runs `command` instead; undefined when this agent or tool cannot be rewritten. */
export function rewriteCommandInput(event: AgentEvent, command: string): Record<string, unknown> | undefined {
  if (event.phase !== 'pre' || !SHELL_TOOLS[event.dialect].has(event.tool) || event.eventName === 'PreSkillShellCommand') return undefined;
  const input = event.toolInput;
  if (!input || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const i = input as Record<string, unknown>;
  if (typeof i.command === 'string') return { ...i, command };
  if (typeof i.cmd === 'string') return { ...i, cmd: command };
  return undefined;
}

/** Why a command of this event cannot be rewritten (for the person), or undefined when it can. */
export function cannotRewrite(event: AgentEvent): string | undefined {
  if (rewriteCommandInput(event, 'x')) return undefined;
  if (event.dialect === 'cursor') return "Cursor's shell hook cannot change the command it runs";
  if (event.eventName === 'PreSkillShellCommand') return 'Claude Code cannot change a shell command a skill runs';
  if (!SHELL_TOOLS[event.dialect].has(event.tool)) return `${event.tool} is not a shell tool Airlock can rewrite`;
  return `${event.tool} gives its command as a list of arguments, which Airlock does not rewrite`;
}
