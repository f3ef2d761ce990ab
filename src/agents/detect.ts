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
