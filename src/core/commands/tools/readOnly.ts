/**
 * Read-only tools, with every option of their GNU and BSD spellings. An option outside these tables
 * makes the command unknown (`sort -o FILE` writes, `date -s` sets the clock, `hostname NAME` renames the
 * machine, `rg --pre CMD` runs a program): read-only means proven read-only.
 */
import { has, merge, optional, table, valued, valueOf } from '../options';
import type { ScopeFilter } from '../facts';
import type { WordValue } from '../words';
import type { SimpleTool } from './simple';

const D = 'data' as const;
const R = 'read' as const;
const M = 'meta' as const;
const W = 'write' as const;

function words(parsed: { operands: readonly { word: WordValue }[] }): WordValue[] {
  return parsed.operands.map((o) => o.word);
}

const CAT = merge(
  table({ flags: 'AbeEnstTuvl', longFlags: 'show-all number-nonblank show-ends number squeeze-blank show-tabs show-nonprinting' }),
);

const HEAD = table({ flags: 'qvz', values: { c: D, n: D }, longFlags: 'quiet silent verbose zero-terminated', longValues: { bytes: D, lines: D }, numeric: true });

const TAIL = table({
  flags: 'fFqrvz',
  values: { c: D, n: D, s: D, b: D },
  longFlags: 'retry quiet silent verbose zero-terminated',
  longValues: { bytes: D, lines: D, follow: optional(D), 'max-unchanged-stats': D, pid: D, 'sleep-interval': D },
  numeric: true,
  plus: true,
});

const WC = table({ flags: 'cmlLw', longFlags: 'bytes chars lines max-line-length words', longValues: { 'files0-from': R, total: D } });

const GREP_COMMON = {
  flags: 'EFGPiyvwxcLloqsbHhnTZzUuaIrRVJOSp',
  values: { e: D, f: R, m: D, A: D, B: D, C: D, d: D, D: D },
  longFlags:
    'extended-regexp fixed-strings basic-regexp perl-regexp ignore-case no-ignore-case invert-match word-regexp line-regexp count ' +
    'files-without-match files-with-matches only-matching quiet silent no-messages byte-offset with-filename no-filename ' +
    'line-number initial-tab null null-data text recursive dereference-recursive line-buffered binary unix-byte-offsets mmap',
  longValues: {
    regexp: D, file: R, 'max-count': D, 'after-context': D, 'before-context': D, context: optional(D), directories: D, devices: D,
    include: D, exclude: D, 'exclude-from': R, 'exclude-dir': D, label: D, color: optional(D), colour: optional(D), 'binary-files': D,
  },
  numeric: true,
};

/** grep's files: the operands after the pattern (the first operand is the pattern unless -e or -f gave one). */
const GREP: SimpleTool = {
  options: table(GREP_COMMON),
  operands: 'data',
  refine(parsed, f) {
    const ops = words(parsed);
    const patternGiven = has(parsed, '-e', '--regexp', '-f', '--file');
    const files = patternGiven ? ops : ops.slice(1);
    const recursive = has(parsed, '-r', '-R', '--recursive', '--dereference-recursive') || parsed.options.some((o) => (o.name === '-d' || o.name === '--directories') && o.value?.value === 'recurse');
    const filter: ScopeFilter = {
      include: parsed.options.filter((o) => o.name === '--include' && o.value).map((o) => o.value!.value),
      exclude: parsed.options.filter((o) => o.name === '--exclude' && o.value).map((o) => o.value!.value),
      excludeDir: parsed.options.filter((o) => o.name === '--exclude-dir' && o.value).map((o) => o.value!.value),
    };
    if (recursive && files.length === 0) {
      f.effects.push({ op: 'read', literal: '.', recursive: true, filter });
      return;
    }
    for (const w of files) if (w.value !== '-') f.effects.push({ op: 'read', word: w, ...(recursive ? { recursive: true, filter } : {}) });
  },
};

