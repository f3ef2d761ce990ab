/**
 * Wrappers run another command: `sudo`, `env`, `timeout`, `nice`, `xargs`, `bash -c`, `eval`, … Each is
 * unwrapped with every option it accepts, read in every spelling (`env -S'…'`, `env --split-string=…`,
 * `timeout -s KILL 5 …`, `xargs -I{} …`), so that what it runs is decided on its own. An option a wrapper
 * has that Airlock does not model makes the wrapper unknown: it could change what runs.
 */
import type { Effect } from '../facts';
import { has, optional, parseOptions, table, valueOf, type OptionTable, type ParsedArgs } from '../options';
import type { WordValue } from '../words';

const D = 'data' as const;
const W = 'write' as const;

/** What a wrapper runs. */
export interface Unwrapped {
  /** The wrapped command's words. */
  readonly inner?: readonly WordValue[];
  /** `env A=1 cmd`: assignments for the wrapped command. */
  readonly assignments?: readonly WordValue[];
  /** Shell code the wrapper runs (`bash -c STR`, `su -c STR`, `watch STR`, `env -S STR`). */
  readonly script?: WordValue;
  /** `eval`: the words joined and run as shell code in the current shell. */
  readonly evalWords?: readonly WordValue[];
  /** The wrapped command runs in another folder (`env -C DIR`, `sudo -D DIR`). */
  readonly cwd?: WordValue;
  /** The wrapped command runs in an unknown folder. */
  readonly unknownCwd?: boolean;
  /** The wrapper itself changes things outside the workspace (root privileges); says what. */
  readonly irreversible?: string;
  /** How the wrapped command arises, for messages: `sudo`, `xargs`, `bash -c`. */
  readonly via: string;
  /** `xargs`: the wrapped command gets more arguments from the input. */
  readonly fromInput?: { readonly replace?: string };
  /** Set when the wrapper uses an option or form Airlock does not model; says why. */
  readonly unknown?: string;
  /** Files the wrapper itself reads or writes (`time -o FILE`, `xargs -a FILE`, `flock FILE`). */
  readonly effects?: readonly Effect[];
  /** The wrapper runs in the current shell (`builtin`, `command`, `eval`): a `cd` inside it lasts. */
  readonly sameShell?: boolean;
  /** Without a command the wrapper prints the environment (`env`, `printenv`). */
  readonly emitsEnv?: boolean;
  /** The wrapper reads shell code from its input (`bash` with no script, `sh -s`). */
  readonly stdinShell?: boolean;
  /** `bash script.sh`: a shell runs a file, which Airlock does not read. */
  readonly shellFile?: WordValue;
  /** The wrapper clears or changes the environment in a way that matters for what runs (`env -P PATH`). */
  readonly envChange?: string;
}

function operandWords(p: ParsedArgs): WordValue[] {
  return p.operands.map((o) => o.word);
}

function rest(args: readonly WordValue[], p: ParsedArgs, skip = 0): WordValue[] {
  const first = p.operands[skip];
  return first === undefined ? [] : args.slice(first.index);
}

const SUDO = table({
  flags: 'AbEeHhiKklnPSsVv',
  values: { C: D, D: D, g: D, p: D, R: D, r: D, T: D, t: D, U: D, u: D },
  longFlags: 'askpass background edit set-home login remove-timestamp reset-timestamp list non-interactive preserve-groups stdin shell validate',
  longValues: { 'preserve-env': optional(D), host: D, prompt: D, chroot: D, role: D, type: D, 'command-timeout': D, 'other-user': D, user: D, 'close-from': D, chdir: D, group: D },
  stopAtOperand: true,
});

