import type { HistoryOptions } from '../core/history/history';
import { DEFAULT_APPROVAL_TIMEOUT_MS, historyOptionsFrom, MAX_APPROVAL_TIMEOUT_S } from '../core/userSettings';

/** Airlock's settings, parsed once from raw values into a frozen typed object (STYLE.md "Settings"). */
export interface Settings {
  /** Personal rules (`airlock.rules`), validated later by the policy loader. */
  readonly rules: readonly unknown[];
  /** Raw `airlock.history.*` values, as mirrored for the CLI. */
  readonly historyRaw: Readonly<Record<string, unknown>>;
  readonly history: HistoryOptions;
  /** Seconds an approval waits for a person before it is denied (`airlock.approvalTimeoutSeconds`). */
  readonly approvalTimeoutSeconds: number;
  /** What an `ask` becomes when no gate runs and the agent cannot ask itself (`airlock.offline`). */
  readonly offline: 'deny' | 'allow';
}

/** Turns raw configuration values into {@link Settings}; wrong types fall back to defaults. */
export function parseSettings(raw: { get(key: string): unknown }): Readonly<Settings> {
  const rules = raw.get('rules');
  const historyRaw = Object.freeze({
    maxFileSizeMB: raw.get('history.maxFileSizeMB'),
    maxTotalSizeMB: raw.get('history.maxTotalSizeMB'),
    retentionDays: raw.get('history.retentionDays'),
    ignore: raw.get('history.ignore'),
    useGitignore: raw.get('history.useGitignore'),
  });
  const timeout = raw.get('approvalTimeoutSeconds');
  return Object.freeze({
    approvalTimeoutSeconds: typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 5 ? Math.min(Math.round(timeout), MAX_APPROVAL_TIMEOUT_S) : DEFAULT_APPROVAL_TIMEOUT_MS / 1000,
    offline: raw.get('offline') === 'allow' ? 'allow' : 'deny',
    rules: Array.isArray(rules) ? Object.freeze([...rules]) : Object.freeze([]),
    historyRaw,
    history: historyOptionsFrom(historyRaw),
  });
}
