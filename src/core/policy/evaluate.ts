/**
 * The one evaluator (docs/policy.md "Decision"). Rules are compiled once when the policy loads; evaluation
 * is pure and synchronous over the compiled policy and a prepared request (paths already resolved).
 * Order: built-in protections, deny rules, ask rules, blast-radius limits, allow rules, defaults and trust.
 */
import { resolveSandbox, type ResolvedSandbox } from '../sandbox/sandboxPolicy';
import { Minimatch } from 'minimatch';
import type { SimpleCommand } from '../commands/analyzeCommand';
import { builtinProtections, type BuiltinContext } from './builtins';
import { MANAGED_NAME, type ManagedRule } from './managedPolicy';
import type { ResolvedPath } from './paths';
import {
  isStricter,
  stricter,
  TRUST_NAMES,
  type Decision,
  type DecisionSource,
  type LimitHit,
  type Limits,
  type PartDecision,
  type PolicyDocument,
  type RuleOrigin,
  type RuleRef,
  type RuleSpec,
  type Selector,
  type TrustLevel,
  type Verdict,
} from './types';

interface PathGlob {
  readonly pattern: string;
  readonly re: RegExp;
  /** Absolute globs match absolute paths; the others match workspace-relative paths. */
  readonly absolute: boolean;
  /** Literals every matching path has (lower-cased when matching ignores case); checked before the regex. */
  readonly literals: Literals;
  readonly nocase: boolean;
}

interface CommandGlob {
  readonly pattern: string;
  readonly re: RegExp;
  /** The literal text before the first `*`: every matching command starts with it. */
  readonly prefix: string;
}

interface CompiledRule {
  readonly origin: RuleOrigin;
  readonly index: number;
  readonly spec: RuleSpec;
  readonly file?: string;
  readonly globs: readonly PathGlob[];
  readonly commands: readonly CommandGlob[];
  readonly agents?: ReadonlySet<string>;
}

type RuleTable = Readonly<Record<Selector, Readonly<Record<Verdict, readonly CompiledRule[]>>>>;

/** Where the workspace part of the policy came from. */
export type WorkspacePolicyState = 'file' | 'recommended' | 'invalid';

/** Inputs to {@link compilePolicy}. */
export interface PolicyInputs {
  /** The workspace document: the file's, the recommended one, or the fallback for an invalid file. */
  readonly workspace: PolicyDocument;
  readonly workspaceState: WorkspacePolicyState;
  /** Path of the policy file, for messages. */
  readonly workspaceFile?: string;
  /** Rules from the `airlock.rules` setting. */
  readonly userRules: readonly RuleSpec[];
  readonly home: string;
  readonly caseInsensitive: boolean;
  readonly builtin: BuiltinContext;
  /** Untrusted workspace (restricted mode): `allow` rules and relaxing defaults of the workspace file are ignored. */
  readonly restricted?: boolean;
  /** True when some personal rule has an error: like an invalid file, everything asks until it is fixed. */
  readonly userRulesBroken?: boolean;
  /** The organisation's managed layer (docs/policy.md "The managed layer"), above the workspace and the user. */
  readonly managed?: ManagedInputs;
}

/** What the evaluator needs of the managed layer. */
export interface ManagedInputs {
  readonly rules: readonly ManagedRule[];
  /** The defaults its files declare: what no managed allow rule covers is decided no looser than these. */
  readonly defaults: Readonly<Partial<Record<Selector, Verdict>>>;
  /** Managed files with errors. */
  readonly broken: readonly string[];
}

/** A policy ready to decide. Immutable; build a new one when anything changes. */
export interface CompiledPolicy {
  readonly rules: RuleTable;
  readonly builtin: Readonly<Record<'edit' | 'read', readonly CompiledRule[]>>;
  readonly defaults: Readonly<Record<Selector, Verdict>>;
  readonly limits: Partial<Limits>;
  /** The `sandbox` section with defaults filled in (restricted mode relaxes nothing). */
  readonly sandbox: ResolvedSandbox;
  readonly workspaceState: WorkspacePolicyState;
  readonly restricted: boolean;
  /** Policy sources with errors (`.vscode/airlock.json`, `airlock.rules`): while any is broken, trust relaxes nothing. */
  readonly broken: readonly string[];
  /** Rule groups flattened per agent and trust level, built on first use (see {@link groupIndex}). */
  readonly indexes: Map<string, Map<number, GroupIndex>>;
  /**
   * The managed floor, when the managed layer declares a default stricter than `allow`: the managed layer
   * alone (its rules, its declared defaults, `allow` for the rest). For the kinds in `selectors`, a
   * decision is never looser than the floor's, whatever the workspace or the user allows.
   */
  readonly managed?: { readonly policy: CompiledPolicy; readonly selectors: ReadonlySet<Selector> };
}

interface Entry<G> {
  readonly rule: CompiledRule;
  readonly glob: G;
  /** Position in policy order (rule by rule, glob by glob). */
  readonly order: number;
}

/**
 * One rule group (say: deny edit rules that apply to claude at level 2) flattened into its globs in
 * policy order. (One combined alternation regex was measured 4.5 times slower than this loop with
 * literal prefilters on V8, so each glob keeps its own regex.)
 */
interface GroupIndex {
  readonly relEntries: readonly Entry<PathGlob>[];
  readonly absEntries: readonly Entry<PathGlob>[];
  readonly commandEntries: readonly Entry<CommandGlob>[];
}