const RG_FLAGS =
  'files files-with-matches files-without-match count count-matches only-matching quiet json vimgrep heading no-heading line-number ' +
  'no-line-number with-filename no-filename column no-column byte-offset null null-data trim stats debug trace pretty ' +
  'ignore-case case-sensitive smart-case fixed-strings word-regexp line-regexp invert-match multiline multiline-dotall no-multiline ' +
  'pcre2 no-pcre2 auto-hybrid-regex crlf no-crlf text binary no-binary hidden no-hidden follow no-follow no-ignore no-ignore-dot ' +
  'no-ignore-exclude no-ignore-files no-ignore-global no-ignore-parent no-ignore-vcs no-ignore-messages no-messages ignore-file-case-insensitive ' +
  'one-file-system no-config no-unicode unicode search-zip no-search-zip sort-files passthru passthrough block-buffered line-buffered ' +
  'no-require-git type-list include-zero no-include-zero invert-match glob-case-insensitive no-glob-case-insensitive files-sorted ' +
  'max-columns-preview no-max-columns-preview unrestricted quiet generate no-encoding';

/** ripgrep: searches the operands (or `.`), leaving out hidden and ignored files unless told otherwise. */
const RG: SimpleTool = {
  options: table({
    flags: 'lLcoqnNHIbpiSsFwxvUaz0.uhV',
    values: { e: D, f: R, g: D, t: D, T: D, A: D, B: D, C: D, m: D, j: D, d: D, M: D, E: D, r: D },
    longFlags: RG_FLAGS,
    longValues: {
      regexp: D, file: R, glob: D, iglob: D, type: D, 'type-not': D, 'type-add': D, 'type-clear': D, 'after-context': D, 'before-context': D,
      context: D, 'max-count': D, threads: D, 'max-depth': D, maxdepth: D, 'max-columns': D, encoding: D, replace: D, 'max-filesize': D,
      color: D, colors: D, 'context-separator': D, 'field-context-separator': D, 'field-match-separator': D, 'path-separator': D,
      sort: D, sortr: D, 'ignore-file': R, 'dfa-size-limit': D, 'regex-size-limit': D, engine: D, hyperlink: D, 'hyperlink-format': D,
      pre: valued('exec'), 'pre-glob': D,
    },
  }),
  operands: 'data',
  refine(parsed, f) {
    const ops = words(parsed);
    const patternGiven = has(parsed, '-e', '--regexp', '-f', '--file') || has(parsed, '--files', '--type-list');
    const roots = patternGiven ? ops : ops.slice(1);
    const unrestricted = parsed.options.filter((o) => o.name === '-u' || o.name === '--unrestricted').length;
    const globs = parsed.options.filter((o) => (o.name === '-g' || o.name === '--glob' || o.name === '--iglob') && o.value).map((o) => o.value!.value);
    // A glob that names hidden files (`-g '.env'`) is taken to reach them.
    const hidden = has(parsed, '--hidden', '-.') || unrestricted >= 2 || globs.some((g) => /(^|\/)\.[^/]/.test(g.replace(/^!/, '')) && !g.startsWith('!'));
    const filter: ScopeFilter = { ...(globs.length ? { globs } : {}), ...(hidden ? {} : { skipHidden: true }) };
    const list = roots.length > 0 ? roots : undefined;
    if (has(parsed, '--files', '--type-list')) return; // lists names only
    if (!list) f.effects.push({ op: 'read', literal: '.', recursive: true, filter });
    else for (const w of list) if (w.value !== '-') f.effects.push({ op: 'read', word: w, recursive: true, filter });
  },
};

const LS = merge(
  table({
    flags: 'aAbBcCdDfFgGhHiklLmnNopqQrRsStuUvxXZ1',
    values: { I: D, T: D, w: D },
    longFlags:
      'all almost-all author escape ignore-backups directory dired file-type full-time group-directories-first no-group human-readable si ' +
      'dereference-command-line dereference-command-line-symlink-to-dir inode kibibytes dereference numeric-uid-gid literal ' +
      'hide-control-chars show-control-chars quote-name reverse recursive size context zero',
    longValues: {
      'block-size': D, color: optional(D), colour: optional(D), format: D, hide: D, hyperlink: optional(D), ignore: D, 'indicator-style': D,
      'quoting-style': D, sort: D, time: D, 'time-style': D, tabsize: D, width: D, classify: optional(D),
    },
  }),
  // BSD ls (macOS)
  table({ flags: '@eOPTW%,' }),
);

