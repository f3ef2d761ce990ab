/**
 * Commands that write, move and delete files, with every option of their GNU and BSD spellings: their
 * targets become edits, decided by the edit rules (docs/policy.md "Commands"). Values are read in every
 * spelling (`-t DIR`, `-tDIR`, `--target-directory=DIR`, `--target-dir DIR`, clusters such as `-vt DIR`).
 */
import type { CommandFacts, Effect } from '../facts';
import { has, merge, optional, parseOptions, table, valued, valueOf, type ParsedArgs } from '../options';
import type { WordValue } from '../words';
import type { MutableFacts, SimpleTool } from './simple';

const D = 'data' as const;
const R = 'read' as const;
const M = 'meta' as const;
const W = 'write' as const;

function ops(parsed: ParsedArgs): WordValue[] {
  return parsed.operands.map((o) => o.word);
}

function base(parsed: ParsedArgs): MutableFacts {
  return { effects: [], readonly: false, ...(parsed.unknown ? { unknown: parsed.unknown } : {}) };
}

const CP = table({
  flags: 'abdfiHlLnPpRrsTuvxZcNXS',
  values: { S: D, t: W },
  longFlags:
    'archive attributes-only copy-contents dereference force interactive link no-dereference no-clobber parents recursive ' +
    'remove-destination strip-trailing-slashes symbolic-link no-target-directory verbose one-file-system keep-directory-symlink debug',
  longValues: {
    backup: optional(D), preserve: optional(D), 'no-preserve': D, reflink: optional(D), sparse: D, suffix: D, 'target-directory': W,
    update: optional(D), context: optional(D),
  },
});
// BSD cp -S is a flag (sparse) where GNU's takes a suffix: reading it as GNU's keeps the next word from being taken for a source.

const MV = table({
  flags: 'bfinTuvZh',
  values: { S: D, t: W },
  longFlags: 'force interactive no-clobber strip-trailing-slashes no-target-directory verbose exchange no-copy debug',
  longValues: { backup: optional(D), suffix: D, 'target-directory': W, update: optional(D), context: optional(D) },
});

const INSTALL = table({
  flags: 'bcCdDpsTvZ',
  values: { g: D, m: D, o: D, S: D, t: W },
  longFlags: 'compare directory preserve-timestamps strip no-target-directory verbose preserve-context debug',
  longValues: { backup: optional(D), group: D, mode: D, owner: D, suffix: D, 'target-directory': W, 'strip-program': valued('exec'), context: optional(D) },
});

const LN = table({
  flags: 'bdFfiLnPrsTvh',
  values: { S: D, t: W },
  longFlags: 'directory force interactive logical no-dereference physical relative symbolic no-target-directory verbose',
  longValues: { backup: optional(D), suffix: D, 'target-directory': W },
});

/** cp, mv, install, ln: the destination is `-t DIR` or the last operand; `cp a b dir` also writes `dir/a` and `dir/b`. */
function copyLike(name: string, args: readonly WordValue[], table_: typeof CP, sources: 'read' | 'delete' | 'none'): CommandFacts {
  const parsed = parseOptions(args, table_, name);
  const f = base(parsed);
  const words = ops(parsed);
  const target = valueOf(parsed, '-t', '--target-directory');
  const recursive = has(parsed, '-r', '-R', '-a', '--recursive', '--archive') || sources === 'delete';
  let dest: WordValue | undefined;
  let srcs: WordValue[];
  if (target) {
    dest = target;
    srcs = words;
  } else if (name === 'install' && has(parsed, '-d', '--directory')) {
    f.effects.push(...words.map((word): Effect => ({ op: 'write', word })));
    return f;
  } else if (words.length >= 2) {
    dest = words[words.length - 1]!;
    srcs = words.slice(0, -1);
  } else if (name === 'ln' && words.length === 1) {
    // `ln -s TARGET` makes a link named after TARGET in the current folder.
    f.effects.push({ op: 'write', literal: '.', intoDirOf: words[0]!, link: true }, { op: 'read', word: words[0]! });
    return f;
  } else {
    return f;
  }
  // ln, and cp -s/-l, make links: what goes through them later on the line is not known in advance.
  const link = name === 'ln' || has(parsed, '-s', '-l', '--symbolic-link', '--link');
  f.effects.push({ op: 'write', word: dest, recursive, ...(link && !target ? { link: true } : {}) });
  if (!has(parsed, '-T', '--no-target-directory')) {
    for (const s of srcs) {
      if (has(parsed, '--parents')) f.effects.push({ op: 'write', word: { ...dest, value: `${dest.value.replace(/\/+$/, '')}/${s.value}`, text: `${dest.text}/${s.text}`, glob: dest.glob || s.glob, ...(s.dynamic || dest.dynamic ? { dynamic: s.dynamic ?? dest.dynamic! } : {}) }, recursive });
      else f.effects.push({ op: 'write', word: dest, intoDirOf: s, recursive, ...(link ? { link: true } : {}) });
    }
  }
  // -b/--backup (and -S/--suffix, which implies it) keeps what the copy replaces as NAME+SUFFIX (`~` by default).
  if (has(parsed, '-b', '--backup', '-S', '--suffix')) {
    const suffix = valueOf(parsed, '-S', '--suffix') ?? '~';
    for (const e of [...f.effects]) if (e.op === 'write' && e.word === dest) f.effects.push(...backupOf(e, suffix));
  }
  for (const s of srcs) {
    if (sources === 'delete') f.effects.push({ op: 'delete', word: s, recursive: true });
    else if (sources === 'read') f.effects.push({ op: 'read', word: s, recursive });
    // A link to a file reads it once anything goes through the link: the target is decided as a read.
    else if (link) f.effects.push({ op: 'read', word: s });
  }
  return f;
}

