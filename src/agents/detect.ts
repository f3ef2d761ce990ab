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

/**
 * Which agents read each dialect's hook file, most specific first. The file decides who can be speaking;
 * markers in the payload decide which of them is:
 * - `.claude/settings*.json`: Claude Code (and VS Code's Claude harness), VS Code's Local harness,
 *   Copilot CLI (PascalCase payloads) and Cursor, which loads Claude-format hooks;
 * - `.github/hooks/airlock-vscode.json`: VS Code's Local harness, and the Copilot runtime (VS Code's
 *   Copilot harness and Copilot CLI), which sends Copilot SDK payloads; Claude- and Codex-format payloads
 *   are recognised too (VS Code harnesses running those agents);
 * - `.github/hooks/airlock-copilot-cli.json`: Copilot CLI and VS Code's Local harness;
 * - `.gemini/settings.json`, `.codex/hooks.json`, `.cursor/hooks.json`: their own agent only, so
 *   nothing in a payload can make Airlock read it as another agent's.
 */
const CANDIDATES: Readonly<Record<Dialect, readonly Adapter[]>> = {
  claude: [cursorAdapter, copilotCliAdapter, vscodeAdapter, claudeAdapter],
  vscode: [copilotCliAdapter, codexAdapter, vscodeAdapter, claudeAdapter],
  'copilot-cli': [copilotCliAdapter, vscodeAdapter],
  cursor: [cursorAdapter],
  gemini: [geminiAdapter],
  codex: [codexAdapter],
};

/** The adapter for a payload received by `airlock hook DIALECT`. */
export function detectAdapter(dialect: Dialect, payload: Payload): Adapter {
  for (const adapter of CANDIDATES[dialect]) if (adapter.matches(payload)) return adapter;
  return ADAPTERS[dialect];
}

/** Detects the agent and parses the payload (with the `--event` Copilot CLI's camelCase configs pass). */
export function parseEvent(dialect: Dialect, payload: Payload, event?: string): { adapter: Adapter; event: AgentEvent } {
  const adapter = detectAdapter(dialect, payload);
  return { adapter, event: adapter === copilotCliAdapter ? parseCopilotCli(payload, event) : adapter.parse(payload) };
}

/** The agent id each dialect's own agent has. */
const DIALECT_AGENT: Readonly<Record<Dialect, AgentEvent['agent']>> = {
  claude: 'claude',
  vscode: 'copilot',
  'copilot-cli': 'copilot-cli',
  cursor: 'cursor',
  gemini: 'gemini',
  codex: 'codex',
};

/** What could be read from a payload that failed to parse, for the audit record and the session list. */
export interface SalvagedEvent {
  readonly agent: AgentEvent['agent'];
  readonly agentSessionId?: string;
  readonly tool?: string;
  readonly target?: string;
}

const SESSION_KEYS = ['session_id', 'sessionId', 'conversation_id'];
const TOOL_KEYS = ['tool_name', 'toolName'];
const INPUT_KEYS = ['tool_input', 'toolArgs', 'tool_args'];
const TARGET_KEYS = ['file_path', 'filePath', 'path', 'notebook_path', 'target_file', 'command', 'cmd', 'dirPath', 'dir_path'];

function shortText(v: unknown): string | undefined {
  if (typeof v === 'string' && v.length > 0) return v.length > 500 ? `${v.slice(0, 500)}…` : v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return shortText(v.join(' '));
  return undefined;
}

/**
 * Reads what it can of a payload Airlock refused as malformed: which agent sent it, its session, its tool
 * and what the tool targets. Never throws; a field that is missing or of the wrong type is left out.
 */
export function salvageEvent(dialect: Dialect, text: string): SalvagedEvent {
  let p: Record<string, unknown>;
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { agent: DIALECT_AGENT[dialect] };
    p = v as Record<string, unknown>;
  } catch {
    return { agent: DIALECT_AGENT[dialect] };
  }
  let agent = DIALECT_AGENT[dialect];
  try {
    const adapter = detectAdapter(dialect, p);
    agent = adapter === vscodeAdapter ? 'copilot' : DIALECT_AGENT[adapter.dialect];
  } catch {
    // keep the dialect's own agent
  }
  const first = (keys: readonly string[], from: Record<string, unknown>): string | undefined => {
    for (const k of keys) {
      const v = shortText(from[k]);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  let input: unknown = INPUT_KEYS.map((k) => p[k]).find((v) => v !== undefined);
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input) as unknown;
    } catch {
      // a raw string (a patch, a command): it is the target itself
    }
  }
  const target = typeof input === 'string' ? shortText(input) : input && typeof input === 'object' && !Array.isArray(input) ? first(TARGET_KEYS, input as Record<string, unknown>) : first(['command', 'file_path'], p);
  const agentSessionId = first(SESSION_KEYS, p);
  const tool = first(TOOL_KEYS, p);
  return { agent, ...(agentSessionId !== undefined ? { agentSessionId } : {}), ...(tool !== undefined ? { tool } : {}), ...(target !== undefined ? { target } : {}) };
}
