/**
 * The characters a person cannot see, or that change how the text around them is drawn: controls,
 * bidirectional formatting, invisible and zero-width characters, spaces other than the plain one,
 * private-use, unassigned and lone surrogate code points. Shown as a visible mark wherever text that
 * an agent or the file system supplied reaches a person. No dependencies: the webview uses it too.
 */

/**
 * One hidden character (global, Unicode-aware). Tab and newline are in it: where they are
 * meaningful (code, a multi-line command) the caller lets them through. U+FE0F after a pictograph only
 * selects how that emoji is drawn, so it is left alone.
 */
export const HIDDEN_CHAR = /(?!(?<=\p{Extended_Pictographic})\uFE0F)[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u2800\u115F\u1160\u3164\uFFA0\uFFFC\uFFFD]/gu;

/** Four or more combining marks in a row: enough to draw over the lines above and below. */
export const MARK_STACK = /\p{M}{4,}/gu;

const NAMES: Readonly<Record<number, string>> = {
  0x00: 'NULL',
  0x07: 'BELL',
  0x08: 'BACKSPACE',
  0x09: 'TAB',
  0x0a: 'LINE FEED (a new line)',
  0x0b: 'VERTICAL TAB',
  0x0c: 'FORM FEED',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE (starts a terminal control sequence)',
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0xa0: 'NO-BREAK SPACE',
  0xad: 'SOFT HYPHEN (invisible)',
  0x034f: 'COMBINING GRAPHEME JOINER (invisible)',
  0x061c: 'ARABIC LETTER MARK (direction)',
  0x115f: 'HANGUL CHOSEONG FILLER (blank)',
  0x1160: 'HANGUL JUNGSEONG FILLER (blank)',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR (invisible)',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK (direction)',
  0x200f: 'RIGHT-TO-LEFT MARK (direction)',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING (direction)',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING (direction)',
  0x202c: 'POP DIRECTIONAL FORMATTING (direction)',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE (direction)',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE (reverses the text after it)',
  0x202f: 'NARROW NO-BREAK SPACE',
  0x2060: 'WORD JOINER (invisible)',
  0x2066: 'LEFT-TO-RIGHT ISOLATE (direction)',
  0x2067: 'RIGHT-TO-LEFT ISOLATE (direction)',
  0x2068: 'FIRST STRONG ISOLATE (direction)',
  0x2069: 'POP DIRECTIONAL ISOLATE (direction)',
  0x2800: 'BRAILLE PATTERN BLANK (looks like a space)',
  0x3000: 'IDEOGRAPHIC SPACE',
  0x3164: 'HANGUL FILLER (blank)',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (byte order mark)',
  0xfffc: 'OBJECT REPLACEMENT CHARACTER',
  0xfffd: 'REPLACEMENT CHARACTER (undecodable bytes)',
};

/** `U+202E`: how a hidden character is written where it was. */
export function codePointLabel(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A person-readable name of a hidden character, for a tooltip or a warning. */
export function hiddenCharName(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (NAMES[cp]) return NAMES[cp]!;
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'TAG CHARACTER (invisible; can smuggle text)';
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) return 'VARIATION SELECTOR (invisible)';
  if (cp >= 0xd800 && cp <= 0xdfff) return 'LONE SURROGATE (not a character)';
  if (/\p{Cc}/u.test(ch)) return 'CONTROL CHARACTER';
  if (/\p{Co}/u.test(ch)) return 'PRIVATE USE CHARACTER';
  if (/\p{Cn}/u.test(ch)) return 'UNASSIGNED CODE POINT';
  if (/\p{Zs}/u.test(ch)) return 'SPACE OTHER THAN THE PLAIN ONE';
  return 'INVISIBLE FORMATTING CHARACTER';
}
