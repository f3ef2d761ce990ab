/**
 * Adding Airlock's hooks to each agent's configuration for one workspace, and taking them out again:
 * merged with what is there (comments and the user's other hooks and settings kept, through
 * jsonc-parser's edits), idempotent, with timeouts long enough for a person to answer an approval.
 * Airlock's own entries are recognised by their command (`… hook DIALECT --workspace …`).
 *
 * Hooks must fail closed even when they cannot start (spec/cli.md "Hooks and the gate"). Two measures:
 * - On POSIX the command runs a stable launcher in Airlock's data folder (`bin/airlock-hook`), not the
 *   CLI inside the extension's versioned folder that an update removes. The launcher is rewritten by
 *   every `airlock install` and by the extension on activation, and when the CLI it names is gone it
 *   looks for another installed version of the extension next to it before giving up.
 * - Every command that gates a tool call ends in a blocking fallback (`|| { …; exit 2; }`): if the
 *   shell cannot run the launcher, Node.js or the CLI (missing, crashed, killed), the agent gets exit
 *   code 2, which every supported agent treats as "blocked", with a message naming Airlock.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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
  /**
   * Airlock's data root. When given (and not on Windows), the stable launcher is written in it and the
   * hook commands run the launcher instead of naming Node.js and the CLI directly.
   */
  readonly dataRoot?: string;
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

/** What a gating hook prints when it cannot start (the agent shows it and blocks the tool call). */
export const CANNOT_START_MESSAGE = 'Airlock: its hook could not start (Node.js or the Airlock CLI is missing or failed), so this action is blocked. Run `airlock doctor` in the workspace, or reinstall the hooks with `airlock install AGENT`.';

/** The launcher's path in a data root. */
export function launcherPath(dataRoot: string): string {
  return join(dataRoot, 'bin', 'airlock-hook');
}

function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The extensions folder an extension's CLI lives in (`…/extensions/airlock-dev.airlock-X/dist/cli.js`), if it does. */
export function extensionsDirOf(cli: string): string | undefined {
  const m = /^(.*)[\\/]airlock-dev\.airlock-[^\\/]+[\\/]dist[\\/]cli\.js$/.exec(cli);
  return m?.[1];
}

/**
 * The launcher script: runs the recorded CLI with the recorded Node.js; when the CLI is gone (an
 * extension update removed its folder) it takes another installed version of the extension from the same
 * extensions folder, and when that Node.js is gone the `node` on PATH. If nothing can run, it says so and
 * exits 2, which agents treat as a block.
 */
export function launcherScript(run: HookCommandOptions): string {
  const ext = extensionsDirOf(run.cli);
  const env = Object.entries(run.env ?? {});
  return [
    '#!/bin/sh',
    "# Airlock's hook launcher. Agents' hook commands run this file so that they keep working when the",
    '# extension is updated. Written by `airlock install` and by the extension; do not edit.',
    `cli=${shQuote(run.cli)}`,
    `node=${shQuote(run.node)}`,
    `extensions=${ext ? shQuote(ext) : "''"}`,
    'if [ ! -f "$cli" ] && [ -n "$extensions" ]; then',
    '  for c in "$extensions"/airlock-dev.airlock-*/dist/cli.js; do',
    '    if [ -f "$c" ]; then cli="$c"; fi',
    '  done',
    'fi',
    ...(env.length > 0 ? [`if [ -x "$node" ]; then ${env.map(([k, v]) => `${k}=${shQuote(v)}; export ${k};`).join(' ')} fi`] : []),
    'if [ ! -x "$node" ]; then node=$(command -v node 2>/dev/null); fi',
    'if [ ! -f "$cli" ] || [ -z "$node" ]; then',
    `  echo ${shQuote(CANNOT_START_MESSAGE)} >&2`,
    '  exit 2',
    'fi',
    'exec "$node" "$cli" "$@"',
    '',
  ].join('\n');
}

/** Writes (or refreshes) the launcher in `dataRoot`; returns its path. */
export function writeLauncher(dataRoot: string, run: HookCommandOptions): string {
  const file = launcherPath(dataRoot);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const text = launcherScript(run);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) writeFileAtomic(file, text, { mode: 0o755 });
  chmodSync(file, 0o755);
  return file;
}

/** What the launcher at `file` runs: its recorded CLI and Node.js (undefined when it cannot be read). */
export function readLauncher(file: string): { cli: string; node: string; extensions?: string } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const value = (name: string): string | undefined => {
    const m = new RegExp(`^${name}=(?:'((?:[^']|'\\\\'')*)'|(\\S*))$`, 'm').exec(text);
    if (!m) return undefined;
    return m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2];
  };
  const cli = value('cli');
  const node = value('node');
  if (!cli || !node) return undefined;
  const extensions = value('extensions');
  return { cli, node, ...(extensions ? { extensions } : {}) };
}