const STAT = table({
  flags: 'fLtZlnqrsxF',
  values: { c: D },
  longFlags: 'dereference file-system terse',
  longValues: { format: D, printf: D, cached: D },
});

const DU = table({
  flags: 'abcDHhkLlmPSsx0',
  values: { B: D, d: D, t: D, X: R },
  longFlags: 'all apparent-size bytes total dereference-args dereference no-dereference count-links separate-dirs summarize one-file-system human-readable si inodes null',
  longValues: { 'block-size': D, 'max-depth': D, threshold: D, time: optional(D), 'time-style': D, exclude: D, 'exclude-from': R, 'files0-from': R },
});

const DF = table({
  flags: 'ahHiklmPTv',
  values: { B: D, t: D, x: D },
  longFlags: 'all human-readable si inodes local no-sync sync portability print-type total',
  longValues: { 'block-size': D, output: optional(D), type: D, 'exclude-type': D },
});

const TREE_TABLE = table({
  flags: 'adlfxiqNQpugshDFvtcUrCAJSn',
  values: { L: D, P: D, I: D, H: D, T: D, o: W },
  longFlags: 'noreport inodes device dirsfirst filesfirst du prune matchdirs ignore-case fromfile fromtabfile gitignore info metafirst nolinks',
  longValues: { filelimit: D, timefmt: D, charset: D, sort: D, gitfile: R, infofile: R, hyperlink: D, scheme: D, authority: D },
});

/** tree lists names; with `--fromfile` its operands are files whose lines it prints as a tree (their content). */
const TREE: SimpleTool = {
  options: TREE_TABLE,
  operands: 'meta',
  refine(parsed, f) {
    if (!has(parsed, '--fromfile', '--fromtabfile')) return;
    f.effects = f.effects.map((e) => (e.op === 'read' && e.meta && e.word && parsed.operands.some((o) => o.word === e.word) ? { op: 'read', word: e.word } : e));
  },
};

const ECHO: SimpleTool = { options: table({}), operands: 'data', dynamicOk: true, rawOperands: true };

const PRINTF: SimpleTool = {
  options: table({}),
  operands: 'data',
  dynamicOk: true,
  rawOperands: true,
  refine(_parsed, f, args) {
    // `printf -v VAR` assigns a shell variable (PATH included): what later commands run can change.
    if (args[0] && (args[0].value.startsWith('-v') || args[0].dynamic)) f.unknown ??= 'printf -v sets a shell variable, which can change what later commands run';
  },
};

const TEST: SimpleTool = { options: table({}), operands: 'meta', dynamicOk: true, rawOperands: true };

const DATE: SimpleTool = {
  options: merge(
    table({
      flags: 'Ruj',
      values: { d: D, f: R, r: M, s: D, v: D, z: D },
      longFlags: 'utc universal rfc-email debug resolution',
      longValues: { date: D, file: R, reference: M, set: D, 'iso-8601': optional(D), 'rfc-3339': D },
    }),
    table({ flags: 'nI', values: { I: optional(D) } }),
  ),
  operands: 'data',
  refine(parsed, f) {
    if (has(parsed, '-s', '--set')) f.irreversible ??= 'date -s sets the system clock';
    // BSD `date -j` only parses; otherwise an operand that is not a +FORMAT sets the clock.
    const setting = words(parsed).find((w) => !w.value.startsWith('+'));
    if (setting && !has(parsed, '-j', '-d', '--date', '-f', '--file', '-r', '--reference')) f.irreversible ??= `date ${setting.text} sets the system clock`;
    if (f.irreversible) f.readonly = false;
  },
};

const HOSTNAME: SimpleTool = {
  options: table({
    flags: 'aAdfiIsvy',
    values: { F: R, b: D },
    longFlags: 'alias all-fqdns domain fqdn long ip-address all-ip-addresses short verbose yp nis',
    longValues: { file: R, boot: D },
  }),
  operands: 'data',
  refine(parsed, f) {
    if (words(parsed).length > 0 || has(parsed, '-F', '--file', '-b', '--boot')) {
      f.irreversible ??= 'hostname with a name renames this machine';
      f.readonly = false;
    }
  },
};

const UNAME = table({ flags: 'asnrvmpio', longFlags: 'all kernel-name nodename kernel-release kernel-version machine processor hardware-platform operating-system' });

