/** What a rule, a default or a decision says about an action. Ordered from least to most restrictive. */
export type Verdict = 'allow' | 'ask' | 'deny';

/** The kinds of action an agent can ask for (docs/design.md "The ActionRequest"). */
export type ActionKind = 'edit' | 'create' | 'delete' | 'rename' | 'command' | 'read';

/** The three selectors a rule can have; create, delete and rename are all `edit`. */
export type Selector = 'edit' | 'read' | 'command';

/** Trust levels 0–3 (docs/design.md "Progressive trust"). */
export type TrustLevel = 0 | 1 | 2 | 3;

/**
 * Where a rule was written. `recommended` is the built-in starting policy used when a workspace has no file;
 * `managed` is the machine-wide policy an organisation deploys (docs/policy.md "The managed layer").
 */
export type RuleOrigin = 'workspace' | 'user' | 'recommended' | 'builtin' | 'managed';

/** Which layer made a decision (docs/policy.md "Decision"); `managed`: the organisation's policy. */
export type DecisionSource = 'builtin' | 'workspace' | 'user' | 'default' | 'trust' | 'limit' | 'managed';

/** Blast-radius limits, per agent session and per minute. */
export interface Limits {
  readonly maxFilesPerSession: number;
  readonly maxChangedLinesPerSession: number;
  readonly maxCommandsPerSession: number;
  readonly maxActionsPerMinute: number;
  readonly maxCommandsPerMinute: number;
}

/** The names of {@link Limits}. */
export type LimitName = keyof Limits;

/** A rule as written in a policy file or the `airlock.rules` setting, after validation. */
export interface RuleSpec {
  readonly action: Verdict;
  readonly selector: Selector;
  readonly patterns: readonly string[];
  readonly agents?: readonly string[];
  readonly minTrust?: TrustLevel;
  readonly reason?: string;
  /** For command rules: run what this rule allows in the sandbox (`true`) or outside it (`false`). */
  readonly sandbox?: boolean;
  /** 1-based line of the rule in its file, for messages; absent for rules that come from code. */
  readonly line?: number;
}

/** Resource limits of a sandboxed command. */
export interface SandboxLimits {
  /** CPU time per process (seconds). */
  readonly cpuSeconds: number;
  /** Memory (MB): the whole command's memory where a cgroup can be used, else address space per process. */
  readonly memoryMB: number;
  /** Wall-clock time of the whole command (seconds). */
  readonly timeoutSeconds: number;
  /** Processes the command may run at once. */
  readonly processes: number;
  /** Output (stdout and stderr together, MB) passed back to the agent; the rest is cut off. */
  readonly outputMB: number;
  /** The largest file the command may write (MB). */
  readonly fileSizeMB: number;
}

/** The policy's `sandbox` section (spec: README "Sandboxed commands"), as written. */
export interface SandboxSpec {
  /** Run allowed commands in an OS sandbox. */
  readonly enabled?: boolean;
  /** The trust levels whose commands are sandboxed (default: every level). */
  readonly trustLevels?: readonly TrustLevel[];
  /** `none`, `host`, or the domains the command may reach through Airlock's proxy. */
  readonly network?: 'none' | 'host' | readonly string[];
  /** Writable besides the workspace and a private temporary folder (absolute, `~/`, or workspace-relative). */
  readonly writable?: readonly string[];
  /** Hidden from the command, besides Airlock's defaults (`~/.ssh`, `~/.aws`, …). */
  readonly denyRead?: readonly string[];
  readonly limits?: Partial<SandboxLimits>;
  /** Where no sandbox is available, run allowed commands without one instead of asking. */
  readonly allowUnsandboxed?: boolean;
}

/** A validated policy document (`.vscode/airlock.json` or the recommended policy). */
export interface PolicyDocument {
  readonly version: 1;
  readonly defaults: Readonly<Record<Selector, Verdict>>;
  readonly rules: readonly RuleSpec[];
  readonly limits: Partial<Limits>;
  readonly sandbox?: SandboxSpec;
  /**
   * The defaults the file itself sets (the others are {@link PolicyDocument.defaults}' fill-ins). The managed
   * layer enforces only what its files declare.
   */
  readonly declaredDefaults?: Readonly<Partial<Record<Selector, Verdict>>>;
  /** Managed policy only: no agent's trust level may exceed this. */
  readonly lockTrust?: TrustLevel;
}

