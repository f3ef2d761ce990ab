/**
 * Option parsing for the commands Airlock models, the way the real tools parse them (getopt and
 * getopt_long): short options clustered (`-rf`), values attached or separate (`-tDIR`, `-t DIR`,
 * `--target-directory=DIR`, `--target-directory DIR`), GNU long options abbreviated to any unambiguous
 * prefix (`--targ=DIR`), options after operands (GNU permutes) unless the tool stops at its first operand,
 * and `--` ending the options.
 *
 * Every option a tool accepts is listed in its table with what its value means. An option that is not
 * in the table makes the command **unknown**: Airlock never guesses that an option it has not modelled
 * is harmless (docs/policy.md "What may pass without a person").
 */
import type { WordValue } from './words';

/** What an option's value is, for deciding the command. */
export type ValueRole =
  /** Data that touches no file (a pattern, a count, a format). */
  | 'data'
  /** A path the command reads. */
  | 'read'
  /** A path whose name only is used (metadata, `--reference`), not its content. */
  | 'meta'
  /** A path the command writes (`-o FILE`). */
  | 'write'
  /** A folder the command writes into (`-t DIR`, `-P DIR`). */
  | 'writeDir'
  /** A folder the command runs in (`-C DIR`). */
  | 'cwd'
  /** A command or code the tool runs (`--pre CMD`, `-exec`). */
  | 'exec'
  /** Anything Airlock does not follow (the command becomes unknown). */
  | 'unknown';

/** One option of a tool. */
export interface OptionDef {
  /** `none`: a flag; `required`: takes a value (attached or the next word); `optional`: only attached (`--color=auto`, `-i.bak`). */
  readonly value: 'none' | 'required' | 'optional';
  readonly role?: ValueRole;
  /** Set when the option itself changes what the command is (`-i` of sed writes its files); the tool reads it. */
  readonly effect?: string;
}

/** How a tool spells its options. */
export interface OptionTable {
  /** Short options by letter (or digit). */
  readonly short: Readonly<Record<string, OptionDef>>;
  /** Long options by name, without the leading `--`. */
  readonly long: Readonly<Record<string, OptionDef>>;
  /** `-NUM` is an option (`head -5`, `nice -10`). */
  readonly numeric?: boolean;
  /** `+ARG` is an option (`tail +5`, `set +e`). */
  readonly plus?: boolean;
  /** Options end at the first operand (wrappers: what follows belongs to another command). */
  readonly stopAtOperand?: boolean;
  /** Long options may be abbreviated to an unambiguous prefix (GNU getopt_long). Default true. */
  readonly abbreviations?: boolean;
  /** Long options may also be written with one dash (`-name`, `-rf` is never split). */
  readonly singleDashLong?: boolean;
}

/** An option as found on the command line. */
export interface FoundOption {
  /** Its canonical spelling: `-o` or `--output` (the full name even when abbreviated). */
  readonly name: string;
  readonly def: OptionDef;
  /** The value, for options that take one, as its own word (the part after `=`, or after the letter). */
  readonly value?: WordValue;
  /** Index of the word the option starts in. */
  readonly index: number;
}

/** The result of parsing a tool's arguments. */
export interface ParsedArgs {
  readonly options: readonly FoundOption[];
  /** The operands, in order, with their index in the argument list. */
  readonly operands: readonly { readonly word: WordValue; readonly index: number }[];
  /** Set when the arguments hold something the table does not model; says what. */
  readonly unknown?: string;
}

/** A flag (no value). */
export const FLAG: OptionDef = Object.freeze({ value: 'none' });