const DOAS = table({ flags: 'nsL', values: { u: D, C: D }, stopAtOperand: true });
const PKEXEC = table({ longFlags: 'disable-internal-agent keep-cwd', longValues: { user: D }, stopAtOperand: true, singleDashLong: true });
const SU = table({ flags: 'lmpfP', values: { c: D, g: D, G: D, s: D, w: D }, longFlags: 'login preserve-environment pty fast', longValues: { command: D, 'session-command': D, group: D, 'supp-group': D, shell: D, 'whitelist-environment': D } });

const ENV = table({
  flags: 'i0v',
  values: { u: D, C: D, S: D, a: D, P: D },
  longFlags: 'ignore-environment null debug list-signal-handling',
  longValues: { unset: D, chdir: D, 'split-string': D, argv0: D, 'block-signal': optional(D), 'default-signal': optional(D), 'ignore-signal': optional(D) },
  stopAtOperand: true,
});

const NICE = table({ values: { n: D }, longValues: { adjustment: D }, numeric: true, stopAtOperand: true });
const NOHUP = table({ stopAtOperand: true });
const SETSID = table({ flags: 'cfw', longFlags: 'ctty fork wait', stopAtOperand: true });
const TIMEOUT = table({ flags: 'fpv', values: { k: D, s: D }, longFlags: 'foreground preserve-status verbose', longValues: { 'kill-after': D, signal: D }, stopAtOperand: true });
const TIME = table({ flags: 'pvaq', values: { f: D, o: W }, longFlags: 'portability verbose append quiet', longValues: { format: D, output: W }, stopAtOperand: true });
const STDBUF = table({ values: { i: D, o: D, e: D }, longValues: { input: D, output: D, error: D }, stopAtOperand: true });
const IONICE = table({ flags: 't', values: { c: D, n: D, p: D, P: D, u: D }, longFlags: 'ignore', longValues: { class: D, classdata: D, pid: D, pgid: D, uid: D }, stopAtOperand: true });
const TASKSET = table({ flags: 'acp', longFlags: 'all-tasks cpu-list pid', stopAtOperand: true });
const FLOCK = table({ flags: 'sxunoFve', values: { w: D, E: D, c: D }, longFlags: 'shared exclusive unlock nonblock close no-fork verbose', longValues: { timeout: D, 'conflict-exit-code': D, command: D }, stopAtOperand: true });
const WATCH = table({ flags: 'bcCdeEgptxrwq', values: { n: D, q: D }, longFlags: 'beep color no-color errexit chgexit exec no-title no-wrap precise no-rerun', longValues: { differences: optional(D), interval: D, equexit: D }, stopAtOperand: true });
const XARGS = table({
  flags: '0oprtx',
  values: { a: 'read', d: D, E: D, e: optional(D), I: D, i: optional(D), J: D, L: D, l: optional(D), n: D, P: D, R: D, s: D, S: D },
  longFlags: 'null open-tty interactive no-run-if-empty verbose exit show-limits',
  longValues: { 'arg-file': 'read', delimiter: D, eof: optional(D), replace: optional(D), 'max-lines': optional(D), 'max-args': D, 'max-procs': D, 'max-chars': D, 'process-slot-var': D },
  stopAtOperand: true,
});
const COMMAND = table({ flags: 'pvV', stopAtOperand: true });
const EXEC = table({ flags: 'cl', values: { a: D }, stopAtOperand: true });
const UNBUFFER = table({ flags: 'p', stopAtOperand: true });
const CAFFEINATE = table({ flags: 'dimsu', values: { t: D, w: D }, stopAtOperand: true });
const SCRIPT = table({ flags: 'aefqkETB', values: { c: D, t: optional(D), I: W, O: W, T: W, m: D }, longFlags: 'append return flush force quiet echo log-io log-in log-out log-timing', longValues: { command: D, timing: optional(W), 'logging-format': D, 'output-limit': D } });

