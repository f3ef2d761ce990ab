/**
 * The diff model of the approval popup: side-by-side rows for a file's old and new text, with the
 * changed words marked and unchanged stretches collapsed. Pure, bounded in time and size.
 */
import { diffLines, diffWordsWithSpace } from 'diff';
import type { DiffCell, DiffRow } from '../../shared/protocol';

const CONTEXT = 3;
const MAX_ROWS = 4000;

function splitLines(text: string): string[] {
  // CRLF line endings are not content worth marking on every line; a lone CR inside a line still shows.
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Word marks cost a diff per line pair: only for lines of reasonable length, and a bounded number of them. */
const MAX_WORD_DIFF_LINE = 1000;
const MAX_WORD_DIFFS = 2000;

function plain(line: number, text: string): DiffCell {
  return { line, segments: [{ text, changed: false }] };
}

function pairCells(l: number, r: number, a: string, b: string, budget: { left: number }): { left: DiffCell; right: DiffCell } {
  if (budget.left <= 0 || a.length > MAX_WORD_DIFF_LINE || b.length > MAX_WORD_DIFF_LINE) return { left: { line: l, segments: [{ text: a, changed: true }] }, right: { line: r, segments: [{ text: b, changed: true }] } };
  budget.left--;
  const parts = diffWordsWithSpace(a, b);
  return {
    left: { line: l, segments: parts.filter((p) => !p.added).map((p) => ({ text: p.value, changed: p.removed === true })) },
    right: { line: r, segments: parts.filter((p) => !p.removed).map((p) => ({ text: p.value, changed: p.added === true })) },
  };
}

/** How long the line diff of one file may take before the panel shows it only in the diff editor. */
const DIFF_TIMEOUT_MS = 700;

/**
 * Side-by-side rows for two texts, with unchanged stretches collapsed to `gap` rows beyond 3 lines of
 * context. Past `maxRows` rows a `truncated` row says how many changed lines are not shown; a
 * diff that takes too long to compute gives `tooLarge` and no rows.
 */
export function diffRows(before: string, after: string, maxRows = MAX_ROWS): { rows: DiffRow[]; added: number; removed: number; tooLarge?: boolean } {
  const computed = diffLines(before, after, { timeout: DIFF_TIMEOUT_MS });
  // Too slow to compute exactly (a large file rewritten throughout): show the old text replaced by the new.
  const changes = computed ?? [
    ...(before ? [{ value: before, removed: true, added: false, count: 0 }] : []),
    ...(after ? [{ value: after, added: true, removed: false, count: 0 }] : []),
  ];
  const full: DiffRow[] = [];
  let l = 1;
  let r = 1;
  let added = 0;
  let removed = 0;
  const budget = { left: MAX_WORD_DIFFS };
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const lines = splitLines(c.value);
    if (!c.added && !c.removed) {
      for (const t of lines) full.push({ kind: 'same', left: plain(l++, t), right: plain(r++, t) });
      continue;
    }
    if (c.removed && changes[i + 1]?.added && computed) {
      // A removed block followed by an added one: pair the lines and mark the changed words.
      const adds = splitLines(changes[i + 1]!.value);
      const n = Math.max(lines.length, adds.length);
      for (let k = 0; k < n; k++) {
        const a = lines[k];
        const b = adds[k];
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
      for (const t of lines) full.push({ kind: 'add', right: plain(r++, t) });
      added += lines.length;
    }
  }
  // Keep CONTEXT lines around changes; collapse the rest.
  const near = new Uint8Array(full.length);
  full.forEach((row, i) => {
    if (row.kind === 'same') return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(full.length - 1, i + CONTEXT); k++) near[k] = 1;
  });
  const rows: DiffRow[] = [];
  for (let i = 0; i < full.length; i++) {
    if (rows.length >= maxRows) {
      // Say plainly that changes are left out: a collapsed "⋯" would look like unchanged lines.
      const hidden = full.slice(i).filter((x) => x.kind !== 'same').length;
      if (hidden > 0) rows.push({ kind: 'truncated', count: hidden });
      break;
    }
    if (near[i]) rows.push(full[i]!);
    else if (rows.at(-1)?.kind !== 'gap') rows.push({ kind: 'gap' });
  }
  return { rows, added, removed };
}
