/**
 * The person's settings as hooks and the CLI see them. The extension mirrors its user settings into
 * Airlock's data directory (which agents cannot change), so every process decides with the same rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './storage/atomicFile';
import { DEFAULT_HISTORY_OPTIONS, type HistoryOptions } from './history/history';

/** The mirror's file name in the data root. */
export const USER_SETTINGS_FILE = 'user-settings.json';

/** What the mirror holds. */
export interface UserSettings {
  /** Personal rules (`airlock.rules`), validated by the policy loader. */
  readonly rules: unknown;
  readonly history: HistoryOptions;
  /** What an `ask` becomes when no gate runs and the agent has no prompt of its own (`airlock.offline`). */
  readonly offline: 'deny' | 'allow';
  /** How long an approval waits for a person before it is denied (`airlock.approvalTimeoutSeconds`). */
  readonly approvalTimeoutMs: number;
}

const MB = 1024 * 1024;

function positive(v: unknown, fallback: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.min(v, max) : fallback;
}

/** History options from raw values (`maxFileSizeMB`, …); anything invalid falls back to the default. */
export function historyOptionsFrom(raw: unknown): HistoryOptions {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const d = DEFAULT_HISTORY_OPTIONS;
  return Object.freeze({
    maxFileSize: Math.round(positive(r.maxFileSizeMB, d.maxFileSize / MB, 4096) * MB),
    maxTotalSize: Math.round(positive(r.maxTotalSizeMB, d.maxTotalSize / MB, 1024 * 1024) * MB),
    retentionDays: positive(r.retentionDays, d.retentionDays, 36500),
    ignore: Array.isArray(r.ignore) ? r.ignore.filter((x): x is string => typeof x === 'string' && x.length > 0) : [],
    useGitignore: typeof r.useGitignore === 'boolean' ? r.useGitignore : d.useGitignore,
  });
}

/** Reads the mirror; a missing or unreadable mirror gives the defaults and no personal rules. */
export function readUserSettings(dataRoot: string): UserSettings {
  let raw: Record<string, unknown> = {};
  try {
    raw = JSON.parse(readFileSync(join(dataRoot, USER_SETTINGS_FILE), 'utf8')) as Record<string, unknown>;
  } catch {
    raw = {};
  }
  const timeout = raw.approvalTimeoutSeconds;
  return {
    rules: raw.rules ?? [],
    history: historyOptionsFrom(raw.history),
    offline: raw.offline === 'allow' ? 'allow' : 'deny',
    approvalTimeoutMs: typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 5 ? Math.min(timeout, MAX_APPROVAL_TIMEOUT_S) * 1000 : DEFAULT_APPROVAL_TIMEOUT_MS,
  };
}

/** How long an approval waits by default: well inside the 600 s hook timeout Airlock installs. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 300_000;

/** The longest an approval may wait: the hook gives up on the gate at 570 s, and the agent kills it at 600 s. */
export const MAX_APPROVAL_TIMEOUT_S = 540;

/** Writes the mirror (the extension does, whenever the settings change). */
export function writeUserSettings(dataRoot: string, settings: { rules: readonly unknown[]; history: Record<string, unknown>; offline?: unknown; approvalTimeoutSeconds?: unknown }): void {
  writeFileAtomic(join(dataRoot, USER_SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
}