/** Builds a table from compact strings: `flags` are letters; `longFlags` space-separated names. */
export function table(spec: {
  flags?: string;
  values?: Readonly<Record<string, ValueRole | OptionDef>>;
  longFlags?: string;
  longValues?: Readonly<Record<string, ValueRole | OptionDef>>;
  numeric?: boolean;
  plus?: boolean;
  stopAtOperand?: boolean;
  abbreviations?: boolean;
  singleDashLong?: boolean;
}): OptionTable {
  const short: Record<string, OptionDef> = {};
  const long: Record<string, OptionDef> = {};
  for (const letter of spec.flags ?? '') short[letter] = FLAG;
  for (const [k, v] of Object.entries(spec.values ?? {})) short[k] = typeof v === 'string' ? { value: 'required', role: v } : v;
  for (const name of (spec.longFlags ?? '').split(/\s+/).filter(Boolean)) long[name] = FLAG;
  for (const [k, v] of Object.entries(spec.longValues ?? {})) long[k] = typeof v === 'string' ? { value: 'required', role: v } : v;
  // --help and --version are universal and harmless.
  long.help ??= FLAG;
  long.version ??= FLAG;
  return {
    short,
    long,
    ...(spec.numeric ? { numeric: true } : {}),
    ...(spec.plus ? { plus: true } : {}),
    ...(spec.stopAtOperand ? { stopAtOperand: true } : {}),
    ...(spec.abbreviations === false ? { abbreviations: false } : {}),
    ...(spec.singleDashLong ? { singleDashLong: true } : {}),
  };
}

/** Merges tables (a GNU and a BSD spelling of the same tool); later entries win. */
export function merge(...tables: OptionTable[]): OptionTable {
  const first = tables[0]!;
  return {
    ...first,
    short: Object.assign({}, ...tables.map((t) => t.short)) as Record<string, OptionDef>,
    long: Object.assign({}, ...tables.map((t) => t.long)) as Record<string, OptionDef>,
  };
}

/** An optional value (`--color[=WHEN]`). */
export function optional(role: ValueRole = 'data'): OptionDef {
  return { value: 'optional', role };
}

/** A value-taking option with a role. */
export function valued(role: ValueRole, effect?: string): OptionDef {
  return { value: 'required', role, ...(effect ? { effect } : {}) };
}

/** A flag that changes what the command is. */
export function effectFlag(effect: string): OptionDef {
  return { value: 'none', effect };
}

/** The part of a word from `offset` on, as a word of its own (the value of `-tDIR` or `--opt=VALUE`). */
export function sliceWord(w: WordValue, offset: number): WordValue {
  // The option's own spelling is plain text, so text and value line up for the first `offset` characters.
  const value = w.value.slice(offset);
  const text = w.text.slice(Math.min(offset, w.text.length));
  const stillDynamic = w.dynamic !== undefined && /[$`]/.test(text);
  return { text, value, glob: w.glob && /[*?[]/.test(value), brace: w.brace && /[{}]/.test(value), ...(stillDynamic || (w.dynamic && text === '') ? { dynamic: w.dynamic } : {}) };
}

/** True when a word may turn into an option once the shell expands it (it starts with an expansion or a dash). */
function mayBeOption(w: WordValue): boolean {
  if (!w.dynamic) return false;
  return /^["']?[$`]/.test(w.text) || w.text.startsWith('-') || w.value.startsWith('-');
}

function findLong(t: OptionTable, name: string): { name: string; def: OptionDef } | { ambiguous: string[] } | undefined {
  const exact = t.long[name];
  if (exact) return { name, def: exact };
  if (t.abbreviations === false) return undefined;
  const candidates = Object.keys(t.long).filter((k) => k.startsWith(name));
  if (candidates.length === 1) return { name: candidates[0]!, def: t.long[candidates[0]!]! };
  if (candidates.length > 1) {
    // Abbreviations of one option's spellings that mean the same (`--colo` for `--color`/`--colour`) are fine.
    const defs = new Set(candidates.map((c) => JSON.stringify(t.long[c])));
    if (defs.size === 1) return { name: candidates[0]!, def: t.long[candidates[0]!]! };
    return { ambiguous: candidates };
  }
  return undefined;
}

/**
 * Parses `args` (the words after the command name) with `t`. Never throws: anything the table does not
 * model is reported in `unknown`, and parsing goes on so that every effect it can see is still listed.
 */
