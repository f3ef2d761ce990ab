/**
 * What Airlock can prove about one simple command: the files it touches, and whether it is read-only,
 * runs code it cannot read, has effects outside the shadow history's reach, or is not understood at all
 * (docs/policy.md "What may pass without a person: understood, reversible, contained").
 */
import type { WordValue } from './words';

/** Which files below a folder a recursive read really reads (`grep -r --include`, ripgrep's defaults). */
export interface ScopeFilter {
  /** Basename globs a file must match (any of). */
  readonly include?: readonly string[];
  /** Basename globs of files left out. */
  readonly exclude?: readonly string[];
  /** Basename globs of folders not descended into. */
  readonly excludeDir?: readonly string[];
  /** Path globs (relative to the searched folder; `!` negates) a file must match, ripgrep style. */
  readonly globs?: readonly string[];
  /** Hidden files and folders (a name starting with `.`) are skipped (ripgrep without `--hidden`). */
  readonly skipHidden?: boolean;
}

/** A file a command writes, deletes or reads. */
export interface Effect {
  readonly op: 'write' | 'delete' | 'read';
  /** The word holding the path (its value is the path as the shell sees it). */
  readonly word?: WordValue;
  /** A fixed path relative to the command's folder (`npm i x` writes `package.json`). */
  readonly literal?: string;
  /** `cp a dir` also writes `dir/a`: the source word whose basename is appended. */
  readonly intoDirOf?: WordValue;
  /** Everything below the path is affected (`rm -r`, `cp -r`, `grep -r`). */
  readonly recursive?: boolean;
  /** Only a mention (an argument of a program Airlock does not model): decided against `deny`/`ask` read rules only. */
  readonly mention?: boolean;
  /** Only the name or metadata is used (`ls`, `stat`, `find`'s start points): decided against built-in protections only. */
  readonly meta?: boolean;
  /** For recursive reads: which files below are read. */
  readonly filter?: ScopeFilter;
  /** The folder relative paths start from, when it is not the command's (`git -C DIR`, `tar -C DIR`). */
  readonly base?: WordValue;
  /** The write makes a link (`ln -s`, `cp -s`): paths through it later on the line are not known in advance. */
  readonly link?: boolean;
}

/** Everything Airlock knows about one simple command. */
export interface CommandFacts {
  readonly effects: readonly Effect[];
  /** Reads only: no file written, nothing sent, no code run, nothing changed outside. */
  readonly readonly?: boolean;
  /** Set when the command is not understood (an option or a form Airlock does not model); says why. */
  readonly unknown?: string;
  /** Set for an unknown program (not in Airlock's tables): a rule naming it may still allow it. */
  readonly unknownProgram?: boolean;
  /** Set when the command runs code Airlock cannot read (interpreters, test runners, build tools, package scripts); says what. */
  readonly runsCode?: string;
  /** Set when an effect leaves the shadow history's reach (network sends, outside writes, system changes); says what. */
  readonly irreversible?: string;
  /** Sends data to the network (for "secrets leaving the machine"). */
  readonly sends?: boolean;
  /** Brings data from the network (for "a download piped into a shell"). */
  readonly downloads?: boolean;
  /** Runs what it reads on stdin as code: a shell (not understood) or another interpreter (runs code). */
  readonly stdinCode?: 'shell' | 'interpreter';
  /** Its output holds the environment (`env`, `printenv`): secrets, if it reaches the network. */
  readonly emitsEnv?: boolean;
  /** A built-in protection denies it; says why. */
  readonly builtin?: string;
}

/** Facts for a command that only reads. */
export function readOnly(effects: readonly Effect[] = []): CommandFacts {
  return { effects, readonly: true };
}

/** Read effects for words (content reads). */
export function reads(words: readonly WordValue[], recursive = false, filter?: ScopeFilter): Effect[] {
  return words.filter((w) => w.value !== '-').map((word) => ({ op: 'read' as const, word, ...(recursive ? { recursive } : {}), ...(filter ? { filter } : {}) }));
}

/** Write effects for words. */
export function writes(words: readonly WordValue[], recursive = false): Effect[] {
  return words.filter((w) => w.value !== '-').map((word) => ({ op: 'write' as const, word, ...(recursive ? { recursive } : {}) }));
}

/** Combines reasons: the first one set wins. */
export function first(...reasons: (string | undefined)[]): string | undefined {
  return reasons.find((r) => r !== undefined);
}