/** Session counters the limits are checked against. */
export interface SessionUsage {
  /** Workspace-relative (or absolute) paths the session has touched. */
  readonly files: ReadonlySet<string>;
  readonly changedLines: number;
  readonly commands: number;
  /** Times (ms) of the session's actions and commands in the last minute. */
  readonly recentActions: readonly number[];
  readonly recentCommands: readonly number[];
}

/** Who is asking, and with what record. */
export interface EvalContext {
  readonly agent: string;
  readonly trust: TrustLevel;
  /**
   * Whether commands this agent runs now would run inside Airlock's sandbox (the policy enables it, the
   * machine has one and the agent's hook can rewrite the command). Code-running commands pass by trust
   * at level 2 only then.
   */
  readonly contained?: boolean;
  /** Why commands would not run contained, for the person. */
  readonly uncontainedBecause?: string;
  readonly session?: SessionUsage;
  /** Current time in ms (for per-minute limits). */
  readonly now?: number;
}

/** A file a request touches, resolved. */
export interface PreparedTarget {
  readonly op: 'write' | 'delete' | 'read';
  /** The path as people should see it. */
  readonly display: string;
  readonly via: string;
  /** Undefined when the path is only known at run time (then `dynamic` says why). */
  readonly path?: ResolvedPath;
  readonly dynamic?: string;
  /** For recursive operations: the files below the path, as far as they were listed. */
  readonly below?: readonly ResolvedPath[];
  /** Set when listing the files below stopped early; says why. */
  readonly belowIncomplete?: string;
  /** Set when a built-in protection on commands applies (deleting the workspace, home or `/`). */
  readonly builtin?: string;
  /** A read that is only a mention; decided only against deny/ask read rules and built-ins. */
  readonly mention?: boolean;
  /** Only the name or metadata is used (`ls DIR`): decided against built-in protections only. */
  readonly meta?: boolean;
  /** For recursive reads: a file below that a rule keeps from agents makes the read a deny that does not demote (narrow the search). */
  readonly search?: boolean;
  /** Set when the path is not a valid path at all (NUL byte, empty); it is denied. Says why. */
  readonly invalid?: string;
  /**
   * For a relative path whose directory is unknown (after a `cd` Airlock cannot follow): the path taken
   * as workspace-relative, matched against deny/ask rules only (`**\/.env` matches it wherever it is).
   */
  readonly guess?: ResolvedPath;
}

/** A request with its paths resolved and its command analyzed: the input of {@link evaluate}. */
export type PreparedRequest =
  | { readonly kind: 'edit'; readonly targets: readonly PreparedTarget[]; readonly changedLines?: number }
  | { readonly kind: 'read'; readonly targets: readonly PreparedTarget[] }
  | {
      readonly kind: 'command';
      readonly command: string;
      readonly commands: readonly SimpleCommand[];
      readonly lines: readonly string[];
      readonly targets: readonly PreparedTarget[];
    };

/** Default limits by trust level; the policy's `limits` override them (docs/design.md "Progressive trust"). */
export const DEFAULT_LIMITS: Readonly<Record<TrustLevel, Limits>> = {
  0: { maxFilesPerSession: 25, maxChangedLinesPerSession: 1000, maxCommandsPerSession: 50, maxActionsPerMinute: 30, maxCommandsPerMinute: 20 },
  1: { maxFilesPerSession: 50, maxChangedLinesPerSession: 2000, maxCommandsPerSession: 100, maxActionsPerMinute: 60, maxCommandsPerMinute: 30 },
  2: { maxFilesPerSession: 200, maxChangedLinesPerSession: 10000, maxCommandsPerSession: 400, maxActionsPerMinute: 120, maxCommandsPerMinute: 60 },
  3: { maxFilesPerSession: 1000, maxChangedLinesPerSession: 50000, maxCommandsPerSession: 2000, maxActionsPerMinute: 240, maxCommandsPerMinute: 120 },
};

function isAbsoluteGlob(glob: string): boolean {
  return glob.startsWith('/') || glob === '~' || glob.startsWith('~/') || /^[A-Za-z]:\//.test(glob);
}

function compileGlob(glob: string, home: string, nocase: boolean): PathGlob {
  const absolute = isAbsoluteGlob(glob);
  const slashHome = home.replace(/\\/g, '/').replace(/\/+$/, '');
  const expanded = glob === '~' ? slashHome : glob.startsWith('~/') ? `${slashHome}/${glob.slice(2)}` : glob;
  // Escape glob characters in the home directory part itself (a home folder named `a[1]` is literal).
  const pattern = glob.startsWith('~') ? slashHome.replace(/[*?[\]{}()!+@]/g, '\\$&') + expanded.slice(slashHome.length) : expanded;
  const re = new Minimatch(pattern, { dot: true, nocase, nocomment: true, nonegate: true, windowsPathsNoEscape: false }).makeRe();
  if (re === false) throw new Error(`invalid glob ${glob}`);
  const lit = globLiterals(pattern);
  const literals = nocase ? { prefix: lit.prefix.toLowerCase(), suffix: lit.suffix.toLowerCase(), middle: lit.middle.map((m) => m.toLowerCase()) } : lit;
  return { pattern: glob, re, absolute, literals, nocase };
}

/** Literal text every path matching a glob must start with, end with and contain (in that order). */
interface Literals {
  readonly prefix: string;
  readonly suffix: string;
  readonly middle: readonly string[];
}

/**
 * The literal parts of a glob that every matching path must have. Anything that offers alternatives or
 * can match nothing (`{a,b}`, `@(a|b)`, `[ab]`, escapes, and `**` with its slash, which may match zero
 * folders) counts as a wildcard, so a path failing these checks can never match the regex.
 */
