/**
 * The V4A patch format of OpenAI's `apply_patch` tool (Codex, Copilot): `*** Begin Patch`, then
 * `*** Add File: P` (lines prefixed `+`), `*** Delete File: P`, `*** Update File: P` with an optional
 * `*** Move to: Q` and hunks that start with `@@ [context]` and hold ` ` context, `-` removed and `+`
 * added lines, then `*** End Patch`. Paths are relative to the agent's working directory.
 * No maintained npm package implements it; each hunk becomes a context-anchored replacement.
 */
import { MalformedPatchError } from './editErrors';

/** One hunk: the lines it expects (context and removed) and what replaces them (context and added). */
export interface V4AHunk {
  readonly anchor?: string;
  readonly oldText: string;
  readonly newText: string;
}

/** One file operation of a patch. */
export type V4AOperation =
  | { readonly type: 'add'; readonly path: string; readonly content: string }
  | { readonly type: 'delete'; readonly path: string }
  | { readonly type: 'update'; readonly path: string; readonly moveTo?: string; readonly hunks: readonly V4AHunk[] };

const MAX_PATCH = 32 * 1024 * 1024;

/** Parses a V4A patch; throws {@link MalformedPatchError} with the line at fault. */
export function parseV4APatch(text: string): V4AOperation[] {
  if (text.length > MAX_PATCH) throw new MalformedPatchError('the patch is larger than 32 MiB');
  // Agents sometimes send the shell form `apply_patch <<'EOF' … EOF`; take what is between the markers.
  const begin = text.indexOf('*** Begin Patch');
  const end = text.lastIndexOf('*** End Patch');
  if (begin === -1) throw new MalformedPatchError('the patch has no "*** Begin Patch" line');
  const body = text.slice(begin, end === -1 ? undefined : end).split(/\r?\n/).slice(1);
  const ops: V4AOperation[] = [];
  let i = 0;
  const header = (line: string, prefix: string): string | undefined => (line.startsWith(prefix) ? line.slice(prefix.length).trim() : undefined);
  while (i < body.length) {
    const line = body[i]!;
    let path: string | undefined;
    if (line.trim() === '') {
      i++;
      continue;
    }
    if ((path = header(line, '*** Add File: ')) !== undefined) {
      i++;
      const lines: string[] = [];
      while (i < body.length && !body[i]!.startsWith('*** ')) {
        const l = body[i]!;
        if (!l.startsWith('+') && l !== '') throw new MalformedPatchError(`the added file ${path} has a line that does not start with "+"`);
        lines.push(l.slice(1));
        i++;
      }
      ops.push({ type: 'add', path, content: lines.length ? `${lines.join('\n')}\n` : '' });
      continue;
    }
    if ((path = header(line, '*** Delete File: ')) !== undefined) {
      ops.push({ type: 'delete', path });
      i++;
      continue;
    }
    if ((path = header(line, '*** Update File: ')) !== undefined) {
      i++;
      let moveTo: string | undefined;
      if (i < body.length && (moveTo = header(body[i]!, '*** Move to: ')) !== undefined) i++;
      const hunks: V4AHunk[] = [];
      let anchor: string | undefined;
      let oldLines: string[] = [];
      let newLines: string[] = [];
      const flush = (): void => {
        if (oldLines.length || newLines.length) hunks.push({ ...(anchor ? { anchor } : {}), oldText: oldLines.join('\n'), newText: newLines.join('\n') });
        oldLines = [];
        newLines = [];
      };
      while (i < body.length && !(body[i]!.startsWith('*** ') && !body[i]!.startsWith('*** End of File'))) {
        const l = body[i]!;
        if (l.startsWith('@@')) {
          flush();
          anchor = l.slice(2).trim() || undefined;
        } else if (l.startsWith('*** End of File')) {
          // marks the end of the file; the hunk is anchored at the end
        } else if (l.startsWith('-')) oldLines.push(l.slice(1));
        else if (l.startsWith('+')) newLines.push(l.slice(1));
        else if (l.startsWith(' ') || l === '') {
          oldLines.push(l.slice(1));
          newLines.push(l.slice(1));
        } else throw new MalformedPatchError(`"${l.slice(0, 40)}" is not a patch line (context lines start with a space)`);
        i++;
      }
      flush();
      ops.push({ type: 'update', path, ...(moveTo ? { moveTo } : {}), hunks });
      continue;
    }
    throw new MalformedPatchError(`"${line.slice(0, 60)}" is not a patch operation`);
  }
  if (ops.length === 0) throw new MalformedPatchError('the patch changes no file');
  return ops;
}
