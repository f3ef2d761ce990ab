/**
 * Names that look like files that already exist: `.еnv` (Cyrillic е) next to `.env`, or
 * `airlock\u200B.json` next to `airlock.json`. Compared by their UTS #39 skeletons, folder by folder
 * along the path, as far as the folders exist.
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { skeleton } from '../../shared/shown';

/** A name in a path that looks like another entry of the same folder. */
export interface ExistingLookalike {
  /** The name in the requested path. */
  readonly name: string;
  /** The existing entry it looks like. */
  readonly existing: string;
  /** The folder both are in, relative to the workspace (`.` for its root). */
  readonly folder: string;
}

/** Folders with more entries than this are compared on their first entries only. */
const MAX_ENTRIES = 5000;
const PLAIN = /^[\x21-\x7e]*$/;

/**
 * The names along `path` (absolute, or relative to `workspace`) that look like an existing, different
 * entry of their folder. Only names with characters beyond printable ASCII are checked: two ASCII
 * names are told apart in the popup's fixed-width font.
 */
export function existingLookalikes(workspace: string, path: string): ExistingLookalike[] {
  const absolute = isAbsolute(path) ? path : join(workspace, path);
  const inside = relative(workspace, absolute);
  const base = inside.startsWith('..') || isAbsolute(inside) ? sep : workspace;
  const names = (base === sep ? absolute : inside).split(/[\\/]+/).filter((n) => n && n !== '.');
  const out: ExistingLookalike[] = [];
  let dir = base;
  for (const name of names) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      break;
    }
    if (!PLAIN.test(name)) {
      const target = skeleton(name);
      for (const e of entries.slice(0, MAX_ENTRIES)) if (e !== name && skeleton(e) === target) out.push({ name, existing: e, folder: relative(workspace, dir) || '.' });
    }
    if (!entries.includes(name)) break;
    dir = join(dir, name);
  }
  return out;
}
