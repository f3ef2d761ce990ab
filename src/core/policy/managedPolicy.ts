/**
 * The managed policy layer (docs/policy.md "The managed layer", docs/cli.md "For teams"): a machine-wide
 * policy an administrator deploys, read on every decision path above the workspace file and the user's
 * rules. `policy.json` and then `policy.d/*.json` in name order, from one folder per platform:
 * `/etc/airlock` on Linux, `/Library/Application Support/Airlock` on macOS, `%ProgramData%\Airlock` on
 * Windows. `AIRLOCK_MANAGED_DIR` replaces that folder (tests, installs without root); when the platform's
 * folder itself holds a policy, an environment variable cannot switch it off, so both apply.
 *
 * Merging keeps the strictest of every file: rules add up, declared defaults and limits take the
 * strictest value, `lockTrust` the lowest. An invalid file is reported and, until it is fixed, counts as
 * `ask` defaults plus its own `deny` rules that still parse: never as "allow".
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicyText, salvagePolicyText } from './policyFile';
import { stricter, type Limits, type PolicyDocument, type PolicyProblem, type RuleSpec, type SandboxSpec, type Selector, type TrustLevel, type Verdict } from './types';

/** The words a person reads wherever the managed layer decided. */
export const MANAGED_NAME = "your organisation's policy";

/** The environment variable that replaces the platform's managed folder (tests, installs without root). */
export const MANAGED_DIR_ENV = 'AIRLOCK_MANAGED_DIR';

/** One managed rule and the file it is in. */
export interface ManagedRule {
  readonly spec: RuleSpec;
  readonly file: string;
  /** 0-based index of the rule in its file. */
  readonly index: number;
}

/** One file of the managed layer, as read. */
export interface ManagedFile {
  readonly path: string;
  readonly valid: boolean;
  readonly problems: readonly PolicyProblem[];
}

/** The managed layer after reading and merging every file. Empty (no files) when nothing is deployed. */
export interface ManagedLayer {
  /** The folders read, in order. */
  readonly folders: readonly string[];
  readonly files: readonly ManagedFile[];
  readonly rules: readonly ManagedRule[];
  /** Defaults the files declare (strictest per kind); an invalid file declares `ask` for every kind. */
  readonly defaults: Readonly<Partial<Record<Selector, Verdict>>>;
  readonly limits: Partial<Limits>;
  readonly sandbox?: SandboxSpec;
  /** No agent's trust level may exceed this. */
  readonly lockTrust?: TrustLevel;
  /** Files with errors, for messages; while any is broken, trust relaxes nothing the managed layer decides. */
  readonly broken: readonly string[];
  /** Changes whenever a managed file is added, removed or changed (for caches). */
  readonly stamp: string;
}

/** Where to look. Defaults: the process's environment and platform. */
export interface ManagedOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
}

/** The platform's managed folder (docs/cli.md "For teams"). */
export function platformManagedDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'darwin') return '/Library/Application Support/Airlock';
  if (platform === 'win32') return join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'Airlock');
  return '/etc/airlock';
}

const MAX_FILE = 1024 * 1024;
const MAX_DROP_INS = 1000;

