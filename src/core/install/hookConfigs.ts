/**
 * Adding Airlock's hooks to each agent's configuration for one workspace, and taking them out again:
 * merged with what is there (comments and the user's other hooks and settings kept, through
 * jsonc-parser's edits), idempotent, with the absolute path of the CLI and timeouts long enough for a
 * person to answer an approval. Airlock's own entries are recognised by their command
 * (`… hook DIALECT --workspace …`).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { applyEdits, modify, parse, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { writeFileAtomic } from '../storage/atomicFile';

/** The agents `airlock install` knows (docs/cli.md). */
export const INSTALL_TARGETS = ['claude', 'vscode', 'copilot-cli', 'cursor', 'gemini', 'codex'] as const;

/** One of {@link INSTALL_TARGETS}. */
export type InstallTarget = (typeof INSTALL_TARGETS)[number];

/** How to run the CLI from a hook. */
export interface HookCommandOptions {
  /** The Node.js (or Electron-as-Node) executable. */
  readonly node: string;
  /** The CLI script (dist/cli.js). */
  readonly cli: string;
  /** Environment to set for the hook (Electron needs ELECTRON_RUN_AS_NODE=1). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Seconds before an agent gives up on a pre-tool hook: longer than Airlock's approval timeout (300 s). */
export const PRE_TIMEOUT_S = 600;
const POST_TIMEOUT_S = 120;
const END_TIMEOUT_S = 30;

const FORMAT: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: '\n' };

/** True for a hook command Airlock wrote. */
export function isAirlockCommand(command: unknown): boolean {
  return typeof command === 'string' && /\bhook (claude|vscode|copilot-cli|cursor|gemini|codex)\b.*--workspace\b/.test(command);
}

