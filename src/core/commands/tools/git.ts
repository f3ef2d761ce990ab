/**
 * git, modelled subcommand by subcommand. What git does to the working tree is captured by the shadow
 * history like any other command; what matters here is what leaves it (pushes, deleted branches and
 * stashes, ignored files cleaned), what runs code (configuration given on the command line or in the
 * environment, hooks, `--exec`, `--upload-pack`), and what writes git's own configuration.
 */
import type { CommandFacts, Effect } from '../facts';
import { has, optional, parseOptions, sliceWord, table, valueOf, type OptionTable, type ParsedArgs } from '../options';
import type { WordValue } from '../words';

const D = 'data' as const;
const R = 'read' as const;
const W = 'write' as const;

const GLOBAL = table({
  flags: 'pPv',
  values: { C: 'cwd', c: D },
  longFlags: 'paginate no-pager no-replace-objects no-lazy-fetch no-optional-locks no-advice bare literal-pathspecs glob-pathspecs noglob-pathspecs icase-pathspecs html-path man-path info-path',
  longValues: { 'git-dir': D, 'work-tree': D, namespace: D, 'config-env': D, 'exec-path': optional(D), 'super-prefix': D, 'list-cmds': D, 'attr-source': D },
  stopAtOperand: true,
  abbreviations: false,
});

/**
 * `git -c KEY=VALUE` keys that cannot make git run anything, read or write a file, or reach another
 * repository. Git's section and key names are case-insensitive (`Pager.Log` is `pager.log`), so the
 * match is too. Left out on purpose: `pager.*` and `core.pager` (run a program), `format.*`
 * (`format.signatureFile` reads a file, `format.outputDirectory` writes one), `blame.ignoreRevsFile`,
 * `commit.template`, `grep.fallbackToNoIndex`, `safe.directory`, and anything else naming a file or a program.
 */
const SAFE_CONFIG =
  /^(color(\.[a-z0-9.-]+)?|user\.(name|email)|init\.defaultbranch|advice\.[a-z0-9]+|core\.(quotepath|autocrlf|safecrlf|abbrev)|log\.(abbrevcommit|date|decorate|follow|graphcolors|showroot|initialdecorationset|excludedecoration)|diff\.(renames|algorithm|relative|nopath|statgraphwidth|colormoved|colormovedws|indentheuristic|mnemonicprefix|noprefix|context|interhunkcontext|suppressblankempty|renamelimit|statnamewidth|dirstat|submodule|srcprefix|dstprefix)|merge\.(conflictstyle|ff|stat|log)|pull\.(rebase|ff)|push\.(default|autosetupremote)|commit\.(verbose|cleanup|status)|status\.(short|branch|showstash|relativepaths|showuntrackedfiles|aheadbehind|renames|renamelimit|submodulesummary|displaycommentprefix)|branch\.(sort|autosetupmerge)|column\.[a-z]+|protocol\.version|gc\.auto|maintenance\.auto|fetch\.(prune|prunetags|parallel)|rebase\.(autosquash|autostash|stat)|tag\.sort|blame\.(coloring|date|showemail|showroot|blankboundary|markunblamablelines|markignoredlines)|grep\.(linenumber|column|patterntype|extendedregexp|fullname)|i18n\.(commitencoding|logoutputencoding)|feature\.(manyfiles|experimental)|index\.(threads|version)|help\.autocorrect)$/i;

/** Why a `KEY=VALUE` given to `git -c` or `git clone -c/--config` is not known to be harmless, or undefined. */
function unsafeConfig(w: WordValue): string | undefined {
  const key = (w.value.split('=')[0] ?? '').trim();
  if (w.dynamic) return `git configuration ${w.text} is only known when the command runs`;
  if (SAFE_CONFIG.test(key)) return undefined;
  return `git -c ${w.text} sets configuration that can make git run other programs or read and write files (${/^(core|alias|pager|format|protocol|url|credential|include|includeif)\./i.test(key) ? key : 'not a setting Airlock knows to be harmless'})`;
}

/** `ext::sh -c …`, `fd::3`, `foo::url`: a remote helper transport, which runs a program of its own. */
function transportUnknown(words: readonly WordValue[]): string | undefined {
  const w = words.find((x) => x.dynamic || /^[A-Za-z][A-Za-z0-9+.-]*::/.test(x.value));
  if (!w) return undefined;
  if (w.dynamic) return `the repository ${w.text} is only known when the command runs (a transport such as ext:: runs commands)`;
  return `the repository ${w.text} uses a remote helper transport, which runs a program (ext:: runs any command)`;
}

const DIFF_OPTS =
  'p u s patch no-patch raw patch-with-raw patch-with-stat stat numstat shortstat dirstat summary name-only name-status check ' +
  'full-index binary abbrev no-abbrev minimal patience histogram no-renames find-renames find-copies find-copies-harder irreversible-delete ' +
  'text ignore-cr-at-eol ignore-space-at-eol ignore-space-change ignore-all-space ignore-blank-lines function-context exit-code quiet ' +
  'no-ext-diff ext-diff textconv no-textconv ignore-submodules src-prefix dst-prefix no-prefix default-prefix color no-color word-diff ' +
  'color-words color-moved no-color-moved indent-heuristic no-indent-heuristic compact-summary cached staged merge-base no-index ' +
  'relative no-relative cumulative ita-invisible-in-index ita-visible-in-index R a b w W z';