/** The files of one managed folder, in the order they apply: policy.json, then policy.d/*.json by name. */
function filesOf(dir: string): string[] {
  const out: string[] = [];
  if (exists(join(dir, 'policy.json'))) out.push(join(dir, 'policy.json'));
  let names: string[] = [];
  try {
    names = readdirSync(join(dir, 'policy.d'));
  } catch {
    names = [];
  }
  // Plain code-unit order, the same on every machine; dot files are editors' temporaries, not policy.
  for (const n of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort().slice(0, MAX_DROP_INS)) out.push(join(dir, 'policy.d', n));
  return out;
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** The managed folders in force, in order. */
export function managedFolders(options: ManagedOptions = {}): string[] {
  const env = options.env ?? process.env;
  const platformDir = platformManagedDir(options.platform ?? process.platform, env);
  const override = env[MANAGED_DIR_ENV];
  if (!override) return [platformDir];
  // An environment variable replaces the folder for tests and for installs without root, but it cannot
  // switch off a policy an administrator deployed in the platform's folder.
  return filesOf(platformDir).length > 0 && override !== platformDir ? [platformDir, override] : [override];
}

/** A cheap fingerprint of the managed files (names, sizes, change times), for callers that cache a loaded policy. */
export function managedStamp(options: ManagedOptions = {}): string {
  const parts: string[] = [];
  for (const dir of managedFolders(options)) {
    for (const f of [dir, join(dir, 'policy.d')]) {
      try {
        parts.push(`${f}@${statSync(f).mtimeMs}`);
      } catch {
        parts.push(`${f}@-`);
      }
    }
    for (const f of filesOf(dir)) {
      try {
        const st = statSync(f);
        parts.push(`${f}:${st.size}:${st.mtimeMs}:${st.ino}`);
      } catch {
        parts.push(`${f}:-`);
      }
    }
  }
  return parts.join('|');
}

function readText(file: string): { text?: string; problem?: string } {
  try {
    const st = statSync(file);
    if (!st.isFile()) return { problem: `${file} is not a regular file` };
    if (st.size > MAX_FILE) return { problem: `${file} is larger than 1 MiB; Airlock does not read it` };
    return { text: readFileSync(file, 'utf8') };
  } catch (e) {
    return { problem: `Airlock cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
}

const ASK_ALL: Readonly<Record<Selector, Verdict>> = Object.freeze({ edit: 'ask', command: 'ask', read: 'ask' });

/** Reads and merges the managed layer. Never throws: problems are in the result. */
export function loadManagedLayer(options: ManagedOptions = {}): ManagedLayer {
  const folders = managedFolders(options);
  const stamp = managedStamp(options);
  const files: ManagedFile[] = [];
  const rules: ManagedRule[] = [];
  const defaults: Partial<Record<Selector, Verdict>> = {};
  let limits: Partial<Limits> = {};
  let sandbox: SandboxSpec | undefined;
  let lockTrust: TrustLevel | undefined;
  const broken: string[] = [];
  const declare = (d: Readonly<Partial<Record<Selector, Verdict>>>): void => {
    for (const [k, v] of Object.entries(d) as [Selector, Verdict][]) defaults[k] = defaults[k] ? stricter(defaults[k]!, v) : v;
  };
  const cap = (level: TrustLevel | undefined): void => {
    if (level !== undefined) lockTrust = lockTrust === undefined ? level : (Math.min(lockTrust, level) as TrustLevel);
  };
  for (const path of folders.flatMap(filesOf)) {
    const read = readText(path);
    const parsed = read.text !== undefined ? parsePolicyText(read.text, { managed: true }) : undefined;
    const doc: PolicyDocument | undefined = parsed?.document;
    if (doc) {
      files.push({ path, valid: true, problems: parsed!.problems });
      doc.rules.forEach((spec, index) => rules.push({ spec, file: path, index }));
      declare(doc.declaredDefaults ?? {});
      limits = mergeLimits(limits, doc.limits);
      sandbox = sandbox && doc.sandbox ? mergeSandbox(sandbox, doc.sandbox) : (sandbox ?? doc.sandbox);
      cap(doc.lockTrust);
      continue;
    }
    const problems = parsed?.problems ?? [{ severity: 'error' as const, message: read.problem ?? `Airlock cannot read ${path}`, offset: 0, length: 1, line: 1, column: 1 }];
    files.push({ path, valid: false, problems });
    broken.push(path);
    // Until it is fixed: ask for everything, plus the file's own deny rules that still parse. Trust is
    // capped at what the file says if that much parses, else at 0: a broken file never raises anything.
    const salvaged = read.text !== undefined ? salvagePolicyText(read.text) : { denyRules: [] };
    salvaged.denyRules.forEach((spec, index) => rules.push({ spec, file: path, index }));
    declare(ASK_ALL);
    cap(salvaged.lockTrust ?? 0);
  }
  return { folders, files, rules, defaults, limits, ...(sandbox ? { sandbox } : {}), ...(lockTrust !== undefined ? { lockTrust } : {}), broken, stamp };
}

/** The lowest of each limit. */
export function mergeLimits(a: Partial<Limits>, b: Partial<Limits>): Partial<Limits> {
  const out: Partial<Record<keyof Limits, number>> = { ...a };
  for (const [k, v] of Object.entries(b) as [keyof Limits, number][]) out[k] = out[k] === undefined ? v : Math.min(out[k]!, v);
  return out;
}

/**
 * Two `sandbox` sections merged so that neither loosens the other: `managed` is the floor, and `other`
 * (a later managed file, or the workspace) may only tighten it. The sandbox stays on if either turns it on;
 * network is the narrower of the two (`none` < a list of domains, intersected < `host`); writable folders
 * are only those the managed section lists; hidden folders add up; resource limits take the lower value;
 * running without a sandbox where none is available only if the managed section allows it (and the other does not refuse).
 */
export function mergeSandbox(managed: SandboxSpec, other: SandboxSpec | undefined): SandboxSpec {
  if (!other) return managed;
  const enabled = managed.enabled === true || other.enabled === true ? true : (other.enabled ?? managed.enabled);
  // Unset trustLevels means every level, the strictest; otherwise sandboxed at a level either sandboxes.
  const trustLevels = managed.trustLevels && other.trustLevels ? [...new Set([...managed.trustLevels, ...other.trustLevels])].sort() : undefined;
  const network = narrowerNetwork(managed.network, other.network);
  const writable = managed.writable ? managed.writable.filter((w) => other.writable === undefined || other.writable.includes(w)) : undefined;
  const denyRead = managed.denyRead || other.denyRead ? [...new Set([...(managed.denyRead ?? []), ...(other.denyRead ?? [])])] : undefined;
  const limits = managed.limits || other.limits ? (mergeLimits(managed.limits as Partial<Limits>, other.limits as Partial<Limits>) as SandboxSpec['limits']) : undefined;
  // Only the managed section can let commands run without a sandbox where none is available.
  const allowUnsandboxed = managed.allowUnsandboxed === true && other.allowUnsandboxed !== false;
  return {
    ...(enabled !== undefined ? { enabled } : {}),
    ...(trustLevels ? { trustLevels } : {}),
    ...(network !== undefined ? { network } : {}),
    ...(writable ? { writable } : {}),
    ...(denyRead ? { denyRead } : {}),
    ...(limits ? { limits } : {}),
    allowUnsandboxed,
  };
}

function narrowerNetwork(a: SandboxSpec['network'], b: SandboxSpec['network']): SandboxSpec['network'] {
  // Unset is `none` (resolveSandbox's default), the narrowest.
  if (a === undefined || b === undefined || a === 'none' || b === 'none') return 'none';
  if (a === 'host') return b;
  if (b === 'host') return a;
  const set = new Set(b);
  const both = a.filter((d) => set.has(d));
  return both.length > 0 ? both : 'none';
}

/**
 * Applies the managed layer's floor to a workspace document: limits no higher and a sandbox no weaker than
 * the managed ones. Rules and defaults are enforced by the evaluator (see compilePolicy's `managed`).
 */
export function underManaged(doc: PolicyDocument, layer: ManagedLayer): PolicyDocument {
  const limits = mergeLimits(doc.limits, layer.limits);
  if (!layer.sandbox) return { ...doc, limits };
  const sandbox = mergeSandbox(layer.sandbox, doc.sandbox);
  // With the organisation's sandbox on, only its own rules may let a command out of it.
  const rules = layer.sandbox.enabled === true ? doc.rules.map(withoutSandboxExemption) : doc.rules;
  return { ...doc, limits, sandbox, rules };
}

/** A rule without `"sandbox": false` (the managed sandbox cannot be escaped by a lower layer's rule). */
export function withoutSandboxExemption(rule: RuleSpec): RuleSpec {
  if (rule.sandbox !== false) return rule;
  const { sandbox: _s, ...rest } = rule;
  return rest;
}

/** The trust cap of the managed layer now, if any (for the trust store). */
export function managedTrustCap(options: ManagedOptions = {}): TrustLevel | undefined {
  return cachedLayer(options).lockTrust;
}

let cache: { key: string; layer: ManagedLayer } | undefined;

/** The managed layer, re-read only when its files change (the trust store asks on every decision). */
export function cachedLayer(options: ManagedOptions = {}): ManagedLayer {
  const key = `${managedStamp(options)}#${(options.env ?? process.env)[MANAGED_DIR_ENV] ?? ''}`;
  if (cache?.key !== key) cache = { key, layer: loadManagedLayer(options) };
  return cache.layer;
}
