/**
 * What a person must be told before deciding on a request, the same in the editor popup and in
 * `airlock serve`'s terminal: the lines and names to look at first (secrets, network calls, protected
 * paths, hidden characters, lookalike names), and everything not shown in full, with the way to see it.
 */
import { basename } from 'node:path';
import type { PartDecision } from '../policy/types';
import type { AttentionItem, CommandPartView, LeftOutItem } from '../../shared/protocol';
import { cutCount, joinShown, sh, shown, shownWarnings, type Shown } from '../../shared/shown';
import { existingLookalikes } from '../names/existingLookalikes';
import { diffRows, type FileDiff } from './diffRows';
import { lineAttention } from './lineAttention';

/** A file of a request, as the engine describes it (engine/ask.ts `ApprovalFile`). */
export interface ReviewFile {
  readonly path: string;
  readonly op: 'write' | 'create' | 'delete' | 'rename' | 'mkdir';
  readonly newPath?: string;
  readonly before?: string;
  readonly after?: string;
  readonly binary?: boolean;
  readonly approximate?: string;
}

/** The parts of a request that are reviewed. */
export interface ReviewInput {
  readonly files?: readonly ReviewFile[];
  readonly command?: string;
  /** The command's parts as the policy decided them. */
  readonly decision?: { readonly parts?: readonly { readonly text: string; readonly action: 'allow' | 'ask' | 'deny' }[] };
  readonly paths?: readonly string[];
  /** A tool's input Airlock does not understand, already shortened by the engine. */
  readonly input?: string;
}

/** One file's diff, when it has text to compare. */
export interface ReviewedFile {
  readonly diff?: FileDiff;
}

/** The review of a request. */
export interface Review {
  readonly files: readonly ReviewedFile[];
  readonly attention: readonly AttentionItem[];
  readonly leftOut: readonly LeftOutItem[];
  /** The command as shown at first (cut past `commandChars`), and whole when it was cut. */
  readonly command?: { readonly text: Shown; readonly full?: Shown };
}

export interface ReviewOptions {
  /** The workspace folder: names are compared with its existing files. */
  readonly workspace?: string;
  /** Diff rows per file before the rest is left out. */
  readonly maxRows?: number;
  /** Characters of a command shown before "show all". */
  readonly commandChars?: number;
  /** Lines listed first, in all (the count of the rest is said). */
  readonly maxLines?: number;
}

/** Characters of a command shown at first: about a screen. */
export const COMMAND_CHARS = 1500;
const MAX_LINES = 12;