const LOG_OPTS =
  'oneline graph all branches tags remotes decorate no-decorate source mailmap no-mailmap use-mailmap full-diff log-size follow ' +
  'first-parent merges no-merges reverse walk-reflogs g reflog not boundary simplify-by-decoration full-history dense sparse ' +
  'simplify-merges ancestry-path show-pulls left-right cherry-mark cherry-pick cherry left-only right-only topo-order date-order ' +
  'author-date-order parents children abbrev-commit no-abbrev-commit show-signature relative-date show-notes no-notes standard-notes ' +
  'no-standard-notes expand-tabs no-expand-tabs regexp-ignore-case i basic-regexp extended-regexp E fixed-strings F perl-regexp P ' +
  'all-match invert-grep remove-empty no-walk do-walk single-worktree bisect stdin no-min-parents no-max-parents show-linear-break ' +
  'count m c cc dd combined-all-paths first-parent-diff diff-merges no-diff-merges remerge-diff t show-origin name-only';

const LOG_VALUES = [
  'n', 'max-count', 'skip', 'since', 'after', 'until', 'before', 'author', 'committer', 'grep', 'grep-reflog', 'S', 'G', 'L', 'format',
  'pretty', 'date', 'decorate-refs', 'decorate-refs-exclude', 'min-parents', 'max-parents', 'exclude', 'glob', 'since-as-filter',
  'encoding', 'notes', 'show-linear-break', 'abbrev', 'U', 'unified', 'inter-hunk-context', 'output-indicator-new', 'output-indicator-old',
  'output-indicator-context', 'stat-width', 'stat-name-width', 'stat-count', 'stat-graph-width', 'dirstat', 'diff-filter', 'diff-algorithm',
  'anchored', 'M', 'C', 'B', 'l', 'O', 'relative', 'ignore-matching-lines', 'I', 'find-object', 'pickaxe-regex', 'pickaxe-all', 'submodule',
  'color-moved-ws', 'word-diff-regex', 'ws-error-highlight', 'line-prefix', 'src-prefix', 'dst-prefix', 'ignore-submodules', 'break-rewrites',
  'find-renames', 'find-copies', 'rename-empty', 'diff-merges', 'color', 'word-diff', 'color-moved', 'color-words', 'abbrev-commit',
];

/** A table from space-separated flags and value names (short names are one letter). */
function gitTable(flags: string, values: readonly string[], extraValues: Readonly<Record<string, 'data' | 'read' | 'write' | 'exec' | 'unknown'>> = {}): OptionTable {
  const shortFlags = flags.split(/\s+/).filter((f) => f.length === 1).join('');
  const longFlags = flags.split(/\s+/).filter((f) => f.length > 1).join(' ');
  const shortValues: Record<string, 'data'> = {};
  const longValues: Record<string, ReturnType<typeof optional> | 'data' | 'read' | 'write' | 'exec' | 'unknown'> = {};
  for (const v of values) {
    if (v.length === 1) shortValues[v] = D;
    // Long options that git spells with an optional value (`--stat[=…]`, `--color[=…]`, `--abbrev[=…]`) stay flags and take `=value`.
    else longValues[v] = optional(D);
  }
  for (const [k, role] of Object.entries(extraValues)) {
    if (k.length === 1) (shortValues as Record<string, string>)[k] = role;
    else longValues[k] = role;
  }
  const t = table({ flags: shortFlags, values: shortValues, longFlags, longValues, numeric: true });
  // Long options that take a required value in a separate word.
  const required = new Set(['n', 'max-count', 'skip', 'since', 'after', 'until', 'before', 'author', 'committer', 'grep', 'S', 'G', 'L', 'format', 'pretty', 'exclude', 'glob', 'U', 'unified']);
  const long = { ...t.long };
  for (const k of Object.keys(long)) if (required.has(k)) long[k] = { value: 'required', role: 'data' };
  return { ...t, long };
}