export function parseOptions(args: readonly WordValue[], t: OptionTable, tool: string): ParsedArgs {
  const options: FoundOption[] = [];
  const operands: { word: WordValue; index: number }[] = [];
  let unknown: string | undefined;
  const note = (why: string): void => {
    unknown ??= why;
  };
  let i = 0;
  let optionsDone = false;
  for (; i < args.length; i++) {
    const w = args[i]!;
    const a = w.value;
    if (optionsDone) {
      operands.push({ word: w, index: i });
      continue;
    }
    if (mayBeOption(w)) {
      note(`the argument ${w.text} of ${tool} is only known when the command runs, and it could be an option`);
      operands.push({ word: w, index: i });
      if (t.stopAtOperand) optionsDone = true;
      continue;
    }
    if (a === '--') {
      optionsDone = true;
      continue;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const given = eq === -1 ? a.slice(2) : a.slice(2, eq);
      const found = findLong(t, given);
      if (!found) {
        note(`${tool} ${a.slice(0, eq === -1 ? undefined : eq)} is an option Airlock does not model`);
        continue;
      }
      if ('ambiguous' in found) {
        note(`${tool} --${given} is ambiguous (it could be --${found.ambiguous.slice(0, 3).join(', --')})`);
        continue;
      }
      const { def } = found;
      const name = `--${found.name}`;
      if (def.value === 'none') {
        if (eq !== -1) note(`${tool} ${name} takes no value`);
        options.push({ name, def, index: i });
      } else if (eq !== -1) {
        options.push({ name, def, value: sliceWord(w, eq + 1), index: i });
      } else if (def.value === 'required') {
        const next = args[i + 1];
        if (next === undefined) note(`${tool} ${name} needs a value`);
        options.push({ name, def, ...(next ? { value: next } : {}), index: i });
        if (next) i++;
      } else {
        options.push({ name, def, index: i });
      }
      continue;
    }
    if (t.singleDashLong && a.startsWith('-') && a.length > 2) {
      const name = a.slice(1);
      const def = t.long[name];
      if (def) {
        if (def.value === 'required') {
          const next = args[i + 1];
          if (next === undefined) note(`${tool} -${name} needs a value`);
          options.push({ name: `-${name}`, def, ...(next ? { value: next } : {}), index: i });
          if (next) i++;
        } else options.push({ name: `-${name}`, def, index: i });
        continue;
      }
    }
    if ((a.startsWith('-') && a.length > 1) || (t.plus && a.startsWith('+') && a.length > 1)) {
      const sign = a[0]!;
      if (t.numeric && /^[-+]\d+[a-zA-Z]*$/.test(a)) {
        options.push({ name: `${sign}NUM`, def: FLAG, index: i });
        continue;
      }
      if (sign === '+') {
        if (t.plus) options.push({ name: a, def: FLAG, index: i });
        continue;
      }
      let consumedNext = false;
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        const def = t.short[letter];
        if (!def) {
          note(`${tool} -${letter} is an option Airlock does not model`);
          break;
        }
        const name = `-${letter}`;
        if (def.value === 'none') {
          options.push({ name, def, index: i });
          continue;
        }
        const rest = a.slice(j + 1);
        if (rest) options.push({ name, def, value: sliceWord(w, j + 1), index: i });
        else if (def.value === 'required') {
          const next = args[i + 1];
          if (next === undefined) note(`${tool} ${name} needs a value`);
          options.push({ name, def, ...(next ? { value: next } : {}), index: i });
          if (next) consumedNext = true;
        } else options.push({ name, def, index: i });
        break;
      }
      if (consumedNext) i++;
      continue;
    }
    operands.push({ word: w, index: i });
    if (t.stopAtOperand) optionsDone = true;
  }
  return { options, operands, ...(unknown ? { unknown } : {}) };
}

/** True when the parse found any of `names`. */
export function has(parsed: ParsedArgs, ...names: string[]): boolean {
  return parsed.options.some((o) => names.includes(o.name));
}

/** The last value of any of `names`. */
export function valueOf(parsed: ParsedArgs, ...names: string[]): WordValue | undefined {
  let v: WordValue | undefined;
  for (const o of parsed.options) if (names.includes(o.name) && o.value) v = o.value;
  return v;
}
