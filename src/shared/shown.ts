/**
 * The one way text that an agent or the file system supplied reaches a person: `shown()` turns a raw
 * string into runs a renderer draws (the approval webview, a terminal, a notification), with every
 * hidden character replaced by a visible mark, words that mix scripts or imitate Latin letters marked,
 * and what was cut said. The `Shown` type can only be made here, so a field of the approval protocol
 * typed `Shown` cannot carry raw agent text.
 */
import unhomoglyph from 'unhomoglyph';
import { codePointLabel, HIDDEN_CHAR, hiddenCharName, MARK_STACK } from './hiddenChars';

declare const SHOWN: unique symbol;

/** One run of shown text. Only `text` runs hold the agent's characters, and never a hidden one. */
export type ShownRun =
  /** Characters a person reads as they are. */
  | { readonly text: string }
  /** A hidden character, written as its code point (`U+202E`), with its name. */
  | { readonly hidden: string; readonly name: string }
  /** A word that mixes scripts or imitates other letters; `lookalike` says how. */
  | { readonly text: string; readonly lookalike: string }
  /** Characters left out here (the text was longer than the place it is shown in). */
  | { readonly cut: number };

/** Text made safe to show; build it with {@link shown} or {@link sh}, never by hand. */
export interface Shown {
  readonly [SHOWN]: true;
  readonly runs: readonly ShownRun[];
}

/**
 * How a string is read. `name`: a path, file or tool name (one line; words that only imitate Latin
 * letters are marked too). `command`: a command line (new lines kept, words checked like names).
 * `text`: a sentence (one line). `code`: file content or tool input (tabs and new lines kept).
 */
export type ShownKind = 'name' | 'command' | 'text' | 'code';

export interface ShownOptions {
  readonly kind?: ShownKind;
  /** Longer text keeps its start and its end, and says how much of the middle is left out. */
  readonly max?: number;
}

/** Scripts told apart when a word mixes them (Script_Extensions; anything else counts as "another script"). */
const SCRIPTS = 'Latin Greek Cyrillic Armenian Hebrew Arabic Syriac Thaana Nko Samaritan Devanagari Bengali Gurmukhi Gujarati Oriya Tamil Telugu Kannada Malayalam Sinhala Thai Lao Tibetan Myanmar Georgian Hangul Ethiopic Cherokee Canadian_Aboriginal Ogham Runic Khmer Mongolian Hiragana Katakana Bopomofo Han Yi Coptic Tifinagh Vai Lisu Adlam Osage Glagolitic Gothic Deseret Old_Italic Javanese Balinese Sundanese Tai_Le Buginese'
  .split(' ')
  .map((name) => ({ name: name.replace(/_/g, ' '), re: new RegExp(`\\p{Script_Extensions=${name}}`, 'u') }));
const COMMON = /[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]/u;
const scriptCache = new Map<number, readonly string[]>();

/** The scripts a character belongs to; empty for Common and Inherited characters (digits, punctuation, marks). */
function scriptsOf(ch: string): readonly string[] {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) return /[A-Za-z]/.test(ch) ? ['Latin'] : [];
  let s = scriptCache.get(cp);
  if (!s) {
    s = COMMON.test(ch) && !/\p{L}/u.test(ch) ? [] : SCRIPTS.filter((x) => x.re.test(ch)).map((x) => x.name);
    if (s.length === 0 && /\p{L}/u.test(ch) && !COMMON.test(ch)) s = ['another script'];
    scriptCache.set(cp, s);
  }
  return s;
}

/** Writing systems that mix scripts by nature (UTS #39 "highly restrictive"): Japanese, Korean, Chinese with Bopomofo. */
const MIXES: readonly (readonly string[])[] = [
  ['Han', 'Hiragana', 'Katakana'],
  ['Han', 'Hangul'],
  ['Han', 'Bopomofo'],
];

