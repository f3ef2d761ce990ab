import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { Minimatch } from 'minimatch';
import { AGENT_IDS, isAgentId } from '../../shared/ids';
import type { Limits, PolicyDocument, PolicyProblem, RuleSpec, SandboxLimits, SandboxSpec, Selector, TrustLevel, Verdict } from './types';

/** The defaults a policy has when its file does not set them. */
export const DEFAULT_DEFAULTS: Readonly<Record<Selector, Verdict>> = Object.freeze({ edit: 'ask', command: 'ask', read: 'allow' });

/** How a policy text is read. */
export interface PolicyTextOptions {
  /** The text is a managed (machine-wide) policy file, which may also set `lockTrust`. */
  readonly managed?: boolean;
}

/** The result of reading a policy text: the document when it is valid, and every problem found. */
export interface ParsedPolicy {
  /** Present when there are no errors (warnings allowed). */
  readonly document?: PolicyDocument;
  readonly problems: readonly PolicyProblem[];
}

const VERDICTS: readonly Verdict[] = ['allow', 'ask', 'deny'];
const SELECTORS: readonly Selector[] = ['edit', 'read', 'command'];
const LIMIT_KEYS: readonly (keyof Limits)[] = [
  'maxFilesPerSession',
  'maxChangedLinesPerSession',
  'maxCommandsPerSession',
  'maxActionsPerMinute',
  'maxCommandsPerMinute',
];
const RULE_KEYS = ['action', 'edit', 'read', 'command', 'agents', 'minTrust', 'reason', 'sandbox'];
const TOP_KEYS = ['$schema', 'version', 'defaults', 'rules', 'limits', 'sandbox'];
const SANDBOX_KEYS = ['enabled', 'trustLevels', 'network', 'writable', 'denyRead', 'limits', 'allowUnsandboxed'];
const SANDBOX_LIMIT_KEYS: readonly (keyof SandboxLimits)[] = ['cpuSeconds', 'memoryMB', 'timeoutSeconds', 'processes', 'outputMB', 'fileSizeMB'];
/** Upper bounds that catch typos (a timeout in milliseconds, memory in bytes). */
const SANDBOX_LIMIT_MAX: Readonly<Record<keyof SandboxLimits, number>> = { cpuSeconds: 86_400, memoryMB: 1_048_576, timeoutSeconds: 86_400, processes: 100_000, outputMB: 10_240, fileSizeMB: 1_048_576 };

/** Upper bounds that keep a hostile or broken file from costing unbounded memory or time. */
const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_RULES = 10_000;
const MAX_PATTERN_LENGTH = 4096;

class Collector {
  readonly problems: PolicyProblem[] = [];
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  error(node: Node | { offset: number; length: number }, message: string): void {
    this.add('error', node, message);
  }

  warn(node: Node | { offset: number; length: number }, message: string): void {
    this.add('warning', node, message);
  }

