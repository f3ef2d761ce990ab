/**
 * Deploying Airlock under an organisation's lockdown (docs/cli.md "For teams"): `airlock install --managed
 * AGENT` prints (or, as root, writes) the machine-wide hook configuration, and `airlock doctor` finds the
 * lockdowns under which per-workspace hooks do nothing (Claude Code's `allowManagedHooksOnly`, VS Code's
 * `ChatAllowManagedHooksOnly` policy), the organisation's Airlock policy and the audit export's state.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { auditExportConfig } from '../core/audit/export/exportConfig';
import { ExportQueue } from '../core/audit/export/exportQueue';
import { AGENT_CONFIGS, CANNOT_START_MESSAGE } from '../core/install/hookConfigs';
import { MANAGED_NAME } from '../core/policy/managedPolicy';
import type { LoadedPolicy } from '../core/policy/loadPolicy';
import { writeFileAtomic } from '../core/storage/atomicFile';
import { CliError, printJson, UsageError, type CliContext } from './cliSupport';

/** One line of `airlock doctor`. */
export interface DoctorCheck {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly message: string;
  readonly fix?: string;
}

/** Test-only: replaces Claude Code's managed settings folder (docs/cli.md says so). */
export const CLAUDE_MANAGED_DIR_ENV = 'AIRLOCK_CLAUDE_MANAGED_DIR';
/** Test-only: a JSON file standing in for VS Code's machine policies (docs/cli.md says so). */
export const VSCODE_POLICY_FILE_ENV = 'AIRLOCK_VSCODE_POLICY_FILE';

/** Where Claude Code reads managed settings on this platform (`managed-settings.json` and `managed-settings.d/`). */
export function claudeManagedDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env[CLAUDE_MANAGED_DIR_ENV]) return env[CLAUDE_MANAGED_DIR_ENV]!;
  if (platform === 'darwin') return '/Library/Application Support/ClaudeCode';
  if (platform === 'win32') return join(env.ProgramFiles ?? 'C:\\Program Files', 'ClaudeCode');
  return '/etc/claude-code';
}

/** The drop-in Airlock writes into Claude Code's managed settings. */
export const CLAUDE_MANAGED_FILE = 'airlock.json';