/** The scripts of a word when they do not belong together, else undefined. */
function mixedScripts(word: string): string[] | undefined {
  const sets: (readonly string[])[] = [];
  for (const ch of word) {
    const s = scriptsOf(ch);
    if (s.length > 0) sets.push(s);
  }
  if (sets.length < 2) return undefined;
  const common = sets.reduce((acc, s) => acc.filter((x) => s.includes(x)));
  if (common.length > 0) return undefined;
  const all = [...new Set(sets.flat())];
  const nonLatin = sets.filter((s) => !s.includes('Latin'));
  // Latin with one of the natural mixes is fine (e.g. "README_日本語"); any other mix is not.
  if (MIXES.some((m) => nonLatin.every((s) => s.some((x) => m.includes(x))))) return undefined;
  return all.slice(0, 4);
}

/**
 * The UTS #39 skeleton of a string (Unicode's confusables data, via `unhomoglyph`): two strings with
 * the same skeleton look alike. Hidden characters are dropped first, as they draw nothing.
 */
export function skeleton(s: string): string {
  return unhomoglyph(s.normalize('NFD').replace(HIDDEN_CHAR, '')).normalize('NFD');
}

/** What a word reads as to a person expecting Latin letters: each other letter replaced by the one it imitates. */
export function readsAs(word: string): string {
  let out = '';
  for (const ch of word) out += ch.codePointAt(0)! < 0x80 ? ch : unhomoglyph(ch);
  return out;
}

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
/** Words longer than this are checked on their start and end only (a 10,000-letter word is suspicious anyway). */
const MAX_CHECKED_WORD = 512;

/** Why a word is marked, or undefined. */
function lookalike(word: string, strict: boolean): string | undefined {
  if (ASCII_PRINTABLE.test(word)) return undefined;
  const checked = word.length > MAX_CHECKED_WORD ? word.slice(0, MAX_CHECKED_WORD / 2) + word.slice(-MAX_CHECKED_WORD / 2) : word;
  const mixed = mixedScripts(checked);
  const reads = strict ? readsAs(checked) : checked;
  const imitates = strict && reads !== checked && ASCII_PRINTABLE.test(reads);
  if (!mixed && !imitates) return undefined;
  return [mixed ? `mixes ${mixed.join(' and ')} letters` : '', imitates ? `reads as "${reads}"` : ''].filter(Boolean).join('; ');
}

function markVisible(text: string, strict: boolean, out: ShownRun[]): void {
  let last = 0;
  for (const m of text.matchAll(WORD)) {
    const why = lookalike(m[0], strict);
    if (!why) continue;
    if (m.index! > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: m[0], lookalike: why });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
}

function mark(text: string, kind: ShownKind, out: ShownRun[]): void {
  const keep = kind === 'code' ? /^[\t\n]$/ : kind === 'command' ? /^\n$/ : /^$/;
  const strict = kind === 'name' || kind === 'command';
  const hits: { at: number; end: number; run: ShownRun }[] = [];
  for (const m of text.matchAll(HIDDEN_CHAR)) if (!keep.test(m[0])) hits.push({ at: m.index!, end: m.index! + m[0].length, run: { hidden: codePointLabel(m[0]), name: hiddenCharName(m[0]) } });
  for (const m of text.matchAll(MARK_STACK)) hits.push({ at: m.index!, end: m.index! + m[0].length, run: { hidden: `${[...m[0]].length} combining marks`, name: 'COMBINING MARKS STACKED (they can draw over the text around them)' } });
  hits.sort((a, b) => a.at - b.at);
  let last = 0;
  for (const h of hits) {
    if (h.at < last) continue;
    if (h.at > last) markVisible(text.slice(last, h.at), strict, out);
    out.push(h.run);
    last = h.end;
  }
  if (last < text.length) markVisible(text.slice(last), strict, out);
}

/** Cuts at a code point boundary (never half a surrogate pair). */
function cutAt(s: string, i: number): number {
  const c = s.charCodeAt(i - 1);
  return c >= 0xd800 && c <= 0xdbff ? i - 1 : i;
}