  position(offset: number): { line: number; column: number } {
    const starts = (this.lineStarts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  private add(severity: 'error' | 'warning', node: { offset: number; length: number }, message: string): void {
    const { line, column } = this.position(node.offset);
    this.problems.push({ severity, message, offset: node.offset, length: Math.max(1, node.length), line, column });
  }
}

/** 0-based line and character of `offset` in `text` (for editor ranges). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const { line, column } = new Collector(text).position(Math.max(0, Math.min(offset, text.length)));
  return { line: line - 1, character: column - 1 };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

/**
 * Parses and validates the text of a policy file (JSON with comments).
 * Every problem carries its offset, line and column; the document is returned only when there are no errors.
 */
export function parsePolicyText(text: string, options: PolicyTextOptions = {}): ParsedPolicy {
  const c = new Collector(text);
  if (text.length > MAX_POLICY_BYTES) {
    c.error({ offset: 0, length: 1 }, `The policy file is larger than ${MAX_POLICY_BYTES / 1024} KiB; Airlock does not read it.`);
    return { problems: c.problems };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  for (const e of errors) c.error(e, `JSON syntax error: ${describeParseError(printParseErrorCode(e.error))}.`);
  if (errors.length > 0 || !root) {
    if (!root && errors.length === 0) c.error({ offset: 0, length: 1 }, 'The policy file is empty; it must hold a JSON object such as { "version": 1, "rules": [] }.');
    return { problems: c.problems };
  }
  const document = validateDocument(root, c, options.managed === true);
  const hasErrors = c.problems.some((p) => p.severity === 'error');
  return hasErrors || !document ? { problems: c.problems } : { document, problems: c.problems };
}

/**
 * Validates rules that come from somewhere other than a file (the `airlock.rules` setting).
 * Problems carry the rule's index in the message; offsets point into a JSON rendering of the list.
 */
export function parseRuleList(value: unknown): { rules: readonly RuleSpec[]; problems: readonly PolicyProblem[] } {
  const text = JSON.stringify(value ?? [], null, 2) ?? '[]';
  const c = new Collector(text);
  const root = parseTree(text);
  if (!root || root.type !== 'array') {
    c.error({ offset: 0, length: text.length }, 'airlock.rules must be a list of rules.');
    return { rules: [], problems: c.problems };
  }
  // Valid rules are kept; the caller makes the defaults `ask` while any rule has an error.
  return { rules: validateRules(root, c, 'airlock.rules'), problems: c.problems };
}

function describeParseError(code: string): string {
  const names: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'expected a property name in double quotes',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected ":"',
    CommaExpected: 'expected ","',
    CloseBraceExpected: 'expected "}"',
    CloseBracketExpected: 'expected "]"',
    EndOfFileExpected: 'unexpected content after the end of the JSON object',
    InvalidCommentToken: 'invalid comment',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  return names[code] ?? code;
}

function properties(node: Node, c: Collector, where: string, allowed: readonly string[]): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const prop of node.children ?? []) {
    const keyNode = prop.children?.[0];
    const valueNode = prop.children?.[1];
    if (!keyNode || !valueNode) continue;
    const key = String(keyNode.value);
    if (out.has(key)) {
      c.error(keyNode, `Duplicate key "${key}" in ${where}: JSON keeps only one of them, so remove the other.`);
      continue;
    }
    if (!allowed.includes(key)) {
      c.error(keyNode, `Unknown key "${key}" in ${where}. Allowed keys: ${allowed.filter((k) => k !== '$schema').join(', ')}.`);
      continue;
    }
    out.set(key, valueNode);
  }
  return out;
}

function validateDocument(root: Node, c: Collector, managed: boolean): PolicyDocument | undefined {
  if (root.type !== 'object') {
    c.error(root, 'The policy file must hold a JSON object such as { "version": 1, "rules": [] }.');
    return undefined;
  }
  const lockTrustNode = findProperty(root, 'lockTrust');
  if (lockTrustNode && !managed) {
    c.error(lockTrustNode.key, '"lockTrust" caps trust levels machine-wide and is read only from the organisation\'s managed policy (/etc/airlock/policy.json and policy.d/); remove it from this file.');
  }
  // lockTrust is accepted here and reported above for a workspace file, so it is not called unknown as well.
  const props = properties(root, c, 'the policy file', [...TOP_KEYS, 'lockTrust']);
  const version = props.get('version');
  if (!version) {
    c.warn({ offset: root.offset, length: 1 }, 'The policy file has no "version"; Airlock reads it as version 1. Add "version": 1.');
  } else if (version.value !== 1) {
    c.error(version, `Unsupported policy version ${JSON.stringify(version.value)}: this Airlock reads "version": 1.`);
  }

  const defaults: Record<Selector, Verdict> = { ...DEFAULT_DEFAULTS };
  const declaredDefaults: Partial<Record<Selector, Verdict>> = {};
  const defaultsNode = props.get('defaults');
  if (defaultsNode) {
    if (defaultsNode.type !== 'object') c.error(defaultsNode, '"defaults" must be an object such as { "edit": "ask", "command": "ask", "read": "allow" }.');
    else {
      for (const [key, node] of properties(defaultsNode, c, '"defaults"', SELECTORS)) {
        const verdict = readVerdict(node, c, `"defaults.${key}"`);
        if (verdict) defaults[key as Selector] = declaredDefaults[key as Selector] = verdict;
      }
    }
  }
  let lockTrust: TrustLevel | undefined;
  const lockNode = managed ? props.get('lockTrust') : undefined;
  if (lockNode) {
    if (lockNode.type !== 'number' || ![0, 1, 2, 3].includes(lockNode.value)) c.error(lockNode, '"lockTrust" must be a trust level 0, 1, 2 or 3 (no agent may be trusted above it).');
    else lockTrust = lockNode.value as TrustLevel;
  }

  let rules: RuleSpec[] = [];
  const rulesNode = props.get('rules');
  if (rulesNode) {
    if (rulesNode.type !== 'array') c.error(rulesNode, '"rules" must be a list of rules.');
    else rules = validateRules(rulesNode, c, '"rules"', (offset) => c.position(offset).line);
  }

  const limits: Partial<Record<keyof Limits, number>> = {};
  const limitsNode = props.get('limits');
  if (limitsNode) {
    if (limitsNode.type !== 'object') c.error(limitsNode, `"limits" must be an object with any of: ${LIMIT_KEYS.join(', ')}.`);
    else {
      for (const [key, node] of properties(limitsNode, c, '"limits"', LIMIT_KEYS)) {
        if (node.type !== 'number' || !Number.isInteger(node.value) || node.value < 1 || node.value > 1e9) {
          c.error(node, `"limits.${key}" must be a whole number of at least 1.`);
        } else limits[key as keyof Limits] = node.value;
      }
    }
  }
  const sandboxNode = props.get('sandbox');
  const sandbox = sandboxNode ? validateSandbox(sandboxNode, c) : undefined;
  return { version: 1, defaults, rules, limits, ...(sandbox ? { sandbox } : {}), ...(Object.keys(declaredDefaults).length > 0 ? { declaredDefaults } : {}), ...(lockTrust !== undefined ? { lockTrust } : {}) };
}

function findProperty(node: Node, key: string): { key: Node; value: Node } | undefined {
  for (const prop of node.children ?? []) {
    const k = prop.children?.[0];
    const v = prop.children?.[1];
    if (k && v && k.value === key) return { key: k, value: v };
  }
  return undefined;
}

/** What still holds in a policy file that has errors: its `deny` rules that parse on their own, and its `lockTrust`. */
export interface SalvagedPolicy {
  readonly denyRules: readonly RuleSpec[];
  readonly lockTrust?: TrustLevel;
}

/**
 * Reads what can be kept from a broken managed policy file (docs/cli.md "For teams"): until it is fixed,
 * Airlock decides with `ask` defaults plus the file's own `deny` rules that still parse, so a typo in one
 * rule never switches off the organisation's other prohibitions. Never returns anything that allows.
 */
export function salvagePolicyText(text: string): SalvagedPolicy {
  if (text.length > MAX_POLICY_BYTES) return { denyRules: [] };
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  if (!root || root.type !== 'object') return { denyRules: [] };
  const c = new Collector(text);
  const rulesNode = findProperty(root, 'rules')?.value;
  const denyRules: RuleSpec[] = [];
  if (rulesNode?.type === 'array') {
    for (const item of (rulesNode.children ?? []).slice(0, MAX_RULES)) {
      const before = c.problems.length;
      const rule = validateRule(item, c, 'a rule');
      if (rule && rule.action === 'deny' && c.problems.slice(before).every((p) => p.severity !== 'error')) denyRules.push({ ...rule, line: c.position(item.offset).line });
    }
  }
  const lock = findProperty(root, 'lockTrust')?.value;
  const lockTrust = lock?.type === 'number' && [0, 1, 2, 3].includes(lock.value) ? (lock.value as TrustLevel) : undefined;
  return { denyRules, ...(lockTrust !== undefined ? { lockTrust } : {}) };
}

function stringList(node: Node, c: Collector, where: string, check?: (s: string) => string | undefined): string[] | undefined {
  if (node.type !== 'array') {
    c.error(node, `${where} must be a list of strings.`);
    return undefined;
  }
  const out: string[] = [];
  for (const item of node.children ?? []) {
    if (item.type !== 'string' || item.value === '') {
      c.error(item, `Each entry of ${where} must be a non-empty string.`);
      continue;
    }
    const problem = check?.(item.value as string);
    if (problem) c.error(item, `${problem} (in ${where}).`);
    else out.push(item.value as string);
  }
  return out;
}

function sandboxPathProblem(p: string): string | undefined {
  if (p.includes('\0')) return 'A path cannot contain a NUL character';
  if (/[*?[\]{}]/.test(p)) return `"${p}" is a glob; the sandbox takes paths (a folder covers everything in it)`;
  if (p.split(/[\\/]/).includes('..')) return `"${p}" contains ".."; write the path it leads to`;
  return undefined;
}

/** A domain for the network allow-list: a host name, optionally starting with `*.` for its subdomains. */
function domainProblem(d: string): string | undefined {
  return /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(d) ? undefined : `"${d}" is not a domain name such as "registry.npmjs.org" or "*.github.com"`;
}

function validateSandbox(node: Node, c: Collector): SandboxSpec | undefined {
  if (node.type !== 'object') {
    c.error(node, '"sandbox" must be an object such as { "enabled": true, "network": "none" }.');
    return undefined;
  }
  const props = properties(node, c, '"sandbox"', SANDBOX_KEYS);
  const out: { -readonly [K in keyof SandboxSpec]: SandboxSpec[K] } = {};
  for (const key of ['enabled', 'allowUnsandboxed'] as const) {
    const n = props.get(key);
    if (!n) continue;
    if (n.type !== 'boolean') c.error(n, `"sandbox.${key}" must be true or false.`);
    else out[key] = n.value as boolean;
  }
  const levels = props.get('trustLevels');
  if (levels) {
    if (levels.type !== 'array' || (levels.children ?? []).length === 0) c.error(levels, '"sandbox.trustLevels" must be a non-empty list of trust levels (0, 1, 2, 3).');
    else {
      const list: TrustLevel[] = [];
      for (const l of levels.children ?? []) {
        if (l.type !== 'number' || ![0, 1, 2, 3].includes(l.value)) c.error(l, 'Each entry of "sandbox.trustLevels" must be a trust level 0, 1, 2 or 3.');
        else list.push(l.value as TrustLevel);
      }
      out.trustLevels = list;
    }
  }
  const network = props.get('network');
  if (network) {
    if (network.type === 'string' && (network.value === 'none' || network.value === 'host')) out.network = network.value;
    else if (network.type === 'array') {
      const domains = stringList(network, c, '"sandbox.network"', domainProblem);
      if (domains) out.network = domains.map((d) => d.toLowerCase());
    } else c.error(network, '"sandbox.network" must be "none", "host", or a list of domains the command may reach (such as ["registry.npmjs.org"]).');
  }
  for (const key of ['writable', 'denyRead'] as const) {
    const n = props.get(key);
    if (!n) continue;
    const list = stringList(n, c, `"sandbox.${key}"`, sandboxPathProblem);
    if (list) out[key] = list;
  }
  const limits = props.get('limits');
  if (limits) {
    if (limits.type !== 'object') c.error(limits, `"sandbox.limits" must be an object with any of: ${SANDBOX_LIMIT_KEYS.join(', ')}.`);
    else {
      const l: Partial<Record<keyof SandboxLimits, number>> = {};
      for (const [key, n] of properties(limits, c, '"sandbox.limits"', SANDBOX_LIMIT_KEYS)) {
        const max = SANDBOX_LIMIT_MAX[key as keyof SandboxLimits];
        if (n.type !== 'number' || !Number.isFinite(n.value) || n.value <= 0 || n.value > max) c.error(n, `"sandbox.limits.${key}" must be a number above 0 and at most ${max}.`);
        else l[key as keyof SandboxLimits] = n.value;
      }
      out.limits = l;
    }
  }
  return out;
}

function readVerdict(node: Node, c: Collector, where: string): Verdict | undefined {
  if (node.type === 'string' && (VERDICTS as readonly string[]).includes(node.value)) return node.value as Verdict;
  c.error(node, `${where} must be "allow", "ask" or "deny", not ${JSON.stringify(node.value ?? node.type)}.`);
  return undefined;
}

function validateRules(node: Node, c: Collector, where: string, lineOf?: (offset: number) => number): RuleSpec[] {
  const rules: RuleSpec[] = [];
  const items = node.children ?? [];
  if (items.length > MAX_RULES) {
    c.error(node, `${where} has ${items.length} rules; Airlock reads at most ${MAX_RULES}.`);
    return rules;
  }
  items.forEach((item, index) => {
    const rule = validateRule(item, c, `rule ${index + 1} of ${where}`);
    if (rule) rules.push(lineOf ? { ...rule, line: lineOf(item.offset) } : rule);
  });
  return rules;
}

function validateRule(node: Node, c: Collector, where: string): RuleSpec | undefined {
  if (node.type !== 'object') {
    c.error(node, `${where} must be an object such as { "action": "deny", "edit": ["**/.env"] }.`);
    return undefined;
  }
  const props = properties(node, c, where, RULE_KEYS);
  const before = c.problems.filter((p) => p.severity === 'error').length;

  const actionNode = props.get('action');
  let action: Verdict | undefined;
  if (!actionNode) c.error({ offset: node.offset, length: 1 }, `${where} has no "action": add "action": "allow", "ask" or "deny".`);
  else action = readVerdict(actionNode, c, `"action" of ${where}`);

  const present = SELECTORS.filter((s) => props.has(s));
  let selector: Selector | undefined;
  let patterns: string[] = [];
  if (present.length === 0) {
    c.error({ offset: node.offset, length: 1 }, `${where} has no selector: give exactly one of "edit", "read" or "command".`);
  } else if (present.length > 1) {
    c.error(props.get(present[1]!)!, `${where} has ${present.map((s) => `"${s}"`).join(' and ')}: a rule has exactly one selector, so split it into ${present.length} rules.`);
  } else {
    selector = present[0]!;
    patterns = readPatterns(props.get(selector)!, c, selector, where, action);
  }

  let agents: string[] | undefined;
  const agentsNode = props.get('agents');
  if (agentsNode) {
    if (agentsNode.type !== 'array' || (agentsNode.children ?? []).length === 0) {
      c.error(agentsNode, `"agents" of ${where} must be a non-empty list of agent ids (${AGENT_IDS.join(', ')}).`);
    } else {
      agents = [];
      for (const a of agentsNode.children ?? []) {
        if (a.type !== 'string' || !isAgentId(a.value)) c.error(a, `Unknown agent ${JSON.stringify(a.value)} in ${where}: known agents are ${AGENT_IDS.join(', ')}.`);
        else agents.push(a.value);
      }
    }
  }

  let minTrust: TrustLevel | undefined;
  const minTrustNode = props.get('minTrust');
  if (minTrustNode) {
    if (minTrustNode.type !== 'number' || ![0, 1, 2, 3].includes(minTrustNode.value)) {
      c.error(minTrustNode, `"minTrust" of ${where} must be a trust level 0, 1, 2 or 3.`);
    } else if (action && action !== 'allow') {
      c.error(minTrustNode, `"minTrust" only applies to "allow" rules; a "${action}" rule holds at every trust level, so remove it.`);
    } else minTrust = minTrustNode.value as TrustLevel;
  }

  let sandbox: boolean | undefined;
  const sandboxNode = props.get('sandbox');
  if (sandboxNode) {
    if (sandboxNode.type !== 'boolean') c.error(sandboxNode, `"sandbox" of ${where} must be true or false.`);
    else if (selector && selector !== 'command') c.error(sandboxNode, `"sandbox" of ${where} only applies to "command" rules, which run commands; remove it.`);
    else if (action === 'deny') c.error(sandboxNode, `"sandbox" of ${where} does nothing on a "deny" rule: a denied command does not run. Remove it.`);
    else sandbox = sandboxNode.value as boolean;
  }

  let reason: string | undefined;
  const reasonNode = props.get('reason');
  if (reasonNode) {
    if (reasonNode.type !== 'string') c.error(reasonNode, `"reason" of ${where} must be a string.`);
    else reason = reasonNode.value as string;
  }

  const after = c.problems.filter((p) => p.severity === 'error').length;
  if (after > before || !action || !selector) return undefined;
  return {
    action,
    selector,
    patterns,
    ...(agents ? { agents } : {}),
    ...(minTrust !== undefined ? { minTrust } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(sandbox !== undefined ? { sandbox } : {}),
  };
}

function readPatterns(node: Node, c: Collector, selector: Selector, where: string, action: Verdict | undefined): string[] {
  const items = node.type === 'string' ? [node] : node.type === 'array' ? (node.children ?? []) : undefined;
  if (!items) {
    c.error(node, `"${selector}" of ${where} must be a list of ${selector === 'command' ? 'command patterns' : 'globs'}.`);
    return [];
  }
  if (items.length === 0) {
    c.error(node, `"${selector}" of ${where} is an empty list, so the rule would match nothing.`);
    return [];
  }
  const out: string[] = [];
  for (const item of items) {
    if (item.type !== 'string') {
      c.error(item, `Each entry of "${selector}" in ${where} must be a string.`);
      continue;
    }
    const raw = item.value as string;
    const problem = selector === 'command' ? commandPatternProblem(raw) : globProblem(raw);
    if (problem) {
      c.error(item, `${problem} (in ${where}).`);
      continue;
    }
    if (selector === 'command') {
      const pattern = normalizeCommandPattern(raw);
      if (action && action !== 'allow' && !pattern.includes('*') && !pattern.includes(' ')) {
        c.warn(item, `Command pattern "${pattern}" matches only the bare command "${pattern}" with no arguments; write "${pattern} *" as well to match it with arguments.`);
      }
      out.push(pattern);
    } else {
      out.push(normalizeGlob(raw));
    }
  }
  return out;
}

/** Explains why `glob` is not a usable path glob, or returns undefined when it is. */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'An empty glob matches nothing';
  if (glob.length > MAX_PATTERN_LENGTH) return `A glob longer than ${MAX_PATTERN_LENGTH} characters is not allowed`;
  if (glob.includes('\0')) return 'A glob cannot contain a NUL character';
  // A backslash only escapes a glob character (as in `\\*`); anywhere else it is a Windows separator.
  if (glob.replace(/\\[*?[\]{}()!+@,~#]/g, '').includes('\\')) return `Glob "${glob}" contains "\\": write paths with "/" on every platform (a backslash only escapes a glob character, as in \\*)`;
  const segments = normalizeGlob(glob).split('/');
  if (segments.includes('..')) return `Glob "${glob}" contains "..": paths are resolved before matching, so ".." never matches; write the path it leads to`;
  const mm = new Minimatch(normalizeGlob(glob), { dot: true });
  if (mm.makeRe() === false) return `Glob "${glob}" is not a valid glob`;
  return undefined;
}

/** Explains why `pattern` is not a usable command pattern, or returns undefined when it is. */
export function commandPatternProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'An empty command pattern matches nothing';
  if (pattern.length > MAX_PATTERN_LENGTH) return `A command pattern longer than ${MAX_PATTERN_LENGTH} characters is not allowed`;
  if (pattern.includes('\0')) return 'A command pattern cannot contain a NUL character';
  return undefined;
}

/** `./src/**` → `src/**`; `build/` → `build/**` (a directory and everything in it). */
export function normalizeGlob(glob: string): string {
  let g = glob.trim();
  while (g.startsWith('./')) g = g.slice(2);
  if (g.length > 1 && g.endsWith('/')) g = `${g}**`;
  return g;
}

/** Collapses runs of white space, as command text is normalized (docs/policy.md "Commands"). */
export function normalizeCommandPattern(pattern: string): string {
  return pattern.trim().replace(/\s+/g, ' ');
}
