/**
 * Whether an agent will really run the hooks Airlock installed, read from the agent's own settings:
 * several agents skip a workspace's hooks silently until a person trusts them, and organisations can
 * allow managed hooks only. `airlock doctor` and the editor report each reason with the step that fixes it.
 *
 * Sources (each verified against the real CLI where it runs here, see test/e2e):
 * - Codex (openai/codex `codex-rs/hooks/src/engine/discovery.rs`): a project's `.codex/` config loads only
 *   in a trusted project (`[projects."DIR"] trust_level = "trusted"` in `$CODEX_HOME/config.toml`); each
 *   hook runs only when `[hooks.state."<hooks.json>:<event>:<group>:<handler>"] trusted_hash` equals the
 *   hash of its normalised definition (`sha256:` of the canonical JSON of `{event_name, matcher, hooks}`),
 *   and not when `enabled = false`; `allow_managed_hooks_only = true` in `requirements.toml` drops them all.
 * - Copilot CLI: a folder's hooks run only once the folder is trusted (`trustedFolders` in
 *   `$COPILOT_HOME/config.json`, or `COPILOT_ALLOW_ALL=true`); `disableAllHooks` in its settings.
 * - Claude Code: `disableAllHooks` in any settings file; `allowManagedHooksOnly` in managed settings.
 * - Gemini CLI: `hooksConfig.enabled: false` or Airlock's hook names in `hooksConfig.disabled`; with
 *   folder trust on, an untrusted folder's `.gemini/settings.json` is ignored.
 * - VS Code: `chat.hookFilesLocations` can switch `.github/hooks` or `.claude/…` off.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { parse } from 'jsonc-parser';
import type { InstallTarget } from './hookConfigs';
import { AGENT_CONFIGS, isAirlockCommand } from './hookConfigs';

/** One reason an agent skips Airlock's hooks, with the step that fixes it. */
export interface SkipReason {
  readonly reason: string;
  readonly fix: string;
}

/** Where the agents keep their settings (tests and unusual installs move them). */
export interface AgentEnv {
  readonly home: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder of Claude Code's managed settings (default /etc/claude-code on Linux). */
  readonly claudeManagedDir?: string;
  /** Codex's system requirements file (default /etc/codex/requirements.toml). */
  readonly codexRequirements?: string;
}