function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Claude Code's managed hook settings for every workspace on the machine: the same events as a workspace
 * install, without `--workspace` (the hook finds the workspace from the payload's folder).
 */
export function claudeManagedSettings(node: string, cli: string, windows = process.platform === 'win32'): Record<string, unknown> {
  const q = windows ? (s: string): string => (/^[A-Za-z0-9_.:\\/-]+$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`) : shQuote;
  const command = `${q(node)} ${q(cli)} hook claude`;
  // Like a workspace install, a hook that gates a tool call blocks it when it cannot even start.
  const gated = windows ? command : `${command} || { echo ${shQuote(CANNOT_START_MESSAGE)} >&2; exit 2; }`;
  const hooks: Record<string, unknown[]> = {};
  for (const { event, entry } of AGENT_CONFIGS.claude.events((_extra, gate) => (gate ? gated : command), () => command)) (hooks[event] ??= []).push(entry);
  return { hooks };
}

/** `airlock install --managed AGENT [--write]` */
export function installManagedCommand(ctx: CliContext, agent: string, options: { write: boolean; cli: string }): number {
  if (agent !== 'claude') {
    throw new UsageError(`--managed supports claude (Claude Code's managed-settings.d/); for ${agent}, install per workspace with \`airlock install ${agent}\` or deploy its machine-wide configuration with your own tooling`);
  }
  const dir = claudeManagedDir();
  const file = join(dir, 'managed-settings.d', CLAUDE_MANAGED_FILE);
  const settings = claudeManagedSettings(process.execPath, options.cli);
  const text = `${JSON.stringify(settings, null, 2)}\n`;
  if (!options.write) {
    if (ctx.json) printJson(ctx, { agent, file, settings, written: false });
    else ctx.out(`// ${file}\n// Claude Code runs these hooks for every workspace on this machine, also where only managed hooks are allowed.\n// Write it with: sudo airlock install --managed claude --write\n${text}`);
    return 0;
  }
  const root = process.platform === 'win32' || (process.getuid?.() ?? 1) === 0;
  if (!root) throw new CliError(`writing ${file} needs root (it is the machine's managed configuration): run \`sudo airlock install --managed claude --write\`, or print it without --write and deploy it with your own tooling`);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    writeFileAtomic(file, text, { mode: 0o644 });
  } catch (e) {
    throw new CliError(`cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (ctx.json) printJson(ctx, { agent, file, settings, written: true });
  else ctx.out(`Wrote Airlock's managed hooks for Claude Code to ${file}. New Claude Code sessions on this machine run them in every workspace.\n`);
  return 0;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Claude Code's managed settings files, in the order it merges them. */
function claudeManagedFiles(): string[] {
  const dir = claudeManagedDir();
  const files = existsSync(join(dir, 'managed-settings.json')) ? [join(dir, 'managed-settings.json')] : [];
  try {
    for (const n of readdirSync(join(dir, 'managed-settings.d')).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) files.push(join(dir, 'managed-settings.d', n));
  } catch {
    // no drop-ins
  }
  return files;
}

const HOOK_RE = /\bhook claude\b/;

/** Doctor: Claude Code's `allowManagedHooksOnly`. */
function claudeLockdown(): DoctorCheck | undefined {
  const files = claudeManagedFiles();
  const locked = files.filter((f) => readJson(f)?.allowManagedHooksOnly === true);
  const ours = files.filter((f) => HOOK_RE.test(JSON.stringify(readJson(f)?.hooks ?? {})));
  if (locked.length === 0) return ours.length > 0 ? { name: 'managed hooks: claude', status: 'ok', message: `Claude Code runs Airlock's hooks machine-wide from ${ours.join(', ')}` } : undefined;
  if (ours.length > 0) return { name: 'managed hooks: claude', status: 'ok', message: `Claude Code runs only managed hooks (allowManagedHooksOnly in ${locked[0]}), and Airlock's are among them (${ours[0]})` };
  return {
    name: 'managed hooks: claude',
    status: 'fail',
    message: `Claude Code runs only managed hooks on this machine (allowManagedHooksOnly in ${locked[0]}): the hooks in this workspace's .claude/ settings do nothing`,
    fix: 'sudo airlock install --managed claude --write (or deploy what `airlock install --managed claude` prints)',
  };
}

/** VS Code's machine policies: a JSON file on Linux, the managed plist on macOS, the registry on Windows. */
function vscodePolicies(): Record<string, unknown> | undefined {
  const override = process.env[VSCODE_POLICY_FILE_ENV];
  if (override) return readJson(override);
  if (process.platform === 'linux') return readJson('/etc/vscode/policy.json');
  if (process.platform === 'darwin') {
    const plist = '/Library/Managed Preferences/com.microsoft.VSCode.plist';
    if (!existsSync(plist)) return undefined;
    const r = spawnSync('plutil', ['-convert', 'json', '-o', '-', plist], { encoding: 'utf8', timeout: 5000 });
    try {
      return r.status === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'win32') {
    const r = spawnSync('reg', ['query', 'HKLM\\SOFTWARE\\Policies\\Microsoft\\VSCode', '/v', 'ChatAllowManagedHooksOnly'], { encoding: 'utf8', timeout: 5000 });
    const m = /ChatAllowManagedHooksOnly\s+REG_\w+\s+(\S+)/.exec(r.stdout ?? '');
    return m ? { ChatAllowManagedHooksOnly: m[1] === '0x1' || m[1] === '1' || m[1] === 'true' } : undefined;
  }
  return undefined;
}

/** Doctor: VS Code's `ChatAllowManagedHooksOnly` policy. */
function vscodeLockdown(): DoctorCheck | undefined {
  const p = vscodePolicies();
  const v = p?.ChatAllowManagedHooksOnly;
  if (v !== true && v !== 1 && v !== 'true') return undefined;
  return {
    name: 'managed hooks: vscode',
    status: 'warn',
    message: "VS Code's ChatAllowManagedHooksOnly policy is on: its agent ignores the hooks in this workspace's .github/hooks/ and .claude/ settings",
    fix: "have your administrator deploy Airlock's hooks through the organisation's managed configuration (for Claude Code: `airlock install --managed claude`)",
  };
}

/** Doctor: the organisation's Airlock policy. */
function managedPolicyCheck(loaded: LoadedPolicy): DoctorCheck | undefined {
  const m = loaded.managed;
  if (m.files.length === 0) return undefined;
  const broken = m.files.filter((f) => !f.valid);
  if (broken.length > 0) {
    const f = broken[0]!;
    const p = f.problems.find((x) => x.severity === 'error');
    return { name: 'managed policy', status: 'fail', message: `${MANAGED_NAME} has errors: ${f.path}${p ? `:${p.line}:${p.column} ${p.message}` : ''}; until it is fixed every action it does not deny asks`, fix: 'an administrator fixes the managed policy file' };
  }
  return { name: 'managed policy', status: 'ok', message: `${MANAGED_NAME} applies: ${m.files.map((f) => f.path).join(', ')} (${m.rules.length} rule(s)${m.lockTrust !== undefined ? `, trust capped at level ${m.lockTrust}` : ''})` };
}

/** Doctor: the audit export's configuration and what waits. */
function exportCheck(ctx: CliContext): DoctorCheck | undefined {
  const config = auditExportConfig(ctx.open.settings.audit);
  if (config.problems.length > 0) return { name: 'audit export', status: 'fail', message: config.problems.join('; '), fix: 'fix the AIRLOCK_AUDIT_* / OTEL_EXPORTER_OTLP_* variables or the airlock.audit.* settings' };
  const on: string[] = [];
  const notes: string[] = [];
  let status: DoctorCheck['status'] = 'ok';
  for (const name of ['otlp', 'syslog'] as const) {
    if (!config[name]) continue;
    on.push(name);
    const q = new ExportQueue(ctx.workspaceDir, name);
    const s = q.state();
    const waiting = q.backlog();
    if (s.failures > 0) {
      status = 'warn';
      notes.push(`${name}: ${Math.round(waiting / 1024)} KiB of records wait, last error: ${s.lastError ?? 'unknown'}`);
    } else if (s.skippedBytes) {
      status = 'warn';
      notes.push(`${name}: ${Math.round(s.skippedBytes / 1024)} KiB of older records were skipped when the receiver stayed away past the 64 MiB bound (they are in the local audit log)`);
    } else notes.push(`${name}: ${s.sent} record(s) sent${waiting > 0 ? `, ${Math.round(waiting / 1024)} KiB waiting` : ''}`);
  }
  if (on.length === 0) return undefined;
  return { name: 'audit export', status, message: notes.join('; '), ...(status !== 'ok' ? { fix: 'check that the receiver is up; waiting records are sent when it answers' } : {}) };
}

/** The teams checks of `airlock doctor`. */
export function teamsDoctorChecks(ctx: CliContext, loaded: LoadedPolicy): DoctorCheck[] {
  return [managedPolicyCheck(loaded), claudeLockdown(), vscodeLockdown(), exportCheck(ctx)].filter((c): c is DoctorCheck => c !== undefined);
}