const SORT: SimpleTool = {
  options: table({
    flags: 'bdfgiMhnRrVcCmsuz',
    values: { k: D, t: D, S: D, T: D, o: W },
    longFlags:
      'ignore-leading-blanks dictionary-order ignore-case general-numeric-sort ignore-nonprinting month-sort human-numeric-sort numeric-sort ' +
      'random-sort reverse version-sort merge stable unique zero-terminated debug',
    longValues: {
      key: D, 'field-separator': D, 'buffer-size': D, 'temporary-directory': D, output: W, 'random-source': R, check: optional(D),
      sort: D, parallel: D, 'batch-size': D, 'files0-from': R, 'compress-program': valued('exec'),
    },
    plus: true,
  }),
  operands: 'read',
};

const UNIQ: SimpleTool = {
  options: table({ flags: 'cdDiuz', values: { f: D, s: D, w: D }, longFlags: 'count repeated ignore-case unique zero-terminated', longValues: { 'all-repeated': optional(D), group: optional(D), 'skip-fields': D, 'skip-chars': D, 'check-chars': D }, numeric: true, plus: true }),
  operands: 'data',
  refine(parsed, f) {
    const [input, output] = words(parsed);
    if (input && input.value !== '-') f.effects.push({ op: 'read', word: input });
    if (output && output.value !== '-') {
      f.effects.push({ op: 'write', word: output });
      f.readonly = false;
    }
  },
};