/** A word with `suffix` (a word, or fixed text) appended, keeping what is only known at run time. */
export function suffixed(w: WordValue, suffix: WordValue | string): WordValue {
  if (typeof suffix === 'string') return affixed(w.value.endsWith('/') ? { ...w, value: w.value.replace(/\/+$/, ''), text: w.text.replace(/\/+$/, '') } : w, '', suffix);
  const dynamic = w.dynamic ?? suffix.dynamic;
  return { ...w, value: `${w.value.replace(/\/+$/, '')}${suffix.value}`, text: `${w.text.replace(/\/+$/, '')}${suffix.text}`, glob: w.glob || suffix.glob, ...(dynamic ? { dynamic } : {}) };
}

/** The backup of what a write replaces: the same place with `suffix` appended (`cp -b`, `mv -S SUF`, `ln -b`). */
function backupOf(e: Effect, suffix: WordValue | string): Effect[] {
  if (!e.word) return [];
  if (e.intoDirOf) return [{ op: 'write', word: e.word, intoDirOf: suffixed(e.intoDirOf, suffix) }];
  return [{ op: 'write', word: suffixed(e.word, suffix) }];
}

const RM = table({
  flags: 'dfiIrRvPWx',
  longFlags: 'dir force recursive verbose one-file-system no-preserve-root',
  longValues: { interactive: optional(D), 'preserve-root': optional(D) },
});

const SED = table({
  flags: 'nErsuzb',
  values: { e: D, f: R, l: D, i: optional(D), I: optional(D) },
  longFlags: 'quiet silent regexp-extended separate unbuffered null-data posix debug sandbox follow-symlinks binary',
  longValues: { expression: D, file: R, 'line-length': D, 'in-place': optional(D) },
});

/** What a sed script does besides editing its stream: the files it writes and reads, and whether it runs commands. */
export interface SedScript {
  /** Files `w FILE`, `W FILE` and the `w FILE` flag of `s` write (created even when never reached). */
  readonly writes: readonly string[];
  /** Files `r FILE` and `R FILE` read. */
  readonly reads: readonly string[];
  /** Set when the script runs shell commands (`e`, the `e` flag of `s`); says how. */
  readonly runs?: string;
  /** Set when the script cannot be read with confidence; says why. */
  readonly error?: string;
}

const SED_SIMPLE = new Set(['=', 'd', 'D', 'g', 'G', 'h', 'H', 'n', 'N', 'p', 'P', 'x', 'z', 'F']);

/**
 * Reads a sed script the way GNU sed compiles it (and where BSD sed would read it differently, gives up):
 * addresses (`N`, `$`, `first~step`, `/re/` and `\%re%` with `I`/`M`, `a,b`, `a,+N`, `a,~N`, `addr!`),
 * `{ }` blocks, `;` and newlines between commands, the text of `a`/`i`/`c`, labels, `s` and `y` with any
 * delimiter and their flags. `w`, `W`, `r`, `R` and the `w` flag take a file name to the end of the line.
 */