function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function winQuote(s: string): string {
  return /^[A-Za-z0-9_.:\\/-]+$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`;
}

/** The shell command a hook runs. */
export function hookCommand(dialect: string, workspace: string, run: HookCommandOptions, extra = '', windows = process.platform === 'win32'): string {
  const q = windows ? winQuote : shQuote;
  const env = Object.entries(run.env ?? {})
    .map(([k, v]) => (windows ? `set "${k}=${v}" && ` : `${k}=${shQuote(v)} `))
    .join('');
  return `${env}${q(run.node)} ${q(run.cli)} hook ${dialect} --workspace ${q(workspace)}${extra}`;
}

/** A thrown problem with a config file (it is not valid JSON, or not an object). */
export class ConfigFileError extends Error {}

function readConfig(file: string): { text: string; value: Record<string, unknown> } {
  if (!existsSync(file)) return { text: '{}\n', value: {} };
  const text = readFileSync(file, 'utf8');
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (errors.length > 0) throw new ConfigFileError(`${file} is not valid JSON (error at offset ${errors[0]!.offset}); fix it first, Airlock will not overwrite it`);
  if (value === undefined && text.trim() === '') return { text: '{}\n', value: {} };
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ConfigFileError(`${file} does not hold a JSON object; fix it first, Airlock will not overwrite it`);
  return { text, value: value as Record<string, unknown> };
}

/** Is this array entry Airlock's? Entries are flat (`{command}`, `{bash}`) or groups (`{matcher, hooks: [...]}`). */
function isOurs(entry: unknown): boolean {
  if (!entry || typeof entry !== 'object') return false;
  const e = entry as Record<string, unknown>;
  if (isAirlockCommand(e.command) || isAirlockCommand(e.bash) || isAirlockCommand(e.powershell)) return true;
  return Array.isArray(e.hooks) && e.hooks.some((h) => isOurs(h));
}

type EventSpec = { readonly event: string; readonly entry: unknown };

interface AgentConfig {
  /** The file, relative to the workspace. */
  readonly file: string;
  /** Top-level keys to set when missing (for example `version`). */
  readonly top?: Readonly<Record<string, unknown>>;
  /** The file is Airlock's own: removed when nothing else is left in it. */
  readonly owned: boolean;
  readonly events: (command: (extra?: string) => string) => readonly EventSpec[];
  /** What a person must still do after installing. */
  readonly notes?: readonly string[];
}

const group = (command: string, timeout: number, matcher?: string) => ({ ...(matcher !== undefined ? { matcher } : {}), hooks: [{ type: 'command', command, timeout }] });

const CURSOR_EDIT_TOOLS = 'Write|StrReplace|Edit|MultiEdit|Delete|ApplyPatch|EditNotebook';

/** Where and how each agent reads hooks (see the dialect modules in src/agents for the sources). */
export const AGENT_CONFIGS: Readonly<Record<InstallTarget, AgentConfig>> = {
  claude: {
    // The command holds this machine's paths, so it goes in the personal (not committed) settings file.
    file: '.claude/settings.local.json',
    owned: false,
    events: (c) => [
      { event: 'PreToolUse', entry: group(c(), PRE_TIMEOUT_S, '*') },
      { event: 'PostToolUse', entry: group(c(), POST_TIMEOUT_S, '*') },
      { event: 'PostToolUseFailure', entry: group(c(), POST_TIMEOUT_S, '*') },
      { event: 'SessionEnd', entry: group(c(), END_TIMEOUT_S) },
    ],
  },
  vscode: {
    file: '.github/hooks/airlock-vscode.json',
    owned: true,
    // VS Code runs hooks from the home folder unless `cwd` is set.
    events: (c) => [
      { event: 'PreToolUse', entry: { type: 'command', command: c(), cwd: '.', timeout: PRE_TIMEOUT_S } },
      { event: 'PostToolUse', entry: { type: 'command', command: c(), cwd: '.', timeout: POST_TIMEOUT_S } },
    ],
    notes: ['.github/hooks/airlock-vscode.json holds paths of this machine: add it to .gitignore rather than committing it.'],
  },
  'copilot-cli': {
    file: '.github/hooks/airlock-copilot-cli.json',
    top: { version: 1 },
    owned: true,
    events: (c) => [
      { event: 'preToolUse', entry: { type: 'command', bash: c(' --event preToolUse'), powershell: c(' --event preToolUse'), timeoutSec: PRE_TIMEOUT_S } },
      { event: 'postToolUse', entry: { type: 'command', bash: c(' --event postToolUse'), powershell: c(' --event postToolUse'), timeoutSec: POST_TIMEOUT_S } },
      { event: 'sessionEnd', entry: { type: 'command', bash: c(' --event sessionEnd'), powershell: c(' --event sessionEnd'), timeoutSec: END_TIMEOUT_S } },
    ],
    notes: ['.github/hooks/airlock-copilot-cli.json holds paths of this machine: add it to .gitignore rather than committing it.'],
  },
  cursor: {
    file: '.cursor/hooks.json',
    top: { version: 1 },
    owned: false,
    events: (c) => [
      { event: 'beforeShellExecution', entry: { command: c(), timeout: PRE_TIMEOUT_S, failClosed: true } },
      { event: 'beforeReadFile', entry: { command: c(), timeout: PRE_TIMEOUT_S, failClosed: true } },
      { event: 'beforeMCPExecution', entry: { command: c(), timeout: PRE_TIMEOUT_S, failClosed: true } },
      { event: 'preToolUse', entry: { command: c(), matcher: CURSOR_EDIT_TOOLS, timeout: PRE_TIMEOUT_S, failClosed: true } },
      { event: 'postToolUse', entry: { command: c(), matcher: CURSOR_EDIT_TOOLS, timeout: POST_TIMEOUT_S } },
      { event: 'afterFileEdit', entry: { command: c(), timeout: POST_TIMEOUT_S } },
      { event: 'afterShellExecution', entry: { command: c(), timeout: POST_TIMEOUT_S } },
      { event: 'sessionEnd', entry: { command: c(), timeout: END_TIMEOUT_S } },
    ],
  },
  gemini: {
    file: '.gemini/settings.json',
    owned: false,
    // Gemini CLI hook timeouts are in milliseconds.
    events: (c) => [
      { event: 'BeforeTool', entry: { matcher: '*', hooks: [{ name: 'airlock', type: 'command', command: c(), timeout: PRE_TIMEOUT_S * 1000 }] } },
      { event: 'AfterTool', entry: { matcher: '*', hooks: [{ name: 'airlock-after', type: 'command', command: c(), timeout: POST_TIMEOUT_S * 1000 }] } },
      { event: 'SessionEnd', entry: { hooks: [{ name: 'airlock-end', type: 'command', command: c(), timeout: END_TIMEOUT_S * 1000 }] } },
    ],
  },
  codex: {
    file: '.codex/hooks.json',
    owned: false,
    events: (c) => [
      { event: 'PreToolUse', entry: group(c(), PRE_TIMEOUT_S, '.*') },
      { event: 'PostToolUse', entry: group(c(), POST_TIMEOUT_S, '.*') },
    ],
    notes: ['Codex runs new hooks only after you trust them: open Codex in this workspace and approve Airlock\'s hooks in /hooks.'],
  },
};

/** What an install or uninstall did. */
export interface InstallResult {
  readonly agent: InstallTarget;
  /** Absolute path of the configuration file. */
  readonly file: string;
  readonly changed: boolean;
  readonly removedFile?: boolean;
  readonly notes: readonly string[];
}

function edit(text: string, path: (string | number)[], value: unknown): string {
  return applyEdits(text, modify(text, path, value, { formattingOptions: FORMAT }));
}

/** Adds (or refreshes) Airlock's hooks for `agent` in `workspace`. */
export function installHooks(agent: InstallTarget, workspace: string, run: HookCommandOptions): InstallResult {
  const spec = AGENT_CONFIGS[agent];
  const file = join(workspace, spec.file);
  const { text: original, value } = readConfig(file);
  let text = original;
  for (const [k, v] of Object.entries(spec.top ?? {})) if (!(k in value)) text = edit(text, [k], v);
  const hooks = (value.hooks && typeof value.hooks === 'object' && !Array.isArray(value.hooks) ? value.hooks : {}) as Record<string, unknown>;
  const command = (extra = ''): string => hookCommand(agent, workspace, run, extra);
  for (const { event, entry } of spec.events(command)) {
    const existing = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    text = edit(text, ['hooks', event], [...existing.filter((e) => !isOurs(e)), entry]);
  }
  const changed = text !== original || !existsSync(file);
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o644 });
  }
  return { agent, file, changed, notes: spec.notes ?? [] };
}

/** Removes Airlock's hooks for `agent`, keeping everything else. */
export function uninstallHooks(agent: InstallTarget, workspace: string): InstallResult {
  const spec = AGENT_CONFIGS[agent];
  const file = join(workspace, spec.file);
  if (!existsSync(file)) return { agent, file, changed: false, notes: [] };
  const { text: original, value } = readConfig(file);
  let text = original;
  const hooks = (value.hooks && typeof value.hooks === 'object' && !Array.isArray(value.hooks) ? value.hooks : {}) as Record<string, unknown>;
  for (const [event, list] of Object.entries(hooks)) {
    if (!Array.isArray(list) || !list.some(isOurs)) continue;
    const rest = list.filter((e) => !isOurs(e));
    text = edit(text, ['hooks', event], rest.length > 0 ? rest : undefined);
  }
  const after = parse(text) as Record<string, unknown>;
  if (after.hooks && typeof after.hooks === 'object' && Object.keys(after.hooks).length === 0) text = edit(text, ['hooks'], undefined);
  const left = parse(text) as Record<string, unknown>;
  const onlyTop = Object.keys(left).every((k) => k in (spec.top ?? {}));
  if (spec.owned && onlyTop) {
    rmSync(file, { force: true });
    return { agent, file, changed: true, removedFile: true, notes: [] };
  }
  const changed = text !== original;
  if (changed) writeFileAtomic(file, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o644 });
  return { agent, file, changed, notes: [] };
}

/** What is installed for `agent`: the commands of Airlock's entries, by event. */
export function installedHooks(agent: InstallTarget, workspace: string): { file: string; exists: boolean; events: Record<string, string[]>; error?: string } {
  const spec = AGENT_CONFIGS[agent];
  const file = join(workspace, spec.file);
  if (!existsSync(file)) return { file, exists: false, events: {} };
  let value: Record<string, unknown>;
  try {
    value = readConfig(file).value;
  } catch (e) {
    return { file, exists: true, events: {}, error: (e as Error).message };
  }
  const events: Record<string, string[]> = {};
  const hooks = (value.hooks && typeof value.hooks === 'object' ? value.hooks : {}) as Record<string, unknown>;
  const commandsOf = (entry: unknown): string[] => {
    if (!entry || typeof entry !== 'object') return [];
    const e = entry as Record<string, unknown>;
    const own = [e.command, e.bash].filter((c): c is string => isAirlockCommand(c));
    return [...own, ...(Array.isArray(e.hooks) ? e.hooks.flatMap(commandsOf) : [])];
  };
  for (const [event, list] of Object.entries(hooks)) {
    if (!Array.isArray(list)) continue;
    const cmds = list.flatMap(commandsOf);
    if (cmds.length > 0) events[event] = cmds;
  }
  return { file, exists: true, events };
}

/** The events Airlock installs for an agent (doctor checks each is present). */
export function expectedEvents(agent: InstallTarget): string[] {
  return AGENT_CONFIGS[agent].events(() => '').map((e) => e.event);
}