/** THE rendering function: raw text from an agent or the file system, made safe to show. */
export function shown(raw: string, options: ShownOptions = {}): Shown {
  const text = typeof raw === 'string' ? raw : String(raw);
  const kind = options.kind ?? 'text';
  const runs: ShownRun[] = [];
  if (options.max !== undefined && text.length > options.max) {
    const head = cutAt(text, Math.ceil(options.max * 0.7));
    const tail = cutAt(text, text.length - Math.floor(options.max * 0.3));
    mark(text.slice(0, head), kind, runs);
    runs.push({ cut: tail - head });
    mark(text.slice(tail), kind, runs);
  } else mark(text, kind, runs);
  return { runs } as unknown as Shown;
}

/**
 * Airlock's own words with shown values in them: `` sh`Claude Code wants to edit ${shown(path)}` ``.
 * The literal parts can only come from the source code; numbers are Airlock's counts.
 */
export function sh(literals: TemplateStringsArray, ...values: readonly (Shown | number)[]): Shown {
  const runs: ShownRun[] = [];
  literals.forEach((lit, i) => {
    if (lit) runs.push({ text: lit });
    const v = values[i];
    if (v === undefined) return;
    if (typeof v === 'number') runs.push({ text: v.toLocaleString('en-US') });
    else runs.push(...v.runs);
  });
  return { runs } as unknown as Shown;
}

/** Joins shown values with Airlock's separator. */
export function joinShown(parts: readonly Shown[], separator: string): Shown {
  const runs: ShownRun[] = [];
  parts.forEach((p, i) => {
    if (i > 0 && separator) runs.push({ text: separator });
    runs.push(...p.runs);
  });
  return { runs } as unknown as Shown;
}

/** True when nothing in it is marked or cut. */
export function isPlain(s: Shown): boolean {
  return s.runs.every((r) => 'text' in r && !('lookalike' in r));
}

/** The characters left out of it. */
export function cutCount(s: Shown): number {
  return s.runs.reduce((n, r) => n + ('cut' in r ? r.cut : 0), 0);
}

/**
 * One line for a plain-text place (a terminal, a notification, the status bar): marks written out.
 * `compact` writes a lookalike word as `word⟨lookalike⟩`, for places that explain it once elsewhere.
 */
export function shownText(s: Shown, options: { compact?: boolean } = {}): string {
  return s.runs
    .map((r) => ('hidden' in r ? `⟨${r.hidden}⟩` : 'cut' in r ? `⟨… ${r.cut.toLocaleString('en-US')} characters not shown …⟩` : 'lookalike' in r ? `${r.text}⟨${options.compact ? 'lookalike' : r.lookalike}⟩` : r.text))
    .join('');
}

/** `shownText(shown(raw, options))`: for the editor's notifications, quick picks, tree items and status bar. */
export function visible(raw: string, options?: ShownOptions): string {
  return shownText(shown(raw, options));
}

/** What a person should be told about a shown value, one sentence each (hidden characters, mixed scripts). */
export function shownWarnings(s: Shown): string[] {
  const hidden = s.runs.filter((r): r is Extract<ShownRun, { hidden: string }> => 'hidden' in r);
  const out: string[] = [];
  if (hidden.length > 0) {
    const kinds = [...new Map(hidden.map((h) => [h.hidden, h.name])).entries()].slice(0, 3).map(([c, n]) => `${c} ${n}`);
    out.push(`holds ${hidden.length === 1 ? 'a character' : `${hidden.length} characters`} you cannot see or that change how it reads (${kinds.join(', ')}${hidden.length > kinds.length ? ', …' : ''})`);
  }
  for (const r of s.runs) if ('lookalike' in r) out.push(`"${r.text.length > 80 ? `${r.text.slice(0, 40)}…${r.text.slice(-40)}` : r.text}" ${r.lookalike}`);
  return out;
}
