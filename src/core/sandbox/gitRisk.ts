/**
 * What in a git repository runs code (or sends git elsewhere) when a person's git, or the editor's, works
 * in it: configuration keys such as `core.fsmonitor`, `core.hooksPath`, `diff.*.textconv`, `filter.*`,
 * `include.path`; hook scripts; `commondir` and `gitdir:` redirections. The sandbox keeps these read-only
 * for the workspace's own repository; this module judges what changed anyway (commands outside the
 * sandbox, repositories created inside it) for the launcher's check after a command and for the backstop.
 *
 * Configuration is judged by an allow-list: a key is harmless only when Airlock knows it is (a name, a
 * colour, a branch's upstream). Anything else is treated as able to run code or redirect git.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One `section[.subsection].key = value` of a git configuration file (section and key lowercased). */
export interface GitConfigEntry {
  readonly key: string;
  /** null for a key written without `=` (boolean true). */
  readonly value: string | null;
}

/** Thrown for text git would refuse, or that Airlock cannot read with certainty. */
export class GitConfigSyntaxError extends Error {}

/** Parses git's configuration syntax (git-config(1), "CONFIGURATION FILE"). */
export function parseGitConfig(text: string): GitConfigEntry[] {
  const out: GitConfigEntry[] = [];
  let section: string | undefined;
  let i = 0;
  const n = text.length;
  const line = (): number => text.slice(0, i).split('\n').length;
  const skipBlank = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  };
  const skipComment = (): void => {
    while (i < n && text[i] !== '\n') i++;
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    skipBlank();
    const c = text[i];
    if (c === undefined) break;
    if (c === '\n') {
      i++;
      continue;
    }
    if (c === '#' || c === ';') {
      skipComment();
      continue;
    }
    if (c === '[') {
      i++;
      let name = '';
      while (i < n && /[A-Za-z0-9.-]/.test(text[i]!)) name += text[i++];
      if (!name) throw new GitConfigSyntaxError(`bad section header at line ${line()}`);
      let sub: string | undefined;
      if (text[i] === ' ' || text[i] === '\t') {
        skipBlank();
        if (text[i] !== '"') throw new GitConfigSyntaxError(`bad section header at line ${line()}`);
        i++;
        sub = '';
        while (i < n && text[i] !== '"') {
          if (text[i] === '\n') throw new GitConfigSyntaxError(`bad section header at line ${line()}`);
          if (text[i] === '\\') i++;
          sub += text[i++] ?? '';
        }
        i++;
      }
      if (text[i] !== ']') throw new GitConfigSyntaxError(`bad section header at line ${line()}`);
      i++;
      // [section.sub] (deprecated): the subsection is lowercased too.
      const dot = name.indexOf('.');
      section = sub !== undefined ? `${name.toLowerCase()}.${sub}` : dot === -1 ? name.toLowerCase() : `${name.slice(0, dot).toLowerCase()}.${name.slice(dot + 1).toLowerCase()}`;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) throw new GitConfigSyntaxError(`unexpected ${JSON.stringify(c)} at line ${line()}`);
    if (section === undefined) throw new GitConfigSyntaxError(`a key outside any section at line ${line()}`);
    let key = '';
    while (i < n && /[A-Za-z0-9-]/.test(text[i]!)) key += text[i++];
    skipBlank();
    if (i >= n || text[i] === '\n' || text[i] === '#' || text[i] === ';') {
      out.push({ key: `${section}.${key.toLowerCase()}`, value: null });
      continue;
    }
    if (text[i] !== '=') throw new GitConfigSyntaxError(`expected "=" after ${key} at line ${line()}`);
    i++;
    skipBlank();
    let value = '';
    let quoted = false;
    let pendingSpace = '';
    for (;;) {
      const ch = text[i];
      if (ch === undefined) {
        if (quoted) throw new GitConfigSyntaxError(`unterminated quote at line ${line()}`);
        break;
      }
      if (ch === '\n') {
        if (quoted) throw new GitConfigSyntaxError(`unterminated quote at line ${line()}`);
        break;
      }
      if (!quoted && (ch === '#' || ch === ';')) {
        skipComment();
        break;
      }
      i++;
      if (!quoted && (ch === ' ' || ch === '\t' || ch === '\r')) {
        pendingSpace += ch;
        continue;
      }
      value += pendingSpace;
      pendingSpace = '';
      if (ch === '"') {
        quoted = !quoted;
        continue;
      }
      if (ch === '\\') {
        const e = text[i++];
        if (e === '\n') continue; // line continuation
        if (e === '\r' && text[i] === '\n') {
          i++;
          continue;
        }
        const map: Record<string, string> = { n: '\n', t: '\t', b: '\b', '\\': '\\', '"': '"' };
        if (e === undefined || map[e] === undefined) throw new GitConfigSyntaxError(`bad escape at line ${line()}`);
        value += map[e];
        continue;
      }
      value += ch;
    }
    out.push({ key: `${section}.${key.toLowerCase()}`, value });
  }
  return out;
}

