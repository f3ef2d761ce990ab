/**
 * Reading a session back for people: its actions with the files each touched, and the diff of a file
 * between two recorded states. Shared by `airlock show` and the editor's sessions view.
 */
import { createTwoFilesPatch } from 'diff';
import type { FileState } from './fileState';
import type { History } from './history';
import type { JournalRecord } from './journal';

/** True for content that is not UTF-8 text (a NUL byte early on, or bytes that do not survive decoding). */
export function isBinary(data: Buffer): boolean {
  const head = data.subarray(0, 8000);
  if (head.includes(0)) return true;
  return !Buffer.from(data.toString('utf8'), 'utf8').equals(data);
}

/** The content of a recorded state: bytes, undefined for no file, or `unsaved` when it was not kept. */
export function stateContent(history: History, s: FileState | undefined): Buffer | undefined | 'unsaved' {
  if (!s || s.type !== 'file') return undefined;
  if (!('hash' in s)) return 'unsaved';
  try {
    return history.objects.read(s.hash);
  } catch {
    return 'unsaved';
  }
}

/** A unified diff of a file between two states, or a one-line description when there is no text to show. */
export function diffStates(history: History, path: string, before: FileState | undefined, after: FileState | undefined): { diff?: string; note?: string; added: number; removed: number } {
  const a = stateContent(history, before);
  const b = stateContent(history, after);
  if (a === 'unsaved' || b === 'unsaved') return { note: 'content not kept (too large or unreadable)', added: 0, removed: 0 };
  if (before?.type === 'symlink' || after?.type === 'symlink') {
    const d = (s: FileState | undefined): string => (s?.type === 'symlink' ? `link -> ${s.target}` : s?.type ?? 'missing');
    return { note: `${d(before)} => ${d(after)}`, added: 0, removed: 0 };
  }
  if ((a && isBinary(a)) || (b && isBinary(b))) return { note: `binary file (${a?.length ?? 0} => ${b?.length ?? 0} bytes)`, added: 0, removed: 0 };
  const oldText = a?.toString('utf8') ?? '';
  const newText = b?.toString('utf8') ?? '';
  const modeNote = before?.type === 'file' && after?.type === 'file' && (before.mode & 0o777) !== (after.mode & 0o777) ? `mode ${(before.mode & 0o777).toString(8)} => ${(after.mode & 0o777).toString(8)}` : undefined;
  if (oldText === newText) return { ...(modeNote ? { note: modeNote } : {}), added: 0, removed: 0 };
  const patch = createTwoFilesPatch(before?.type === 'file' ? `a/${path}` : '/dev/null', after?.type === 'file' ? `b/${path}` : '/dev/null', oldText, newText, '', '', { context: 3 });
  let added = 0;
  let removed = 0;
  for (const line of patch.split('\n').slice(2)) {
    if (line.startsWith('+') && !line.startsWith('+++')) added++;
    else if (line.startsWith('-') && !line.startsWith('---')) removed++;
  }
  return { diff: patch, ...(modeNote ? { note: modeNote } : {}), added, removed };
}

/** One action of a session, as `airlock show` and the sessions view present it. */
export interface SessionAction {
  readonly id: string;
  readonly kind: string;
  readonly tool?: string;
  readonly command?: string;
  readonly time: string;
  readonly ended: boolean;
  readonly ok: boolean;
  readonly decision?: { readonly action: string; readonly source: string; readonly reason: string };
  readonly files: readonly { readonly path: string; readonly before?: FileState; readonly after?: FileState }[];
}

/** The actions of a session with the files each touched (before/after), for `show` and the editor. */
export function sessionActions(history: History, sessionId: string): { damaged: number; actions: SessionAction[] } {
  const { records, damaged } = history.records(sessionId);
  const byId = new Map<string, Extract<JournalRecord, { t: 'begin' }>>();
  const ends = new Map<string, Extract<JournalRecord, { t: 'end' }>>();
  for (const r of records) {
    if (r.t === 'begin') byId.set(r.id, r);
    else if (r.t === 'end') ends.set(r.id, r);
  }
  const actions = [...byId.values()].map((b) => {
    const e = ends.get(b.id);
    const files = new Map<string, { path: string; before?: FileState; after?: FileState }>();
    for (const f of b.files ?? []) files.set(f.path, { path: f.path, ...(f.before ? { before: f.before } : {}) });
    for (const f of e?.files ?? []) {
      const prev = files.get(f.path);
      const before = prev?.before ?? f.before;
      files.set(f.path, { path: f.path, ...(before ? { before } : {}), ...(f.after ? { after: f.after } : {}) });
    }
    return {
      id: b.id,
      kind: b.kind,
      ...(b.tool ? { tool: b.tool } : {}),
      ...(b.command ? { command: b.command } : {}),
      time: new Date(b.time).toISOString(),
      ended: e !== undefined,
      ok: e?.ok ?? false,
      ...(b.decision ? { decision: b.decision } : {}),
      files: [...files.values()],
    };
  });
  return { damaged, actions };
}