const DIFF_TABLE = gitTable(`${DIFF_OPTS} ${LOG_OPTS}`, LOG_VALUES, { output: W, 'output-directory': W, o: W });
const STATUS_TABLE = table({
  flags: 'sbvuz',
  values: { u: optional(D) },
  longFlags: 'short branch show-stash long verbose null no-renames renames ahead-behind no-ahead-behind porcelain',
  longValues: { porcelain: optional(D), 'untracked-files': optional(D), 'ignore-submodules': optional(D), ignored: optional(D), column: optional(D), 'no-column': optional(D), 'find-renames': optional(D) },
});
const ADD_TABLE = table({
  flags: 'nvfiApuNe',
  longFlags: 'dry-run verbose force interactive patch edit all no-all ignore-removal no-ignore-removal update intent-to-add refresh ignore-errors ignore-missing renormalize sparse no-warn-embedded-repo',
  longValues: { chmod: D, 'pathspec-from-file': R, 'pathspec-file-nul': D },
});
const COMMIT_TABLE = table({
  flags: 'aepqvsnz',
  values: { m: D, F: R, C: D, c: D, t: R, u: optional(D) },
  longFlags: 'all patch interactive short branch porcelain long null signoff no-signoff no-verify verify allow-empty allow-empty-message edit no-edit amend no-post-rewrite include only status no-status quiet dry-run verbose reset-author no-gpg-sign trailer',
  longValues: { message: D, file: R, 'reuse-message': D, 'reedit-message': D, fixup: D, squash: D, author: D, date: D, template: R, cleanup: D, 'untracked-files': optional(D), 'gpg-sign': optional(D), 'pathspec-from-file': R, trailer: D },
});
const CHECKOUT_TABLE = table({
  flags: 'qfmpbBl',
  values: { b: D, B: D },
  longFlags: 'quiet force merge detach guess no-guess track no-track orphan ours theirs patch ignore-skip-worktree-bits overwrite-ignore no-overwrite-ignore recurse-submodules no-recurse-submodules overlay no-overlay progress no-progress create force-create discard-changes',
  longValues: { orphan: D, conflict: D, 'pathspec-from-file': R, track: optional(D), create: D, 'force-create': D, source: D, staged: optional(D), worktree: optional(D), c: D, C: D },
});
const RESTORE_TABLE = table({ flags: 'pWSqm', values: { s: D }, longFlags: 'patch worktree staged quiet progress no-progress ours theirs merge ignore-unmerged ignore-skip-worktree-bits overlay no-overlay recurse-submodules no-recurse-submodules', longValues: { source: D, conflict: D, 'pathspec-from-file': R } });
const SWITCH_TABLE = table({ flags: 'cCdfmq', values: { c: D, C: D }, longFlags: 'detach guess no-guess force discard-changes merge quiet progress no-progress track no-track ignore-other-worktrees recurse-submodules no-recurse-submodules', longValues: { create: D, 'force-create': D, orphan: D, conflict: D, track: optional(D) } });
const BRANCH_TABLE = table({
  flags: 'dDmMcCfrailvqt',
  values: { u: D },
  longFlags: 'delete create-reflog force move copy remotes all list show-current verbose quiet no-abbrev no-column merged no-merged edit-description omit-empty unset-upstream ignore-case track no-track recurse-submodules',
  longValues: { 'set-upstream-to': D, contains: optional(D), 'no-contains': optional(D), merged: optional(D), 'no-merged': optional(D), 'points-at': D, format: D, sort: D, abbrev: optional(D), color: optional(D), column: optional(D), track: optional(D) },
});
const RESET_TABLE = table({ flags: 'qpNU', longFlags: 'soft mixed hard merge keep quiet patch no-refresh refresh recurse-submodules no-recurse-submodules intent-to-add', longValues: { 'pathspec-from-file': R } });
const STASH_TABLE = table({ flags: 'pkuaqmS', values: { m: D }, longFlags: 'patch keep-index no-keep-index include-untracked all quiet staged index only-untracked', longValues: { message: D, 'pathspec-from-file': R } });
const RM_TABLE = table({ flags: 'fnrq', longFlags: 'force dry-run cached ignore-unmatch quiet sparse', longValues: { 'pathspec-from-file': R } });
const MV_TABLE = table({ flags: 'fknv', longFlags: 'force dry-run verbose sparse' });
const MERGE_TABLE = table({
  flags: 'nsvqe',
  values: { m: D, F: R, s: D, X: D, S: optional(D) },
  longFlags: 'commit no-commit edit no-edit ff no-ff ff-only log no-log stat no-stat squash no-squash verify no-verify verify-signatures no-verify-signatures summary no-summary quiet verbose progress no-progress autostash no-autostash allow-unrelated-histories rerere-autoupdate no-rerere-autoupdate abort quit continue signoff no-signoff',
  longValues: { message: D, file: R, strategy: D, 'strategy-option': D, cleanup: D, into: D, 'into-name': D, 'gpg-sign': optional(D), log: optional(D) },
});
const REBASE_TABLE = table({
  flags: 'imqvnfS',
  values: { s: D, X: D, x: 'exec', C: D },
  longFlags: 'continue abort quit skip edit-todo show-current-patch apply merge quiet verbose stat no-stat no-verify verify force-rebase no-ff fork-point no-fork-point ignore-whitespace whitespace committer-date-is-author-date ignore-date signoff interactive rebase-merges no-rebase-merges autosquash no-autosquash autostash no-autostash reschedule-failed-exec no-reschedule-failed-exec update-refs no-update-refs root keep-base keep-empty no-keep-empty reapply-cherry-picks no-reapply-cherry-picks allow-empty-message empty',
  longValues: { onto: D, strategy: D, 'strategy-option': D, exec: 'exec', 'gpg-sign': optional(D), whitespace: D, empty: D, 'rebase-merges': optional(D) },
});
const FETCH_TABLE = table({
  flags: 'aAfkmnpPqtuv46',
  values: { j: D, o: D },
  longFlags: 'all append atomic dry-run force keep multiple prefetch prune prune-tags no-tags tags refetch recurse-submodules no-recurse-submodules quiet verbose progress update-head-ok set-upstream write-fetch-head no-write-fetch-head show-forced-updates no-show-forced-updates auto-maintenance no-auto-maintenance auto-gc no-auto-gc unshallow update-shallow ipv4 ipv6 porcelain rebase no-rebase ff no-ff ff-only autostash no-autostash squash no-squash commit no-commit edit no-edit stat no-stat log no-log',
  longValues: { depth: D, 'shallow-since': D, 'shallow-exclude': D, deepen: D, 'negotiation-tip': D, jobs: D, 'server-option': D, 'recurse-submodules': optional(D), 'refmap': D, filter: D, rebase: optional(D), strategy: D, 'strategy-option': D, 'upload-pack': 'exec' },
});
const PUSH_TABLE = table({
  flags: 'fnquv46',
  values: { o: D },
  longFlags: 'all branches mirror tags follow-tags atomic no-atomic dry-run porcelain delete prune force force-if-includes no-force-if-includes set-upstream u quiet verbose progress no-verify verify thin no-thin signed no-signed ipv4 ipv6',
  longValues: { 'force-with-lease': optional(D), repo: D, 'push-option': D, 'recurse-submodules': D, signed: optional(D), 'receive-pack': 'exec', exec: 'exec' },
});
const CLONE_TABLE = table({
  flags: 'lsqvn',
  values: { o: D, b: D, u: 'exec', c: D, j: D },
  longFlags: 'local no-local shared no-hardlinks quiet verbose progress no-checkout bare mirror single-branch no-single-branch no-tags recurse-submodules shallow-submodules no-shallow-submodules remote-submodules no-remote-submodules sparse reject-shallow no-reject-shallow also-filter-submodules dissociate',
  longValues: { origin: D, branch: D, 'upload-pack': 'exec', template: 'unknown', config: D, depth: D, 'shallow-since': D, 'shallow-exclude': D, 'separate-git-dir': W, reference: D, 'reference-if-able': D, jobs: D, filter: D, 'server-option': D, 'ref-format': D, 'bundle-uri': D, revision: D },
});
const TAG_TABLE = table({ flags: 'adfsvlniem', values: { m: D, F: R, u: D }, longFlags: 'annotate sign no-sign delete force list verify ignore-case omit-empty no-column edit no-edit', longValues: { message: D, file: R, 'local-user': D, contains: optional(D), 'no-contains': optional(D), merged: optional(D), 'no-merged': optional(D), 'points-at': optional(D), sort: D, format: D, column: optional(D), color: optional(D), cleanup: D, n: optional(D) } });
const REMOTE_TABLE = table({ flags: 'v', longFlags: 'verbose' });
const SIMPLE_READ = table({
  flags: 'lzqtrdsvcmeoiknpSwHCLaAbcfgux',
  values: { n: D, L: D, M: optional(D), C: optional(D), S: R },
  longFlags:
    'cached deleted modified others ignored stage directory no-empty-directory unmerged killed exclude-standard full-name recurse-submodules ' +
    'error-unmatch long tags all always dirty broken contains exact-match first-parent debug name-only name-status full-tree only-trees ' +
    'porcelain incremental root show-stats show-name show-number show-email score-debug line-porcelain count line-number break heading ' +
    'files-with-matches files-without-match null count no-index untracked no-recursive recursive ignore-case word-regexp invert-match ' +
    'extended-regexp basic-regexp fixed-strings perl-regexp all-match and or not function-context show-function quiet verify symbolic ' +
    'symbolic-full-name short abbrev-ref show-toplevel show-prefix show-cdup git-dir git-common-dir absolute-git-dir is-inside-git-dir ' +
    'is-inside-work-tree is-bare-repository is-shallow-repository shared-index-path local-env-vars show-object-format sq quiet default ' +
    'summary numbered email committer group merges no-merges reverse parents pretty oneline batch batch-check batch-all-objects textconv filters ' +
    'follow-symlinks unordered buffer allow-unknown-type mailmap use-mailmap independent fork-point octopus is-ancestor exclude-per-directory ' +
    'exclude-existing',
  longValues: {
    abbrev: optional(D), match: D, exclude: D, candidates: D, 'dirty': optional(D), 'broken': optional(D), format: D, contents: R, since: D,
    until: D, 'max-depth': D, 'threads': D, 'after-context': D, 'before-context': D, context: D, 'max-count': D, e: D, f: R, 'show-ref-format': D,
    'open-files-in-pager': 'exec', O: 'exec', 'ignore-rev': D, 'ignore-revs-file': R, 'exclude-from': R, 'path-format': D, 'since-as-filter': D,
    group: D, 'short': optional(D), 'batch': optional(D), 'batch-check': optional(D), 'batch-command': optional(D),
  },
  numeric: true,
});
/** git grep: SIMPLE_READ with grep's own short options (`-e PATTERN`, `-f FILE` reads patterns, `-O` runs a pager). */
const GREP_TABLE: OptionTable = {
  ...SIMPLE_READ,
  short: { ...SIMPLE_READ.short, e: { value: 'required', role: D }, f: { value: 'required', role: R }, A: { value: 'required', role: D }, B: { value: 'required', role: D }, C: { value: 'required', role: D }, m: { value: 'required', role: D }, O: { value: 'optional', role: 'exec' } },
  long: { ...SIMPLE_READ.long, 'open-files-in-pager': { value: 'optional', role: 'exec' } },
};
const CONFIG_READ = table({
  flags: 'lze',
  values: { f: R },
  longFlags: 'list global system local worktree null name-only show-origin show-scope includes no-includes get get-all get-regexp get-urlmatch get-color get-colorbool',
  longValues: { file: R, blob: D, type: D, default: D },
});
const APPLY_TABLE = table({ flags: 'pRvzC', values: { p: D, C: D }, longFlags: 'stat numstat summary check index cached intent-to-add 3way reject reverse unidiff-zero apply no-add allow-binary-replacement binary ignore-space-change ignore-whitespace inaccurate-eof verbose quiet recount allow-empty', longValues: { exclude: D, include: D, directory: D, whitespace: D, 'build-fake-ancestor': W } });
const CHERRY_TABLE = table({ flags: 'enxsSm', values: { m: D, X: D }, longFlags: 'edit no-edit no-commit signoff ff allow-empty allow-empty-message keep-redundant-commits continue skip quit abort', longValues: { mainline: D, strategy: D, 'strategy-option': D, 'gpg-sign': optional(D), cleanup: D, empty: D } });
const CLEAN_TABLE = table({ flags: 'dfinqxXe', values: { e: D }, longFlags: 'force interactive dry-run quiet', longValues: { exclude: D } });
const INIT_TABLE = table({ flags: 'qb', values: { b: D }, longFlags: 'quiet bare', longValues: { template: 'unknown', 'separate-git-dir': W, 'object-format': D, 'ref-format': D, 'initial-branch': D, shared: optional(D) } });
const WORKTREE_LIST = table({ flags: 'vz', longFlags: 'porcelain verbose', longValues: { expire: D } });

