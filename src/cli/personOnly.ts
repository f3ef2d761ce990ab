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

/** Agent executables, by name. */
const AGENT_EXE = /^(claude|codex|codex-[a-z0-9-]+|gemini|copilot|cursor-agent)$/;
/** Agent packages, when a runtime (node, bun) runs their script. */
const AGENT_SCRIPT = /@anthropic-ai\/claude-code\/|@openai\/codex\/|@google\/gemini-cli\/|@github\/copilot\//;
const RUNTIMES = /^(node|nodejs|bun|deno)$/;

/** The agent a process's command line runs, judged by its program (and a runtime's script), never by its other arguments. */
function agentIn(cmdline: string): string | undefined {
  const args = cmdline.split('\0').filter((a) => a.length > 0);
  const exe = (args[0] ?? '').split('/').pop() ?? '';
  if (AGENT_EXE.test(exe)) return exe;
  if (RUNTIMES.test(exe)) {
    const script = args.slice(1).find((a) => !a.startsWith('-'));
    if (script && AGENT_SCRIPT.test(script)) return script.match(AGENT_SCRIPT)![0].replace(/\/$/, '');
    if (script && AGENT_EXE.test(script.split('/').pop() ?? '')) return script.split('/').pop();
  }
  return undefined;
}

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
      const found = agentIn(readFileSync(`/proc/${p}/cmdline`, 'utf8'));
      if (found) return `an agent process (${found}, pid ${p})`;
    } catch {
      return undefined;
    }
    p = parentOf(p);
  }
  return undefined;
}
