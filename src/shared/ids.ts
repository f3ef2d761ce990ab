/** The agent ids Airlock knows (docs/cli.md "Agents"). Trust, limits, sessions and audit are kept per id. */
export const AGENT_IDS = ['claude', 'copilot', 'copilot-cli', 'cursor', 'gemini', 'codex'] as const;

/** One of {@link AGENT_IDS}. */
export type AgentId = (typeof AGENT_IDS)[number];

/** The id `airlock check` decides for when no `--agent` is given: an agent never seen before. */
export const UNKNOWN_AGENT = 'unknown';

/** Human names for the agents, for messages and the editor UI. */
export const AGENT_NAMES: Readonly<Record<AgentId, string>> = {
  claude: 'Claude Code',
  copilot: 'GitHub Copilot (VS Code)',
  'copilot-cli': 'GitHub Copilot CLI',
  cursor: 'Cursor',
  gemini: 'Gemini CLI',
  codex: 'Codex',
};

/** True when `id` is one of {@link AGENT_IDS}. */
export function isAgentId(id: string): id is AgentId {
  return (AGENT_IDS as readonly string[]).includes(id);
}
