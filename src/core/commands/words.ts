import { braceExpand } from 'minimatch';
import type { Word, WordPart, DoubleQuotedChild } from 'unbash';

/** The static meaning of one shell word, as far as it can be known without running anything. */
export interface WordValue {
  /** The word with quotes removed and expansions kept as written (`"$HOME/x"` → `$HOME/x`): what patterns match. */
  readonly text: string;
  /** The word as the shell would see it where that is known statically (`~` and `$HOME` expanded). */
  readonly value: string;
  /** Set when the value depends on something only known at run time; says what. */
  readonly dynamic?: string;
  /** True when the word has unquoted glob characters the shell would expand against the file system. */
  readonly glob: boolean;
  /** True when the word has a brace expansion (`a{b,c}`), which becomes several words. */
  readonly brace: boolean;
}

/** What a word evaluation may substitute: the user's home directory, the current directory when known, and variables set earlier on the line. */
export interface WordEnv {
  readonly home: string;
  readonly cwd: string | undefined;
  /** Variables assigned a literal value earlier in the same command line (`D=src; ls $D`). */
  readonly vars?: ReadonlyMap<string, string>;
}

function variable(name: string, env: WordEnv): string | undefined {
  const set = env.vars?.get(name);
  if (set !== undefined) return set;
  if (name === 'HOME') return env.home;
  if (name === 'PWD') return env.cwd;
  return undefined;
}

/** Evaluates a word statically. Never throws; anything it cannot know is reported in `dynamic`. */
export function evaluateWord(word: Word, env: WordEnv): WordValue {
  const parts = word.parts;
  if (!parts || parts.length === 0) {
    const text = word.value;
    const tilde = tildeOf(word.text, env);
    if (tilde.dynamic) return { text, value: text, glob: false, brace: false, dynamic: tilde.dynamic };
    return { text, value: tilde.prefix !== undefined ? tilde.prefix + text.slice(tilde.length) : text, glob: false, brace: false };
  }
  let value = '';
  let dynamic: string | undefined;
  let glob = false;
  let brace = false;
  const note = (why: string): void => {
    dynamic ??= why;
  };
  parts.forEach((part, i) => {
    const r = partValue(part, env, note, false);
    if (part.type === 'Glob' || part.type === 'ExtendedGlob') glob = true;
    if (part.type === 'BraceExpansion') brace = true;
    if (i === 0 && part.type === 'Literal') {
      // The tilde prefix ends at the first `/`; a quoted or expanded part after `~` makes it `~user`-like.
      const whole = part.text.includes('/') || parts.length === 1 || parts[1]?.type === 'Glob' ? part.text : `${part.text}\0`;
      const tilde = tildeOf(whole, env);
      if (tilde.dynamic) note(tilde.dynamic);
      value += tilde.prefix !== undefined ? tilde.prefix + r.slice(tilde.length) : r;
    } else value += r;
  });
  return { text: word.value, value, glob, brace, ...(dynamic ? { dynamic } : {}) };
}

/**
 * The tilde expansion at the start of an unquoted word (or after `NAME=` in a word that looks like an
 * assignment, which bash expands too: `dd of=~/.bashrc`). `~` and `~/…` are the home folder, `~+` the
 * current folder; `~-` (the previous folder) and `~user` are only known when the command runs.
 */
function tildeOf(raw: string, env: WordEnv): { prefix?: string; length: number; dynamic?: string } {
  const assignment = /^([A-Za-z_][A-Za-z0-9_]*=)~/.exec(raw);
  const start = assignment ? assignment[1]!.length : 0;
  if (raw[start] !== '~') return { length: 0 };
  const end = raw.indexOf('/', start);
  const name = raw.slice(start + 1, end === -1 ? raw.length : end);
  const lead = raw.slice(0, start);
  if (name === '') return { prefix: lead + env.home, length: start + 1 };
  if (name === '+') return env.cwd !== undefined ? { prefix: lead + env.cwd, length: start + 2 } : { length: 0, dynamic: `~+ is the current folder, which Airlock cannot follow here` };
  if (name === '-') return { length: 0, dynamic: '~- is the previous folder, only known when the command runs' };
  if (name.includes('\0')) return { length: 0, dynamic: `${raw.slice(start).replace(/\0.*$/, '')}… is a home folder named by an expansion, only known when the command runs` };
  if (/^[A-Za-z0-9._-]+$/.test(name)) return { length: 0, dynamic: `~${name} is the home folder of the user ${name}, which Airlock does not resolve` };
  return { length: 0 };
}

/**
 * An unquoted expansion's value is split into words and expanded as a pattern (`X='.e*'; cat $X` reads
 * `.env`): a value with blanks or pattern characters is only known once the shell has done that.
 */
function unquoted(name: string, value: string, quoted: boolean, note: (why: string) => void): string {
  if (!quoted && /[\s*?[]/.test(value)) note(`$${name} is not quoted and its value (${clip(value, 30)}) is split into words and expanded as a pattern when the command runs`);
  return value;
}

function partValue(part: WordPart | DoubleQuotedChild, env: WordEnv, note: (why: string) => void, quoted: boolean): string {
  switch (part.type) {
    case 'Literal':
    case 'SingleQuoted':
    case 'AnsiCQuoted':
      return part.value;
    case 'Glob':
    case 'ExtendedGlob':
    case 'BraceExpansion':
      return part.text;
    case 'DoubleQuoted':
    case 'LocaleString':
      return part.parts.map((child) => partValue(child, env, note, true)).join('');
    case 'SimpleExpansion': {
      const name = part.text.slice(1);
      const known = variable(name, env);
      if (known === undefined) note(`the value of ${part.text} is only known when the command runs`);
      return known === undefined ? part.text : unquoted(name, known, quoted, note);
    }
    case 'ParameterExpansion': {
      const known = !part.operation && !part.prefix && !part.index ? variable(part.parameter, env) : undefined;
      if (known === undefined) note(`the value of ${part.text} is only known when the command runs`);
      return known === undefined ? part.text : unquoted(part.parameter, known, quoted, note);
    }
    case 'CommandExpansion':
      note(`the output of ${clip(part.text)} is only known when the command runs`);
      return part.text;
    case 'ArithmeticExpansion':
      note(`the arithmetic ${clip(part.text)} is only known when the command runs`);
      return part.text;
    case 'ProcessSubstitution':
      note(`the process substitution ${clip(part.text)} is only known when the command runs`);
      return part.text;
  }
}

/** Shortens long source text for messages. */
export function clip(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** The words a brace expansion turns one word into (`.env{,.bak}` → `.env`, `.env.bak`); at most 256. */
export function expandBraces(value: string): string[] {
  try {
    const out = braceExpand(value, { nobrace: false });
    return out.length > 256 ? [value] : out;
  } catch {
    return [value];
  }
}
