/**
 * Loads the policy of a workspace from its sources (docs/policy.md "Where policy comes from"):
 * built-in protections, the organisation's managed policy (core/policy/managedPolicy.ts),
 * `.vscode/airlock.json` (or the recommended policy when there is none) and the user's personal rules. An invalid file never silently becomes "allow everything": it is reported and
 * the workspace is decided with `ask` defaults (plus the recommended protections) until it is fixed.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readUserSettings } from '../settings';
import { compilePolicy, type CompiledPolicy, type WorkspacePolicyState } from './evaluate';
import { cachedLayer, underManaged, withoutSandboxExemption, type ManagedLayer } from './managedPolicy';
import { createPathContext, type PathContext } from './paths';
import { parsePolicyText, parseRuleList } from './policyFile';
import { recommendedPolicy } from './recommended';
import type { PolicyDocument, PolicyProblem, RuleSpec } from './types';

/** Where the workspace policy file lives, relative to the workspace folder. */
export const POLICY_FILE = '.vscode/airlock.json';

/** Everything known about a workspace's policy after loading it. */
export interface LoadedPolicy {
  readonly compiled: CompiledPolicy;
  readonly paths: PathContext;
  readonly state: WorkspacePolicyState;
  /** Absolute path of the policy file (whether or not it exists). */
  readonly file: string;
  readonly problems: readonly PolicyProblem[];
  readonly userProblems: readonly PolicyProblem[];
  /** The organisation's managed layer as read (its files and their problems, `lockTrust`). */
  readonly managed: ManagedLayer;
}

/** Inputs to {@link loadPolicy}. */
export interface LoadPolicyOptions {
  readonly workspace: string;
  readonly home: string;
  /** Airlock's data root (protected, and where mirrored user rules are read from). */
  readonly dataRoot: string;
  readonly installDir?: string;
  /** The `airlock.rules` setting; when absent, the mirrored copy in the data root is read. */
  readonly userRules?: unknown;
  readonly restricted?: boolean;
  /** The policy text to use instead of reading the file (the editor's unsaved buffer). */
  readonly policyText?: string;
  /** Overrides the probe of the file system's case sensitivity (tests of case-insensitive systems). */
  readonly caseInsensitive?: boolean;
  /** The managed layer to use instead of reading it now (a caller that already read it). */
  readonly managed?: ManagedLayer;
}

const MAX_POLICY_FILE = 1024 * 1024;

/** The document an invalid policy file is decided with: `ask` for everything, plus the recommended protections. */
export function fallbackPolicy(): PolicyDocument {
  const rec = recommendedPolicy();
  return { version: 1, defaults: { edit: 'ask', command: 'ask', read: 'ask' }, rules: rec.rules.filter((r) => r.action !== 'allow'), limits: {} };
}

function readPolicyText(file: string): { text?: string; problem?: string } {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return { problem: `${POLICY_FILE} is not a regular file.` };
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    return { problem: `Airlock cannot read ${POLICY_FILE} (${code ?? (e as Error).message}).` };
  }
  if (size > MAX_POLICY_FILE) return { problem: `${POLICY_FILE} is larger than 1 MiB; Airlock does not read it.` };
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (e) {
    return { problem: `Airlock cannot read ${POLICY_FILE} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).` };
  }
}


/**
 * The install folder is protected unless it is inside the workspace: when Airlock runs from its own
 * source tree (development), protecting it would lock the whole workspace.
 */
function installDirToProtect(options: LoadPolicyOptions): boolean {
  if (!options.installDir) return false;
  const ws = options.workspace.replace(/[\\/]+$/, '');
  const dir = options.installDir.replace(/[\\/]+$/, '');
  return !(dir === ws || dir.startsWith(`${ws}/`) || dir.startsWith(`${ws}\\`) || ws.startsWith(`${dir}/`));
}

/** Reads, validates and compiles the policy of a workspace. Never throws for a bad file: problems are returned. */
export function loadPolicy(options: LoadPolicyOptions): LoadedPolicy {
  const file = join(options.workspace, POLICY_FILE);
  const probed = { ...createPathContext([options.workspace], options.home), airlock: { dataRoot: options.dataRoot, ...(installDirToProtect(options) ? { installDir: options.installDir } : {}) } };
  const paths = options.caseInsensitive === undefined ? probed : { ...probed, caseInsensitive: options.caseInsensitive };
  let state: WorkspacePolicyState;
  let document: PolicyDocument;
  let problems: PolicyProblem[] = [];
  const read = options.policyText !== undefined ? { text: options.policyText } : readPolicyText(file);
  if (read.problem) {
    state = 'invalid';
    document = fallbackPolicy();
    problems = [{ severity: 'error', message: read.problem, offset: 0, length: 1, line: 1, column: 1 }];
  } else if (read.text === undefined) {
    state = 'recommended';
    document = recommendedPolicy();
  } else {
    const parsed = parsePolicyText(read.text);
    problems = [...parsed.problems];
    if (parsed.document) {
      state = 'file';
      document = parsed.document;
    } else {
      state = 'invalid';
      document = fallbackPolicy();
    }
  }
  const managed = options.managed ?? cachedLayer();
  document = underManaged(document, managed);
  const user = parseRuleList(options.userRules ?? readUserSettings(options.dataRoot).rules);
  // With the organisation's sandbox on, a personal rule cannot let a command out of it either.
  const userRules: readonly RuleSpec[] = managed.sandbox?.enabled === true ? user.rules.map(withoutSandboxExemption) : user.rules;
  const userRulesBroken = user.problems.some((p) => p.severity === 'error');
  if (userRulesBroken) {
    // A broken personal rule must not silently do nothing: ask for everything until it is fixed.
    document = { ...document, defaults: { edit: 'ask', command: 'ask', read: 'ask' } };
  }
  const compiled = compilePolicy({
    workspace: document,
    workspaceState: state,
    workspaceFile: POLICY_FILE,
    userRules,
    home: options.home,
    caseInsensitive: paths.caseInsensitive,
    builtin: { dataRoot: options.dataRoot, managedDirs: managed.folders, ...(installDirToProtect(options) ? { installDir: options.installDir } : {}) },
    ...(options.restricted ? { restricted: true } : {}),
    ...(userRulesBroken ? { userRulesBroken: true } : {}),
    ...(managed.files.length > 0 ? { managed: { rules: managed.rules, defaults: managed.defaults, broken: managed.broken } } : {}),
  });
  return { compiled, paths, state, file, problems, userProblems: user.problems, managed };
}
