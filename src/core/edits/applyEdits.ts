/**
 * Computes exactly what an edit tool will write, from the file's current content and what the tool
 * says (full content, string replacements, a unified diff), so the person approves the real change.
 */
import { applyPatch } from 'diff';

/** A string replacement; `anchor` narrows where it applies (`@@ context` of V4A, `line:N` for inserts). */
export interface Replace {
  readonly oldString: string;
  readonly newString: string;
  readonly replaceAll?: boolean;
  readonly anchor?: string;
}

/** The result: the new content, or why it cannot be computed exactly. */
export type NewContent = { readonly content: string } | { readonly error: string };

function applyOne(text: string, r: Replace): string | undefined {
  if (r.anchor?.startsWith('line:')) {
    // Insert after line N (0 = at the top).
    const n = Number(r.anchor.slice(5));
    const lines = text.split('\n');
    if (!Number.isInteger(n) || n < 0 || n > lines.length) return undefined;
    const insert = r.newString.endsWith('\n') ? r.newString.slice(0, -1) : r.newString;
    lines.splice(n, 0, insert);
    return lines.join('\n');
  }
  let from = 0;
  if (r.anchor) {
    const at = text.indexOf(r.anchor);
    if (at !== -1) from = at;
  }
  if (r.oldString === '') return text.length === 0 ? r.newString : undefined;
  if (r.replaceAll) return text.includes(r.oldString) ? text.split(r.oldString).join(r.newString) : undefined;
  let at = text.indexOf(r.oldString, from);
  if (at === -1 && from > 0) at = text.indexOf(r.oldString);
  if (at !== -1) return text.slice(0, at) + r.newString + text.slice(at + r.oldString.length);
  // Patch hunks from models often differ from the file only in trailing white space: match line by line.
  const lines = text.split('\n');
  const want = r.oldString.split('\n').map((l) => l.trimEnd());
  for (let i = 0; i + want.length <= lines.length; i++) {
    let ok = true;
    for (let j = 0; j < want.length && ok; j++) ok = lines[i + j]!.trimEnd() === want[j];
    if (ok) return [...lines.slice(0, i), ...r.newString.split('\n'), ...lines.slice(i + want.length)].join('\n');
  }
  return undefined;
}

/** Applies replacements in order. */
export function applyReplacements(current: string, replacements: readonly Replace[]): NewContent {
  let text = current;
  for (const [i, r] of replacements.entries()) {
    const next = applyOne(text, r);
    if (next === undefined) return { error: `replacement ${i + 1} of ${replacements.length}: its old text is not in the file` };
    text = next;
  }
  return { content: text };
}

/** Applies a unified diff with the `diff` library. */
export function applyUnified(current: string, patch: string): NewContent {
  try {
    const result = applyPatch(current, patch);
    return result === false ? { error: 'the patch does not apply to the current file' } : { content: result };
  } catch (e) {
    return { error: `the patch cannot be read: ${(e as Error).message}` };
  }
}

/** Counts lines added plus removed between two texts (for the changed-lines limit). */
export function changedLines(before: string, after: string): number {
  if (before === after) return 0;
  const a = before.split('\n');
  const b = after.split('\n');
  // Common prefix and suffix, then count what differs: a cheap bound that is exact for one contiguous change.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  return endA - start + 1 + (endB - start + 1);
}