/** Shell options that take a value (`-o pipefail`, `-O extglob`, `--rcfile F`). */
const SHELL = table({
  flags: 'abeEfhiklmnprstuvxBCHPTcsDL',
  values: { o: D, O: D },
  longFlags: 'norc noprofile login posix noediting restricted verbose debugger dump-strings dump-po-strings pretty-print no-rcs',
  longValues: { rcfile: 'exec', 'init-file': 'exec' },
  plus: true,
  stopAtOperand: true,
  singleDashLong: true,
});

/** Shells whose `-c STRING` Airlock parses like the outer command line. */
export const SHELLS = new Set(['sh', 'bash', 'dash', 'ksh', 'ash', 'mksh', 'posh', 'yash', 'rbash']);
/** Shells whose syntax differs from the POSIX shell's in ways that can run code: their strings are not understood. */
export const OTHER_SHELLS = new Set(['zsh', 'fish', 'csh', 'tcsh', 'nu', 'elvish', 'xonsh', 'pwsh', 'powershell']);

function shellUnwrap(name: string, args: readonly WordValue[]): Unwrapped {
  const parsed = parseOptions(args, SHELL, name);
  const base = { via: `${name} -c` };
  if (parsed.options.some((o) => o.name === '--rcfile' || o.name === '--init-file')) return { ...base, unknown: `${name} --rcfile runs shell code from a file` };
  const flags = parsed.options.map((o) => o.name);
  const hasC = flags.includes('-c');
  const ops = operandWords(parsed);
  if (hasC) {
    const script = ops[0];
    if (!script) return { ...base, unknown: `${name} -c without a command string` };
    return { ...base, script, ...(parsed.unknown ? { unknown: parsed.unknown } : {}) };
  }
  if (flags.includes('-n')) return { via: name, inner: [] };
  if (flags.includes('-s') || ops.length === 0) return { via: name, stdinShell: true, ...(parsed.unknown ? { unknown: parsed.unknown } : {}) };
  return { via: name, shellFile: ops[0]!, ...(parsed.unknown ? { unknown: parsed.unknown } : {}) };
}