const CUT = table({ flags: 'snz', values: { b: D, c: D, d: D, f: D }, longFlags: 'complement only-delimited zero-terminated', longValues: { bytes: D, characters: D, delimiter: D, fields: D, 'output-delimiter': D } });
const TR: SimpleTool = { options: table({ flags: 'cCdst', longFlags: 'complement delete squeeze-repeats truncate-set1' }), operands: 'data', dynamicOk: true };
const COLUMN = table({ flags: 'tnexJLRHWOdimr', values: { s: D, o: D, c: D, N: D, E: D, l: D, C: D }, longFlags: 'table fillrows json keep-empty-lines table-noextreme table-noheadings table-header-as-columns tree-debug', longValues: { separator: D, 'output-separator': D, 'output-width': D, 'table-columns': D, 'table-name': D, 'table-right': D, 'table-wrap': D, 'table-hide': D, 'table-order': D, 'table-noextreme': D, 'table-columns-limit': D, tree: D, 'tree-id': D, 'tree-parent': D } });
const PASTE = table({ flags: 'sz', values: { d: D }, longFlags: 'serial zero-terminated', longValues: { delimiters: D } });
const JOIN = table({ flags: 'iz', values: { a: D, e: D, j: D, o: D, t: D, v: D, '1': D, '2': D }, longFlags: 'ignore-case check-order nocheck-order header zero-terminated' });
const FOLD = table({ flags: 'bs', values: { w: D }, longFlags: 'bytes spaces', longValues: { width: D }, numeric: true });
const FMT = table({ flags: 'cstu', values: { p: D, w: D, g: D }, longFlags: 'crown-margin split-only tagged-paragraph uniform-spacing', longValues: { prefix: D, width: D, goal: D }, numeric: true });
const EXPAND = table({ flags: 'ia', values: { t: D }, longFlags: 'initial all first-only', longValues: { tabs: D }, numeric: true });
const COMM = table({ flags: '123iz', longFlags: 'check-order nocheck-order total zero-terminated', longValues: { 'output-delimiter': D } });
const NL = table({
  flags: 'p',
  values: { b: D, d: D, f: D, h: D, i: D, l: D, n: D, s: D, v: D, w: D },
  longFlags: 'no-renumber',
  longValues: { 'body-numbering': D, 'section-delimiter': D, 'footer-numbering': D, 'header-numbering': D, 'line-increment': D, 'join-blank-lines': D, 'number-format': D, 'number-separator': D, 'starting-line-number': D, 'number-width': D },
});
const TAC = table({ flags: 'br', values: { s: D }, longFlags: 'before regex', longValues: { separator: D } });
const DIFF = table({
  flags: 'aBbdEeifHilNnpPqrsTtuwyZcu',
  values: { C: D, U: D, D: D, F: D, I: D, L: D, S: D, W: D, x: D, X: R },
  longFlags:
    'text ignore-blank-lines ignore-space-change minimal ignore-tab-expansion ed forward-ed speed-large-files ignore-case ' +
    'ignore-file-name-case no-ignore-file-name-case paginate new-file rcs show-c-function unidirectional-new-file brief recursive ' +
    'report-identical-files initial-tab expand-tabs unified ignore-all-space side-by-side ignore-trailing-space left-column ' +
    'suppress-common-lines suppress-blank-empty strip-trailing-cr no-dereference',
  longValues: {
    context: optional(D), unified: optional(D), ifdef: D, 'show-function-line': D, 'ignore-matching-lines': D, label: D, 'starting-file': D,
    width: D, exclude: D, 'exclude-from': R, 'from-file': R, 'to-file': R, 'horizon-lines': D, 'tabsize': D, color: optional(D), palette: D,
    'line-format': D, 'old-line-format': D, 'new-line-format': D, 'unchanged-line-format': D, 'old-group-format': D, 'new-group-format': D,
    'unchanged-group-format': D, 'changed-group-format': D,
  },
  numeric: true,
});
const CMP = table({ flags: 'blsv', values: { i: D, n: D }, longFlags: 'print-bytes verbose quiet silent', longValues: { 'ignore-initial': D, bytes: D } });
const SUM = table({ flags: 'bctwzq', values: { a: D, l: D }, longFlags: 'binary check tag text ignore-missing quiet status strict warn zero untagged base64 raw', longValues: { algorithm: D, length: D } });
const BASE64 = table({ flags: 'diD', values: { w: D, b: D }, longFlags: 'decode ignore-garbage', longValues: { wrap: D, input: R, output: W } });
const OD = table({ flags: 'bcdfilosvx', values: { A: D, j: D, N: D, S: D, t: D, w: optional(D) }, longFlags: 'output-duplicates traditional', longValues: { 'address-radix': D, endian: D, 'skip-bytes': D, 'read-bytes': D, strings: optional(D), format: D, width: optional(D) } });
const HEXDUMP = table({ flags: 'bcCdovx', values: { e: D, f: R, n: D, s: D }, longFlags: 'canonical one-byte-octal one-byte-char two-bytes-decimal two-bytes-octal two-bytes-hex no-squeezing', longValues: { format: D, 'format-file': R, length: D, skip: D, color: optional(D) } });
const STRINGS = table({ flags: 'adfowTD', values: { n: D, t: D, e: D, s: D }, longFlags: 'all data print-file-name include-all-whitespace unicode', longValues: { bytes: D, radix: D, encoding: D, 'output-separator': D, target: D }, numeric: true });
const FILE = table({ flags: 'bcEhiklLNnprsvzZ0S', values: { e: D, F: D, f: R, m: R, P: D }, longFlags: 'brief debug no-dereference dereference mime mime-type mime-encoding keep-going list no-buffer no-pad preserve-date raw special-files uncompress uncompress-noreport print0 extension apple no-sandbox', longValues: { exclude: D, 'exclude-quiet': D, separator: D, 'files-from': R, magic: R, parameter: D } });
const REALPATH = table({ flags: 'emLPqsz', longFlags: 'canonicalize-existing canonicalize-missing logical physical quiet strip no-symlinks zero', longValues: { 'relative-to': M, 'relative-base': M } });
const READLINK = table({ flags: 'femnqsvz', longFlags: 'canonicalize canonicalize-existing canonicalize-missing no-newline quiet silent verbose zero' });
const BASENAME = table({ flags: 'az', values: { s: D }, longFlags: 'multiple zero', longValues: { suffix: D } });
const SEQ = table({ flags: 'w', values: { f: D, s: D, t: D }, longFlags: 'equal-width', longValues: { format: D, separator: D, terminator: D }, numeric: true });
const WHICH = table({ flags: 'asi', longFlags: 'all skip-alias skip-dot skip-tilde show-dot show-tilde tty-only read-alias read-functions skip-functions' });
const JUST_FLAGS = (flags = '', longFlags = ''): SimpleTool => ({ options: table({ flags, longFlags }), operands: 'none' });