const READ_ONLY_SUBS = new Set([
  'status', 'diff', 'log', 'show', 'blame', 'annotate', 'ls-files', 'ls-tree', 'rev-parse', 'rev-list', 'describe', 'shortlog', 'grep',
  'cat-file', 'merge-base', 'name-rev', 'count-objects', 'whatchanged', 'help', 'version', 'show-ref', 'for-each-ref', 'var', 'check-ignore',
  'check-attr', 'diff-tree', 'diff-files', 'diff-index', 'cherry', 'range-diff', 'verify-commit', 'verify-tag', 'show-branch',
]);

/** Subcommands that may run the repository's hooks (and with `core.hooksPath`, code an agent can write). */
const HOOK_SUBS = new Set(['commit', 'merge', 'rebase', 'cherry-pick', 'revert', 'am', 'checkout', 'switch', 'pull', 'push', 'clone', 'gc', 'worktree']);

/** A word made of part of another (`.env` of `HEAD:.env`). */
function partOf(w: WordValue, offset: number): WordValue {
  return sliceWord(w, offset);
}

/** Where the path of `REV:path` (or `:path`, `:2:path`) starts, or -1: the first `:` outside `@{…}`. */
function revPathColon(value: string): number {
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (c === ':' && depth === 0) return i;
  }
  return -1;
}