export function globLiterals(glob: string): Literals {
  const w = glob
    .replace(/\\./g, '\0')
    .replace(/[?*+@!]?\([^)]*\)/g, '\0')
    .replace(/\{[^}]*\}/g, '\0')
    .replace(/\[[^\]]*\]/g, '\0')
    .replace(/\*\*\//g, '\0')
    .replace(/\/\*\*/g, '\0')
    .replace(/[*?]/g, '\0');
  const pieces = w.split('\0');
  if (pieces.length === 1) return { prefix: w, suffix: '', middle: [] };
  return { prefix: pieces[0]!, suffix: pieces[pieces.length - 1]!, middle: pieces.slice(1, -1).filter((p) => p.length > 0) };
}

function compileCommandPattern(pattern: string): CommandGlob {
  const body = pattern
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  const star = pattern.indexOf('*');
  return { pattern, re: new RegExp(`^${body}$`), prefix: star === -1 ? pattern : pattern.slice(0, star) };
}

function globTest(g: PathGlob, path: string): boolean {
  const { prefix, suffix, middle } = g.literals;
  const p = g.nocase ? path.toLowerCase() : path;
  if (!p.startsWith(prefix) || !p.endsWith(suffix)) return false;
  for (const m of middle) if (!p.includes(m)) return false;
  return g.re.test(path);
}

function compileRule(spec: RuleSpec, origin: RuleOrigin, index: number, home: string, nocase: boolean, file?: string): CompiledRule {
  const isCommand = spec.selector === 'command';
  return {
    origin,
    index,
    spec,
    ...(file ? { file } : {}),
    globs: isCommand ? [] : spec.patterns.map((p) => compileGlob(p, home, nocase)),
    commands: isCommand ? spec.patterns.map(compileCommandPattern) : [],
    ...(spec.agents ? { agents: new Set(spec.agents) } : {}),
  };
}

function emptyTable(): Record<Selector, Record<Verdict, CompiledRule[]>> {
  const row = (): Record<Verdict, CompiledRule[]> => ({ allow: [], ask: [], deny: [] });
  return { edit: row(), read: row(), command: row() };
}

/** Compiles a policy: every glob and pattern is turned into a regular expression once, here. */
export function compilePolicy(inputs: PolicyInputs): CompiledPolicy {
  const table = emptyTable();
  const origin: RuleOrigin = inputs.workspaceState === 'file' ? 'workspace' : 'recommended';
  const restricted = inputs.restricted === true;
  // Managed rules first: where a managed and a workspace rule both deny, the organisation's is named.
  for (const m of inputs.managed?.rules ?? []) table[m.spec.selector][m.spec.action].push(compileRule(m.spec, 'managed', m.index, inputs.home, inputs.caseInsensitive, m.file));
  inputs.workspace.rules.forEach((spec, i) => {
    if (restricted && origin === 'workspace' && spec.action === 'allow') return;
    table[spec.selector][spec.action].push(compileRule(spec, origin, i, inputs.home, inputs.caseInsensitive, inputs.workspaceFile));
  });
  inputs.userRules.forEach((spec, i) => {
    table[spec.selector][spec.action].push(compileRule(spec, 'user', i, inputs.home, inputs.caseInsensitive));
  });
  const all = builtinProtections(inputs.builtin).map((p, i) =>
    compileRule({ action: 'deny', selector: p.selector, patterns: p.globs, reason: p.reason }, 'builtin', i, inputs.home, inputs.caseInsensitive),
  );
  const builtin = { edit: all.filter((r) => r.spec.selector === 'edit'), read: all.filter((r) => r.spec.selector === 'read') };
  const defaults = { ...inputs.workspace.defaults };
  if (restricted && origin === 'workspace') {
    // An untrusted file cannot relax what agents may do without asking.
    if (defaults.edit === 'allow') defaults.edit = 'ask';
    if (defaults.command === 'allow') defaults.command = 'ask';
  }
  const broken = [...(inputs.workspaceState === 'invalid' ? ['.vscode/airlock.json'] : []), ...(inputs.userRulesBroken ? ['your airlock.rules setting'] : [])];
  const managed = managedFloor(inputs);
  return { rules: table, builtin, defaults, limits: inputs.workspace.limits, sandbox: resolveSandbox(inputs.workspace.sandbox, restricted), workspaceState: inputs.workspaceState, restricted, broken, indexes: new Map(), ...(managed ? { managed } : {}) };
}

/** The managed layer alone, compiled, for the kinds whose declared managed default is stricter than `allow`. */
function managedFloor(inputs: PolicyInputs): CompiledPolicy['managed'] {
  const m = inputs.managed;
  if (!m) return undefined;
  const selectors = new Set((['edit', 'read', 'command'] as const).filter((s) => m.defaults[s] !== undefined && m.defaults[s] !== 'allow'));
  if (selectors.size === 0) return undefined;
  const table = emptyTable();
  for (const r of m.rules) table[r.spec.selector][r.spec.action].push(compileRule(r.spec, 'managed', r.index, inputs.home, inputs.caseInsensitive, r.file));
  const policy: CompiledPolicy = {
    rules: table,
    // The built-in protections are decided by the full policy; the floor only adds the organisation's defaults.
    builtin: { edit: [], read: [] },
    defaults: { edit: m.defaults.edit ?? 'allow', command: m.defaults.command ?? 'allow', read: m.defaults.read ?? 'allow' },
    limits: {},
    sandbox: resolveSandbox(undefined, false),
    workspaceState: inputs.workspaceState,
    restricted: false,
    broken: m.broken.map((f) => `${MANAGED_NAME} (${f})`),
    indexes: new Map(),
  };
  return { policy, selectors };
}