const JQ: SimpleTool = {
  options: table({
    flags: 'nrjasCMSceRh0Vb',
    values: { f: R, L: D },
    longFlags: 'null-input raw-output raw-output0 join-output ascii-output slurp compact-output color-output monochrome-output sort-keys exit-status raw-input tab seq stream stream-errors unbuffered args jsonargs',
    longValues: { 'from-file': R, indent: D, arg: { value: 'required', role: 'data' }, argjson: { value: 'required', role: 'data' }, slurpfile: { value: 'required', role: 'data' }, rawfile: { value: 'required', role: 'data' } },
  }),
  operands: 'data',
  refine(parsed, f, args) {
    // --arg, --argjson, --slurpfile and --rawfile take two words: a name and a value (a file for the last two).
    for (const o of parsed.options) {
      if (!['--arg', '--argjson', '--slurpfile', '--rawfile'].includes(o.name)) continue;
      // jq has no `--opt=value` spelling: which word is the file is not clear.
      if (args[o.index]?.value.includes('=') || args[o.index]?.value !== o.name) f.unknown ??= `jq ${args[o.index]?.text ?? o.name} is not a spelling jq reads`;
      const second = args[o.index + 2];
      if (o.name === '--slurpfile' || o.name === '--rawfile') {
        if (second) f.effects.push({ op: 'read', word: second });
      }
    }
    const ops = words(parsed).filter((w) => !parsed.options.some((o) => ['--arg', '--argjson', '--slurpfile', '--rawfile'].includes(o.name) && args[o.index + 2] === w));
    const filterGiven = has(parsed, '-f', '--from-file');
    // A program from a file may import modules and JSON data from anywhere (`import "x" as $c {search: "~"}`).
    if (filterGiven) f.unknown ??= 'jq -f runs a program from a file, which Airlock does not read (it may import files)';
    const program = filterGiven ? undefined : ops[0];
    if (program && jqImports(program.value)) f.unknown ??= 'the jq program imports modules or JSON data from files (import, include, modulemeta), which Airlock does not follow';
    const files = filterGiven ? ops : ops.slice(1);
    if (has(parsed, '--args', '--jsonargs')) return; // the rest are data
    for (const w of files) if (w.value !== '-') f.effects.push({ op: 'read', word: w });
    if (program && /\$ENV|\benv\b/.test(program.value)) f.emitsEnv = true;
  },
};