/** Keys (`section.key`, with `*` for any subsection) that neither run code nor send git elsewhere. */
const HARMLESS = new Set([
  ...[
    'repositoryformatversion', 'filemode', 'bare', 'logallrefupdates', 'ignorecase', 'precomposeunicode', 'symlinks', 'autocrlf', 'safecrlf', 'eol', 'quotepath',
    'checkstat', 'trustctime', 'untrackedcache', 'splitindex', 'commitgraph', 'multipackindex', 'abbrev', 'compression', 'loosecompression', 'packedgitlimit',
    'packedgitwindowsize', 'bigfilethreshold', 'sparsecheckout', 'sparsecheckoutcone', 'preloadindex', 'fscache', 'longpaths', 'whitespace', 'warnambiguousrefs',
    'deltabasecachelimit', 'protecthfs', 'protectntfs', 'filesreflocktimeout', 'packedrefstimeout', 'fsyncmethod', 'fsync',
  ].map((k) => `core.${k}`),
  'user.name', 'user.email', 'user.useconfigonly', 'user.signingkey', 'author.name', 'author.email', 'committer.name', 'committer.email',
  ...['url', 'pushurl', 'fetch', 'push', 'tagopt', 'prune', 'prunetags', 'mirror', 'skipdefaultupdate', 'skipfetchall', 'promisor', 'partialclonefilter'].map((k) => `remote.*.${k}`),
  ...['remote', 'pushremote', 'merge', 'rebase', 'description'].map((k) => `branch.*.${k}`),
  'init.defaultbranch', 'pull.rebase', 'pull.ff', 'push.default', 'push.autosetupremote', 'push.followtags', 'fetch.prune', 'fetch.prunetags', 'fetch.parallel',
  'fetch.writecommitgraph', 'merge.ff', 'merge.conflictstyle', 'merge.log', 'merge.renamelimit', 'rebase.autosquash', 'rebase.autostash', 'rebase.updaterefs',
  'status.showuntrackedfiles', 'status.submodulesummary', 'status.short', 'status.branch', 'diff.renames', 'diff.algorithm', 'diff.colormoved', 'diff.mnemonicprefix',
  'diff.noprefix', 'diff.context', 'diff.indentheuristic', 'diff.submodule', 'diff.ignoresubmodules', 'log.date', 'log.decorate', 'log.follow', 'log.abbrevcommit',
  'commit.verbose', 'commit.cleanup', 'commit.status', 'commit.gpgsign', 'tag.sort', 'tag.gpgsign', 'gc.auto', 'gc.autopacklimit', 'gc.autodetach', 'gc.reflogexpire',
  'gc.reflogexpireunreachable', 'gc.pruneexpire', 'index.version', 'index.threads', 'index.skiphash', 'feature.manyfiles', 'feature.experimental', 'protocol.version',
  'worktree.guessremote', 'maintenance.auto', 'maintenance.strategy', 'extensions.objectformat', 'extensions.worktreeconfig', 'extensions.preciousobjects',
  'extensions.partialclone', 'extensions.refstorage', 'submodule.*.url', 'submodule.*.path', 'submodule.*.branch', 'submodule.*.active', 'submodule.recurse',
  'submodule.active', 'lfs.repositoryformatversion', 'lfs.url',
]);

/** True when `key` (as {@link parseGitConfig} spells it) cannot run code or redirect git, whatever `value` is. */
export function harmlessGitKey(key: string, value: string | null): boolean {
  const k = key.toLowerCase();
  if (k.startsWith('color.') || k.startsWith('advice.')) return true;
  if (HARMLESS.has(k)) return true;
  const first = k.indexOf('.');
  const last = k.lastIndexOf('.');
  if (first !== last) {
    const generic = `${k.slice(0, first)}.*.${k.slice(last + 1)}`;
    if (generic === 'submodule.*.update') return value !== null && /^(checkout|rebase|merge|none)$/i.test(value.trim());
    if (HARMLESS.has(generic)) return true;
  }
  return false;
}

/** The entries of a configuration text that could run code or redirect git; a text git could not read counts as such. */
export function riskyGitConfig(text: string): string[] {
  let entries: GitConfigEntry[];
  try {
    entries = parseGitConfig(text);
  } catch (e) {
    return [`unreadable configuration (${(e as Error).message})`];
  }
  return entries.filter((e) => !harmlessGitKey(e.key, e.value)).map((e) => e.key);
}