/** A lower layer's verdict under the managed floor: the floor's when it is stricter, named as the organisation's. */
function underFloor(v: Verdicted, floor: Verdicted): Verdicted {
  if (!isStricter(floor.action, v.action)) return v;
  if (floor.source !== 'default' && floor.source !== 'trust') return floor;
  return { ...floor, source: 'managed', trustApplied: false, reason: `${floor.reason}; this is ${MANAGED_NAME}, which no workspace or personal rule can loosen` };
}

// ---------------------------------------------------------------------------------------------------------
// Matching

function appliesTo(rule: CompiledRule, ctx: EvalContext): boolean {
  return !rule.agents || rule.agents.has(ctx.agent);
}

/**
 * The globs of the rules in `rules` that apply to this agent (and, for allow rules, this trust level),
 * in policy order. Built once per group, agent and level, then reused.
 */
function groupIndex(policy: CompiledPolicy, key: string, rules: readonly CompiledRule[], ctx: EvalContext): GroupIndex {
  // One map per agent and level, found once per decision in the common case; then one lookup per group.
  let byAgent = policy.indexes.get(ctx.agent);
  if (!byAgent) policy.indexes.set(ctx.agent, (byAgent = new Map()));
  const full = ctx.trust * 64 + GROUP_KEYS.indexOf(key);
  const cached = byAgent.get(full);
  if (cached) return cached;
  const relEntries: Entry<PathGlob>[] = [];
  const absEntries: Entry<PathGlob>[] = [];
  const commandEntries: Entry<CommandGlob>[] = [];
  let order = 0;
  for (const rule of rules) {
    if (!appliesTo(rule, ctx)) continue;
    if (rule.spec.action === 'allow' && rule.spec.minTrust !== undefined && ctx.trust < rule.spec.minTrust) continue;
    for (const glob of rule.globs) (glob.absolute ? absEntries : relEntries).push({ rule, glob, order: order++ });
    for (const glob of rule.commands) commandEntries.push({ rule, glob, order: order++ });
  }
  const index: GroupIndex = { relEntries, absEntries, commandEntries };
  byAgent.set(full, index);
  return index;
}

const GROUP_KEYS = ['builtin|edit', 'builtin|read', 'edit|deny', 'edit|ask', 'edit|allow', 'read|deny', 'read|ask', 'read|allow', 'command|deny', 'command|ask', 'command|allow'];

/** The first entry (in policy order) whose glob matches any form of `p` (as written or real). */
function firstEntry(index: GroupIndex, p: ResolvedPath): Entry<PathGlob> | undefined {
  let best = p.rel !== undefined ? firstGlob(index.relEntries, p.rel, undefined) : undefined;
  if (p.realRel !== undefined && p.realRel !== p.rel) best = firstGlob(index.relEntries, p.realRel, best);
  best = firstGlob(index.absEntries, p.abs, best);
  if (p.real !== p.abs) best = firstGlob(index.absEntries, p.real, best);
  return best;
}

/** The first entry matching `path` that comes before `best` (or `best` itself). */
function firstGlob(entries: readonly Entry<PathGlob>[], path: string, best: Entry<PathGlob> | undefined): Entry<PathGlob> | undefined {
  for (const e of entries) {
    if (best && e.order >= best.order) return best;
    if (globTest(e.glob, path)) return e;
  }
  return best;
}

/** A glob of `rule` that matches the path as written and one that matches its real target (allow needs both). */
function matchBoth(rule: CompiledRule, p: ResolvedPath): PathGlob | undefined {
  let written: PathGlob | undefined;
  let real = false;
  for (const g of rule.globs) {
    const w = g.absolute ? globTest(g, p.abs) : p.rel !== undefined && globTest(g, p.rel);
    const sameReal = g.absolute ? p.real === p.abs : p.realRel === p.rel;
    const r = sameReal ? w : g.absolute ? globTest(g, p.real) : p.realRel !== undefined && globTest(g, p.realRel);
    if (w) written ??= g;
    if (r) real = true;
    if (written && real) return written;
  }
  return undefined;
}

function ref(rule: CompiledRule, pattern: string): RuleRef {
  return {
    origin: rule.origin,
    index: rule.index,
    action: rule.spec.action,
    selector: rule.spec.selector,
    pattern,
    ...(rule.file && (rule.origin === 'workspace' || rule.origin === 'managed') ? { file: rule.file } : {}),
    ...(rule.spec.line !== undefined && (rule.origin === 'workspace' || rule.origin === 'managed') ? { line: rule.spec.line } : {}),
    ...(rule.spec.reason !== undefined ? { reason: rule.spec.reason } : {}),
    ...(rule.spec.sandbox !== undefined ? { sandbox: rule.spec.sandbox } : {}),
  };
}

function sourceOf(rule: CompiledRule): DecisionSource {
  return rule.origin === 'builtin' ? 'builtin' : rule.origin === 'user' ? 'user' : rule.origin === 'managed' ? 'managed' : 'workspace';
}