export function scanSedScript(script: string): SedScript {
  const writes: string[] = [];
  const reads: string[] = [];
  let runs: string | undefined;
  let i = 0;
  let depth = 0;
  const n = script.length;
  const fail = (why: string): SedScript => ({ writes, reads, ...(runs ? { runs } : {}), error: why });
  const blanks = (): void => {
    while (i < n && /[ \t\r\v\f]/.test(script[i]!)) i++;
  };
  const toEol = (): string => {
    const start = i;
    while (i < n && script[i] !== '\n') i++;
    return script.slice(start, i);
  };
  const digits = (): boolean => {
    const start = i;
    while (i < n && /[0-9]/.test(script[i]!)) i++;
    return i > start;
  };
  /** Scans to the closing `delim` (i just past the opening one); returns the text between, or undefined. */
  const delimited = (delim: string, regex: boolean): string | undefined => {
    const start = i;
    while (i < n) {
      const c = script[i]!;
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === delim) {
        const body = script.slice(start, i);
        i++;
        // BSD sed reads a bracket expression (`[/]`) as one piece where GNU ends the regex at the delimiter.
        if (regex && !bracketsClosed(body)) return undefined;
        return body;
      }
      if (c === '\n') return undefined;
      i++;
    }
    return undefined;
  };
  const regexAddress = (): boolean | undefined => {
    const c = script[i];
    let delim: string | undefined;
    if (c === '/') {
      delim = '/';
      i++;
    } else if (c === '\\') {
      delim = script[i + 1];
      if (delim === undefined || delim === '\n' || delim === '\\') return undefined;
      i += 2;
    } else return false;
    if (delimited(delim, true) === undefined) return undefined;
    while (i < n && (script[i] === 'I' || script[i] === 'M')) i++;
    return true;
  };
  /** One address; false when there is none, undefined when it is malformed. */
  const address = (second: boolean): boolean | undefined => {
    const c = script[i];
    if (c === undefined) return false;
    if (/[0-9]/.test(c)) {
      digits();
      if (script[i] === '~') {
        i++;
        if (!digits()) return undefined;
      }
      return true;
    }
    if (c === '$') {
      i++;
      return true;
    }
    if (second && (c === '+' || c === '~')) {
      i++;
      return digits() ? true : undefined;
    }
    return regexAddress();
  };
  /** After a command: blanks, then `;`, a newline, `}`, `#` or the end. */
  const end = (): boolean => {
    blanks();
    if (i >= n) return true;
    const c = script[i]!;
    if (c === ';' || c === '\n') {
      i++;
      return true;
    }
    return c === '}' || c === '#';
  };
  const fileName = (): string | undefined => {
    blanks();
    const name = toEol();
    return name.length > 0 ? name : undefined;
  };
  while (i < n) {
    const c0 = script[i]!;
    if (/[\s;]/.test(c0)) {
      i++;
      continue;
    }
    if (c0 === '#') {
      toEol();
      continue;
    }
    const first = address(false);
    if (first === undefined) return fail('an address of the sed script is malformed');
    if (first) {
      blanks();
      if (script[i] === ',') {
        i++;
        blanks();
        const second = address(true);
        if (!second) return fail('an address range of the sed script is malformed');
      }
    }
    blanks();
    while (script[i] === '!') {
      i++;
      blanks();
    }
    const cmd = script[i];
    if (cmd === undefined) return fail('the sed script ends after an address');
    i++;
    if (cmd === '{') {
      depth++;
      continue;
    }
    if (cmd === '}') {
      if (first || depth === 0) return fail('the sed script has an unmatched }');
      depth--;
      if (!end()) return fail('the sed script has something unexpected after }');
      continue;
    }
    if (SED_SIMPLE.has(cmd)) {
      if (!end()) return fail(`the sed command ${cmd} is followed by something unexpected`);
      continue;
    }
    switch (cmd) {
      case 'l':
      case 'L':
      case 'q':
      case 'Q':
        blanks();
        digits();
        if (!end()) return fail(`the sed command ${cmd} is followed by something unexpected`);
        continue;
      case ':': {
        if (first) return fail('a sed label cannot have an address');
        blanks();
        const start = i;
        while (i < n && script[i] !== '\n' && script[i] !== ';') i++;
        if (i === start) return fail('a sed label is empty');
        if (!end()) return fail('a sed label is followed by something unexpected');
        continue;
      }
      case 'b':
      case 't':
      case 'T':
      case 'v':
        // GNU ends a label at `;`; POSIX takes the rest of the line, which only makes it a branch to a name.
        while (i < n && script[i] !== '\n' && script[i] !== ';' && script[i] !== '}') i++;
        if (!end()) return fail(`the sed command ${cmd} is followed by something unexpected`);
        continue;
      case 'a':
      case 'i':
      case 'c':
        // Text to the end of the line; a backslash before a newline continues it.
        while (i < n && script[i] !== '\n') i += script[i] === '\\' ? 2 : 1;
        continue;
      case 'r':
      case 'R':
      case 'w':
      case 'W': {
        const name = fileName();
        if (name === undefined) return fail(`the sed command ${cmd} has no file name`);
        (cmd === 'r' || cmd === 'R' ? reads : writes).push(name);
        continue;
      }
      case 'e':
        blanks();
        runs ??= `the sed script runs ${script[i] === '\n' || i >= n ? 'its pattern space' : `\`${toEol()}\``} as a shell command (e)`;
        toEol();
        continue;
      case 's':
      case 'y': {
        const delim = script[i];
        if (delim === undefined || delim === '\n' || delim === '\\') return fail(`the sed command ${cmd} has no delimiter`);
        i++;
        if (delimited(delim, cmd === 's') === undefined || delimited(delim, false) === undefined) return fail(`a sed ${cmd} command is not terminated (or BSD and GNU sed read it differently)`);
        if (cmd === 'y') {
          if (!end()) return fail('the sed y command is followed by something unexpected');
          continue;
        }
        let fileFlag = false;
        while (i < n && /[gpiImMe0-9w \t]/.test(script[i]!)) {
          const f = script[i]!;
          i++;
          if (f === 'e') runs ??= 'the sed script runs the result of a substitution as a shell command (the e flag of s)';
          if (f === 'w') {
            const name = fileName();
            if (name === undefined) return fail('the w flag of s has no file name');
            writes.push(name);
            fileFlag = true;
            break;
          }
        }
        if (!fileFlag && !end()) return fail('the flags of a sed s command are not understood');
        continue;
      }
      default:
        return fail(`the sed script has a command Airlock does not know (${cmd})`);
    }
  }
  if (depth !== 0) return fail('the sed script has an unmatched {');
  return { writes, reads, ...(runs ? { runs } : {}) };
}

/** True when every bracket expression in a regex is closed (read as BSD sed reads it: no escapes inside brackets). */
function bracketsClosed(body: string): boolean {
  for (let j = 0; j < body.length; j++) {
    const c = body[j]!;
    if (c === '\\') {
      j++;
      continue;
    }
    if (c !== '[') continue;
    let k = j + 1;
    if (body[k] === '^') k++;
    if (body[k] === ']') k++;
    for (;;) {
      if (k >= body.length) return false;
      const d = body[k]!;
      if (d === '[' && /[:.=]/.test(body[k + 1] ?? '')) {
        const close = body.indexOf(`${body[k + 1]}]`, k + 2);
        if (close === -1) return false;
        k = close + 2;
        continue;
      }
      if (d === ']') break;
      k++;
    }
    j = k;
  }
  return true;
}

/** A path named inside a program's text (a sed script's `w FILE`), as a word: no shell expansion applies to it. */
export function pathWord(path: string): WordValue {
  return { text: path, value: path, glob: false, brace: false };
}

/** `FILE` with a prefix and a suffix (a backup `FILE~`, `FILE.orig`, a decompressed name): keeps what is known about the word. */
export function affixed(w: WordValue, prefix: string, suffix: string): WordValue {
  return { ...w, value: `${prefix}${w.value}${suffix}`, text: `${prefix}${w.text}${suffix}` };
}

/** One way of reading sed's arguments: the scripts, the files, and the in-place backup suffix. */
interface SedReading {
  readonly parsed: ParsedArgs;
  readonly suffix?: WordValue;
  /** GNU replaces each `*` of the suffix with the file name; BSD appends the suffix as it is. */
  readonly gnu: boolean;
}

function sedReading(f: MutableFacts, r: SedReading, inPlace: boolean, strict: boolean): boolean {
  const words = ops(r.parsed);
  const given = r.parsed.options.filter((o) => (o.name === '-e' || o.name === '--expression') && o.value).map((o) => o.value!);
  const scriptFile = has(r.parsed, '-f', '--file');
  const scripts = [...given];
  let files = words;
  if (given.length === 0 && !scriptFile) {
    if (words[0]) scripts.push(words[0]);
    files = words.slice(1);
  }
  // GNU sed joins the pieces of `-e` with newlines into one script.
  const scan = scanSedScript(scripts.map((s) => s.value).join('\n'));
  if (!strict && (scan.error || r.parsed.unknown)) return false;
  for (const s of scripts) if (s.dynamic) f.unknown ??= `the sed script ${s.text} is only known when the command runs`;
  if (scan.error) f.unknown ??= `${scan.error}; Airlock cannot tell which files it reads or writes`;
  if (scan.runs) f.unknown ??= `${scan.runs}, which Airlock does not follow`;
  if (scriptFile) f.unknown ??= 'the sed script comes from a file, which Airlock does not read';
  // Files the script itself writes and reads are decided as such (a protected or secret one is denied); the
  // script still asks, as sed spellings of file names differ (GNU takes the rest of the line, BSD fewer forms).
  for (const name of scan.writes) {
    if (name === '/dev/stdout' || name === '/dev/stderr') continue;
    f.effects.push({ op: 'write', word: pathWord(name) });
    f.readonly = false;
    f.unknown ??= `the sed script writes ${name} (w, W or the w flag of s)`;
  }
  for (const name of scan.reads) {
    if (name === '/dev/stdin' || name === '-') continue;
    f.effects.push({ op: 'read', word: pathWord(name) });
    f.unknown ??= `the sed script reads ${name} into its output (r, R)`;
  }
  for (const w of files) {
    if (w.value === '-' || w.value === '') continue;
    f.effects.push(inPlace ? { op: 'write', word: w } : { op: 'read', word: w });
    const suffix = r.suffix;
    if (!inPlace || !suffix || suffix.value === '' || (r.gnu && suffix.value === '*')) continue;
    // The original is kept under the backup name: FILE+SUFFIX, or (GNU) the suffix with `*` made the file name.
    if (r.gnu && suffix.value.includes('*')) f.effects.push({ op: 'write', word: { ...w, value: suffix.value.replaceAll('*', w.value), text: suffix.text.replaceAll('*', w.text), ...(suffix.dynamic ? { dynamic: suffix.dynamic } : {}) } });
    else f.effects.push({ op: 'write', word: { ...affixed(w, '', suffix.value), text: `${w.text}${suffix.text}`, ...(suffix.dynamic || w.dynamic ? { dynamic: (suffix.dynamic ?? w.dynamic)! } : {}) } });
  }
  return true;
}

function sedFacts(args: readonly WordValue[]): CommandFacts {
  const parsed = parseOptions(args, SED, 'sed');
  const inPlaceOpts = parsed.options.filter((o) => o.name === '-i' || o.name === '-I' || o.name === '--in-place');
  const inPlace = inPlaceOpts.length > 0;
  const f: MutableFacts = { effects: [], readonly: !inPlace, ...(parsed.unknown ? { unknown: parsed.unknown } : {}) };
  // GNU's -l takes a line length; BSD's is a flag, so a word that is not a number may be BSD's script.
  for (const o of parsed.options) if ((o.name === '-l' || o.name === '--line-length') && !/^\d+$/.test(o.value?.value ?? '')) f.unknown ??= `sed ${o.name} ${o.value?.text ?? ''} is a line length to GNU sed and a flag to BSD sed`;
  const last = inPlaceOpts[inPlaceOpts.length - 1];
  sedReading(f, { parsed, ...(last?.value ? { suffix: last.value } : {}), gnu: true }, inPlace, true);
  // BSD sed's `-i` always takes the next word as the backup suffix (`sed -i '' …`, `sed -i .bak …`): when that
  // reading is a valid command too, what it does counts as well.
  if (last && !last.value && last.name !== '--in-place' && args[last.index + 1]) {
    const rest = [...args.slice(0, last.index + 1), ...args.slice(last.index + 2)];
    sedReading(f, { parsed: parseOptions(rest, SED, 'sed'), suffix: args[last.index + 1]!, gnu: false }, inPlace, false);
  }
  return f;
}

const DD_KEYS = new Set(['if', 'of', 'bs', 'ibs', 'obs', 'cbs', 'count', 'skip', 'seek', 'iseek', 'oseek', 'conv', 'iflag', 'oflag', 'status']);

function ddFacts(args: readonly WordValue[]): CommandFacts {
  const f: MutableFacts = { effects: [], readonly: false };
  let writes = false;
  for (const w of args) {
    if (w.value === '--help' || w.value === '--version') continue;
    const eq = w.value.indexOf('=');
    const key = eq === -1 ? '' : w.value.slice(0, eq);
    if (!DD_KEYS.has(key) || (w.dynamic && !/^[a-z]+=/.test(w.text))) {
      f.unknown ??= `dd ${w.text} is an operand Airlock does not model`;
      continue;
    }
    const value: WordValue = { ...w, value: w.value.slice(eq + 1), text: w.text.slice(eq + 1) };
    if (key === 'if') f.effects.push({ op: 'read', word: value });
    if (key === 'of') {
      f.effects.push({ op: 'write', word: value });
      writes = true;
    }
  }
  // Without of= dd writes to stdout.
  if (!writes) f.readonly = true;
  return f;
}

const TAR = table({
  flags: 'AcdrtuxOkmpvwzjJZaBGhiSlMPWUn',
  values: { f: D, C: D, T: R, X: R, b: D, H: D, K: D, L: D, N: D, V: D, g: W, I: valued('exec'), F: valued('exec') },
  longFlags:
    'catenate concatenate create diff compare delete append list test-label update extract get to-stdout keep-old-files ' +
    'keep-newer-files overwrite overwrite-dir remove-files skip-old-files touch preserve-permissions same-permissions same-owner ' +
    'no-same-owner no-same-permissions numeric-owner verbose interactive confirmation gzip gunzip ungzip bzip2 xz lzma lzip lzop zstd ' +
    'compress uncompress auto-compress no-auto-compress dereference ignore-failed-read ignore-zeros sparse one-file-system absolute-names ' +
    'check-links multi-volume verify totals no-recursion recursion wildcards no-wildcards anchored no-anchored ignore-case no-ignore-case ' +
    'null no-null unquote no-unquote exclude-vcs exclude-vcs-ignores exclude-backups exclude-caches exclude-caches-all exclude-caches-under ' +
    'full-time utc show-transformed-names show-stored-names block-number delay-directory-restore no-delay-directory-restore ' +
    'no-overwrite-dir recursive-unlink unlink-first strip-trailing-slashes xattrs no-xattrs acls no-acls selinux no-selinux seek no-seek ' +
    'posix incremental force-local',
  longValues: {
    file: D, directory: D, 'files-from': R, 'exclude-from': R, exclude: D, transform: D, xform: D, 'strip-components': D, 'blocking-factor': D,
    format: D, 'newer-mtime': D, newer: D, 'after-date': D, owner: D, group: D, mode: D, mtime: D, 'record-size': D, label: D, 'starting-file': D,
    'tape-length': D, 'occurrence': optional(D), 'quoting-style': D, 'level': D, 'sort': D, 'backup': optional(D), 'suffix': D, 'warning': D,
    'use-compress-program': valued('exec'), 'to-command': valued('exec'), 'rsh-command': valued('exec'), 'info-script': valued('exec'),
    'new-volume-script': valued('exec'), 'checkpoint': optional(D), 'checkpoint-action': valued('exec'), 'index-file': W, 'volno-file': W,
    'rmt-command': valued('exec'), 'listed-incremental': W, 'pax-option': D, 'hole-detection': D, 'exclude-tag': D,
    'exclude-tag-all': D, 'exclude-tag-under': D, 'exclude-ignore': D, 'exclude-ignore-recursive': D, 'owner-map': R, 'group-map': R,
  },
});

/**
 * tar's old-style first argument (`tar czf out.tgz dir`, `tar cCf src out.tar .`): when the first word has
 * no dash it is a cluster of option letters, and the letters that take a value take the words after it,
 * in order (`cCf src X` is `-c -C src -f X`).
 */
function tarArguments(args: readonly WordValue[]): { args: WordValue[]; unknown?: string } {
  const first = args[0];
  if (!first || first.value.startsWith('-')) return { args: [...args] };
  if (first.dynamic || first.value === '') return { args: [...args], unknown: `tar's first argument ${first.text} holds its options, and Airlock cannot read them` };
  const out: WordValue[] = [];
  let next = 1;
  for (const letter of first.value) {
    out.push({ text: `-${letter}`, value: `-${letter}`, glob: false, brace: false });
    if (TAR.short[letter]?.value === 'required' && next < args.length) out.push(args[next++]!);
  }
  return { args: [...out, ...args.slice(next)] };
}