/** A problem found in a policy file, with enough position to underline it in the editor. */
export interface PolicyProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** 0-based offset and length in the file text. */
  readonly offset: number;
  readonly length: number;
  /** 1-based line and column, for messages on a terminal. */
  readonly line: number;
  readonly column: number;
}

/** The rule that decided, as reported to people and agents. */
export interface RuleRef {
  readonly origin: RuleOrigin;
  /** 0-based index in its source's rule list (builtin rules have their own numbering). */
  readonly index: number;
  readonly action: Verdict;
  readonly selector: Selector;
  /** The pattern that matched. */
  readonly pattern: string;
  /** The file the rule is in, when it is in one. */
  readonly file?: string;
  readonly line?: number;
  readonly reason?: string;
  /** The rule's `sandbox` option, for command rules that have one. */
  readonly sandbox?: boolean;
}

/** What a limit check found when it turned an `allow` into an `ask`. */
export interface LimitHit {
  readonly name: LimitName;
  readonly limit: number;
  /** The value the session would reach if the action were allowed. */
  readonly value: number;
}

/** One part of a command's decision: a simple command, a redirection or a file a command writes. */
export interface PartDecision {
  readonly kind: 'command' | 'edit' | 'read';
  /** Normalized command text, or the path written/read. */
  readonly text: string;
  /** How the part arises: `command`, `redirect >`, `tee`, `cp`, `bash -c`, … */
  readonly via: string;
  readonly action: Verdict;
  readonly source: DecisionSource;
  readonly rule?: RuleRef;
  readonly reason: string;
  /** Which condition for passing without a person this part failed (understood, reversible, contained). */
  readonly failed?: 'understood' | 'reversible' | 'contained';
}

/** The answer to "may this agent do this?" (docs/policy.md "Decision"). */
export interface Decision {
  readonly action: Verdict;
  readonly source: DecisionSource;
  readonly rule?: RuleRef;
  readonly reason: string;
  /** True when the agent's trust level changed the outcome (relaxed an `ask` default). */
  readonly trustApplied: boolean;
  readonly limit?: LimitHit;
  /**
   * Set when the decision allows a command only because it will run in the sandbox (code-running
   * commands passed by trust at level 2): says what runs code. Run outside the sandbox, it must ask.
   */
  readonly needsSandbox?: string;
  /** A deny that is not the agent's attempt at something forbidden (a search whose scope holds a secret): it does not demote. */
  readonly noDemote?: boolean;
  /**
   * Which of the three conditions for passing without a person failed, when one did (docs/policy.md
   * "What may pass without a person"): for the popup, `airlock check` and the audit log.
   */
  readonly failed?: 'understood' | 'reversible' | 'contained';
  /** For commands: each simple command and each edit it makes, with its own decision. */
  readonly parts?: readonly PartDecision[];
}

const RANK: Readonly<Record<Verdict, number>> = { allow: 0, ask: 1, deny: 2 };

/** The more restrictive of two verdicts. */
export function stricter(a: Verdict, b: Verdict): Verdict {
  return RANK[a] >= RANK[b] ? a : b;
}

/** True when `a` is strictly more restrictive than `b`. */
export function isStricter(a: Verdict, b: Verdict): boolean {
  return RANK[a] > RANK[b];
}

/** Names of the trust levels, for messages. */
export const TRUST_NAMES: Readonly<Record<TrustLevel, string>> = {
  0: 'Supervised',
  1: 'Checkpointed',
  2: 'Trusted',
  3: 'Autonomous',
};

/** True when `n` is a trust level. */
export function isTrustLevel(n: unknown): n is TrustLevel {
  return n === 0 || n === 1 || n === 2 || n === 3;
}
