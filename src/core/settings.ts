/**
 * Airlock's settings, parsed in one place (STYLE.md "Settings"). The editor reads them from VS Code's
 * configuration and mirrors them into Airlock's data directory (which agents cannot change), so hooks,
 * the CLI and `airlock serve` decide with the same values: both sources go through {@link parseSettings}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './storage/atomicFile';
import { DEFAULT_HISTORY_OPTIONS, type HistoryOptions } from './history/history';

/** The mirror's file name in the data root. */
export const USER_SETTINGS_FILE = 'user-settings.json';

/** How long an approval waits by default: well inside the 600 s hook timeout Airlock installs. */
export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 300;

/** The longest an approval may wait: the hook gives up on the gate at 570 s, and the agent kills it at 600 s. */
export const MAX_APPROVAL_TIMEOUT_S = 540;

/** Airlock's settings, every value checked and filled in. */
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
  /** Audit export (`airlock.audit.*`, docs/audit-export.md); the `AIRLOCK_AUDIT_*` and `OTEL_*` variables add to it. */
  readonly audit: AuditSettings;
  /** The approval popup takes the keyboard when it opens (`airlock.approvalTakesFocus`, off by default). */
  readonly approvalTakesFocus: boolean;
}

/** The `airlock.audit.*` settings. */
export interface AuditSettings {
  /** Send every audit record as an OpenTelemetry log record. */
  readonly otlp: boolean;
  /** The OTLP base endpoint (`/v1/logs` is added); empty: the `OTEL_EXPORTER_OTLP_*` variables, else localhost:4318. */
  readonly otlpEndpoint: string;
  /** `http/protobuf` or `http/json`; empty: `OTEL_EXPORTER_OTLP_PROTOCOL`, else http/protobuf. */
  readonly otlpProtocol: '' | 'http/protobuf' | 'http/json';
  /** `udp://HOST:PORT`, `tcp://HOST:PORT` or `unix:PATH`; empty: no syslog. */
  readonly syslog: string;
}

const AUDIT_KEYS = ['otlp', 'otlpEndpoint', 'otlpProtocol', 'syslog'] as const;

/** Audit settings from raw values; anything invalid is off. */
export function auditSettingsFrom(raw: unknown): AuditSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  const protocol = str(r.otlpProtocol);
  return Object.freeze({
    otlp: r.otlp === true,
    otlpEndpoint: str(r.otlpEndpoint),
    otlpProtocol: protocol === 'http/protobuf' || protocol === 'http/json' ? protocol : '',
    syslog: str(r.syslog),
  });
}

const MB = 1024 * 1024;
const HISTORY_KEYS = ['maxFileSizeMB', 'maxTotalSizeMB', 'retentionDays', 'ignore', 'useGitignore'] as const;

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

/** Turns raw configuration values (keys as in `airlock.*`, without the prefix) into {@link Settings}; wrong types fall back to defaults. */
export function parseSettings(raw: { get(key: string): unknown }): Readonly<Settings> {
  const rules = raw.get('rules');
  const historyRaw = Object.freeze(Object.fromEntries(HISTORY_KEYS.map((k) => [k, raw.get(`history.${k}`)])));
  const timeout = raw.get('approvalTimeoutSeconds');
  const audit = auditSettingsFrom(Object.fromEntries(AUDIT_KEYS.map((k) => [k, raw.get(`audit.${k}`)])));
  return Object.freeze({
    audit,
    approvalTimeoutSeconds: typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 5 ? Math.min(Math.round(timeout), MAX_APPROVAL_TIMEOUT_S) : DEFAULT_APPROVAL_TIMEOUT_SECONDS,
    offline: raw.get('offline') === 'allow' ? 'allow' : 'deny',
    approvalTakesFocus: raw.get('approvalTakesFocus') === true,
    rules: Array.isArray(rules) ? Object.freeze([...rules]) : Object.freeze([]),
    historyRaw,
    history: historyOptionsFrom(historyRaw),
  });
}

/** Reads the mirror; a missing or unreadable mirror gives the defaults and no personal rules. */
export function readUserSettings(dataRoot: string): Readonly<Settings> {
  let mirror: Record<string, unknown> = {};
  try {
    const v = JSON.parse(readFileSync(join(dataRoot, USER_SETTINGS_FILE), 'utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) mirror = v as Record<string, unknown>;
  } catch {
    mirror = {};
  }
  const history = (mirror.history && typeof mirror.history === 'object' ? mirror.history : {}) as Record<string, unknown>;
  const audit = (mirror.audit && typeof mirror.audit === 'object' ? mirror.audit : {}) as Record<string, unknown>;
  return parseSettings({ get: (key) => (key.startsWith('history.') ? history[key.slice('history.'.length)] : key.startsWith('audit.') ? audit[key.slice('audit.'.length)] : mirror[key]) });
}

/** Writes the mirror (the extension does, whenever the settings change). */
export function writeUserSettings(dataRoot: string, settings: Settings): void {
  const mirror = { rules: settings.rules, history: { ...settings.historyRaw }, offline: settings.offline, approvalTimeoutSeconds: settings.approvalTimeoutSeconds, audit: { ...settings.audit } };
  writeFileAtomic(join(dataRoot, USER_SETTINGS_FILE), `${JSON.stringify(mirror, null, 2)}\n`);
}
