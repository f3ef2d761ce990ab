/**
 * The command an agent runs instead of the one it asked for: `airlock sandbox --profile P -- 'CMD'`.
 * The original is passed as one single-quoted word (each `'` written as `'\''`), so whatever shell the
 * agent uses hands `airlock sandbox` exactly the original bytes, and the sandbox runs them with
 * `bash -c -- CMD` (the `--` keeps a command starting with `-` or `+` from being read as options).
 */
import { encodeProfile, type SandboxProfile } from './profile';

/** How the rewritten command starts the CLI. */
export interface SandboxRunner {
  readonly node: string;
  readonly cli: string;
  /** Environment the runner needs (the editor's runtime as Node needs ELECTRON_RUN_AS_NODE=1). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Thrown when a command cannot be passed through the rewrite unchanged. */
export class RewriteError extends Error {}

/** The Linux limit on one argument (MAX_ARG_STRLEN is 128 KiB), with room for the rest. */
const MAX_COMMAND_BYTES = 100 * 1024;

/** POSIX single-quoting: safe for every byte but NUL, in bash, dash, zsh and sh. */
export function shq(s: string): string {
  if (s.includes('\0')) throw new RewriteError('the command holds a NUL byte, which no shell argument can carry');
  // Bare only when nothing can be special in any shell (no leading `=`, which zsh expands).
  if (/^[A-Za-z0-9_/.,:@+-][A-Za-z0-9_/.,:=@+-]*$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The sandboxed form of `command`. Throws {@link RewriteError} when the command cannot pass unchanged. */
export function sandboxedCommand(command: string, profile: SandboxProfile, runner: SandboxRunner): string {
  // A lone UTF-16 surrogate cannot be written as UTF-8: the shell would see a different command.
  if (Buffer.from(command, 'utf8').toString('utf8') !== command) throw new RewriteError('the command holds text that cannot be encoded as UTF-8 unchanged');
  if (Buffer.byteLength(command, 'utf8') > MAX_COMMAND_BYTES) throw new RewriteError(`the command is longer than ${MAX_COMMAND_BYTES / 1024} KiB, more than a sandboxed command line can carry`);
  const env = Object.entries(runner.env ?? {}).map(([k, v]) => `${k}=${shq(v)} `).join('');
  return `${LAUNCHER_ENV}${env}${shq(runner.node)} ${shq(runner.cli)} sandbox --profile ${encodeProfile(profile)} -- ${shq(command)}`;
}

/**
 * The launcher runs outside the sandbox in the agent's shell, so variables that make a program load code
 * (a preloaded library, Node.js options) are cleared for it. The ones a build may need are handed to the
 * launcher under another name and put back inside the sandbox, where they can do no harm.
 */
export const LAUNCHER_KEPT_ENV: readonly string[] = Object.freeze(['NODE_OPTIONS', 'LD_LIBRARY_PATH']);
const LAUNCHER_CLEARED_ENV: readonly string[] = ['LD_PRELOAD', 'LD_AUDIT', 'DYLD_INSERT_LIBRARIES', 'DYLD_LIBRARY_PATH'];
const LAUNCHER_ENV = [...LAUNCHER_KEPT_ENV.map((v) => `AIRLOCK_KEPT_${v}="$${v}"`), ...LAUNCHER_KEPT_ENV.map((v) => `${v}=`), ...LAUNCHER_CLEARED_ENV.map((v) => `${v}=`)].join(' ') + ' ';