function readJsonc(file: string): Record<string, unknown> | undefined {
  try {
    const v = parse(readFileSync(file, 'utf8'), [], { allowTrailingComma: true }) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function isWithin(child: string, parent: string): boolean {
  const c = real(child);
  const p = real(parent);
  return c === p || c.startsWith(p.endsWith(sep) ? p : `${p}${sep}`);
}

// ---------------------------------------------------------------------------------------------- TOML

/** A TOML document's tables and plain values (strings, booleans, numbers): enough for Codex's config. */
export function readTomlTables(text: string): Record<string, Record<string, unknown>> {
  const tables: Record<string, Record<string, unknown>> = { '': {} };
  let current = '';
  const key = (raw: string): string[] => {
    const parts: string[] = [];
    const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
    let m: RegExpExecArray | null;
    let at = 0;
    re.lastIndex = 0;
    while (at < raw.length && (m = re.exec(raw)) !== null) {
      parts.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : (m[2] ?? m[3] ?? ''));
      at = re.lastIndex;
      if (m[4] === '') break;
    }
    return parts;
  };
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([^[\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) {
      current = JSON.stringify(key(header[1]!));
      tables[current] ??= {};
      continue;
    }
    const kv = /^((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=\s*(.+)$/.exec(line);
    if (!kv) continue;
    const path = key(kv[1]!);
    const rawValue = kv[2]!.replace(/\s+#.*$/, '').trim();
    let value: unknown;
    if (/^"(?:[^"\\]|\\.)*"$/.test(rawValue)) value = JSON.parse(rawValue) as string;
    else if (/^'[^']*'$/.test(rawValue)) value = rawValue.slice(1, -1);
    else if (rawValue === 'true' || rawValue === 'false') value = rawValue === 'true';
    else if (/^[+-]?\d+(\.\d+)?$/.test(rawValue)) value = Number(rawValue);
    else continue;
    const base = current === '' ? [] : (JSON.parse(current) as string[]);
    const table = JSON.stringify([...base, ...path.slice(0, -1)]);
    const name = table === '[]' ? '' : table;
    (tables[name] ??= {})[path[path.length - 1]!] = value;
  }
  return tables;
}

function tomlTable(tables: Record<string, Record<string, unknown>>, ...path: string[]): Record<string, unknown> | undefined {
  return tables[path.length === 0 ? '' : JSON.stringify(path)];
}

// ---------------------------------------------------------------------------------------------- Codex

/** Codex's label of a hook event in trust keys and hashes. */
const CODEX_EVENT_LABEL: Readonly<Record<string, string>> = {
  PreToolUse: 'pre_tool_use',
  PostToolUse: 'post_tool_use',
  SessionStart: 'session_start',
  SessionEnd: 'session_end',
  UserPromptSubmit: 'user_prompt_submit',
  Stop: 'stop',
  PermissionRequest: 'permission_request',
};

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** The hash Codex trusts a command hook by (its normalised definition; see the module comment). */
export function codexHookHash(event: string, matcher: string | undefined, command: string, timeoutSec: number | undefined, isAsync = false): string {
  const lifecycle = event === 'SessionStart' || event === 'SessionEnd' || event === 'UserPromptSubmit' || event === 'Stop';
  const m = lifecycle && event !== 'SessionStart' ? undefined : matcher;
  // Codex gives SessionEnd hooks 1 to 3 seconds whatever they ask for, and hashes what it gives.
  const timeout = event === 'SessionEnd' ? Math.min(3, Math.max(1, timeoutSec ?? 1)) : Math.max(1, timeoutSec ?? 600);
  const identity = { event_name: CODEX_EVENT_LABEL[event] ?? event, ...(m !== undefined ? { matcher: m } : {}), hooks: [{ type: 'command', command, timeout, async: isAsync }] };
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(identity))).digest('hex')}`;
}

/** Each of Airlock's entries in a Codex hooks.json, with the key and hash Codex trusts it by. */
export function codexAirlockHooks(workspace: string): { event: string; key: string; hash: string }[] {
  const file = join(real(workspace), AGENT_CONFIGS.codex.file);
  const value = readJsonc(file);
  const hooks = value?.hooks && typeof value.hooks === 'object' ? (value.hooks as Record<string, unknown>) : {};
  const out: { event: string; key: string; hash: string }[] = [];
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    groups.forEach((g: unknown, gi) => {
      const group = g as { matcher?: unknown; hooks?: unknown[] };
      (Array.isArray(group?.hooks) ? group.hooks : []).forEach((h: unknown, hi) => {
        const handler = h as { command?: unknown; timeout?: unknown; timeoutSec?: unknown; async?: unknown };
        if (!isAirlockCommand(handler?.command)) return;
        const timeout = typeof handler.timeout === 'number' ? handler.timeout : typeof handler.timeoutSec === 'number' ? handler.timeoutSec : undefined;
        out.push({ event, key: `${file}:${CODEX_EVENT_LABEL[event] ?? event}:${gi}:${hi}`, hash: codexHookHash(event, typeof group.matcher === 'string' ? group.matcher : undefined, handler.command as string, timeout, handler.async === true) });
      });
    });
  }
  return out;
}

function codexSkips(workspace: string, where: AgentEnv): SkipReason[] {
  const codexHome = where.env?.CODEX_HOME || join(where.home, '.codex');
  const configFile = join(codexHome, 'config.toml');
  let tables: Record<string, Record<string, unknown>> = {};
  try {
    tables = readTomlTables(readFileSync(configFile, 'utf8'));
  } catch {
    tables = {};
  }
  const out: SkipReason[] = [];
  const requirements = where.codexRequirements ?? '/etc/codex/requirements.toml';
  try {
    if (tomlTable(readTomlTables(readFileSync(requirements, 'utf8')))?.allow_managed_hooks_only === true) {
      out.push({ reason: `${requirements} allows managed hooks only, so Codex ignores the workspace's hooks`, fix: `ask your administrator to add Airlock's hooks to the managed hooks in ${requirements}` });
    }
  } catch {
    // no requirements file
  }
  // The project is trusted through the workspace or one of its parents (Codex keys projects by their root).
  let trust: unknown;
  for (let dir = real(workspace); ; dir = dirname(dir)) {
    const t = tomlTable(tables, 'projects', dir)?.trust_level;
    if (t !== undefined) {
      trust = t;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  if (trust !== 'trusted') {
    out.push({
      reason: `Codex does not trust this project${trust === undefined ? '' : ` (trust_level = "${String(trust)}")`}, so it does not load .codex/hooks.json`,
      fix: `open Codex in ${workspace} and trust the project when it asks (or add [projects."${real(workspace)}"] trust_level = "trusted" to ${configFile})`,
    });
  }
  const hooks = codexAirlockHooks(workspace);
  const untrusted = hooks.filter((h) => tomlTable(tables, 'hooks', 'state', h.key)?.trusted_hash !== h.hash);
  const disabled = hooks.filter((h) => tomlTable(tables, 'hooks', 'state', h.key)?.enabled === false);
  if (disabled.length > 0) out.push({ reason: `Airlock's Codex hooks are disabled (${disabled.map((h) => h.event).join(', ')})`, fix: 'enable them again in Codex with /hooks' });
  if (untrusted.length > 0) {
    const modified = untrusted.some((h) => typeof tomlTable(tables, 'hooks', 'state', h.key)?.trusted_hash === 'string');
    out.push({
      reason: `Codex has not trusted Airlock's hooks${modified ? ' since they changed' : ''} (${untrusted.map((h) => h.event).join(', ')}), and skips untrusted hooks without a word`,
      fix: `open Codex in ${workspace}, type /hooks and trust Airlock's hooks (or add to ${configFile}: ${untrusted.map((h) => `[hooks.state."${h.key}"] trusted_hash = "${h.hash}"`).join('; ')})`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- Copilot CLI

function copilotSkips(workspace: string, where: AgentEnv): SkipReason[] {
  const out: SkipReason[] = [];
  const copilotHome = where.env?.COPILOT_HOME || join(where.home, '.copilot');
  const config = readJsonc(join(copilotHome, 'config.json')) ?? {};
  const folders = Array.isArray(config.trustedFolders) ? config.trustedFolders.filter((f): f is string => typeof f === 'string') : [];
  const trusted = where.env?.COPILOT_ALLOW_ALL === 'true' || folders.some((f) => isWithin(workspace, f));
  if (!trusted) {
    out.push({ reason: 'Copilot CLI does not trust this folder, and skips an untrusted folder\'s hooks without a word', fix: `start \`copilot\` in ${workspace} and choose to trust the folder (it is then listed in trustedFolders of ${join(copilotHome, 'config.json')})` });
  }
  for (const file of [join(copilotHome, 'settings.json'), join(workspace, '.github', 'copilot', 'settings.json'), join(workspace, '.github', 'copilot', 'settings.local.json')]) {
    if (readJsonc(file)?.disableAllHooks === true) out.push({ reason: `${file} sets disableAllHooks`, fix: `remove "disableAllHooks": true from ${file}` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- Claude Code

function claudeSkips(workspace: string, where: AgentEnv): SkipReason[] {
  const out: SkipReason[] = [];
  const managedDir = where.claudeManagedDir ?? (process.platform === 'darwin' ? '/Library/Application Support/ClaudeCode' : '/etc/claude-code');
  const managed = [join(managedDir, 'managed-settings.json')];
  try {
    for (const f of readdirSync(join(managedDir, 'managed-settings.d')).sort()) if (f.endsWith('.json')) managed.push(join(managedDir, 'managed-settings.d', f));
  } catch {
    // none
  }
  for (const file of managed) {
    const v = readJsonc(file);
    if (v?.allowManagedHooksOnly === true) out.push({ reason: `${file} allows managed hooks only, so Claude Code ignores the workspace's hooks`, fix: `ask your administrator to install Airlock's hooks as managed settings (\`airlock install --managed claude\` prints them)` });
    if (v?.disableAllHooks === true) out.push({ reason: `${file} disables all hooks`, fix: 'ask your administrator to allow hooks' });
  }
  const claudeHome = where.env?.CLAUDE_CONFIG_DIR || join(where.home, '.claude');
  for (const file of [join(claudeHome, 'settings.json'), join(workspace, '.claude', 'settings.json'), join(workspace, '.claude', 'settings.local.json')]) {
    if (readJsonc(file)?.disableAllHooks === true) out.push({ reason: `${file} sets disableAllHooks`, fix: `remove "disableAllHooks": true from ${file}` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- Gemini CLI

function geminiSkips(workspace: string, where: AgentEnv): SkipReason[] {
  const out: SkipReason[] = [];
  const geminiHome = join(where.home, '.gemini');
  const user = readJsonc(join(geminiHome, 'settings.json')) ?? {};
  const project = readJsonc(join(workspace, '.gemini', 'settings.json')) ?? {};
  for (const [name, settings] of [['your Gemini settings', user], ['.gemini/settings.json', project]] as const) {
    const hc = settings.hooksConfig as { enabled?: unknown; disabled?: unknown } | undefined;
    if (hc?.enabled === false) out.push({ reason: `${name} switch hooks off (hooksConfig.enabled: false)`, fix: `set "hooksConfig": { "enabled": true } in ${name}` });
    const off = Array.isArray(hc?.disabled) ? hc.disabled.filter((d) => typeof d === 'string' && d.startsWith('airlock')) : [];
    if (off.length > 0) out.push({ reason: `${name} disable Airlock's hooks (${off.join(', ')})`, fix: `remove them from hooksConfig.disabled in ${name}` });
  }
  const security = user.security as { folderTrust?: { enabled?: unknown } } | undefined;
  if (security?.folderTrust?.enabled === true && where.env?.GEMINI_CLI_TRUST_WORKSPACE !== 'true') {
    const trusted = readJsonc(join(geminiHome, 'trustedFolders.json')) ?? {};
    const ok = Object.entries(trusted).some(([dir, level]) => (level === 'TRUST_FOLDER' && isWithin(workspace, dir)) || (level === 'TRUST_PARENT' && isWithin(workspace, dirname(dir))));
    if (!ok) out.push({ reason: 'Gemini CLI\'s folder trust is on and this folder is not trusted, so .gemini/settings.json (and Airlock\'s hooks in it) is ignored', fix: `start \`gemini\` in ${workspace} and trust the folder (/permissions)` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- VS Code

function vscodeSkips(workspace: string, file: string): SkipReason[] {
  const settings = readJsonc(join(workspace, '.vscode', 'settings.json')) ?? {};
  const locations = settings['chat.hookFilesLocations'];
  if (!locations || typeof locations !== 'object') return [];
  const folder = dirname(file);
  const off = Object.entries(locations as Record<string, unknown>).filter(([p, on]) => on === false && (p.replace(/\/$/, '') === folder || p === file));
  return off.map(([p]) => ({ reason: `chat.hookFilesLocations in .vscode/settings.json switches "${p}" off`, fix: `set "${p}": true in chat.hookFilesLocations (or remove the entry)` }));
}

/** Why `agent` would skip the hooks Airlock installed in `workspace` (empty: it runs them). */
export function skipReasons(agent: InstallTarget, workspace: string, where: AgentEnv): SkipReason[] {
  switch (agent) {
    case 'codex':
      return codexSkips(workspace, where);
    case 'copilot-cli':
      return copilotSkips(workspace, where);
    case 'claude':
      return claudeSkips(workspace, where);
    case 'gemini':
      return geminiSkips(workspace, where);
    case 'vscode':
      return vscodeSkips(workspace, AGENT_CONFIGS.vscode.file);
    case 'cursor':
      return existsSync(join(workspace, '.cursor')) ? [] : [];
  }
}
