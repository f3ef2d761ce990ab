/**
 * Which agent sent a payload. The DIALECT argument names a wire format, but several agents read the
 * same hook files (VS Code and Copilot CLI read `.claude/settings*.json`; VS Code reads
 * `.github/hooks/*.json`), so markers in the payload decide, and the argument breaks ties.
 */
import { claudeAdapter } from './claude';
import { codexAdapter } from './codex';
import { copilotCliAdapter, parseCopilotCli } from './copilotCli';
import { cursorAdapter } from './cursor';
import { geminiAdapter } from './gemini';
import type { Adapter, AgentEvent, Dialect } from './types';
import { vscodeAdapter } from './vscode';

/** Every adapter by dialect. */
export const ADAPTERS: Readonly<Record<Dialect, Adapter>> = {
  claude: claudeAdapter,
  vscode: vscodeAdapter,
  'copilot-cli': copilotCliAdapter,
  cursor: cursorAdapter,
  gemini: geminiAdapter,
  codex: codexAdapter,
};

type Payload = Readonly<Record<string, unknown>>;

/** Markers only one agent's payloads carry. */
function strongMarker(p: Payload): Adapter | undefined {
  if ('conversation_id' in p || 'cursor_version' in p) return cursorAdapter;
  if ('toolName' in p || 'toolArgs' in p || 'toolResult' in p) return copilotCliAdapter;
  if ('turn_id' in p) return codexAdapter;
  if (geminiAdapter.matches(p)) return geminiAdapter;
  if (typeof p.hookEventName === 'string') return vscodeAdapter;
  if ('permission_mode' in p) return claudeAdapter;
  return undefined;
}

/** The adapter for a payload received by `airlock hook DIALECT`. */
export function detectAdapter(dialect: Dialect, payload: Payload): Adapter {
  const strong = strongMarker(payload);
  if (strong) return strong;
  // Copilot CLI's PascalCase payload (ISO timestamp, no permission_mode) looks like Gemini's lifecycle
  // events; only a hook installed for Gemini is taken to be Gemini.
  if (dialect !== 'gemini' && typeof payload.timestamp === 'string' && typeof payload.hook_event_name === 'string') return copilotCliAdapter;
  return ADAPTERS[dialect];
}

/** Detects the agent and parses the payload (with the `--event` Copilot CLI's camelCase configs pass). */
export function parseEvent(dialect: Dialect, payload: Payload, event?: string): { adapter: Adapter; event: AgentEvent } {
  const adapter = detectAdapter(dialect, payload);
  return { adapter, event: adapter === copilotCliAdapter ? parseCopilotCli(payload, event) : adapter.parse(payload) };
}
