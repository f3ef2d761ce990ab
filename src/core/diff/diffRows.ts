/**
 * The diff model of the approval popup: side-by-side rows for a file's old and new text, with the
 * changed words marked and unchanged stretches collapsed. Pure, bounded in time and size.
 */
import { diffLines, diffWordsWithSpace } from 'diff';
import { HIDDEN_CHAR } from '../../shared/hiddenChars';
import type { DiffCell, DiffRow } from '../../shared/protocol';
import { shown } from '../../shared/shown';
import { lineAttention, type AttentionKind } from './lineAttention';

/** Hidden characters other than a tab (which code is full of). */
function hasHidden(text: string): boolean {
  for (const m of text.matchAll(HIDDEN_CHAR)) if (m[0] !== '\t') return true;
  return false;
}


const CONTEXT = 3;
const MAX_ROWS = 4000;
/** Lines listed first are kept to this many (the count of the rest is said). */
const MAX_ATTENTION = 50;

function splitLines(text: string): string[] {
  // CRLF line endings are not content worth marking on every line; a lone CR inside a line still shows.
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Word marks cost a diff per line pair: only for lines of reasonable length, and a bounded number of them. */
const MAX_WORD_DIFF_LINE = 1000;
const MAX_WORD_DIFFS = 2000;

/** A row before its text is made safe to show (only the rows kept are). */
interface RawCell {
  readonly line: number;
  readonly segments: readonly { readonly text: string; readonly changed: boolean }[];
}
interface RawRow {
  readonly kind: 'same' | 'change' | 'add' | 'del';
  readonly left?: RawCell;
  readonly right?: RawCell;
}

function plain(line: number, text: string, changed = false): RawCell {
  return { line, segments: [{ text, changed }] };
}

function pairCells(l: number, r: number, a: string, b: string, budget: { left: number }): { left: RawCell; right: RawCell } {
  if (budget.left <= 0 || a.length > MAX_WORD_DIFF_LINE || b.length > MAX_WORD_DIFF_LINE) return { left: plain(l, a, true), right: plain(r, b, true) };
  budget.left--;
  const parts = diffWordsWithSpace(a, b);
  return {
    left: { line: l, segments: parts.filter((p) => !p.added).map((p) => ({ text: p.value, changed: p.removed === true })) },
    right: { line: r, segments: parts.filter((p) => !p.removed).map((p) => ({ text: p.value, changed: p.added === true })) },
  };
}

function cell(c: RawCell | undefined): DiffCell | undefined {
  return c && { line: c.line, segments: c.segments.map((s) => ({ text: shown(s.text, { kind: 'code' }), changed: s.changed })) };
}

function toRow(r: RawRow): DiffRow {
  const left = cell(r.left);
  const right = cell(r.right);
  return { kind: r.kind, ...(left ? { left } : {}), ...(right ? { right } : {}) };
}

/** How long the line diff of one file may take before it is shown as the old text replaced by the new. */
const DIFF_TIMEOUT_MS = 700;

/** A new line to look at first, with why. */
export interface AttentionLine {
  /** 1-based, in the new text. */
  readonly line: number;
  readonly text: string;
  readonly kinds: readonly AttentionKind[];
}

/** A file's change, ready for the approval popup. */
export interface FileDiff {
  readonly rows: DiffRow[];
  readonly added: number;
  readonly removed: number;
  /** The exact line diff took too long: the old lines are paired with the new ones in order instead. */
  readonly tooLarge?: boolean;
  /** Added and removed lines that are not in `rows` (past the row limit). */
  readonly notShown: { readonly added: number; readonly removed: number };
  /** New lines that touch secrets, the network, protected paths or hold hidden characters, from the whole change. */
  readonly attention: readonly AttentionLine[];
  /** How many such lines there are in all (`attention` keeps the first 50). */
  readonly attentionCount: number;
}

/**
 * Side-by-side rows for two texts, with unchanged stretches collapsed to `gap` rows beyond 3 lines of
 * context. Past `maxRows` rows a `truncated` row says how many changed rows are not shown, and
 * `notShown` counts their lines. A diff that takes too long to compute exactly is `tooLarge`: old and
 * new lines are paired in order, so the new text shows from the first row. Every added line is
 * checked for {@link lineAttention}, shown or not.
 */
export function diffRows(before: string, after: string, maxRows = MAX_ROWS, timeoutMs = DIFF_TIMEOUT_MS): FileDiff {
  const computed = diffLines(before, after, { timeout: timeoutMs });
  const full: RawRow[] = [];
  let l = 1;
  let r = 1;
  let added = 0;
  let removed = 0;
  const attention: AttentionLine[] = [];
  let attentionCount = 0;
  const note = (line: number, text: string): void => {
    const kinds = lineAttention(text, hasHidden(text));
    if (kinds.length === 0) return;
    attentionCount++;
    if (attention.length < MAX_ATTENTION) attention.push({ line, text, kinds });
  };
  if (!computed) {
    // Too slow to compute exactly (a large file rewritten throughout): each old line beside the new one
    // at the same place, so what is added shows from the top, not after every removed line.
    const olds = splitLines(before);
    const news = splitLines(after);
    for (let k = 0; k < Math.max(olds.length, news.length); k++) {
      const a = olds[k];
      const b = news[k];
      if (b !== undefined) note(r, b);
      if (a !== undefined && b !== undefined) full.push({ kind: 'change', left: plain(l++, a, true), right: plain(r++, b, true) });
      else if (a !== undefined) full.push({ kind: 'del', left: plain(l++, a) });
      else if (b !== undefined) full.push({ kind: 'add', right: plain(r++, b) });
    }
    added = news.length;
    removed = olds.length;
  } else {
    const budget = { left: MAX_WORD_DIFFS };
    for (let i = 0; i < computed.length; i++) {
      const c = computed[i]!;
      const lines = splitLines(c.value);
      if (!c.added && !c.removed) {
        for (const t of lines) full.push({ kind: 'same', left: plain(l++, t), right: plain(r++, t) });
        continue;
      }
      if (c.removed && computed[i + 1]?.added) {
        // A removed block followed by an added one: pair the lines and mark the changed words.
        const adds = splitLines(computed[i + 1]!.value);
        const n = Math.max(lines.length, adds.length);
        for (let k = 0; k < n; k++) {
          const a = lines[k];
          const b = adds[k];
          if (b !== undefined) note(r, b);
          if (a !== undefined && b !== undefined) full.push({ kind: 'change', ...pairCells(l++, r++, a, b, budget) });
          else if (a !== undefined) full.push({ kind: 'del', left: plain(l++, a) });
          else if (b !== undefined) full.push({ kind: 'add', right: plain(r++, b) });
        }
        removed += lines.length;
        added += adds.length;
        i++;
        continue;
      }
      if (c.removed) {
        for (const t of lines) full.push({ kind: 'del', left: plain(l++, t) });
        removed += lines.length;
      } else {
        for (const t of lines) {
          note(r, t);
          full.push({ kind: 'add', right: plain(r++, t) });
        }
        added += lines.length;
      }
    }
  }
  // Keep CONTEXT lines around changes; collapse the rest.
  const near = new Uint8Array(full.length);
  full.forEach((row, i) => {
    if (row.kind === 'same') return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(full.length - 1, i + CONTEXT); k++) near[k] = 1;
  });
  const rows: DiffRow[] = [];
  const notShown = { added: 0, removed: 0 };
  for (let i = 0; i < full.length; i++) {
    if (rows.length >= maxRows) {
      // Say plainly that changes are left out: a collapsed "⋯" would look like unchanged lines.
      const hidden = full.slice(i).filter((x) => x.kind !== 'same');
      for (const x of hidden) {
        if (x.left) notShown.removed++;
        if (x.right) notShown.added++;
      }
      if (hidden.length > 0) rows.push({ kind: 'truncated', count: hidden.length });
      break;
    }
    if (near[i]) rows.push(toRow(full[i]!));
    else if (rows.at(-1)?.kind !== 'gap') rows.push({ kind: 'gap' });
  }
  return { rows, added, removed, ...(computed ? {} : { tooLarge: true }), notShown, attention, attentionCount };
}