/** Describes where a rule is, for reasons: `rule 3 of .vscode/airlock.json (line 12)`. */
export function describeRule(r: RuleRef): string {
  switch (r.origin) {
    case 'builtin':
      return 'a built-in protection';
    case 'user':
      return `rule ${r.index + 1} of your airlock.rules setting`;
    case 'recommended':
      return `rule ${r.index + 1} of Airlock's recommended policy`;
    case 'workspace':
      return `rule ${r.index + 1} of .vscode/airlock.json${r.line !== undefined ? ` (line ${r.line})` : ''}`;
    case 'managed':
      return `rule ${r.index + 1} of ${MANAGED_NAME} (${r.file ?? 'the managed policy'}${r.line !== undefined ? `, line ${r.line}` : ''})`;
  }
}

interface Verdicted {
  readonly action: Verdict;
  readonly source: DecisionSource;
  readonly needsSandbox?: string;
  readonly noDemote?: boolean;
  readonly failed?: Decision['failed'];
  readonly rule?: RuleRef;
  readonly reason: string;
  readonly trustApplied: boolean;
}

function ruleVerdict(rule: CompiledRule, pattern: string, subject: string): Verdicted {
  const r = ref(rule, pattern);
  const why = rule.origin === 'builtin' ? (rule.spec.reason ?? 'built-in protection') : `${describeRule(r)} ${verbFor(rule.spec.action)} ${rule.spec.selector === 'command' ? 'commands matching' : `${rule.spec.selector}s of`} "${pattern}"${rule.spec.reason ? `: ${rule.spec.reason}` : ''}`;
  return { action: rule.spec.action, source: sourceOf(rule), rule: r, reason: `${subject}: ${why}`, trustApplied: false };
}

function verbFor(v: Verdict): string {
  return v === 'allow' ? 'allows' : v === 'ask' ? 'asks before' : 'denies';
}

// ---------------------------------------------------------------------------------------------------------
// Paths

function everyPath(t: PreparedTarget): readonly ResolvedPath[] {
  return t.path ? (t.below && t.below.length > 0 ? [t.path, ...t.below] : [t.path]) : [];
}

function shown(p: ResolvedPath): string {
  return p.rel ?? p.abs;
}

function firstMatch(policy: CompiledPolicy, key: string, rules: readonly CompiledRule[], paths: readonly ResolvedPath[], ctx: EvalContext): { rule: CompiledRule; glob: PathGlob; path: ResolvedPath } | undefined {
  if (rules.length === 0) return undefined;
  const index = groupIndex(policy, key, rules, ctx);
  let best: { entry: Entry<PathGlob>; path: ResolvedPath } | undefined;
  for (const p of paths) {
    const e = firstEntry(index, p);
    if (e && (!best || e.order < best.entry.order)) best = { entry: e, path: p };
  }
  return best ? { rule: best.entry.rule, glob: best.entry.glob, path: best.path } : undefined;
}

/** The allow rule that covers `p` as written and as its real target, if any. */
function allowFor(policy: CompiledPolicy, selector: 'edit' | 'read', p: ResolvedPath, ctx: EvalContext): { rule: CompiledRule; glob: PathGlob } | undefined {
  const rules = policy.rules[selector].allow;
  if (rules.length === 0) return undefined;
  if (p.real === p.abs && p.realRel === p.rel) {
    // No symlink involved: the written and real forms are the same, so the first match covers both.
    const e = firstEntry(groupIndex(policy, `${selector}|allow`, rules, ctx), p);
    return e ? { rule: e.rule, glob: e.glob } : undefined;
  }
  for (const rule of rules) {
    if (!appliesTo(rule, ctx)) continue;
    if (rule.spec.minTrust !== undefined && ctx.trust < rule.spec.minTrust) continue;
    const g = matchBoth(rule, p);
    if (g) return { rule, glob: g };
  }
  return undefined;
}

function decideTarget(policy: CompiledPolicy, selector: 'edit' | 'read', t: PreparedTarget, ctx: EvalContext): Verdicted {
  const v = decideTargetIn(policy, selector, t, ctx);
  const floor = policy.managed;
  if (!floor || !floor.selectors.has(selector) || v.action === 'deny') return v;
  return underFloor(v, decideTargetIn(floor.policy, selector, t, ctx));
}

