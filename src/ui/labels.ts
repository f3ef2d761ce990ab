/** How the editor names agents, install targets and times for a person. */
import type { InstallTarget } from '../core/install/hookConfigs';
import { AGENT_NAMES, isAgentId } from '../shared/ids';
import { visible } from '../shared/shown';

/** A name from an agent or the file system (folder, file, path, session), for a notification, quick pick, tree or the status bar: its hidden characters and lookalike letters marked. */
export function label(name: string, max = 200): string {
  return visible(name, { kind: 'name', max });
}

/** A sentence that may hold agent or file-system text (an error message, a reason), marked the same way. */
export function said(text: string): string {
  return visible(text, { max: 2000 });
}

/** A person-readable agent name. */
export function agentName(agent: string): string {
  return isAgentId(agent) ? AGENT_NAMES[agent] : label(agent, 80);
}

/** "14:02" today, "Nov 24 14:02" otherwise. */
export function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === now.toDateString() ? time : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/** The agent each install target is for (`vscode` is Copilot's agent mode in VS Code). */
export const TARGET_NAMES: Readonly<Record<InstallTarget, string>> = {
  claude: AGENT_NAMES.claude,
  vscode: AGENT_NAMES.copilot,
  'copilot-cli': AGENT_NAMES['copilot-cli'],
  cursor: AGENT_NAMES.cursor,
  gemini: AGENT_NAMES.gemini,
  codex: AGENT_NAMES.codex,
};
