import type { HistoryOptions } from '../core/history/history';
import { historyOptionsFrom } from '../core/userSettings';

/** Airlock's settings, parsed once from raw values into a frozen typed object (STYLE.md "Settings"). */
export interface Settings {
  /** Personal rules (`airlock.rules`), validated later by the policy loader. */
  readonly rules: readonly unknown[];
  /** Raw `airlock.history.*` values, as mirrored for the CLI. */
  readonly historyRaw: Readonly<Record<string, unknown>>;
  readonly history: HistoryOptions;
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
  return Object.freeze({
    rules: Array.isArray(rules) ? Object.freeze([...rules]) : Object.freeze([]),
    historyRaw,
    history: historyOptionsFrom(historyRaw),
  });
}