function decideTargetIn(policy: CompiledPolicy, selector: 'edit' | 'read', t: PreparedTarget, ctx: EvalContext): Verdicted {
  const subject = t.display;
  if (t.builtin) return { action: 'deny', source: 'builtin', reason: `${subject}: ${t.builtin}`, trustApplied: false };
  if (t.invalid) return { action: 'deny', source: 'default', reason: `${subject}: ${t.invalid}`, trustApplied: false };
  const paths = t.guess ? [t.guess] : everyPath(t);
  const inside = (p: ResolvedPath): string => (p === t.path ? subject : `${subject} (it contains ${shown(p)})`);

  const builtinHit = firstMatch(policy, `builtin|${selector}`, policy.builtin[selector], paths, ctx);
  if (builtinHit) return narrowed(t, builtinHit.path, ruleVerdict(builtinHit.rule, builtinHit.glob.pattern, inside(builtinHit.path)));
  if (t.meta) return { action: 'allow', source: 'default', reason: `${subject}: only its name or details are used`, trustApplied: false };
  for (const action of ['deny', 'ask'] as const) {
    const hit = firstMatch(policy, `${selector}|${action}`, policy.rules[selector][action], paths, ctx);
    if (hit) return narrowed(t, hit.path, ruleVerdict(hit.rule, hit.glob.pattern, inside(hit.path)));
  }
  if (t.mention) return { action: 'allow', source: 'default', reason: `${subject}: no read rule covers it`, trustApplied: false };
  if (!t.path || t.dynamic) {
    return { action: 'ask', source: 'default', failed: 'understood', reason: `${subject}: not understood: Airlock cannot tell which file this is before it runs (${t.dynamic ?? 'unknown path'}), so it cannot be allowed without asking`, trustApplied: false };
  }
  if (t.belowIncomplete) {
    return { action: 'ask', source: 'default', reason: `${subject}: ${t.belowIncomplete}, so it cannot be allowed without asking`, trustApplied: false };
  }

  const outside = paths.find((p) => p.rel === undefined || p.realRel === undefined);
  // Allow rules: every path (as written and its real target) must be allowed by a rule that applies.
  let allowedBy: { rule: CompiledRule; glob: PathGlob } | undefined;
  for (const p of paths) {
    const found = allowFor(policy, selector, p, ctx);
    if (!found) {
      allowedBy = undefined;
      break;
    }
    allowedBy ??= found;
  }
  if (allowedBy) return ruleVerdict(allowedBy.rule, allowedBy.glob.pattern, subject);

  if (outside) {
    const where = outside === t.path ? subject : `${subject} (it contains ${shown(outside)})`;
    const isLink = outside.rel !== undefined && outside.realRel === undefined;
    const what = isLink ? `${where} is a link to ${outside.real}, outside the workspace` : `${where} is outside the workspace`;
    return selector === 'edit'
      ? { action: 'deny', source: 'default', reason: `${what}; agents do not change files outside the workspace unless a rule allows it`, trustApplied: false }
      : { action: 'ask', source: 'default', reason: `${what}; reading it needs a person's approval unless a rule allows it`, trustApplied: false };
  }
  return applyDefault(policy, selector, ctx, subject, undefined);
}

/**
 * The files of a read target (the path and the files listed below it) that a built-in protection or a
 * `deny`/`ask` read rule covers: what a search would have to leave out to pass.
 */
export function readRuleHits(policy: CompiledPolicy, t: PreparedTarget, ctx: EvalContext): ResolvedPath[] {
  const hits: ResolvedPath[] = [];
  for (const p of everyPath(t)) {
    if (firstMatch(policy, 'builtin|read', policy.builtin.read, [p], ctx) || firstMatch(policy, 'read|deny', policy.rules.read.deny, [p], ctx) || firstMatch(policy, 'read|ask', policy.rules.read.ask, [p], ctx)) hits.push(p);
  }
  return hits;
}

/**
 * Whether a `deny` read rule (of this policy or the organisation's, for any agent) covers the
 * workspace-relative path `rel`: the sandbox hides such files from the programs it runs.
 */
export function deniesReading(policy: CompiledPolicy, rel: string): boolean {
  for (const layer of [policy, policy.managed?.policy]) {
    if (layer?.rules.read.deny.some((r) => r.globs.some((g) => !g.absolute && globTest(g, rel)))) return true;
  }
  return false;
}

/**
 * A search (a recursive read) whose scope holds a file a rule keeps from agents: the search is denied, with
 * the way to narrow it, and the deny does not count as an attempt on that file.
 */
function narrowed(t: PreparedTarget, hit: ResolvedPath, v: Verdicted): Verdicted {
  if (!t.search || hit === t.path || v.action === 'allow') return v;
  return { ...v, action: 'deny', noDemote: true, reason: `${v.reason}. The search would read it: leave it out (for example grep --exclude=${hit.rel?.split('/').pop() ?? 'NAME'}, rg -g '!${hit.rel?.split('/').pop() ?? 'NAME'}') or search a narrower folder` };
}

function applyDefault(policy: CompiledPolicy, selector: Selector, ctx: EvalContext, subject: string, relaxes: boolean | undefined): Verdicted {
  const d = policy.defaults[selector];
  const level = `${ctx.agent === 'unknown' ? 'an agent never seen before' : ctx.agent} is at trust level ${ctx.trust} (${TRUST_NAMES[ctx.trust]})`;
  const invalid = policy.broken.length > 0 ? ` (${policy.broken.join(' and ')} ${policy.broken.length > 1 ? 'have' : 'has'} errors, so Airlock asks until ${policy.broken.length > 1 ? 'they are' : 'it is'} fixed)` : '';
  if (d === 'ask') {
    // A broken policy source is never relaxed by trust: everything asks until a person fixes it.
    const relax = policy.broken.length === 0 && (relaxes ?? (selector !== 'command' && ctx.trust >= 1));
    if (relax) {
      return { action: 'allow', source: 'trust', reason: `${subject}: no rule decides it; the default is ask, and ${level}, which allows it`, trustApplied: true };
    }
    return { action: 'ask', source: 'default', reason: `${subject}: no rule decides it; the default for ${selector}s is ask${invalid}, and ${level}`, trustApplied: false };
  }
  return { action: d, source: 'default', reason: `${subject}: no rule decides it; the default for ${selector}s is ${d}${invalid}`, trustApplied: false };
}

// ---------------------------------------------------------------------------------------------------------
// Commands

function commandMatch(policy: CompiledPolicy, action: Verdict, texts: readonly string[], ctx: EvalContext): { rule: CompiledRule; glob: CommandGlob } | undefined {
  const rules = policy.rules.command[action];
  if (rules.length === 0) return undefined;
  const index = groupIndex(policy, `command|${action}`, rules, ctx);
  let best: Entry<CommandGlob> | undefined;
  for (const t of texts) {
    for (const e of index.commandEntries) {
      if (best && e.order >= best.order) break;
      if (t.startsWith(e.glob.prefix) && e.glob.re.test(t)) {
        best = e;
        break;
      }
    }
  }
  return best ? { rule: best.rule, glob: best.glob } : undefined;
}