/**
 * The files an operand of a git command that shows content may read: `REV:path` and `:path` read that
 * path's content (from history, which Airlock's policy decides like the file itself), a pathspec reads
 * the files it names, a wildcard pathspec (`'*.env'`, where git's `*` also matches `/`) the files below its
 * folder that it may match. A revision read as a path reads nothing that exists.
 */
function pathspecReads(words: readonly WordValue[], note: (why: string | undefined) => void, asPathspec = false): Effect[] {
  const out: Effect[] = [];
  for (const w of words) {
    if (w.value === '' || w.value === '-') continue;
    if (w.dynamic) {
      out.push({ op: 'read', word: w });
      continue;
    }
    let word = w;
    if (w.value.startsWith(':')) {
      // Pathspec magic: exclusions narrow what is read; other magic (icase, attr, glob) Airlock does not follow.
      if (/^:(!|\^|\(exclude\))/.test(w.value) || /^:\((?:exclude|top|literal)(?:,(?:exclude|top|literal))*\)/.test(w.value) && /exclude/.test(w.value)) continue;
      if (w.value.startsWith(':(')) {
        const close = w.value.indexOf(')');
        const magic = close === -1 ? '' : w.value.slice(2, close);
        if (!/^(top|literal)(,(top|literal))*$/.test(magic)) {
          note(`the git pathspec ${w.text} uses magic Airlock does not model`);
          continue;
        }
        word = partOf(w, close + 1);
      } else if (w.value.startsWith(':/')) word = partOf(w, 2);
      else if (/^:[0-3]:/.test(w.value)) word = partOf(w, 3);
      else word = partOf(w, 1);
    } else if (!asPathspec) {
      const colon = revPathColon(w.value);
      if (colon !== -1) word = partOf(w, colon + 1);
    }
    if (word.value === '' || word.value === '.' || word.value === './') continue;
    if (/[*?[]/.test(word.value) && !word.glob) {
      // A wildcard pathspec: everything below its fixed folder that the wildcard may match.
      const fixed = word.value.slice(0, word.value.search(/[*?[]/));
      const dir = fixed.includes('/') ? fixed.slice(0, fixed.lastIndexOf('/')) || '/' : '.';
      const last = word.value.slice(word.value.lastIndexOf('/') + 1);
      const lastOnly = word.value.lastIndexOf('/') < fixed.length;
      const filter = lastOnly && /^\*[^*?[/]*$/.test(last) ? { include: [last] } : undefined;
      out.push({ op: 'read', word: { text: dir, value: dir, glob: false, brace: false }, recursive: true, ...(filter ? { filter } : {}) });
      continue;
    }
    out.push({ op: 'read', word });
  }
  return out;
}

function opsOf(p: ParsedArgs): WordValue[] {
  return p.operands.map((o) => o.word);
}

/** Facts about `git ARGS…`. */
export function gitFacts(args: readonly WordValue[]): CommandFacts {
  const global = parseOptions(args, GLOBAL, 'git');
  let unknown = global.unknown;
  const note = (why: string | undefined): void => {
    unknown ??= why;
  };
  for (const o of global.options) {
    if (o.name === '-c' && o.value) note(unsafeConfig(o.value));
    if (o.name === '--config-env') note('git --config-env sets configuration from the environment, which can make git run other programs');
    if (o.name === '--exec-path' && o.value) note('git --exec-path runs git commands from another folder');
    if (o.name === '--git-dir' || o.name === '--work-tree' || o.name === '--namespace' || o.name === '--super-prefix') note(`git ${o.name} points git at another repository, whose configuration and hooks Airlock does not see`);
  }
  const cwd = valueOf(global, '-C');
  const subIndex = global.operands[0]?.index;
  if (subIndex === undefined) return { effects: [], readonly: true, ...(unknown ? { unknown } : {}) };
  const sub = args[subIndex]!;
  const rest = args.slice(subIndex + 1);
  const at = (effects: Effect[]): Effect[] => (cwd ? effects.map((e) => ({ ...e, base: cwd })) : effects);
  if (sub.dynamic) return { effects: [], unknown: `the git subcommand ${sub.text} is only known when the command runs` };
  const name = sub.value;
  // Files options read (`tag -F`, `merge -F`, `commit -t`, `blame --contents`): whatever the subcommand.
  const optionReads: Effect[] = [];
  const withTable = (t: OptionTable): ParsedArgs => {
    const p = parseOptions(rest, t, `git ${name}`);
    note(p.unknown);
    for (const o of p.options) {
      if (o.def.role === 'exec') note(`git ${name} ${o.name} runs ${o.value ? `\`${o.value.text}\`` : 'another program'}`);
      if (o.def.role === 'unknown') note(`git ${name} ${o.name} is an option Airlock does not follow`);
      if (o.def.role === 'read' && o.value) optionReads.push({ op: 'read', word: o.value });
      if (o.name === '--pathspec-from-file' && ['rm', 'checkout', 'restore', 'stash', 'reset'].includes(name)) note(`git ${name} --pathspec-from-file changes files named in a file, which Airlock does not see in advance`);
    }
    return p;
  };
  /** Operands after `--` are pathspecs; before it, revisions or paths (git guesses). */
  const contentReads = (p: ParsedArgs, skip = 0): Effect[] => {
    const dash = rest.findIndex((w) => w.value === '--');
    const ops = p.operands.slice(skip);
    return [
      ...pathspecReads(ops.filter((o) => dash === -1 || o.index < dash).map((o) => o.word), note),
      ...pathspecReads(ops.filter((o) => dash !== -1 && o.index > dash).map((o) => o.word), note, true),
    ];
  };
  const configWrite = (): Effect => ({ op: 'write', literal: '.git/config' });
  const outputs = (p: ParsedArgs): Effect[] => p.options.filter((o) => o.def.role === 'write' && o.value).map((o) => ({ op: 'write' as const, word: o.value! }));
  const hooks = HOOK_SUBS.has(name) ? 'git may run the repository\'s hooks' : undefined;
  const finish = (f: Partial<CommandFacts> & { effects: readonly Effect[] }): CommandFacts => ({ ...f, effects: at([...f.effects, ...optionReads]), ...(unknown ? { unknown } : {}) });

  if (name === 'diff' || name === 'log' || name === 'show' || name === 'whatchanged' || name === 'diff-tree' || name === 'diff-files' || name === 'diff-index' || name === 'range-diff' || name === 'format-patch') {
    const p = withTable(DIFF_TABLE);
    const out = outputs(p);
    // `--no-index` (and `git diff` given paths outside the repository) compares files on disk: it reads them.
    const reads = has(p, '--no-index') ? p.operands.filter((o) => o.word.value !== '--').map((o): Effect => ({ op: 'read', word: o.word, recursive: true })) : contentReads(p);
    // `-L 1,5:FILE` and `-L :func:FILE` show the history of lines of FILE.
    for (const o of p.options) if (o.name === '-L' && o.value) reads.push(...pathspecReads([sliceWord(o.value, o.value.value.lastIndexOf(':') + 1)], note, true));
    if (name === 'format-patch') return finish({ effects: [...(out.length ? out : [{ op: 'write' as const, literal: '.', recursive: false }]), ...reads] });
    return finish({ effects: [...out, ...reads], readonly: out.length === 0 });
  }
  if (name === 'status') {
    withTable(STATUS_TABLE);
    return finish({ effects: [], readonly: true });
  }
  if (name === 'grep') {
    const p = withTable(GREP_TABLE);
    // The first operand is the pattern unless one came with -e or -f.
    const patternGiven = has(p, '-e', '-f', '--and', '--or', '--not');
    const effects = contentReads(p, patternGiven ? 0 : 1);
    if (has(p, '--no-index', '--untracked', '--no-exclude-standard')) {
      // Files on disk, tracked or not (`.env` included): the folders named, or the current one.
      const dash = rest.findIndex((w) => w.value === '--');
      const paths = p.operands.slice(patternGiven ? 0 : 1).filter((o) => has(p, '--no-index') || dash === -1 || o.index > dash).map((o) => o.word);
      effects.push(...(paths.length > 0 ? paths : [{ text: '.', value: '.', glob: false, brace: false }]).map((word): Effect => ({ op: 'read', word, recursive: true })));
    }
    return finish({ effects, readonly: true });
  }
  if (READ_ONLY_SUBS.has(name)) {
    const p = withTable(SIMPLE_READ);
    if (name === 'cat-file' && has(p, '--batch', '--batch-command')) note('git cat-file --batch prints the objects named on its input, which Airlock does not see in advance');
    // Content of the files they name: `git blame .env`, `git cat-file -p HEAD:.env`.
    const reads = ['blame', 'annotate', 'cat-file'].includes(name) ? contentReads(p) : [];
    return finish({ effects: reads, readonly: true });
  }
  if (name === 'add') {
    withTable(ADD_TABLE);
    return finish({ effects: [] });
  }
  if (name === 'commit') {
    const p = withTable(COMMIT_TABLE);
    const reads: Effect[] = p.options.filter((o) => o.def.role === 'read' && o.value).map((o) => ({ op: 'read', word: o.value! }));
    return finish({ effects: reads, ...(has(p, '--no-verify', '-n') ? {} : { runsCode: hooks! }) });
  }
  if (name === 'checkout' || name === 'switch' || name === 'restore') {
    const p = withTable(name === 'restore' ? RESTORE_TABLE : name === 'switch' ? SWITCH_TABLE : CHECKOUT_TABLE);
    // Files it rewrites by name are edits (`git checkout -- .vscode/airlock.json` changes the policy);
    // a branch switch rewrites what the history checkpoint around the command captures.
    const dash = rest.findIndex((w) => w.value === '--');
    const ops = opsOf(p);
    let paths: WordValue[] = [];
    if (name === 'restore') paths = has(p, '--staged', '-S') && !has(p, '--worktree', '-W') ? [] : ops;
    else if (name === 'checkout') {
      if (dash !== -1) paths = rest.slice(dash + 1);
      else if (ops.length > 1) paths = ops.slice(1);
      else if (ops.length === 1 && /[/.]/.test(ops[0]!.value)) paths = ops;
    }
    return finish({ effects: paths.map((word) => ({ op: 'write' as const, word, recursive: true })), ...(name === 'restore' ? {} : { runsCode: hooks! }) });
  }
  if (name === 'branch') {
    const p = withTable(BRANCH_TABLE);
    if (has(p, '-D') || (has(p, '-d', '--delete') && has(p, '-f', '--force'))) {
      return finish({ effects: [], irreversible: 'git branch -D deletes a branch whose commits may be merged nowhere, and Airlock\'s history does not keep branches' });
    }
    // Upstreams, descriptions and tracking live in .git/config (a built-in protection).
    const config = has(p, '-u', '--set-upstream-to', '--unset-upstream', '--edit-description', '-t', '--track');
    const listing = !config && !has(p, '-m', '-M', '--move', '-c', '-C', '--copy') && p.operands.length === 0;
    return finish({ effects: config ? [configWrite()] : [], readonly: listing });
  }
  if (name === 'tag') {
    const p = withTable(TAG_TABLE);
    if (has(p, '-d', '--delete')) return finish({ effects: [], irreversible: 'git tag -d deletes a tag' });
    const listing = has(p, '-l', '--list') || p.operands.length === 0;
    return finish({ effects: [], readonly: listing && !has(p, '-a', '-s', '-m', '-F', '-f') });
  }
  if (name === 'reset') {
    withTable(RESET_TABLE);
    return finish({ effects: [] });
  }
  if (name === 'stash') {
    const action = rest[0]?.value ?? 'push';
    if (action === 'list' || action === 'show') return finish({ effects: [], readonly: true });
    if (action === 'drop' || action === 'clear') return finish({ effects: [], irreversible: `git stash ${action} deletes stashed changes, which Airlock's history does not keep` });
    const known = ['push', 'save', 'pop', 'apply', 'branch', 'create', 'store'];
    if (!known.includes(action) && !action.startsWith('-')) note(`git stash ${action} is a form Airlock does not model`);
    withTable(STASH_TABLE);
    return finish({ effects: [] });
  }
  if (name === 'rm') {
    const p = withTable(RM_TABLE);
    if (has(p, '--cached')) return finish({ effects: [] });
    return finish({ effects: opsOf(p).map((word) => ({ op: 'delete', word, recursive: has(p, '-r') })) });
  }
  if (name === 'mv') {
    const p = withTable(MV_TABLE);
    const words = opsOf(p);
    const dest = words[words.length - 1];
    const effects: Effect[] = [];
    if (dest && words.length >= 2) {
      effects.push({ op: 'write', word: dest, recursive: true });
      for (const s of words.slice(0, -1)) effects.push({ op: 'write', word: dest, intoDirOf: s, recursive: true }, { op: 'delete', word: s, recursive: true });
    }
    return finish({ effects });
  }
  if (name === 'merge' || name === 'cherry-pick' || name === 'revert') {
    const p = withTable(name === 'merge' ? MERGE_TABLE : CHERRY_TABLE);
    return finish({ effects: [], ...(has(p, '--no-verify') ? {} : { runsCode: hooks! }) });
  }
  if (name === 'rebase') {
    withTable(REBASE_TABLE);
    return finish({ effects: [], runsCode: hooks! });
  }
  if (name === 'fetch' || name === 'pull') {
    const p = withTable(FETCH_TABLE);
    note(transportUnknown(opsOf(p)));
    return finish({ effects: [], downloads: true, ...(name === 'pull' ? { runsCode: hooks! } : {}) });
  }
  if (name === 'push') {
    const p = withTable(PUSH_TABLE);
    note(transportUnknown(opsOf(p)));
    return finish({ effects: [], sends: true, irreversible: 'git push sends commits to a remote repository', runsCode: hooks! });
  }
  if (name === 'clone') {
    const p = withTable(CLONE_TABLE);
    const words = opsOf(p);
    for (const o of p.options) if ((o.name === '-c' || o.name === '--config') && o.value) note(unsafeConfig(o.value));
    note(transportUnknown(words));
    // Without a folder, clone writes one named after the repository, in the current folder.
    const dest = words[1];
    // Without a folder, git names it after the URL's last part, less `.git` (`cd .git && git clone …/hooks` writes .git/hooks).
    let into: Effect = { op: 'write', literal: '.', recursive: false };
    if (dest) into = { op: 'write', word: dest, recursive: true };
    else if (words[0] && !words[0].dynamic) {
      const guessed = words[0].value.replace(/\/+$/, '').replace(/\/\.git$/, '').replace(/\/+$/, '').replace(/\.(git|bundle)$/, '').split(/[/:]/).pop() ?? '';
      const name = has(p, '--bare', '--mirror') ? `${guessed}.git` : guessed;
      if (guessed === '' || guessed === '.' || guessed === '..') note(`git clone ${words[0].text} names its folder in a way Airlock does not follow`);
      else into = { op: 'write', word: { text: name, value: name, glob: false, brace: false }, recursive: true };
    } else note('git clone without a folder writes one whose name comes from the repository URL');
    return finish({ effects: [into, ...outputs(p).map((e) => ({ ...e, recursive: true }))], downloads: true });
  }
  if (name === 'init') {
    const p = withTable(INIT_TABLE);
    const words = opsOf(p);
    // `--separate-git-dir=DIR` puts the repository (hooks, config) there.
    return finish({ effects: [...words.map((word) => ({ op: 'write' as const, word, recursive: false })), ...outputs(p).map((e) => ({ ...e, recursive: true }))] });
  }
  if (name === 'clean') {
    const p = withTable(CLEAN_TABLE);
    if (has(p, '-n', '--dry-run')) return finish({ effects: [], readonly: true });
    if (has(p, '-x', '-X')) return finish({ effects: [], irreversible: 'git clean -x deletes ignored files, which Airlock\'s history does not keep' });
    // Untracked files that are not ignored are in the shadow history: deleting them can be rolled back.
    return finish({ effects: [] });
  }
  if (name === 'remote') {
    const action = rest.find((w) => !w.value.startsWith('-'))?.value;
    if (action === undefined || action === 'show' || action === 'get-url') {
      withTable(REMOTE_TABLE);
      return finish({ effects: [], readonly: action === undefined, ...(action === 'show' ? { downloads: true } : {}) });
    }
    if (['add', 'rename', 'remove', 'rm', 'set-url', 'set-head', 'set-branches', 'prune', 'update'].includes(action)) {
      note(transportUnknown(rest.filter((w) => !w.value.startsWith('-'))));
      // Remotes live in .git/config (a built-in protection): a new URL is where the next push goes.
      return finish({ effects: action === 'update' ? [] : [configWrite()], ...(action === 'update' || action === 'prune' || action === 'set-head' ? { downloads: true } : {}) });
    }
    note(`git remote ${action} is a form Airlock does not model`);
    return finish({ effects: [] });
  }
  if (name === 'config') {
    const p = parseOptions(rest, CONFIG_READ, 'git config');
    const words = opsOf(p);
    const reading = has(p, '-l', '--list', '--get', '--get-all', '--get-regexp', '--get-urlmatch', '--get-color', '--get-colorbool') || (words.length === 1 && !p.unknown) || words[0]?.value === 'get' || words[0]?.value === 'list';
    // `--blob=REV:path` reads that path's content from history; `-f FILE` reads FILE.
    const blob = valueOf(p, '--blob');
    const sources: Effect[] = [...(blob ? pathspecReads([blob], note) : []), ...(valueOf(p, '-f', '--file') ? [{ op: 'read' as const, word: valueOf(p, '-f', '--file')! }] : [])];
    if (reading && !p.unknown) return finish({ effects: sources, readonly: true });
    // Writing configuration: the repository's (.git/config, a built-in protection) or the user's (outside the workspace).
    const file = valueOf(p, '-f', '--file');
    const target: Effect = file ? { op: 'write', word: file } : has(p, '--global') ? { op: 'write', literal: '~/.gitconfig' } : has(p, '--system') ? { op: 'write', literal: '/etc/gitconfig' } : { op: 'write', literal: '.git/config' };
    return finish({ effects: [target] });
  }
  if (name === 'apply' || name === 'am') {
    const p = withTable(APPLY_TABLE);
    if (has(p, '--check', '--stat', '--numstat', '--summary')) return finish({ effects: [], readonly: true });
    if (has(p, '--cached')) return finish({ effects: [] });
    note(`git ${name} writes the files named inside the patch, which Airlock cannot see before it runs`);
    return finish({ effects: [], ...(name === 'am' ? { runsCode: hooks! } : {}) });
  }
  if (name === 'worktree') {
    const action = rest[0]?.value;
    if (action === 'list') {
      parseOptions(rest.slice(1), WORKTREE_LIST, 'git worktree list');
      return finish({ effects: [], readonly: true });
    }
    note(`git worktree ${action ?? ''} creates or removes working trees, which Airlock does not model`);
    return finish({ effects: [] });
  }
  if (name === 'submodule') {
    const action = rest[0]?.value;
    if (action === 'status' || action === 'summary') return finish({ effects: [], readonly: true });
    if (action === 'foreach') return finish({ effects: [], unknown: 'git submodule foreach runs a shell command in every submodule' });
    return finish({ effects: [], downloads: true, unknown: `git submodule ${action ?? ''} fetches other repositories, whose hooks and configuration Airlock does not see` });
  }
  if (name === 'bisect') {
    if (rest[0]?.value === 'run') return finish({ effects: [], unknown: 'git bisect run runs a command Airlock does not see in advance' });
    return finish({ effects: [] });
  }
  if (name === 'gc' || name === 'prune' || name === 'reflog' || name === 'update-ref' || name === 'filter-branch' || name === 'filter-repo' || name === 'replace') {
    if (name === 'reflog' && (rest.length === 0 || rest[0]?.value === 'show' || rest[0]?.value === 'list')) return finish({ effects: [], readonly: true });
    return finish({ effects: [], irreversible: `git ${name} rewrites or prunes history that Airlock's shadow history does not keep` });
  }
  if (['difftool', 'mergetool', 'daemon', 'instaweb', 'web--browse', 'send-email', 'request-pull', 'archive', 'svn', 'p4', 'cvsimport', 'credential', 'credential-store', 'credential-cache', 'upload-pack', 'receive-pack', 'shell', 'http-backend', 'fast-import', 'hook'].includes(name)) {
    return finish({ effects: [], unknown: `git ${name} runs other programs or talks to other systems in ways Airlock does not model` });
  }
  return { effects: [], unknown: `git ${name} is a git command Airlock does not model (it may be an alias from git's configuration)` };
}