/** Unwraps `name args…` when `name` is a wrapper Airlock models; undefined for anything else. */
export function unwrap(name: string, args: readonly WordValue[]): Unwrapped | undefined {
  const simple = (t: OptionTable, via = name, extra: Partial<Unwrapped> = {}): Unwrapped => {
    const p = parseOptions(args, t, name);
    return { via, inner: rest(args, p), ...(p.unknown ? { unknown: p.unknown } : {}), ...extra };
  };
  switch (name) {
    case 'sudo':
    case 'sudoedit': {
      const p = parseOptions(args, SUDO, name);
      const why = `${name} runs it as another user (root), outside what Airlock can roll back`;
      if (name === 'sudoedit' || has(p, '-e', '--edit')) return { via: name, irreversible: why, effects: operandWords(p).map((word) => ({ op: 'write' as const, word })) };
      if (has(p, '-s', '--shell', '-i', '--login') && p.operands.length === 0) return { via: name, irreversible: why, unknown: `${name} -s starts a shell, whose commands Airlock cannot see` };
      // Only a lone -h is help (with words after it, -h may name a host and the command still runs).
      if (p.operands.length === 0 && has(p, '-l', '--list', '-v', '--validate', '-k', '-K', '--reset-timestamp', '--remove-timestamp', '-V', '-h')) return { via: name, inner: [] };
      if (has(p, '-h') && p.operands.length > 0) return { via: name, inner: rest(args, p), irreversible: why, unknown: `${name} -h with a command is a form Airlock does not model` };
      const chdir = valueOf(p, '-D', '--chdir');
      return { via: name, inner: rest(args, p), irreversible: why, ...(chdir ? { cwd: chdir } : {}), ...(has(p, '-R', '--chroot') ? { unknownCwd: true } : {}), ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    case 'doas':
      return simple(DOAS, name, { irreversible: 'doas runs it as another user (root), outside what Airlock can roll back' });
    case 'pkexec':
      return simple(PKEXEC, name, { irreversible: 'pkexec runs it as another user (root), outside what Airlock can roll back' });
    case 'su': {
      const p = parseOptions(args, SU, name);
      const c = valueOf(p, '-c', '--command', '--session-command');
      const why = 'su runs it as another user, outside what Airlock can roll back';
      if (c) return { via: 'su -c', script: c, irreversible: why, ...(p.unknown ? { unknown: p.unknown } : {}) };
      return { via: name, irreversible: why, unknown: 'su starts a shell, whose commands Airlock cannot see' };
    }
    case 'env': {
      const p = parseOptions(args, ENV, name);
      const split = valueOf(p, '-S', '--split-string');
      if (split) {
        // `env -S 'cmd args'` splits the string into the command and its arguments (with quotes and ${VAR}).
        const after = rest(args, p);
        return { via: 'env -S', script: after.length > 0 ? { ...split, text: `${split.text} ${after.map((w) => w.text).join(' ')}`, value: `${split.value} ${after.map((w) => w.value).join(' ')}` } : split, ...(p.unknown ? { unknown: p.unknown } : {}) };
      }
      const envChange = valueOf(p, '-P') ? 'env -P searches another PATH for the command' : has(p, '-a', '--argv0') ? undefined : undefined;
      const words = rest(args, p);
      const assignments: WordValue[] = [];
      while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!.value)) assignments.push(words.shift()!);
      const chdir = valueOf(p, '-C', '--chdir');
      if (words.length === 0) return { via: name, inner: [], emitsEnv: !has(p, '-i', '--ignore-environment') || assignments.length > 0, ...(p.unknown ? { unknown: p.unknown } : {}) };
      return { via: name, inner: words, assignments, ...(chdir ? { cwd: chdir } : {}), ...(envChange ? { envChange } : {}), ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    case 'nice':
      return simple(NICE);
    case 'nohup':
      return simple(NOHUP);
    case 'setsid':
      return simple(SETSID);
    case 'stdbuf':
      return simple(STDBUF);
    case 'caffeinate':
      return simple(CAFFEINATE);
    case 'unbuffer':
      return simple(UNBUFFER);
    case 'ionice': {
      const p = parseOptions(args, IONICE, name);
      if (valueOf(p, '-p', '--pid', '-P', '--pgid', '-u', '--uid') && p.operands.length === 0) return { via: name, inner: [], irreversible: 'ionice -p changes another process' };
      return { via: name, inner: rest(args, p), ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    case 'taskset': {
      const p = parseOptions(args, TASKSET, name);
      if (has(p, '-p', '--pid')) return { via: name, inner: [], irreversible: 'taskset -p changes another process' };
      return { via: name, inner: rest(args, p, 1), ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    case 'timeout': {
      const p = parseOptions(args, TIMEOUT, name);
      return { via: name, inner: rest(args, p, 1), ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    case 'time': {
      const p = parseOptions(args, TIME, name);
      const out = valueOf(p, '-o', '--output');
      return { via: name, inner: rest(args, p), ...(out ? { effects: [{ op: 'write' as const, word: out }] } : {}), ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    case 'flock': {
      const p = parseOptions(args, FLOCK, name);
      const ops = operandWords(p);
      const lockFile = ops[0];
      const effects: Effect[] = lockFile && !/^\d+$/.test(lockFile.value) ? [{ op: 'write', word: lockFile }] : [];
      const c = valueOf(p, '-c', '--command');
      // Options may also follow the file: `flock FILE -c CMD`.
      const after = p.operands[0] ? args.slice(p.operands[0].index + 1) : [];
      if (!c && after[0] && (after[0].value === '-c' || after[0].value === '--command')) return { via: 'flock -c', script: after[1]!, effects, ...(p.unknown ? { unknown: p.unknown } : {}) };
      if (c) return { via: 'flock -c', script: c, effects, ...(p.unknown ? { unknown: p.unknown } : {}) };
      return { via: name, inner: after, effects, ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    case 'watch': {
      const p = parseOptions(args, WATCH, name);
      const words = rest(args, p);
      if (has(p, '-x', '--exec')) return { via: name, inner: words, ...(p.unknown ? { unknown: p.unknown } : {}) };
      // watch runs its arguments, joined, through `sh -c`.
      return { via: 'watch', evalWords: words, ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    case 'xargs': {
      const p = parseOptions(args, XARGS, name);
      const replace = valueOf(p, '-I', '-J', '--replace') ?? (has(p, '-i', '--replace') ? { text: '{}', value: '{}', glob: false, brace: false } : undefined);
      const argFile = valueOf(p, '-a', '--arg-file');
      const inner = rest(args, p);
      return {
        via: 'xargs',
        // `xargs` alone runs `echo`.
        inner: inner.length > 0 ? inner : [{ text: 'echo', value: 'echo', glob: false, brace: false }],
        fromInput: replace ? { replace: replace.value } : {},
        ...(argFile ? { effects: [{ op: 'read' as const, word: argFile }] } : {}),
        ...(p.unknown ? { unknown: p.unknown } : {}),
      };
    }
    case 'command': {
      const p = parseOptions(args, COMMAND, name);
      if (has(p, '-v', '-V')) return { via: name, inner: [] };
      return { via: name, inner: rest(args, p), sameShell: true, ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    case 'builtin':
      return { via: name, inner: args, sameShell: true };
    case 'exec': {
      const p = parseOptions(args, EXEC, name);
      return { via: name, inner: rest(args, p), sameShell: true, ...(has(p, '-c') ? { envChange: 'exec -c clears the environment' } : {}), ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    case 'busybox':
    case 'toybox':
      // `busybox rm -rf /` runs the applet rm.
      return { via: name, inner: args[0]?.value.startsWith('-') ? [] : args, ...(args[0]?.value.startsWith('-') && !/^--(help|list|install)/.test(args[0].value) ? { unknown: `${name} ${args[0].text} is an option Airlock does not model` } : {}) };
    case 'eval':
      // Like the shell's other builtins, eval takes `--` to end its (no) options.
      return { via: 'eval', evalWords: args[0]?.value === '--' ? args.slice(1) : args, sameShell: true };
    case 'script': {
      const p = parseOptions(args, SCRIPT, name);
      const c = valueOf(p, '-c', '--command');
      const effects: Effect[] = operandWords(p).map((word) => ({ op: 'write', word }));
      for (const o of p.options) if (o.def.role === 'write' && o.value) effects.push({ op: 'write', word: o.value });
      if (c) return { via: 'script -c', script: c, effects, ...(p.unknown ? { unknown: p.unknown } : {}) };
      return { via: name, effects, stdinShell: true, ...(p.unknown ? { unknown: p.unknown } : {}) };
    }
    default:
      break;
  }
  if (SHELLS.has(name)) return shellUnwrap(name, args);
  if (OTHER_SHELLS.has(name)) {
    // zsh and fish: their strings are read for what Airlock can see (a write to .env is still denied), but
    // their own syntax can run code the POSIX parser does not see, so the shell itself is not understood.
    const u = shellUnwrap(name, args);
    return { ...u, unknown: `${name}'s syntax differs from the POSIX shell's in ways that can run code, so Airlock does not fully read what it runs` };
  }
  return undefined;
}

/** The option tables of the wrappers, for the property test that tries every spelling of their options. */
export const WRAPPER_TABLES: Readonly<Record<string, OptionTable>> = {
  sudo: SUDO,
  env: ENV,
  nice: NICE,
  timeout: TIMEOUT,
  time: TIME,
  stdbuf: STDBUF,
  ionice: IONICE,
  flock: FLOCK,
  watch: WATCH,
  xargs: XARGS,
  exec: EXEC,
  setsid: SETSID,
  doas: DOAS,
};