/** An allow rule's pattern names one exact command (no `*`): it may allow even a command Airlock does not understand. */
function exactPattern(g: CommandGlob): boolean {
  return !g.pattern.includes('*');
}

function decideCommandPart(policy: CompiledPolicy, c: SimpleCommand, ctx: EvalContext): Verdicted {
  const v = decideCommandPartIn(policy, c, ctx);
  const floor = policy.managed;
  if (!floor || !floor.selectors.has('command') || v.action === 'deny') return v;
  return underFloor(v, decideCommandPartIn(floor.policy, c, ctx));
}

function decideCommandPartIn(policy: CompiledPolicy, c: SimpleCommand, ctx: EvalContext): Verdicted {
  const subject = `\`${c.text}\``;
  if (c.builtin) return { action: 'deny', source: 'builtin', reason: `${subject}: ${c.builtin}`, trustApplied: false };
  const texts = [c.text, ...c.variants];
  for (const action of ['deny', 'ask'] as const) {
    const hit = commandMatch(policy, action, texts, ctx);
    if (hit) return ruleVerdict(hit.rule, hit.glob.pattern, subject);
  }
  // A wrapper runs another command, decided on its own: the wrapper passes unless it is itself not understood or irreversible.
  if (c.wrapper && !c.unknown && !c.irreversible && !c.dynamic) return { action: 'allow', source: 'default', reason: `${subject}: runs another command, which is decided on its own`, trustApplied: false };
  if (c.dynamic) return { action: 'ask', source: 'default', failed: 'understood', reason: `${subject}: not understood: ${c.dynamic}. Airlock cannot know what it does before it runs, so a person decides`, trustApplied: false };
  const allowed = commandMatch(policy, 'allow', [c.text], ctx);
  // What Airlock does not understand passes only by a rule naming exactly this command (or, for a program
  // Airlock does not know at all, a rule naming that program).
  if (allowed && (!c.unknown || c.unknownProgram || exactPattern(allowed.glob))) return ruleVerdict(allowed.rule, allowed.glob.pattern, subject);
  if (c.unknown) {
    const hint = c.unknownProgram ? 'a rule naming it can allow it' : 'only a rule naming this exact command can allow it';
    return { action: 'ask', source: 'default', failed: 'understood', reason: `${subject}: not understood: ${c.unknown}. It asks at every trust level; ${hint}`, trustApplied: false };
  }
  if (c.irreversible) {
    return { action: 'ask', source: 'default', failed: 'reversible', reason: `${subject}: not reversible: ${c.irreversible}, which Airlock cannot roll back. It asks at every trust level unless a rule allows it`, trustApplied: false };
  }
  const kind = c.runsCode ? ` (runs code: ${c.runsCode})` : c.readonly ? ' (read-only)' : '';
  const d = policy.defaults.command;
  if (d === 'ask' && policy.broken.length === 0) {
    if (ctx.trust >= 3 || (ctx.trust >= 1 && c.readonly) || (ctx.trust === 2 && !c.runsCode)) {
      return applyDefault(policy, 'command', ctx, `${subject}${kind}`, true);
    }
    if (ctx.trust === 2 && c.runsCode) {
      if (ctx.contained) return { ...applyDefault(policy, 'command', ctx, `${subject}${kind}`, true), needsSandbox: c.runsCode };
      const why = ctx.uncontainedBecause ?? 'commands do not run in Airlock\'s sandbox here';
      return { action: 'ask', source: 'default', failed: 'contained', reason: `${subject}: runs code Airlock cannot read (${c.runsCode}), and it would run uncontained: ${why}. At trust level 2 such commands pass only inside the sandbox (at level 3 without it), so a person decides`, trustApplied: false };
    }
  }
  return applyDefault(policy, 'command', ctx, `${subject}${kind}`, false);
}

type WorkingPart = PartDecision & Partial<Verdicted>;

function decideCommand(policy: CompiledPolicy, req: Extract<PreparedRequest, { kind: 'command' }>, ctx: EvalContext): Decision {
  const parts: WorkingPart[] = [];
  for (const c of req.commands) {
    const v = decideCommandPart(policy, c, ctx);
    parts.push({ kind: 'command', text: c.text, via: c.via, ...v });
  }
  for (const line of req.lines) {
    for (const action of ['deny', 'ask'] as const) {
      const hit = commandMatch(policy, action, [line], ctx);
      if (hit) {
        parts.push({ kind: 'command', text: line, via: 'command line', ...ruleVerdict(hit.rule, hit.glob.pattern, `\`${line}\``) });
        break;
      }
    }
  }
  for (const t of req.targets) {
    const v = decideTarget(policy, t.op === 'read' ? 'read' : 'edit', t, ctx);
    if ((t.mention || t.meta) && v.action === 'allow') continue;
    parts.push({ kind: t.op === 'read' ? 'read' : 'edit', text: t.display, via: t.via, ...v });
  }
  if (parts.length === 0) {
    return { action: 'allow', source: 'default', reason: 'the command line runs nothing', trustApplied: false, parts };
  }
  let action: Verdict = 'allow';
  for (const p of parts) action = stricter(action, p.action);
  const decisive = pickDecisive(parts, action);
  const trustApplied = action === 'allow' && parts.some((p) => p.source === 'trust');
  const { kind: _k, text: _t, via: _v, trustApplied: _ta, needsSandbox: _ns, noDemote: _nd, failed: _f, ...rest } = decisive;
  const contained = action === 'allow' ? parts.find((p) => p.needsSandbox) : undefined;
  const noDemote = action === 'deny' && parts.filter((p) => p.action === 'deny').every((p) => p.noDemote);
  const failed = action === 'allow' ? undefined : (decisive.failed ?? parts.find((p) => p.action === action && p.failed)?.failed);
  return { ...rest, action, trustApplied, ...(contained?.needsSandbox ? { needsSandbox: contained.needsSandbox } : {}), ...(noDemote ? { noDemote: true } : {}), ...(failed ? { failed } : {}), parts: parts.map(stripTrust) };
}