/** jq's `import "PATH" …;` and `include "PATH";` load files found on the library path; `modulemeta` reads them too. */
function jqImports(program: string): boolean {
  return /(^|[^.$\w"])(import|include)\s*("|#)|(^|[^.$\w])modulemeta\b|get_search_list/.test(program);
}

/** The read-only tools Airlock models, by name. */
export const READ_ONLY_TOOLS: Readonly<Record<string, SimpleTool>> = {
  cat: { options: CAT, operands: 'read' },
  tac: { options: TAC, operands: 'read' },
  head: { options: HEAD, operands: 'read' },
  tail: { options: TAIL, operands: 'read' },
  nl: { options: NL, operands: 'read' },
  wc: { options: WC, operands: 'read' },
  grep: GREP,
  egrep: GREP,
  fgrep: GREP,
  rg: RG,
  ls: { options: LS, operands: 'meta' },
  dir: { options: LS, operands: 'meta' },
  vdir: { options: LS, operands: 'meta' },
  stat: { options: STAT, operands: 'meta' },
  du: { options: DU, operands: 'meta' },
  df: { options: DF, operands: 'meta' },
  tree: TREE,
  file: { options: FILE, operands: 'meta' },
  realpath: { options: REALPATH, operands: 'meta' },
  readlink: { options: READLINK, operands: 'meta' },
  basename: { options: BASENAME, operands: 'data' },
  dirname: { options: table({ flags: 'z', longFlags: 'zero' }), operands: 'data' },
  pwd: { options: table({ flags: 'LP' }), operands: 'none' },
  echo: ECHO,
  printf: PRINTF,
  test: TEST,
  '[': TEST,
  true: { options: table({}), operands: 'data', dynamicOk: true, rawOperands: true },
  false: { options: table({}), operands: 'data', dynamicOk: true, rawOperands: true },
  ':': { options: table({}), operands: 'data', dynamicOk: true, rawOperands: true },
  sleep: { options: table({}), operands: 'data' },
  yes: { options: table({}), operands: 'data', dynamicOk: true, rawOperands: true },
  seq: { options: SEQ, operands: 'data' },
  date: DATE,
  hostname: HOSTNAME,
  uname: { options: UNAME, operands: 'none' },
  whoami: JUST_FLAGS(),
  id: { options: table({ flags: 'aZgGnruz', longFlags: 'context group groups name real user zero' }), operands: 'data' },
  groups: { options: table({}), operands: 'data' },
  nproc: { options: table({ longFlags: 'all', longValues: { ignore: D } }), operands: 'none' },
  arch: JUST_FLAGS(),
  tty: JUST_FLAGS('s', 'silent quiet'),
  locale: { options: table({ flags: 'akmcv', longFlags: 'all-locales charmaps category-name keyword-name verbose' }), operands: 'data' },
  uptime: JUST_FLAGS('psV', 'pretty since'),
  which: { options: WHICH, operands: 'data' },
  whereis: { options: table({ flags: 'bmsulgS', values: { B: D, M: D, f: D } }), operands: 'data' },
  sort: SORT,
  uniq: UNIQ,
  cut: { options: CUT, operands: 'read' },
  tr: TR,
  column: { options: COLUMN, operands: 'read' },
  paste: { options: PASTE, operands: 'read' },
  join: { options: JOIN, operands: 'read' },
  fold: { options: FOLD, operands: 'read' },
  fmt: { options: FMT, operands: 'read' },
  expand: { options: EXPAND, operands: 'read' },
  unexpand: { options: EXPAND, operands: 'read' },
  comm: { options: COMM, operands: 'read' },
  diff: { options: DIFF, operands: 'read', refine: recursiveOperands('-r', '--recursive') },
  cmp: { options: CMP, operands: 'read' },
  md5sum: { options: SUM, operands: 'read' },
  sha1sum: { options: SUM, operands: 'read' },
  sha224sum: { options: SUM, operands: 'read' },
  sha256sum: { options: SUM, operands: 'read' },
  sha384sum: { options: SUM, operands: 'read' },
  sha512sum: { options: SUM, operands: 'read' },
  b2sum: { options: SUM, operands: 'read' },
  cksum: { options: SUM, operands: 'read' },
  shasum: { options: table({ flags: 'bctUp0', values: { a: D }, longFlags: 'binary check text universal portable tag status quiet warning strict ignore-missing', longValues: { algorithm: D } }), operands: 'read' },
  base64: { options: BASE64, operands: 'read' },
  base32: { options: BASE64, operands: 'read' },
  od: { options: OD, operands: 'read' },
  hexdump: { options: HEXDUMP, operands: 'read' },
  strings: { options: STRINGS, operands: 'read' },
  jq: JQ,
};

/** Operands read recursively when one of `flags` is given (`diff -r`). */
function recursiveOperands(...flags: string[]): SimpleTool['refine'] {
  return (parsed, f) => {
    if (!has(parsed, ...flags)) return;
    f.effects = f.effects.map((e) => (e.op === 'read' && e.word ? { ...e, recursive: true } : e));
  };
}

/** `xxd`: reads its input; a second operand is the output file it writes (`xxd -r hex out`). */
export const XXD: SimpleTool = {
  options: table({ flags: 'abCEeipruRdh', values: { c: D, g: D, l: D, o: D, s: D, n: D }, longFlags: 'autoskip bits capitalize ebcdic include postscript plain ps revert uppercase decimal', longValues: { cols: D, groupsize: D, len: D, offset: D, seek: D, name: D }, singleDashLong: false }),
  operands: 'data',
  refine(parsed, f) {
    const [input, output] = words(parsed);
    if (input && input.value !== '-') f.effects.push({ op: 'read', word: input });
    if (output && output.value !== '-') {
      f.effects.push({ op: 'write', word: output });
      f.readonly = false;
    }
  },
};

/** Reads only `-` flags; e.g. `tee` is not here (it writes). */
export function isReadOnlyTool(name: string): boolean {
  return name in READ_ONLY_TOOLS || name === 'xxd';
}

export { valueOf };