function winQuote(s: string): string {
  return /^[A-Za-z0-9_.:\\/-]+$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`;
}

/**
 * The shell command a hook runs. With a launcher (POSIX), `/bin/sh LAUNCHER hook …`; otherwise Node.js
 * and the CLI by path. `gate`: the hook decides a tool call, so a failure to start must block it.
 */
export function hookCommand(dialect: string, workspace: string, run: HookCommandOptions & { launcher?: string }, extra = '', windows = process.platform === 'win32', gate = false): string {
  const q = windows ? winQuote : shQuote;
  const args = `hook ${dialect} --workspace ${q(workspace)}${extra}`;
  if (windows) {
    const env = Object.entries(run.env ?? {})
      .map(([k, v]) => `set "${k}=${v}" && `)
      .join('');
    return `${env}${q(run.node)} ${q(run.cli)} ${args}`;
  }
  const base = run.launcher
    ? `/bin/sh ${shQuote(run.launcher)} ${args}`
    : `${Object.entries(run.env ?? {})
        .map(([k, v]) => `${k}=${shQuote(v)} `)
        .join('')}${shQuote(run.node)} ${shQuote(run.cli)} ${args}`;
  return gate ? `${base} || { echo ${shQuote(CANNOT_START_MESSAGE)} >&2; exit 2; }` : base;
}

/** A PowerShell command for Copilot CLI's `powershell` key (Windows). */
function powershellCommand(dialect: string, workspace: string, run: HookCommandOptions, extra: string): string {
  const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  const env = Object.entries(run.env ?? {})
    .map(([k, v]) => `$env:${k}=${q(v)}; `)
    .join('');
  return `${env}& ${q(run.node)} ${q(run.cli)} hook ${dialect} --workspace ${q(workspace)}${extra}; if ($LASTEXITCODE -ne 0) { [Console]::Error.WriteLine(${q(CANNOT_START_MESSAGE)}); exit 2 }`;
}

/** The parts of a hook command Airlock wrote. */
export interface ParsedHookCommand {
  readonly dialect: string;
  /** The launcher the command runs, when it runs one. */
  readonly launcher?: string;
  /** Node.js and the CLI, when the command names them directly. */
  readonly node?: string;
  readonly cli?: string;
  /** True when the command ends in the blocking fallback. */
  readonly failsClosed: boolean;
}

function unquote(word: string): string {
  return word.startsWith("'") ? word.slice(1, -1).replace(/'\\''/g, "'") : word.startsWith('"') ? word.slice(1, -1).replace(/""/g, '"') : word;
}

/** Reads back a hook command Airlock wrote (undefined for anything else). */
export function parseHookCommand(command: string): ParsedHookCommand | undefined {
  if (!isAirlockCommand(command)) return undefined;
  const word = `('(?:[^']|'\\\\'')*'|"(?:[^"]|"")*"|[^\\s'"]+)`;
  const dialect = /\bhook (claude|vscode|copilot-cli|cursor|gemini|codex)\b/.exec(command)![1]!;
  const failsClosed = /\|\|\s*\{[^}]*exit 2;?\s*\}\s*$/.test(command) || /exit 2 \}\s*$/.test(command);
  const launched = new RegExp(`^/bin/sh ${word} hook `).exec(command);
  if (launched) return { dialect, launcher: unquote(launched[1]!), failsClosed };
  const direct = new RegExp(`^(?:(?:set "[^"]*" && )|(?:[A-Z_]+=\\S+ ))*${word} ${word} hook `).exec(command);
  if (direct) return { dialect, node: unquote(direct[1]!), cli: unquote(direct[2]!), failsClosed };
  return { dialect, failsClosed };
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

/** Builds the command of one event: `extra` arguments, and whether it gates a tool call. */
type CommandFor = (extra?: string, gate?: boolean) => string;

interface AgentConfig {
  /** The file, relative to the workspace. */
  readonly file: string;
  /** Top-level keys to set when missing (for example `version`). */
  readonly top?: Readonly<Record<string, unknown>>;
  /** The file is Airlock's own: removed when nothing else is left in it. */
  readonly owned: boolean;
  readonly events: (command: CommandFor, powershell: (extra?: string) => string) => readonly EventSpec[];
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
      { event: 'PreToolUse', entry: group(c('', true), PRE_TIMEOUT_S, '*') },
      { event: 'PostToolUse', entry: group(c(), POST_TIMEOUT_S, '*') },
      { event: 'PostToolUseFailure', entry: group(c(), POST_TIMEOUT_S, '*') },
      // Shell commands that skills run never pass PreToolUse (Claude Code 2.1.332 and later).
      { event: 'PreSkillShellCommand', entry: group(c('', true), PRE_TIMEOUT_S, '*') },
      { event: 'SessionEnd', entry: group(c(), END_TIMEOUT_S) },
    ],
  },
  vscode: {
    file: '.github/hooks/airlock-vscode.json',
    owned: true,
    // VS Code runs hooks from the home folder unless `cwd` is set.
    events: (c) => [
      { event: 'PreToolUse', entry: { type: 'command', command: c('', true), cwd: '.', timeout: PRE_TIMEOUT_S } },
      { event: 'PostToolUse', entry: { type: 'command', command: c(), cwd: '.', timeout: POST_TIMEOUT_S } },
    ],
    notes: ['.github/hooks/airlock-vscode.json holds paths of this machine: add it to .gitignore rather than committing it.'],
  },
  'copilot-cli': {
    file: '.github/hooks/airlock-copilot-cli.json',
    top: { version: 1 },
    owned: true,
    events: (c, ps) => [
      { event: 'preToolUse', entry: { type: 'command', bash: c(' --event preToolUse', true), powershell: ps(' --event preToolUse'), timeoutSec: PRE_TIMEOUT_S } },
      { event: 'postToolUse', entry: { type: 'command', bash: c(' --event postToolUse'), powershell: ps(' --event postToolUse'), timeoutSec: POST_TIMEOUT_S } },
      { event: 'postToolUseFailure', entry: { type: 'command', bash: c(' --event postToolUseFailure'), powershell: ps(' --event postToolUseFailure'), timeoutSec: POST_TIMEOUT_S } },
      { event: 'sessionEnd', entry: { type: 'command', bash: c(' --event sessionEnd'), powershell: ps(' --event sessionEnd'), timeoutSec: END_TIMEOUT_S } },
    ],
    notes: [
      '.github/hooks/airlock-copilot-cli.json holds paths of this machine: add it to .gitignore rather than committing it.',
      'Copilot CLI runs a folder\'s hooks only once you trust the folder: start `copilot` in it and choose to trust it (or pass --trust-folder).',
    ],
  },
  cursor: {
    file: '.cursor/hooks.json',
    top: { version: 1 },
    owned: false,
    events: (c) => [
      { event: 'beforeShellExecution', entry: { command: c('', true), timeout: PRE_TIMEOUT_S, failClosed: true } },
      { event: 'beforeReadFile', entry: { command: c('', true), timeout: PRE_TIMEOUT_S, failClosed: true } },
      { event: 'beforeMCPExecution', entry: { command: c('', true), timeout: PRE_TIMEOUT_S, failClosed: true } },
      { event: 'preToolUse', entry: { command: c('', true), matcher: CURSOR_EDIT_TOOLS, timeout: PRE_TIMEOUT_S, failClosed: true } },
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
      { event: 'BeforeTool', entry: { matcher: '*', hooks: [{ name: 'airlock', type: 'command', command: c('', true), timeout: PRE_TIMEOUT_S * 1000 }] } },
      { event: 'AfterTool', entry: { matcher: '*', hooks: [{ name: 'airlock-after', type: 'command', command: c(), timeout: POST_TIMEOUT_S * 1000 }] } },
      { event: 'SessionEnd', entry: { hooks: [{ name: 'airlock-end', type: 'command', command: c(), timeout: END_TIMEOUT_S * 1000 }] } },
    ],
  },
  codex: {
    file: '.codex/hooks.json',
    owned: false,
    events: (c) => [
      { event: 'PreToolUse', entry: group(c('', true), PRE_TIMEOUT_S, '.*') },
      { event: 'PostToolUse', entry: group(c(), POST_TIMEOUT_S, '.*') },
      // Codex gives a SessionEnd hook at most 3 seconds (ending a session takes Airlock a few milliseconds).
      { event: 'SessionEnd', entry: group(c(), 3) },
    ],
    notes: ['Codex runs new hooks only after you trust them: open Codex in this workspace, type /hooks and trust Airlock\'s hooks (`airlock doctor` says whether they are trusted).'],
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
  const windows = process.platform === 'win32';
  const launcher = run.dataRoot && !windows ? writeLauncher(run.dataRoot, run) : undefined;
  const command = (extra = '', gate = false): string => hookCommand(agent, workspace, { ...run, ...(launcher ? { launcher } : {}) }, extra, windows, gate);
  const powershell = (extra = ''): string => powershellCommand(agent, workspace, run, extra);
  for (const { event, entry } of spec.events(command, powershell)) {
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
  return AGENT_CONFIGS[agent].events(() => '', () => '').map((e) => e.event);
}

/** The events whose hook gates a tool call (their failure to start must block it). */
export function gatingEvents(agent: InstallTarget): string[] {
  let gating: string[] = [];
  const probe: CommandFor = (_extra = '', gate = false) => (gate ? 'GATE' : 'POST');
  gating = AGENT_CONFIGS[agent].events(probe, () => '').filter((e) => JSON.stringify(e.entry).includes('GATE')).map((e) => e.event);
  return gating;
}