function stripTrust(p: WorkingPart): PartDecision {
  const { trustApplied: _t, needsSandbox: _n, noDemote: _d, ...rest } = p;
  return rest;
}

/** Among the parts with the final verdict, the one to report: built-ins first, then rules, then defaults. */
function pickDecisive<T extends { action: Verdict; source: DecisionSource }>(parts: readonly T[], action: Verdict): T {
  const order: DecisionSource[] = ['builtin', 'managed', 'workspace', 'user', 'limit', 'default', 'trust'];
  const candidates = parts.filter((p) => p.action === action);
  if (action === 'allow') {
    // For an allowed command, report a part that needed a rule or trust rather than a wrapper.
    return candidates.find((p) => p.source === 'trust') ?? candidates.find((p) => p.source !== 'default') ?? candidates[0]!;
  }
  return [...candidates].sort((a, b) => order.indexOf(a.source) - order.indexOf(b.source))[0]!;
}

// ---------------------------------------------------------------------------------------------------------
// Limits

/** The limits in force for an agent at `trust`: the level's defaults, overridden by the policy. */
export function effectiveLimits(policy: CompiledPolicy, trust: TrustLevel): Limits {
  return { ...DEFAULT_LIMITS[trust], ...policy.limits };
}

function limitHit(policy: CompiledPolicy, req: PreparedRequest, ctx: EvalContext): LimitHit | undefined {
  const s = ctx.session;
  if (!s) return undefined;
  const limits = effectiveLimits(policy, ctx.trust);
  const now = ctx.now ?? Date.now();
  const inLastMinute = (times: readonly number[]): number => times.filter((t) => now - t < 60_000 && t <= now).length;
  const actions = inLastMinute(s.recentActions) + 1;
  if (actions > limits.maxActionsPerMinute) return { name: 'maxActionsPerMinute', limit: limits.maxActionsPerMinute, value: actions };
  if (req.kind === 'command') {
    const perMinute = inLastMinute(s.recentCommands) + 1;
    if (perMinute > limits.maxCommandsPerMinute) return { name: 'maxCommandsPerMinute', limit: limits.maxCommandsPerMinute, value: perMinute };
    if (s.commands + 1 > limits.maxCommandsPerSession) return { name: 'maxCommandsPerSession', limit: limits.maxCommandsPerSession, value: s.commands + 1 };
  }
  if (req.kind !== 'read') {
    const files = new Set(s.files);
    for (const t of req.targets) if (t.op !== 'read' && t.path) files.add(t.path.rel ?? t.path.abs);
    if (files.size > limits.maxFilesPerSession) return { name: 'maxFilesPerSession', limit: limits.maxFilesPerSession, value: files.size };
    const lines = s.changedLines + (req.kind === 'edit' ? (req.changedLines ?? 0) : 0);
    if (lines > limits.maxChangedLinesPerSession) return { name: 'maxChangedLinesPerSession', limit: limits.maxChangedLinesPerSession, value: lines };
  }
  return undefined;
}

const LIMIT_TEXT: Readonly<Record<keyof Limits, string>> = {
  maxFilesPerSession: 'files changed in this session',
  maxChangedLinesPerSession: 'lines changed in this session',
  maxCommandsPerSession: 'commands in this session',
  maxActionsPerMinute: 'actions in the last minute',
  maxCommandsPerMinute: 'commands in the last minute',
};

// ---------------------------------------------------------------------------------------------------------

/** Decides a prepared request for an agent. Pure: same inputs, same decision. */
export function evaluate(policy: CompiledPolicy, req: PreparedRequest, ctx: EvalContext): Decision {
  let decision: Decision;
  if (req.kind === 'command') {
    decision = decideCommand(policy, req, ctx);
  } else {
    const selector = req.kind === 'read' ? 'read' : 'edit';
    if (req.targets.length === 0) {
      return { action: 'deny', source: 'default', reason: `the ${selector} names no file`, trustApplied: false };
    }
    const verdicts = req.targets.map((t) => decideTarget(policy, selector, t, ctx));
    let action: Verdict = 'allow';
    for (const v of verdicts) action = stricter(action, v.action);
    const { noDemote: _n, needsSandbox: _s, ...decisive } = pickDecisive(verdicts, action);
    const noDemote = action === 'deny' && verdicts.filter((v) => v.action === 'deny').every((v) => v.noDemote);
    decision = { ...decisive, action, trustApplied: action === 'allow' && verdicts.some((v) => v.trustApplied), ...(noDemote ? { noDemote: true } : {}) };
  }
  if (decision.action !== 'allow') return decision;
  const hit = limitHit(policy, req, ctx);
  if (!hit) return decision;
  return {
    ...decision,
    action: 'ask',
    source: 'limit',
    limit: hit,
    trustApplied: false,
    reason: `${hit.value} ${LIMIT_TEXT[hit.name]} would exceed the limit of ${hit.limit} (${hit.name}); a person decides whether the agent goes on`,
  };
}
