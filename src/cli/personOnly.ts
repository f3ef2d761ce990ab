/**
 * Person-only actions (answering approvals, changing trust, removing hooks, rolling back) come from the
 * editor or a person's own terminal, never from an agent's tool call. The decision layer already denies
 * agents every spelling of these commands; this is the layer behind it, for a command the analysis
 * misjudged: the process refuses when an agent started it (its environment markers, or an agent among its
 * ancestors). An agent running uncontained code can still hide both; the README says so.
 */
import { readFileSync } from 'node:fs';

/** Environment variables the agents set for the commands they run. */
const AGENT_ENV: readonly [string, string][] = [
  ['CLAUDECODE', 'Claude Code'],
  ['CLAUDE_CODE_ENTRYPOINT', 'Claude Code'],
  ['GEMINI_CLI', 'Gemini CLI'],
  ['CODEX_SANDBOX', 'Codex'],
  ['CODEX_SANDBOX_NETWORK_DISABLED', 'Codex'],
  ['COPILOT_AGENT', 'Copilot'],
  ['CURSOR_AGENT', 'Cursor'],
];

const AGENT_PROCESS = /(^|\/)(claude|codex|codex-[a-z0-9-]+|gemini|copilot|cursor-agent)(\0|$)|@anthropic-ai\/claude-code|@openai\/codex|@google\/gemini-cli|@github\/copilot/;

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields after the last `)` are fixed.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** The agent this process runs under, if it can tell: by its environment, or an agent among its ancestors (Linux). */
export function agentAbove(env: NodeJS.ProcessEnv = process.env, pid: number = process.pid): string | undefined {
  for (const [key, name] of AGENT_ENV) if (env[key]) return `${name} (${key} is set)`;
  let p: number | undefined = parentOf(pid);
  for (let depth = 0; p !== undefined && p > 1 && depth < 64; depth++) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      const m = AGENT_PROCESS.exec(cmd);
      if (m) return `an agent process (${(m[2] ?? m[0]).replace(/^\//, '')}, pid ${p})`;
    } catch {
      return undefined;
    }
    p = parentOf(p);
  }
  return undefined;
}
