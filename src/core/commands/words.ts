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

/** What a word evaluation may substitute: the user's home directory and the current directory when known. */
export interface WordEnv {
  readonly home: string;
  readonly cwd: string | undefined;
}

const KNOWN_VARS = new Set(['HOME', 'PWD']);

function variable(name: string, env: WordEnv): string | undefined {
  if (name === 'HOME') return env.home;
  if (name === 'PWD') return env.cwd;
  return undefined;
}

/** Evaluates a word statically. Never throws; anything it cannot know is reported in `dynamic`. */
export function evaluateWord(word: Word, env: WordEnv): WordValue {
  const parts = word.parts;
  if (!parts || parts.length === 0) {
    const text = word.value;
    return { text, value: expandTilde(word.text, text, env), glob: false, brace: false };
  }
  let value = '';
  let dynamic: string | undefined;
  let glob = false;
  let brace = false;
  const note = (why: string): void => {
    dynamic ??= why;
  };
  parts.forEach((part, i) => {
    const r = partValue(part, env, note);
    if (part.type === 'Glob' || part.type === 'ExtendedGlob') glob = true;
    if (part.type === 'BraceExpansion') brace = true;
    value += i === 0 && part.type === 'Literal' ? expandTilde(part.text, r, env) : r;
  });
  return { text: word.value, value, glob, brace, ...(dynamic ? { dynamic } : {}) };
}

function expandTilde(raw: string, value: string, env: WordEnv): string {
  // Only an unquoted leading `~` followed by `/` or nothing is the home directory; `~user` is left alone.
  if (raw === '~') return env.home;
  if (raw.startsWith('~/') && value.startsWith('~/')) return env.home + value.slice(1);
  return value;
}

function partValue(part: WordPart | DoubleQuotedChild, env: WordEnv, note: (why: string) => void): string {
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
      return part.parts.map((child) => partValue(child, env, note)).join('');
    case 'SimpleExpansion': {
      const name = part.text.slice(1);
      const known = KNOWN_VARS.has(name) ? variable(name, env) : undefined;
      if (known === undefined) note(`the value of ${part.text} is only known when the command runs`);
      return known ?? part.text;
    }
    case 'ParameterExpansion': {
      const known = !part.operation && !part.prefix && !part.index && KNOWN_VARS.has(part.parameter) ? variable(part.parameter, env) : undefined;
      if (known === undefined) note(`the value of ${part.text} is only known when the command runs`);
      return known ?? part.text;
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