/** `host:path` (not `./a:b` or `/a:b`): tar talks to a remote tape server unless `--force-local`. */
function remoteArchive(w: WordValue): boolean {
  return /^[^/]*:/.test(w.value);
}

/** The folder an operand at `index` is relative to: every `-C DIR` before it, each relative to the one before. */
function tarBase(parsed: ParsedArgs, index: number): WordValue | undefined {
  let dir: WordValue | undefined;
  for (const o of parsed.options) {
    if (o.index > index || !o.value || (o.name !== '-C' && o.name !== '--directory')) continue;
    const v = o.value;
    if (!dir || v.value.startsWith('/')) dir = v;
    else dir = { ...v, value: `${dir.value.replace(/\/+$/, '')}/${v.value}`, text: `${dir.text}/${v.text}`, glob: dir.glob || v.glob, brace: dir.brace || v.brace, ...(dir.dynamic || v.dynamic ? { dynamic: (dir.dynamic ?? v.dynamic)! } : {}) };
  }
  return dir;
}

function tarFacts(args: readonly WordValue[]): CommandFacts {
  const normalized = tarArguments(args);
  const parsed = parseOptions(normalized.args, TAR, 'tar');
  const f = base(parsed);
  if (normalized.unknown) f.unknown ??= normalized.unknown;
  const file = valueOf(parsed, '-f', '--file');
  const create = has(parsed, '-c', '--create', '-r', '--append', '-u', '--update', '-A', '--catenate', '--concatenate', '--delete');
  const extract = has(parsed, '-x', '--extract', '--get');
  const compare = has(parsed, '-d', '--diff', '--compare');
  for (const o of parsed.options) if (o.def.role === 'exec') f.runsCode ??= `tar ${o.name} runs ${o.value ? `\`${o.value.text}\`` : 'another program'}`;
  // `-g FILE` reads the snapshot of the last backup and writes the new one.
  for (const o of parsed.options) if (o.def.role === 'write' && o.value && o.value.value !== '-') f.effects.push({ op: 'write', word: o.value }, ...(o.name === '-g' || o.name === '--listed-incremental' ? [{ op: 'read' as const, word: o.value }] : []));
  for (const o of parsed.options) if (o.def.role === 'read' && o.value && o.value.value !== '-') f.effects.push({ op: 'read', word: o.value });
  if (file && file.value !== '-') {
    f.effects.push({ op: create ? 'write' : 'read', word: file });
    if (remoteArchive(file) && !has(parsed, '--force-local')) {
      f.irreversible ??= `tar -f ${file.text} talks to a tape server on another machine`;
      if (create) f.sends = true;
    }
  }
  if (create || compare) {
    for (const o of parsed.operands) f.effects.push({ op: 'read', word: o.word, recursive: true, ...withBase(tarBase(parsed, o.index)) });
    // The names to archive come from a list Airlock does not see (it may name a secret, which the archive then holds).
    if (create && has(parsed, '-T', '--files-from')) f.unknown ??= 'tar -T reads the names of the files to archive from a list, which Airlock does not see';
  }
  // --remove-files deletes what it archived, folders included.
  if (create && has(parsed, '--remove-files')) for (const o of parsed.operands) f.effects.push({ op: 'delete', word: o.word, recursive: true, ...withBase(tarBase(parsed, o.index)) });
  if (extract) {
    if (has(parsed, '-O', '--to-stdout')) f.readonly = !create && f.effects.every((e) => e.op === 'read');
    else f.unknown ??= 'tar -x writes the files named inside the archive, which Airlock cannot see before it runs';
  }
  if (!create && !extract && f.effects.every((e) => e.op === 'read')) f.readonly = true;
  if (f.irreversible || f.runsCode) f.readonly = false;
  return f;
}

function withBase(dir: WordValue | undefined): { base?: WordValue } {
  return dir ? { base: dir } : {};
}

const UNZIP = table({
  flags: 'cflptTuvzZnoqjaabCKLMNsVWX',
  values: { d: W, x: D, P: D },
});

function unzipFacts(args: readonly WordValue[]): CommandFacts {
  const parsed = parseOptions(args, UNZIP, 'unzip');
  const f = base(parsed);
  const [archive] = ops(parsed);
  if (archive) f.effects.push({ op: 'read', word: archive });
  if (has(parsed, '-l', '-t', '-v', '-Z', '-z', '-p', '-c')) {
    f.readonly = true;
    return f;
  }
  f.unknown ??= 'unzip writes the files named inside the archive, which Airlock cannot see before it runs';
  return f;
}

const ZIP = table({
  flags: 'rRjJmqvTuFgdfyDeXozl0123456789AS$@',
  values: { x: D, i: D, b: D, n: D, t: D, P: D, Z: D, s: D, O: W, U: D },
  longFlags: 'recurse-paths junk-paths move quiet verbose test update freshen grow delete encrypt symlinks names-stdin',
  longValues: { exclude: D, include: D, 'unzip-command': valued('exec'), 'temp-path': D, out: W },
});

function zipFacts(args: readonly WordValue[]): CommandFacts {
  const parsed = parseOptions(args, ZIP, 'zip');
  const f = base(parsed);
  if (parsed.options.some((o) => o.name === '-T' && args.some((a) => a.value === '-TT'))) f.runsCode ??= 'zip -TT runs a command to test the archive';
  // -@ takes the names of the files to add from its input, which Airlock does not see.
  if (has(parsed, '-@', '--names-stdin')) f.unknown ??= 'zip -@ reads the names of the files to add from its input, which Airlock does not see';
  const words = ops(parsed);
  const [archive, ...files] = words;
  if (archive) f.effects.push({ op: 'write', word: archive });
  const recursive = has(parsed, '-r', '-R', '--recurse-paths');
  for (const w of files) f.effects.push({ op: 'read', word: w, recursive });
  if (has(parsed, '-m', '--move')) for (const w of files) f.effects.push({ op: 'delete', word: w, recursive });
  return f;
}

const COMPRESS = table({
  flags: 'cdfhklLnNqrtvV0123456789zZe',
  values: { S: D, b: D, T: D, F: D, M: D },
  longFlags: 'stdout to-stdout decompress uncompress force keep list license no-name name quiet recursive test verbose fast best rsyncable synchronous extreme compress',
  longValues: { suffix: D, threads: D, format: D, memlimit: D, level: D },
});

/** zstd's own options on top of gzip's spellings: it keeps its input unless `--rm`, and `-o FILE` names the output. */
const ZSTD = merge(
  COMPRESS,
  table({
    flags: 'cdfhklLnNqrtvV0123456789zZe',
    values: { o: W, D: R, T: D, B: D, M: D },
    longFlags: 'rm ultra adapt no-progress progress exclude-compressed sparse no-sparse check no-check content-size no-content-size single-thread no-dictID',
    longValues: { 'patch-from': R, 'output-dir-flat': 'writeDir', 'output-dir-mirror': 'writeDir', filelist: 'unknown', long: optional(D), fast: optional(D), memory: D, 'stream-size': D, 'size-hint': D, 'target-compressed-block-size': D, zstd: D },
  }),
);

/** Suffixes a decompressor takes off (any case: gzip lowercases the name before it looks), and what each becomes. */
const COMPRESSED_SUFFIXES: readonly (readonly [string, string])[] = [
  ['.gz', ''], ['.z', ''], ['-gz', ''], ['-z', ''], ['_z', ''], ['.bz2', ''], ['.bz', ''], ['.xz', ''], ['.lzma', ''], ['.lz', ''], ['.zst', ''], ['.zstd', ''], ['.lz4', ''],
  ['.tgz', '.tar'], ['.taz', '.tar'], ['.tbz2', '.tar'], ['.tbz', '.tar'], ['.txz', '.tar'], ['.tlz', '.tar'], ['.tzst', '.tar'],
];

const DEFAULT_SUFFIX: Readonly<Record<string, string>> = { gzip: '.gz', bzip2: '.bz2', xz: '.xz', zstd: '.zst' };

/** The names a decompressor may write for `w`: every known suffix (and `-S SUFFIX`) it may take off. */
function decompressedNames(w: WordValue, given: string | undefined, tool: string): WordValue[] {
  const out: WordValue[] = [];
  const lower = w.value.toLowerCase();
  const pairs = given ? [[given, ''] as const, ...COMPRESSED_SUFFIXES] : COMPRESSED_SUFFIXES;
  for (const [suffix, becomes] of pairs) {
    const matches = suffix === given ? w.value.endsWith(suffix) : lower.endsWith(suffix);
    if (!matches || w.value.length <= suffix.length || w.value[w.value.length - suffix.length - 1] === '/') continue;
    const value = `${w.value.slice(0, -suffix.length)}${becomes}`;
    const cut = w.text.endsWith(w.value.slice(-suffix.length)) ? `${w.text.slice(0, -suffix.length)}${becomes}` : `${w.text} (without ${suffix})`;
    out.push({ ...w, value, text: cut });
  }
  // bzip2 names what it cannot place `FILE.out`.
  if (out.length === 0 && tool === 'bzip2') out.push(affixed(w, '', '.out'));
  return out;
}

function compressFacts(name: string, args: readonly WordValue[]): CommandFacts {
  const tool = /^(un)?zstd|^zstdcat$/.test(name) ? 'zstd' : /xz|lzma/.test(name) ? 'xz' : /bz/.test(name) ? 'bzip2' : 'gzip';
  const parsed = parseOptions(args, tool === 'zstd' ? ZSTD : COMPRESS, name);
  const f = base(parsed);
  for (const o of parsed.options) if (o.def.role === 'unknown') f.unknown ??= `${name} ${o.name} is an option Airlock does not follow`;
  const toStdout = has(parsed, '-c', '--stdout', '--to-stdout', '-l', '--list', '-t', '--test') || /cat$/.test(name);
  const decompress = has(parsed, '-d', '--decompress', '--uncompress') || /un|cat$/.test(name);
  const recursive = has(parsed, '-r', '--recursive');
  const keep = has(parsed, '-k', '--keep') || (tool === 'zstd' && !has(parsed, '--rm'));
  const suffix = valueOf(parsed, '-S', '--suffix');
  if (suffix && (suffix.dynamic || suffix.value === '')) f.unknown ??= `the suffix ${suffix.text} of ${name} is not known before it runs`;
  const lzma = tool === 'xz' && (/lzma/.test(name) || /^(lzma|alone)$/.test(valueOf(parsed, '-F', '--format')?.value ?? ''));
  const output = valueOf(parsed, '-o');
  const outDirs = parsed.options.filter((o) => o.def.role === 'writeDir' && o.value);
  for (const o of parsed.options) if (o.def.role === 'read' && o.value) f.effects.push({ op: 'read', word: o.value });
  for (const o of outDirs) f.effects.push({ op: 'write', word: o.value!, recursive: true });
  if (output && !toStdout) f.effects.push({ op: 'write', word: output });
  // -N restores the name stored inside the file: what it writes is not known before it runs.
  if (decompress && !toStdout && has(parsed, '-N', '--name')) f.unknown ??= `${name} -N names the output after the name stored inside the file`;
  for (const w of ops(parsed)) {
    if (w.value === '-') continue;
    f.effects.push({ op: 'read', word: w, recursive });
    if (toStdout) continue;
    if (!keep) f.effects.push({ op: 'delete', word: w, recursive });
    if (output || outDirs.length > 0) continue;
    if (recursive) {
      // Every file below is replaced by its (de)compressed form next to it.
      f.effects.push({ op: 'write', word: w, recursive: true });
      continue;
    }
    if (decompress) for (const out of decompressedNames(w, suffix?.value, tool)) f.effects.push({ op: 'write', word: out });
    else {
      const suffixes = new Set([suffix?.value ?? (lzma ? '.lzma' : DEFAULT_SUFFIX[tool]!)]);
      for (const s of suffixes) f.effects.push({ op: 'write', word: affixed(w, '', s) });
    }
  }
  f.readonly = f.effects.every((e) => e.op === 'read');
  return f;
}

const PATCH = table({
  flags: 'bcCeEfflnNRstuZ',
  values: { B: D, d: D, D: D, F: D, g: D, i: R, o: W, p: D, r: W, V: D, Y: D, z: D, x: D },
  longFlags:
    'backup context ed remove-empty-files force batch normal forward reverse silent quiet set-utc unified ignore-whitespace dry-run ' +
    'posix binary verbose follow-symlinks backup-if-mismatch no-backup-if-mismatch',
  longValues: {
    'prefix': D, 'basename-prefix': D, directory: D, 'ifdef': D, 'fuzz': D, 'get': D, input: R, output: W, strip: D, 'reject-file': W,
    'version-control': D, suffix: D, 'reject-format': D, 'read-only': D, quoting: D, 'quoting-style': D, merge: optional(D), debug: D,
  },
});

/** The folder part (with its slash) and the name of a path. */
function splitPath(value: string): [string, string] {
  const slash = value.lastIndexOf('/');
  return [value.slice(0, slash + 1), value.slice(slash + 1)];
}

/**
 * Where patch keeps the original of FILE: `-B PREFIX` and `-Y PREFIX` give PREFIX+FILE and DIR/PREFIX+NAME;
 * otherwise FILE+SUFFIX (`-z`, `.orig` by default). patch makes it with `-b`, and (GNU) whenever a hunk
 * does not match exactly, so it is counted always.
 */
function patchBackup(parsed: ParsedArgs, file: WordValue): WordValue {
  const prefix = valueOf(parsed, '-B', '--prefix');
  const basePrefix = valueOf(parsed, '-Y', '--basename-prefix');
  const suffix = valueOf(parsed, '-z', '--suffix');
  const dynamic = prefix?.dynamic ?? basePrefix?.dynamic ?? suffix?.dynamic ?? file.dynamic;
  if (prefix || basePrefix) {
    const [dir, name] = splitPath(file.value);
    const [textDir, textName] = splitPath(file.text);
    return { ...file, value: `${prefix?.value ?? ''}${dir}${basePrefix?.value ?? ''}${name}`, text: `${prefix?.text ?? ''}${textDir}${basePrefix?.text ?? ''}${textName}`, ...(dynamic ? { dynamic } : {}) };
  }
  return { ...affixed(file, '', suffix?.value ?? '.orig'), ...(dynamic ? { dynamic } : {}) };
}

function patchFacts(args: readonly WordValue[]): CommandFacts {
  const parsed = parseOptions(args, PATCH, 'patch');
  const f = base(parsed);
  // -d DIR: patch changes to DIR before anything else, so every relative path is below it.
  const dir = valueOf(parsed, '-d', '--directory');
  const at = (e: Effect): Effect => (dir ? { ...e, base: dir } : e);
  const [orig, patchFile] = ops(parsed);
  if (ops(parsed).length > 2) f.unknown ??= 'patch takes at most a file and a patch';
  if (patchFile) f.effects.push(at({ op: 'read', word: patchFile }));
  for (const o of parsed.options) if (o.value && (o.def.role === 'read' || o.def.role === 'write')) f.effects.push(at({ op: o.def.role === 'read' ? 'read' : 'write', word: o.value }));
  const get = valueOf(parsed, '-g', '--get');
  if (get && get.value !== '0') f.runsCode ??= `patch -g ${get.text} runs the version control system (RCS, SCCS, ClearCase) to get files`;
  if (has(parsed, '--dry-run')) {
    f.readonly = !f.runsCode;
    return f;
  }
  if (orig) {
    f.effects.push(at({ op: 'write', word: orig }), at({ op: 'write', word: patchBackup(parsed, orig) }));
    // Hunks that fail go to FILE.rej unless -r names another file.
    if (!has(parsed, '-r', '--reject-file')) f.effects.push(at({ op: 'write', word: affixed(orig, '', '.rej') }));
  } else f.unknown ??= 'patch writes the files named inside the patch, which Airlock cannot see before it runs';
  return f;
}

const CHMOD = table({
  flags: 'cfvRHLPh',
  longFlags: 'changes silent quiet verbose no-preserve-root preserve-root recursive dereference no-dereference',
  longValues: { reference: M, from: D },
});

function chmodFacts(name: string, args: readonly WordValue[]): CommandFacts {
  // chmod modes such as `-x` or `-R` look like options: anything made only of mode letters is a mode.
  const isMode = (w: WordValue): boolean => name === 'chmod' && /^[-+=][rwxXstugoa,+=-]*$/.test(w.value) && !/^-[cfvRHLPh]+$/.test(w.value);
  const modeAt = args.findIndex(isMode);
  const rest = modeAt === -1 ? args : [...args.slice(0, modeAt), ...args.slice(modeAt + 1)];
  const parsed = parseOptions(rest, CHMOD, name);
  const f = base(parsed);
  const words = ops(parsed);
  const given = modeAt !== -1 || valueOf(parsed, '--reference') !== undefined;
  const targets = given ? words : words.slice(1);
  const recursive = has(parsed, '-R', '--recursive');
  for (const w of targets) f.effects.push({ op: 'write', word: w, recursive });
  if (name !== 'chmod') f.irreversible ??= `${name} changes who owns files, which Airlock's history does not restore`;
  return f;
}