/** `./~x` for a relative path that would read as another (a folder named `~`, a name starting with `#`). */
function readablePath(p: string): string {
  return /^[~#]/.test(p) ? `./${p}` : p;
}

/** A path as it is shown everywhere: one line, every word checked, never cut (a path holds at most 4,096 bytes). */
export function shownPath(p: string): Shown {
  return shown(readablePath(p), { kind: 'name', max: 8192 });
}

/**
 * A warning as shown: its quoted word keeps its lookalike mark (compact in a terminal), the rest is a
 * sentence; hidden characters in it are marked like anywhere else.
 */
function explained(warning: string): Shown {
  return shown(warning, { kind: 'text' });
}

function nameItems(path: string, workspace: string | undefined, file: number | undefined): AttentionItem[] {
  const where = shownPath(path);
  const out: AttentionItem[] = [];
  const warnings = shownWarnings(shown(readablePath(path), { kind: 'name' }));
  if (warnings.length > 0) {
    const hidden = warnings.some((w) => w.startsWith('holds'));
    const lookalike = warnings.length > (hidden ? 1 : 0);
    out.push({ kinds: [...(hidden ? (['hidden'] as const) : []), ...(lookalike ? (['lookalike'] as const) : [])], where, text: joinShown(warnings.map(explained), '; '), ...(file !== undefined ? { file } : {}) });
  }
  if (workspace) {
    for (const l of existingLookalikes(workspace, path)) {
      const text = l.folder === '.' ? sh`looks like ${shown(l.existing, { kind: 'name' })}, which exists` : sh`looks like ${shown(l.existing, { kind: 'name' })}, which exists in ${shownPath(l.folder)}`;
      out.push({ kinds: ['lookalike'], where: shown(basename(path) === l.name ? l.name : path, { kind: 'name', max: 400 }), text, ...(file !== undefined ? { file } : {}) });
    }
  }
  return out;
}

/** Reviews a request: see {@link Review}. */
export function review(input: ReviewInput, options: ReviewOptions = {}): Review {
  const attention: AttentionItem[] = [];
  const lines: AttentionItem[] = [];
  const leftOut: LeftOutItem[] = [];
  const maxLines = options.maxLines ?? MAX_LINES;
  let totalLines = 0;
  const files = (input.files ?? []).map((f, i): ReviewedFile => {
    attention.push(...nameItems(f.path, options.workspace, i));
    if (f.newPath) attention.push(...nameItems(f.newPath, options.workspace, i));
    const path = shownPath(f.path);
    if (f.binary) {
      leftOut.push({ what: sh`${path} is a binary file: its content is not shown`, see: 'none' });
      return {};
    }
    if (f.op === 'mkdir' || (f.op === 'rename' && f.after === undefined)) return {};
    const after = f.op === 'delete' ? '' : f.after;
    if (after === undefined) {
      leftOut.push({ what: f.approximate ? sh`${path}: ${shown(f.approximate)}` : sh`the new content of ${path} is not known before the tool runs`, see: 'none' });
      return {};
    }
    if (f.approximate) leftOut.push({ what: sh`${path}: ${shown(f.approximate)}`, see: 'diff', file: i });
    const diff = diffRows(f.before ?? '', after, options.maxRows);
    if (diff.notShown.added + diff.notShown.removed > 0) {
      leftOut.push({ what: sh`${path}: ${diff.notShown.added} of ${diff.added} added and ${diff.notShown.removed} of ${diff.removed} removed lines are not shown here`, see: 'diff', file: i });
    }
    for (const a of diff.attention) {
      if (lines.length >= maxLines) break;
      lines.push({ kinds: a.kinds, where: sh`${path} line ${a.line}`, text: shown(a.text, { kind: 'code', max: 400 }), file: i });
    }
    totalLines += diff.attentionCount;
    return { diff };
  });
  // The engine also lists an edit's files as paths: each name is checked once.
  const filePaths = new Set((input.files ?? []).flatMap((f) => [readablePath(f.path), ...(f.newPath ? [readablePath(f.newPath)] : [])]));
  for (const p of input.paths ?? []) if (!filePaths.has(readablePath(p))) attention.push(...nameItems(p, options.workspace, undefined));
  let command: Review['command'];
  if (input.command !== undefined) {
    const full = shown(input.command, { kind: 'command' });
    const warnings = shownWarnings(full);
    if (warnings.length > 0) attention.push({ kinds: [...(warnings.some((w) => w.startsWith('holds')) ? (['hidden'] as const) : []), ...(warnings.some((w) => !w.startsWith('holds')) ? (['lookalike'] as const) : [])], where: sh`the command`, text: joinShown(warnings.map(explained), '; ') });
    // Parts of the command that touch secrets, the network or protected paths, wherever they are in it.
    const seen = new Set<string>();
    for (const p of input.decision?.parts ?? []) {
      if (seen.has(p.text)) continue;
      seen.add(p.text);
      const kinds = lineAttention(p.text);
      if (kinds.length === 0) continue;
      if (lines.length >= maxLines) {
        totalLines++;
        continue;
      }
      lines.push({ kinds, where: sh`the command (${shown(p.action)})`, text: shown(p.text, { kind: 'command', max: 400 }) });
      totalLines++;
    }
    const max = options.commandChars ?? COMMAND_CHARS;
    const text = shown(input.command, { kind: 'command', max });
    const cut = cutCount(text);
    if (cut > 0) {
      leftOut.push({ what: sh`the command is ${input.command.length} characters long: ${cut} in its middle are not shown here`, see: 'command' });
      command = { text, full };
    } else command = { text };
  }
  const cutInput = input.input !== undefined ? /\n… \((\d+) more characters\)$/.exec(input.input) : null;
  if (cutInput) leftOut.push({ what: sh`the tool's input is ${Number(cutInput[1])} characters longer than shown here`, see: 'none' });
  const moreLines = totalLines - lines.length;
  if (moreLines > 0) lines.push({ kinds: [], where: sh`${moreLines} more`, text: sh`lines like these are not listed here: open the files in the diff editor to see them` });
  return { files, attention: [...attention, ...lines], leftOut, ...(command ? { command } : {}) };
}

const ORDER: Readonly<Record<'deny' | 'ask' | 'allow', number>> = { deny: 0, ask: 1, allow: 2 };

/**
 * The command's parts for the popup: what is denied, then what asks, then what is allowed; within each,
 * parts touching secrets, the network or protected paths first; the same part repeated is listed once
 * with its count (a command of 2,000 `true`s does not push the one that matters off the screen).
 */
export function commandParts(parts: readonly PartDecision[]): CommandPartView[] {
  const unique = new Map<string, { part: PartDecision; count: number; at: number }>();
  parts.forEach((p, at) => {
    const key = JSON.stringify([p.action, p.kind, p.text, p.via, p.reason]);
    const seen = unique.get(key);
    if (seen) seen.count++;
    else unique.set(key, { part: p, count: 1, at });
  });
  const risky = (p: PartDecision): number => (lineAttention(p.text).length > 0 ? 0 : 1);
  return [...unique.values()]
    .sort((a, b) => ORDER[a.part.action] - ORDER[b.part.action] || risky(a.part) - risky(b.part) || a.at - b.at)
    .map(({ part: p, count }) => ({ kind: p.kind, text: shown(p.text, { kind: 'command', max: 400 }), via: shown(p.via, { kind: 'name', max: 200 }), action: p.action, reason: shown(p.reason), ...(count > 1 ? { count } : {}) }));
}
