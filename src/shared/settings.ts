/** Airlock's settings, parsed once from raw values into a frozen typed object (STYLE.md "Settings"). */
export interface Settings {
  /** Personal rules (`airlock.rules`), validated later by the policy loader. */
  readonly rules: readonly unknown[];
}

/** Turns raw configuration values into {@link Settings}; wrong types fall back to defaults. */
export function parseSettings(raw: { get(key: string): unknown }): Readonly<Settings> {
  const rules = raw.get('rules');
  return Object.freeze({ rules: Array.isArray(rules) ? Object.freeze([...rules]) : Object.freeze([]) });
}