const TEE = table({ flags: 'aip', longFlags: 'append ignore-interrupts', longValues: { 'output-error': optional(D) } });
const TOUCH = table({ flags: 'acfhm', values: { d: D, r: M, t: D }, longFlags: 'no-create no-dereference', longValues: { date: D, reference: M, time: D } });
const MKDIR = table({ flags: 'pv', values: { m: D, Z: optional(D) }, longFlags: 'parents verbose', longValues: { mode: D, context: optional(D) } });
const RMDIR = table({ flags: 'pv', longFlags: 'ignore-fail-on-non-empty parents verbose' });
const TRUNCATE = table({ flags: 'co', values: { r: M, s: D }, longFlags: 'no-create io-blocks', longValues: { reference: M, size: D } });
const SHRED = table({ flags: 'fuvxz', values: { n: D, s: D }, longFlags: 'force verbose exact zero', longValues: { iterations: D, size: D, 'random-source': R, remove: optional(D) } });
const MKTEMP = table({ flags: 'dquDt', values: { p: D }, longFlags: 'directory dry-run quiet', longValues: { suffix: D, tmpdir: optional(D) } });

function operandsAs(name: string, args: readonly WordValue[], t: typeof TEE, op: 'write' | 'delete', recursive: (p: ParsedArgs) => boolean = () => false): CommandFacts {
  const parsed = parseOptions(args, t, name);
  const f = base(parsed);
  const r = recursive(parsed);
  for (const w of ops(parsed)) if (w.value !== '-') f.effects.push({ op, word: w, recursive: r });
  return f;
}

