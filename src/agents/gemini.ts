/**
 * Gemini CLI hooks (google-gemini/gemini-cli `docs/hooks/reference.md`; payloads verified against the real
 * CLI 0.61.0, test/e2e/gemini). Events `BeforeTool`/`AfterTool`, `SessionStart`, `SessionEnd`
 * (`reason`), …; no call id. Tools `write_file`, `replace` (`allow_multiple`), `run_shell_command`
 * (`dir_path`), `read_file`, `list_directory`, `glob`, `grep_search`, … (parameter names changed across
 * versions: `directory` → `dir_path`, `path` → `file_path`). Answer: `decision` allow | deny | ask,
 * `reason` goes to the agent; `hookSpecificOutput.tool_input` replaces the tool's input. Exit code 2
 * blocks, with stderr as the reason.
 *
 * `ask` makes Gemini CLI show its own confirmation, even under `--approval-mode yolo`; a headless run
 * (`gemini -p`, or input that is not a terminal) has nobody to show it to and waits forever, so Airlock
 * asks natively only when the Gemini process it runs under is interactive.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { cwdOf, field, optional, said, toolEvent } from './common';
import type { Adapter, AgentEvent, HookAnswer, HookPhase, Verdict } from './types';

const GEMINI_EVENTS = new Set(['BeforeTool', 'AfterTool', 'BeforeAgent', 'AfterAgent', 'BeforeModel', 'AfterModel', 'BeforeToolSelection', 'PreCompress', 'Notification', 'SessionStart']);

function phaseOf(name: string): HookPhase {
  return name === 'BeforeTool' ? 'pre' : name === 'AfterTool' ? 'post' : name === 'SessionEnd' ? 'session-end' : 'other';
}

/** What the hook can learn of a process: its parent, its arguments and whether its stdin is a terminal. */
export interface ProcessInfo {
  readonly ppid: number;
  readonly argv: readonly string[];
  readonly ttyStdin: boolean;
}

/** Reads a process's info from /proc (Linux); undefined where that is not possible. */
export function procInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces and parentheses: the fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a.length > 0);
    let ttyStdin = false;
    try {
      ttyStdin = /^\/dev\/(pts\/\d+|tty\w*)$/.test(readlinkSync(`/proc/${pid}/fd/0`));
    } catch {
      ttyStdin = false;
    }
    return { ppid: Number(rest[1]), argv, ttyStdin };
  } catch {
    return undefined;
  }
}

/**
 * Whether the Gemini CLI this hook runs under is interactive: found among the hook's ancestors (the hook
 * runs under a shell Gemini starts), started without `-p`/`--prompt` (or with `-i`), with a terminal as
 * its input. Anything that cannot be established counts as not interactive: then an `ask` is answered
 * as the `airlock.offline` choice says rather than left waiting.
 */
export function geminiIsInteractive(startPid: number = process.ppid, info: (pid: number) => ProcessInfo | undefined = procInfo): boolean {
  let pid = startPid;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    const p = info(pid);
    if (!p) return false;
    const script = p.argv.find((a, i) => i > 0 && !a.startsWith('-'));
    if (p.argv.some((a) => /(^|[\\/])gemini(\.js)?$/.test(a)) || (script !== undefined && /gemini-cli[\\/].*gemini[^\\/]*\.js$/.test(script))) {
      const args = p.argv.slice(1);
      if (args.some((a) => a === '-i' || a === '--prompt-interactive' || a.startsWith('--prompt-interactive='))) return p.ttyStdin;
      if (args.some((a) => a === '-p' || a === '--prompt' || a.startsWith('--prompt='))) return false;
      return p.ttyStdin;
    }
    pid = p.ppid;
  }
  return false;
}

export const geminiAdapter: Adapter = {
  dialect: 'gemini',
  nativeAsk: true,
  asksNatively: () => geminiIsInteractive(),
  matches: (p) => typeof p.hook_event_name === 'string' && GEMINI_EVENTS.has(p.hook_event_name),
  parse(p): AgentEvent {
    const eventName = field(p, 'hook_event_name', 'event name');
    const phase = phaseOf(eventName);
    const failed = phase === 'post' && typeof (p.tool_response as { error?: unknown } | undefined)?.error === 'string';
    return toolEvent({
      dialect: 'gemini',
      agent: 'gemini',
      phase: failed ? 'post-failure' : phase,
      eventName,
      sessionId: field(p, 'session_id', 'session id'),
      cwd: cwdOf(p, 'cwd'),
      tool: phase === 'pre' || phase === 'post' ? field(p, 'tool_name', 'tool name') : eventName,
      input: p.tool_input,
      toolUseId: optional(p, 'tool_call_id'),
    });
  },
  answer(event, verdict: Verdict): HookAnswer {
    if ((event && event.phase !== 'pre') || verdict.action === 'none') return { stdout: '', stderr: '', exitCode: 0 };
    const out: Record<string, unknown> = { decision: verdict.action, reason: said(verdict.reason) };
    if (verdict.action !== 'allow') out.systemMessage = said(verdict.reason);
    if (verdict.updatedInput) out.hookSpecificOutput = { hookEventName: 'BeforeTool', tool_input: verdict.updatedInput };
    return { stdout: `${JSON.stringify(out)}\n`, stderr: '', exitCode: 0 };
  },
};