/**
 * What changed between two configuration texts beyond harmless keys: the keys added, removed or changed
 * that could run code or redirect git. Empty when only harmless keys changed (a new remote, a user name).
 */
export function riskyGitConfigChange(before: string, after: string): string[] {
  let a: GitConfigEntry[];
  let b: GitConfigEntry[];
  try {
    a = parseGitConfig(before);
  } catch {
    a = [];
  }
  try {
    b = parseGitConfig(after);
  } catch (e) {
    return [`unreadable configuration (${(e as Error).message})`];
  }
  const count = (list: GitConfigEntry[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const e of list) if (!harmlessGitKey(e.key, e.value)) m.set(`${e.key}\0${e.value ?? ''}`, (m.get(`${e.key}\0${e.value ?? ''}`) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  const changed = new Set<string>();
  for (const [k, v] of cb) if ((ca.get(k) ?? 0) !== v) changed.add(k.split('\0')[0]!);
  for (const [k, v] of ca) if ((cb.get(k) ?? 0) !== v) changed.add(k.split('\0')[0]!);
  return [...changed];
}

/** The values of the keys `match` accepts (keys as {@link parseGitConfig} spells them), in file order. */
export function gitConfigValues(text: string, match: (key: string) => boolean): string[] {
  try {
    return parseGitConfig(text)
      .filter((e) => match(e.key))
      .map((e) => e.value ?? 'true');
  } catch {
    return [];
  }
}

/** The hook scripts git would run from a hooks folder (everything but the `.sample` files git installs). */
export function activeHooks(hooksDir: string): string[] {
  try {
    return readdirSync(hooksDir).filter((f) => !f.endsWith('.sample'));
  } catch {
    return [];
  }
}

/** Reads a text file, or undefined. */
export function readText(path: string, max = 1024 * 1024): string | undefined {
  try {
    const b = readFileSync(path);
    return b.length > max ? undefined : b.toString('utf8');
  } catch {
    return undefined;
  }
}

/** The target of a `.git` file (`gitdir: PATH`), resolved against the folder holding it. */
export function gitdirOf(dotGitFile: string, text: string | undefined = readText(dotGitFile, 64 * 1024)): string | undefined {
  const m = text ? /^gitdir:\s*(.+?)\s*$/m.exec(text) : null;
  if (!m) return undefined;
  const target = m[1]!;
  return target.startsWith('/') ? target : join(dotGitFile, '..', target);
}

/**
 * The paths of the submodule links (mode 160000 entries) in a git index file (formats 2, 3 and 4), or
 * undefined when the file is not an index Airlock can read.
 */
export function indexGitlinks(index: Buffer): string[] | undefined {
  if (index.length < 12 || index.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = index.readUInt32BE(4);
  const count = index.readUInt32BE(8);
  if (version < 2 || version > 4) return undefined;
  // SHA-1 (20 bytes) unless the entries only make sense with SHA-256 (32): try SHA-1 first.
  for (const hashLen of [20, 32]) {
    const found = parseEntries(index, version, count, hashLen);
    if (found) return found;
  }
  return undefined;
}

function parseEntries(b: Buffer, version: number, count: number, hashLen: number): string[] | undefined {
  const links: string[] = [];
  let off = 12;
  let prev = '';
  for (let e = 0; e < count; e++) {
    const start = off;
    if (off + 40 + hashLen + 2 > b.length) return undefined;
    const mode = b.readUInt32BE(off + 24);
    off += 40 + hashLen;
    const flags = b.readUInt16BE(off);
    off += 2;
    if (flags & 0x4000) {
      if (version < 3) return undefined;
      off += 2;
    }
    let name: string;
    if (version === 4) {
      // Prefix compression: a varint of bytes to drop from the previous name, then the rest, NUL-terminated.
      let strip = 0;
      let byte: number;
      let first = true;
      do {
        if (off >= b.length) return undefined;
        byte = b[off++]!;
        if (!first) strip += 1;
        strip = (strip << 7) | (byte & 0x7f);
        first = false;
      } while (byte & 0x80);
      const end = b.indexOf(0, off);
      if (end === -1 || strip > prev.length) return undefined;
      name = prev.slice(0, prev.length - strip) + b.toString('utf8', off, end);
      off = end + 1;
    } else {
      const end = b.indexOf(0, off);
      if (end === -1) return undefined;
      name = b.toString('utf8', off, end);
      // Entries are padded with 1 to 8 NUL bytes to a multiple of 8.
      off = start + Math.floor((end - start + 8) / 8) * 8;
    }
    const type = mode >>> 12;
    if (![0o10, 0o12, 0o16].includes(type)) return undefined;
    if (type === 0o16) links.push(name);
    prev = name;
  }
  return links;
}