/** The file tools Airlock models: `name` → facts from the arguments. */
export const FILE_TOOLS: Readonly<Record<string, (args: readonly WordValue[], name: string) => CommandFacts>> = {
  cp: (a) => copyLike('cp', a, CP, 'read'),
  mv: (a) => copyLike('mv', a, MV, 'delete'),
  install: (a) => copyLike('install', a, INSTALL, 'read'),
  ln: (a) => copyLike('ln', a, LN, 'none'),
  rm: (a) =>
    operandsAs('rm', a, RM, 'delete', (p) => has(p, '-r', '-R', '--recursive')),
  rmdir: (a) => operandsAs('rmdir', a, RMDIR, 'delete'),
  unlink: (a) => operandsAs('unlink', a, table({}), 'delete'),
  shred: (a) => {
    const parsed = parseOptions(a, SHRED, 'shred');
    return operandsAs('shred', a, SHRED, has(parsed, '-u', '--remove') ? 'delete' : 'write');
  },
  tee: (a) => operandsAs('tee', a, TEE, 'write'),
  touch: (a) => operandsAs('touch', a, TOUCH, 'write'),
  mkdir: (a) => operandsAs('mkdir', a, MKDIR, 'write'),
  truncate: (a) => operandsAs('truncate', a, TRUNCATE, 'write'),
  mktemp: (a) => {
    const parsed = parseOptions(a, MKTEMP, 'mktemp');
    // A new, uniquely named file in the temporary folder (or next to a template): nothing existing changes.
    return { effects: [], ...(parsed.unknown ? { unknown: parsed.unknown } : {}) };
  },
  chmod: (a) => chmodFacts('chmod', a),
  chown: (a) => chmodFacts('chown', a),
  chgrp: (a) => chmodFacts('chgrp', a),
  sed: (a) => sedFacts(a),
  gsed: (a) => sedFacts(a),
  dd: (a) => ddFacts(a),
  tar: (a) => tarFacts(a),
  gtar: (a) => tarFacts(a),
  bsdtar: (a) => tarFacts(a),
  unzip: (a) => unzipFacts(a),
  zip: (a) => zipFacts(a),
  gzip: (a, n) => compressFacts(n, a),
  gunzip: (a, n) => compressFacts(n, a),
  zcat: (a, n) => compressFacts(n, a),
  bzip2: (a, n) => compressFacts(n, a),
  bunzip2: (a, n) => compressFacts(n, a),
  bzcat: (a, n) => compressFacts(n, a),
  xz: (a, n) => compressFacts(n, a),
  unxz: (a, n) => compressFacts(n, a),
  xzcat: (a, n) => compressFacts(n, a),
  zstd: (a, n) => compressFacts(n, a),
  unzstd: (a, n) => compressFacts(n, a),
  zstdcat: (a, n) => compressFacts(n, a),
  patch: (a) => patchFacts(a),
};

/** A simple-tool entry for file tools that the property test enumerates (wrappers and writers with value options). */
export const WRITER_TABLES: Readonly<Record<string, typeof CP>> = { cp: CP, mv: MV, install: INSTALL, ln: LN, tee: TEE, touch: TOUCH, mkdir: MKDIR, truncate: TRUNCATE, sed: SED, tar: TAR, rm: RM };

export type { SimpleTool };
