/**
 * Programs that run code Airlock cannot read (interpreters, test runners, build tools, linters), programs
 * that change the system or other machines (irreversible), and the shell's own builtins.
 */
import type { Effect } from '../facts';
import { has, optional, parseOptions, table, valueOf } from '../options';
import type { WordValue } from '../words';
import { PACKAGE_TOOLS, type PackageFacts } from './packages';
import { simpleFacts, type SimpleTool } from './simple';

const D = 'data' as const;

/** Facts plus the script files an interpreter runs, for recognising Airlock's own CLI. */
export interface ProgramFacts extends PackageFacts {
  /** Words that may name a script file the program runs. */
  readonly scriptWords?: readonly WordValue[];
}

const VERSION_ONLY = /^(-v|-V|--version|-version|-h|--help|-help|version|help)$/;

/** Interpreters: inline code, a script, a module, or code from stdin. */
const INTERPRETERS: Readonly<Record<string, { inline: readonly string[]; module?: readonly string[]; valueOptions: readonly string[] }>> = {
  node: { inline: ['-e', '--eval', '-p', '--print'], valueOptions: ['-r', '--require', '--import', '--loader', '--experimental-loader', '--input-type', '-C', '--conditions', '--env-file', '--title', '--stack-size', '--max-old-space-size', '--inspect-port', '--test-reporter', '--test-reporter-destination', '--test-name-pattern', '--test-concurrency', '--watch-path'] },
  nodejs: { inline: ['-e', '--eval', '-p', '--print'], valueOptions: ['-r', '--require', '--import', '--loader'] },
  deno: { inline: ['eval'], valueOptions: ['--config', '-c', '--import-map', '--allow-read', '--allow-write', '--allow-net', '--allow-env', '--allow-run', '--lock', '--cert', '--location', '--seed'] },
  tsx: { inline: ['-e', '--eval', '-p', '--print'], valueOptions: ['--tsconfig', '--import', '--require'] },
  'ts-node': { inline: ['-e', '--eval', '-p', '--print'], valueOptions: ['-r', '--require', '-P', '--project', '-O', '--compiler-options', '--cwd'] },
  python: { inline: ['-c'], module: ['-m'], valueOptions: ['-W', '-X', '-Q'] },
  python2: { inline: ['-c'], module: ['-m'], valueOptions: ['-W', '-X', '-Q'] },
  python3: { inline: ['-c'], module: ['-m'], valueOptions: ['-W', '-X'] },
  pypy: { inline: ['-c'], module: ['-m'], valueOptions: ['-W', '-X'] },
  pypy3: { inline: ['-c'], module: ['-m'], valueOptions: ['-W', '-X'] },
  ruby: { inline: ['-e'], valueOptions: ['-r', '-I', '-C', '-E', '-F', '-x', '-K', '-T', '-W', '--encoding', '--external-encoding', '--internal-encoding'] },
  perl: { inline: ['-e', '-E'], module: [], valueOptions: ['-I', '-M', '-m', '-x', '-C', '-D', '-l', '-0', '-F'] },
  php: { inline: ['-r', '-R', '-B', '-E', '-F'], valueOptions: ['-c', '-d', '-z', '-t', '-S'] },
  lua: { inline: ['-e'], valueOptions: ['-l'] },
  luajit: { inline: ['-e'], valueOptions: ['-l', '-j', '-O'] },
  Rscript: { inline: ['-e', '--expr'], valueOptions: [] },
  julia: { inline: ['-e', '--eval', '-E', '--print'], valueOptions: ['-L', '--load', '-t', '--threads', '--project', '-J', '--sysimage'] },
  java: { inline: [], valueOptions: ['-cp', '-classpath', '--class-path', '-jar', '-p', '--module-path', '-m', '--module', '--add-modules', '-javaagent'] },
  groovy: { inline: ['-e'], valueOptions: ['-cp', '-classpath'] },
  kotlin: { inline: ['-e'], valueOptions: ['-cp', '-classpath'] },
  scala: { inline: ['-e'], valueOptions: ['-cp', '-classpath'] },
  swift: { inline: ['-e'], valueOptions: [] },
  tclsh: { inline: [], valueOptions: ['-encoding'] },
  expect: { inline: ['-c'], valueOptions: ['-f'] },
  osascript: { inline: ['-e'], valueOptions: ['-l', '-s'] },
};

function interpreterFacts(name: string, args: readonly WordValue[]): ProgramFacts {
  const spec = INTERPRETERS[name]!;
  if (args.length > 0 && args.every((w) => VERSION_ONLY.test(w.value))) return { effects: [], readonly: true };
  if (name === 'osascript') return { effects: [], irreversible: 'osascript drives other applications on this machine' };
  const scriptWords: WordValue[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const a = w.value;
    if (spec.inline.includes(a) || spec.inline.some((o) => o.startsWith('--') ? a.startsWith(`${o}=`) : a.startsWith(o) && a.length > o.length && !a.startsWith('--'))) {
      // Paths the inline code names may be programs it loads (`node -e "require('…/cli.js')"`).
      const code = spec.inline.includes(a) ? args[i + 1] : w;
      if (code) scriptWords.push(...pathsInCode(code));
      return { effects: [], runsCode: `${name} ${spec.inline.find((o) => a.startsWith(o)) ?? a} runs inline code`, scriptWords };
    }
    if (spec.module?.some((m) => a === m || (a.startsWith(m) && a.length > m.length))) {
      const mod = a === '-m' ? args[i + 1] : { ...w, value: a.slice(2), text: w.text.slice(2) };
      const rest = a === '-m' ? args.slice(i + 2) : args.slice(i + 1);
      if (mod && (mod.value === 'pip' || mod.value === 'pip3')) return PACKAGE_TOOLS.pip!(rest, `${name} -m pip`);
      if (mod && mod.value === 'venv') return { effects: rest.filter((r) => !r.value.startsWith('-')).map((word) => ({ op: 'write' as const, word, recursive: true })), runsCode: `${name} -m venv creates a virtual environment` };
      if (mod && ['json.tool', 'py_compile', 'compileall', 'tokenize', 'this', 'site', 'sysconfig', 'platform'].includes(mod.value)) return { effects: [], runsCode: `${name} -m ${mod.value} runs a module`, scriptWords };
      return { effects: [], runsCode: `${name} -m ${mod?.text ?? ''} runs the module ${mod?.text ?? ''}`, scriptWords };
    }
    if (a === '--') {
      if (args[i + 1]) scriptWords.push(args[i + 1]!);
      break;
    }
    if (a.startsWith('-')) {
      const eq = a.indexOf('=');
      if (spec.valueOptions.includes(a)) {
        if (args[i + 1]) scriptWords.push(args[i + 1]!);
        i++;
      } else if (a.startsWith('--') && eq !== -1 && spec.valueOptions.includes(a.slice(0, eq))) {
        // `--require=FILE`, `--import=FILE`: a module loaded before anything else.
        scriptWords.push({ ...w, value: a.slice(eq + 1), text: w.text.slice(w.text.indexOf('=') + 1) });
      }
      continue;
    }
    scriptWords.push(w);
    return { effects: [], runsCode: `${name} runs the script ${w.text}`, scriptWords };
  }
  return { effects: [], stdinCode: 'interpreter', runsCode: `${name} runs the code it reads on its input`, scriptWords };
}

/** Quoted strings and slash-separated paths in inline code, as words (what a `require`/`import`/`open` may load). */
function pathsInCode(code: WordValue): WordValue[] {
  const out: WordValue[] = [];
  for (const m of code.value.matchAll(/(['"`])((?:(?!\1)[^\n\\])*)\1|((?:~|\.{1,2})?\/[^\s'"`;,()]+)/g)) {
    const p = (m[2] ?? m[3] ?? '').trim();
    if (p.length > 0 && p.length < 4096 && /[\\/]/.test(p)) out.push({ text: p, value: p, glob: false, brace: false });
    if (out.length >= 64) break;
  }
  return out;
}

/** gawk's options that write a file: the value when given (`--profile=FILE`, `-pFILE`), else a default name in the current folder. */
const AWK_WRITES: Readonly<Record<string, string>> = { '-d': 'awkvars.out', '--dump-variables': 'awkvars.out', '-p': 'awkprof.out', '--profile': 'awkprof.out', '-o': 'awkprof.out', '--pretty-print': 'awkprof.out' };

const AWK = table({
  flags: 'bcCgMNOPrsStVhkInY',
  values: { F: D, v: D, f: 'exec', e: D, i: 'exec', l: 'exec', E: 'exec', W: D, d: optional('write'), p: optional('write'), o: optional('write'), L: optional(D), D: optional('unknown') },
  longFlags:
    'characters-as-bytes traditional compat copyright gen-pot bignum use-lc-numeric non-decimal-data optimize no-optimize posix re-interval ' +
    'sandbox lint-old version help usage csv trace',
  longValues: {
    'field-separator': D, assign: D, file: 'exec', source: D, include: 'exec', load: 'exec', exec: 'exec', 'dump-variables': optional('write'),
    debug: optional('unknown'), profile: optional('write'), lint: optional(D), 'pretty-print': optional('write'),
  },
});

/**
 * `-W NAME[=VALUE]` is gawk's (and mawk's) spelling of `--NAME[=VALUE]` (`-W dump-variables=F`, `-W exec F`):
 * rewritten to the long option, so that the table decides it.
 */
function awkArguments(args: readonly WordValue[]): WordValue[] {
  const out: WordValue[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w.value === '--') {
      out.push(...args.slice(i));
      break;
    }
    const long = w.value === '-W' ? args[i + 1] : w.value.startsWith('-W') ? { ...w, value: w.value.slice(2), text: w.text.slice(2) } : undefined;
    if (long === undefined || long.value === '' || long.value.startsWith('-')) {
      out.push(w);
      continue;
    }
    if (w.value === '-W') i++;
    out.push({ ...long, value: `--${long.value}`, text: `--${long.text}` });
  }
  return out;
}

/**
 * An awk program that only reads: no `system()`, pipes, redirections, `getline` from files or commands, no
 * gawk `@` directives or indirect calls (`@f()`), and its input files are the ones on the command line (no
 * change to ARGV or ARGC).
 */
function awkProgramReadOnly(program: string): boolean {
  return !/system\s*\\?\s*\(|\||>|getline|close\s*\(|fflush|@|ENVIRON|PROCINFO|\bARG[VC]\b/.test(program);
}

/** What an awk program does that Airlock cannot follow at all (not only code it runs): says what, or undefined. */
function awkProgramUnknown(program: string): string | undefined {
  if (/@\s*[A-Za-z_][\w:]*\s*\(/.test(program)) return 'the awk program calls a function whose name is only known when it runs (@name())';
  if (/@(load|include|namespace)\b/.test(program)) return 'the awk program loads other awk code or extensions (@load, @include)';
  if (/\bARG[VC]\b/.test(program)) return 'the awk program uses its argument list (ARGV, ARGC), which it can change, so which files it reads is only known when it runs';
  return undefined;
}

function awkFacts(name: string, args: readonly WordValue[]): ProgramFacts {
  const p = parseOptions(awkArguments(args), AWK, name);
  const ops = p.operands.map((o) => o.word);
  let unknown = p.unknown;
  const effects: Effect[] = [];
  for (const o of p.options) {
    if (o.def.role === 'write') effects.push(o.value ? { op: 'write', word: o.value } : { op: 'write', literal: AWK_WRITES[o.name] ?? 'awkprof.out' });
    if (o.def.role === 'unknown') unknown ??= `${name} ${o.name} starts the awk debugger, which reads commands Airlock does not see`;
    if (o.name === '-W') unknown ??= `${name} -W ${o.value?.text ?? ''} is an option Airlock does not model`;
  }
  const writes = effects.length > 0;
  const fromFile = p.options.find((o) => o.def.role === 'exec');
  if (fromFile) return { effects, runsCode: `${name} ${fromFile.name} runs awk code from a file`, ...(unknown ? { unknown } : {}) };
  const sources = p.options.filter((o) => (o.name === '-e' || o.name === '--source') && o.value).map((o) => o.value!);
  const program = sources.length > 0 ? undefined : ops[0];
  const files = sources.length > 0 ? ops : ops.slice(1);
  const code = [...sources, ...(program ? [program] : [])];
  effects.push(...files.filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value) && w.value !== '-').map((word): Effect => ({ op: 'read', word })));
  if (code.some((c) => c.dynamic)) return { effects, unknown: `the awk program is only known when the command runs` };
  for (const c of code) unknown ??= awkProgramUnknown(c.value);
  const env = code.some((c) => /ENVIRON|PROCINFO/.test(c.value)) ? { emitsEnv: true } : {};
  if (code.every((c) => awkProgramReadOnly(c.value)) && !unknown) return { effects, ...(writes ? {} : { readonly: true }), ...env };
  return { effects, runsCode: `${name} runs an awk program that can write files or run commands`, ...(unknown ? { unknown } : {}), ...env };
}

/** Linters that read the files they are given and print what they find (lines of them included). */
const LINTERS: Readonly<Record<string, SimpleTool>> = {
  shellcheck: {
    options: table({
      flags: 'aVx',
      values: { C: optional(D), i: D, e: D, f: D, o: D, P: D, s: D, S: D, W: D },
      longFlags: 'check-sourced list-optional norc external-sources',
      longValues: { color: optional(D), include: D, exclude: D, 'extended-analysis': D, format: D, rcfile: 'read', enable: D, 'source-path': D, shell: D, severity: D, 'wiki-link-count': D },
    }),
    operands: 'read',
    refine(parsed, f) {
      // -x follows `source` to files named inside the scripts, and prints lines of them.
      if (has(parsed, '-x', '--external-sources')) f.unknown ??= 'shellcheck -x also reads the files the scripts source, which Airlock does not see';
    },
  },
  hadolint: {
    options: table({
      flags: 'vV',
      values: { c: 'read', f: D, t: D },
      longFlags: 'verbose no-fail no-color strict-labels disable-ignore-pragma',
      longValues: { config: 'read', 'file-path-in-report': D, format: D, error: D, warning: D, info: D, style: D, ignore: D, 'trusted-registry': D, 'require-label': D, 'failure-threshold': D },
    }),
    operands: 'read',
  },
  tokei: {
    options: table({
      flags: 'CflVvr',
      values: { c: D, e: D, i: 'read', n: D, o: D, s: D, t: D },
      longFlags: 'compact files hidden languages no-ignore no-ignore-dot no-ignore-parent no-ignore-vcs verbose',
      longValues: { columns: D, exclude: D, input: 'read', 'num-format': D, output: D, sort: D, type: D, rsort: D },
    }),
    operands: 'data',
    refine(parsed, f) {
      // Counts the lines of every file below its operands (or `.`): hidden ones too with --hidden.
      const filter = has(parsed, '--hidden') ? {} : { skipHidden: true };
      const roots = parsed.operands.map((o) => o.word).filter((w) => w.value !== '-');
      if (roots.length === 0) f.effects.push({ op: 'read', literal: '.', recursive: true, filter });
      for (const word of roots) f.effects.push({ op: 'read', word, recursive: true, filter });
    },
  },
};

/**
 * Go's flag package: `-name`, `--name`, `-name=value`, `-name value` for flags with values, no clusters, and
 * flags end at the first operand (a later `-w` is a file name). Returns undefined when an argument is not a
 * flag of `flags`/`values`.
 */
function goFlags(args: readonly WordValue[], flags: readonly string[], values: readonly string[]): { found: Map<string, WordValue | true>; operands: WordValue[]; unknown?: string } {
  const found = new Map<string, WordValue | true>();
  let i = 0;
  for (; i < args.length; i++) {
    const w = args[i]!;
    if (w.dynamic && /^["']?[$`-]/.test(w.text)) return { found, operands: [], unknown: `the argument ${w.text} is only known when the command runs, and it could be a flag` };
    if (w.value === '--') {
      i++;
      break;
    }
    if (!w.value.startsWith('-') || w.value === '-') break;
    const body = w.value.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    if (flags.includes(name)) {
      if (eq !== -1 && !/^(true|false|1|0|t|f|TRUE|FALSE|True|False|T|F)$/.test(body.slice(eq + 1))) return { found, operands: [], unknown: `the flag -${name} takes true or false, not ${body.slice(eq + 1)}` };
      found.set(name, eq === -1 || /^(true|1|t|TRUE|True|T)$/.test(body.slice(eq + 1)) ? true : found.get(name) ?? true);
      if (eq !== -1 && !/^(true|1|t|TRUE|True|T)$/.test(body.slice(eq + 1))) found.delete(name);
      continue;
    }
    if (values.includes(name)) {
      const value = eq !== -1 ? { ...w, value: body.slice(eq + 1), text: w.text.slice(w.text.indexOf('=') + 1) } : args[++i];
      if (!value) return { found, operands: [], unknown: `the flag -${name} needs a value` };
      found.set(name, value);
      continue;
    }
    return { found, operands: [], unknown: `-${name} is a flag Airlock does not model` };
  }
  return { found, operands: args.slice(i) };
}

/** gofmt: prints formatted code or a list or diff; `-w` rewrites its files (all Go files below a folder). */
function gofmtFacts(args: readonly WordValue[]): ProgramFacts {
  const g = goFlags(args, ['d', 'e', 'l', 's', 'w'], ['r', 'cpuprofile']);
  const effects: Effect[] = [];
  const write = g.found.has('w');
  // In a folder it formats the `.go` files whose names do not start with a dot, at any depth.
  const filter = { include: ['*.go'], exclude: ['.*'] };
  for (const word of g.operands) {
    if (word.value === '-') continue;
    effects.push({ op: 'read', word, recursive: true, filter });
    if (write) effects.push({ op: 'write', word, recursive: true, filter });
  }
  const profile = g.found.get('cpuprofile');
  if (profile && profile !== true) effects.push({ op: 'write', word: profile });
  const writes = effects.some((e) => e.op === 'write');
  return { effects, ...(writes ? {} : { readonly: true }), ...(g.unknown ? { unknown: `gofmt: ${g.unknown}` } : {}) };
}

/** nvidia-smi options that only query (any other changes the GPUs: `-r`, `-pm`, `-pl`, `-ac`, `-c`, `-e`, …). */
const NVIDIA_QUERY_FLAGS = new Set(['-h', '--help', '-L', '--list-gpus', '-B', '--list-excluded-gpus', '-q', '--query', '-u', '--unit', '-x', '--xml-format', '--dtd', '-v', '--version']);
const NVIDIA_QUERY_VALUES = new Set(['-i', '--id', '-d', '--display', '-lms', '--loop-ms', '--query-gpu', '--query-supported-clocks', '--query-compute-apps', '--query-accounted-apps', '--query-retired-pages', '--query-remapped-rows', '--format']);

function nvidiaSmiFacts(args: readonly WordValue[]): ProgramFacts {
  const effects: Effect[] = [];
  const sub = args[0]?.value;
  if (sub === 'topo' && args.slice(1).every((w) => /^-(m|mp|p2p|i|n|c|h)$|^--(matrix|matrix_pci|help)$|^[0-9a-z,]+$/.test(w.value) && !w.dynamic)) return { effects, readonly: true };
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const eq = w.value.indexOf('=');
    const name = eq === -1 ? w.value : w.value.slice(0, eq);
    if (w.dynamic) return { effects, unknown: `nvidia-smi ${w.text} is only known when the command runs` };
    if (NVIDIA_QUERY_FLAGS.has(name) && eq === -1) continue;
    if (NVIDIA_QUERY_VALUES.has(name)) {
      if (eq === -1) i++;
      continue;
    }
    // -l [SECONDS]: loop, with an optional interval.
    if (name === '-l' || name === '--loop') {
      if (eq === -1 && /^\d+$/.test(args[i + 1]?.value ?? '')) i++;
      continue;
    }
    if (name === '-f' || name === '--filename' || name === '--debug') {
      const file = eq === -1 ? args[++i] : { ...w, value: w.value.slice(eq + 1), text: w.text.slice(w.text.indexOf('=') + 1) };
      if (file) effects.push({ op: 'write', word: file });
      continue;
    }
    return { effects, unknown: `nvidia-smi ${w.text} is not one of its query options; the others change the GPUs (reset, power, clocks, modes)` };
  }
  return { effects, ...(effects.length ? {} : { readonly: true }) };
}

/** Build tools, test runners, linters and formatters: they run the project's own code and configuration. */
const RUNS_PROJECT_CODE = new Set(
  (
    'make gmake cmake ctest ninja meson bazel bazelisk buck buck2 gradle gradlew mvn mvnw ant sbt lein dotnet msbuild xcodebuild swiftc ' +
    'tsc esbuild vite vitest webpack webpack-cli rollup parcel babel swc turbo nx lerna jest mocha ava tap karma playwright cypress ' +
    'pytest py.test tox nox hatch rspec rake rails phpunit pest eslint prettier stylelint biome oxlint black ruff isort flake8 pylint mypy ' +
    'pyright pyre bandit golangci-lint goimports staticcheck rustfmt rustc clippy-driver rubocop standard shfmt gcc g++ cc c++ clang clang++ ' +
    'ld javac kotlinc scalac zig nim crystal dart flutter mix elixir erl erlc ghc cabal stack dune ocaml pre-commit node-gyp next nuxt astro ' +
    'remix ng expo hugo jekyll mkdocs sphinx-build doxygen protoc buf sqlc storybook tsup unbuild ncc pkgroll vue-cli-service svelte-kit ' +
    'svelte-check vue-tsc eleventy gatsby docusaurus quasar electron-builder electron-forge wasm-pack trunk maturin cythonize coverage ' +
    'nyc c8 istanbul jasmine qunit testem uvicorn gunicorn flask django-admin manage.py celery alembic behave robot locust ' +
    'tflint checkov ansible-lint yamllint markdownlint markdownlint-cli2 cspell commitlint lint-staged husky knip depcheck madge tsd attw'
  ).split(/\s+/),
);

/** Programs that only read and print, which need no option table: their output is all they do. */
const QUIET_READERS = new Set(['cloc', 'scc', 'pbpaste', 'lsof', 'free', 'vmstat', 'iostat', 'lscpu', 'lsblk', 'lsusb', 'lspci', 'sw_vers', 'getconf', 'cal', 'ncal', 'ps', 'pgrep', 'pidof', 'top', 'htop', 'w', 'who', 'last', 'users', 'rustup-which', 'tput', 'stty', 'clear', 'reset', 'printenv']);

/** Programs whose every use changes the system, other processes or other machines. */
const IRREVERSIBLE: Readonly<Record<string, string>> = {
  kill: 'kill signals other processes',
  killall: 'killall signals other processes',
  pkill: 'pkill signals other processes',
  xkill: 'xkill closes other programs',
  renice: 'renice changes other processes',
  shutdown: 'shutdown stops this machine',
  reboot: 'reboot restarts this machine',
  halt: 'halt stops this machine',
  poweroff: 'poweroff stops this machine',
  mount: 'mount changes the file systems of this machine',
  umount: 'umount changes the file systems of this machine',
  swapon: 'swapon changes this machine', swapoff: 'swapoff changes this machine',
  useradd: 'useradd changes the users of this machine', usermod: 'usermod changes the users of this machine', userdel: 'userdel changes the users of this machine',
  groupadd: 'groupadd changes the groups of this machine', groupdel: 'groupdel changes the groups of this machine', passwd: 'passwd changes a password',
  chpasswd: 'chpasswd changes passwords', visudo: 'visudo changes who may use sudo', setcap: 'setcap changes file capabilities',
  iptables: 'iptables changes the firewall', ip6tables: 'ip6tables changes the firewall', nft: 'nft changes the firewall', ufw: 'ufw changes the firewall',
  modprobe: 'modprobe loads kernel modules', insmod: 'insmod loads kernel modules', rmmod: 'rmmod unloads kernel modules',
  chroot: 'chroot runs a command in another root', at: 'at schedules a command to run later', batch: 'batch schedules a command to run later', atrm: 'atrm removes scheduled commands',
  apt: 'apt installs system packages', 'apt-get': 'apt-get installs system packages', aptitude: 'aptitude installs system packages', dpkg: 'dpkg installs system packages',
  dnf: 'dnf installs system packages', yum: 'yum installs system packages', zypper: 'zypper installs system packages', pacman: 'pacman installs system packages',
  apk: 'apk installs system packages', snap: 'snap installs system packages', flatpak: 'flatpak installs applications', port: 'port installs system packages',
  'nix-env': 'nix-env changes the user profile', mas: 'mas installs applications', softwareupdate: 'softwareupdate updates the system',
  rustup: 'rustup installs toolchains outside the workspace', nvm: 'nvm installs Node.js versions outside the workspace', pyenv: 'pyenv installs Python versions outside the workspace',
  open: 'open launches applications on this machine', 'xdg-open': 'xdg-open launches applications on this machine', start: 'start launches applications',
  pbcopy: 'pbcopy puts data on the system clipboard', xclip: 'xclip puts data on the system clipboard', xsel: 'xsel puts data on the system clipboard', 'wl-copy': 'wl-copy puts data on the system clipboard',
  'notify-send': 'notify-send shows a desktop notification',
  aws: 'aws talks to cloud services', gcloud: 'gcloud talks to cloud services', az: 'az talks to cloud services', gsutil: 'gsutil copies to cloud storage',
  helm: 'helm changes a Kubernetes cluster', vercel: 'vercel deploys', netlify: 'netlify deploys', heroku: 'heroku deploys', flyctl: 'flyctl deploys', fly: 'fly deploys',
  firebase: 'firebase deploys', ngrok: 'ngrok exposes this machine to the internet', ansible: 'ansible changes other machines', 'ansible-playbook': 'ansible-playbook changes other machines',
  pulumi: 'pulumi changes cloud resources', wrangler: 'wrangler deploys', serverless: 'serverless deploys', sls: 'sls deploys', cdk: 'cdk deploys', eb: 'eb deploys',
  psql: 'psql runs SQL against a database', mysql: 'mysql runs SQL against a database', 'redis-cli': 'redis-cli changes a Redis server', mongo: 'mongo changes a database', mongosh: 'mongosh changes a database',
  sqlite3: 'sqlite3 runs SQL', dropdb: 'dropdb deletes a database', createdb: 'createdb creates a database',
  mkfs: 'mkfs formats a disk', fdisk: 'fdisk changes disk partitions', parted: 'parted changes disk partitions', wipefs: 'wipefs erases disk signatures',
};

/** Subcommands that only read, per tool whose other uses change something outside. */
const READ_SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  systemctl: ['status', 'show', 'list-units', 'list-unit-files', 'list-timers', 'list-sockets', 'list-dependencies', 'is-active', 'is-enabled', 'is-failed', 'cat', 'get-default', 'help', '--version'],
  service: ['--status-all'],
  launchctl: ['list', 'print', 'print-disabled', 'blame', 'version', 'help'],
  crontab: ['-l'],
  timedatectl: ['status', 'show', 'list-timezones', 'timesync-status', 'show-timesync'],
  hostnamectl: ['status', 'show'],
  ifconfig: [],
  docker: ['ps', 'images', 'image', 'inspect', 'logs', 'version', 'info', 'stats', 'top', 'port', 'diff', 'history', 'search', 'events', 'context', 'system'],
  podman: ['ps', 'images', 'inspect', 'logs', 'version', 'info', 'stats', 'top', 'port', 'diff', 'history', 'search'],
  gh: ['status', 'search', 'browse'],
  brew: ['list', 'ls', 'info', 'search', 'outdated', 'deps', 'uses', 'leaves', 'doctor', 'config', '--prefix', '--cellar', '--version', 'home', 'desc', 'commands', 'help'],
};

/** gh's command groups (anything else is an alias or an extension: a program or shell code of its own). */
const GH_GROUPS = new Set([
  'auth', 'browse', 'codespace', 'cs', 'gist', 'issue', 'org', 'pr', 'project', 'release', 'repo', 'cache', 'run', 'workflow', 'alias', 'api',
  'attestation', 'completion', 'config', 'extension', 'extensions', 'ext', 'gpg-key', 'label', 'ruleset', 'rs', 'search', 'secret', 'ssh-key',
  'status', 'variable', 'help', 'version',
]);

/** gh subcommands that only read: `gh pr view`, `gh issue list`, `gh api` without a method or fields. */
function ghFacts(args: readonly WordValue[]): ProgramFacts {
  if (args.length > 0 && args.every((w) => VERSION_ONLY.test(w.value))) return { effects: [], readonly: true };
  const [group, action] = args.map((w) => w.value);
  const reads = ['view', 'list', 'status', 'diff', 'checks', 'search', 'watch'];
  if (args[0]?.dynamic) return { effects: [], unknown: `the gh command ${args[0].text} is only known when the command runs` };
  if (group === undefined) return { effects: [], readonly: true };
  if (!GH_GROUPS.has(group)) return { effects: [], unknown: `gh ${group} is not a gh command Airlock knows (an alias or an extension runs a program or shell code of its own)` };
  if (group === 'auth') {
    // A token printed is a credential in the agent's hands: a person decides.
    const showsToken = args.slice(2).some((w) => /^--show-token(=.*)?$/.test(w.value) || /^-[A-Za-z]*t[A-Za-z]*$/.test(w.value) || w.dynamic);
    if (action === 'token') return { effects: [], emitsEnv: true, unknown: 'gh auth token prints a GitHub credential' };
    if (action === 'status' && showsToken) return { effects: [], emitsEnv: true, unknown: 'gh auth status --show-token prints a GitHub credential' };
    if (action === 'status') return { effects: [], readonly: true, downloads: true };
  }
  if (group === 'api') {
    const sends = args.some((w) => /^(-X|--method|-f|-F|--field|--raw-field|--input)$/.test(w.value) || /^--(method|field|raw-field|input)=/.test(w.value) || /^-[fFX]./.test(w.value));
    if (!sends) return { effects: [], readonly: true, downloads: true };
    // `-F key=@FILE` and `--input FILE` send a file's content.
    const files: Effect[] = [];
    args.forEach((w, i) => {
      const field = /^(-F|--field)(=)?(.*)$/.exec(w.value);
      const value = field ? (field[3] ? field[3].replace(/^=/, '') : args[i + 1]?.value) : undefined;
      const at = value?.indexOf('=@') ?? -1;
      if (value !== undefined && at !== -1 && value.slice(at + 2) !== '-') files.push({ op: 'read', word: { text: value.slice(at + 2), value: value.slice(at + 2), glob: false, brace: false } });
      const input = /^--input(=(.*))?$/.exec(w.value);
      const file = input ? (input[1] ? input[2] : args[i + 1]?.value) : undefined;
      if (file !== undefined && file !== '-') files.push({ op: 'read', word: { text: file, value: file, glob: false, brace: false } });
    });
    return { effects: files, sends: true, irreversible: 'gh api changes something on GitHub' };
  }
  if (group === 'help' || group === 'version') return { effects: [], readonly: true };
  // Files gh uploads: `--body-file FILE`/`-F FILE`, gist files, release assets (their content leaves the machine).
  const uploads: Effect[] = [];
  args.forEach((w, i) => {
    const m = /^(--body-file|--input|--notes-file|-F)(=(.*))?$/.exec(w.value);
    if (m && group !== 'api') {
      const file = m[2] ? { ...w, text: w.text.slice(w.text.indexOf('=') + 1), value: m[3]! } : args[i + 1];
      if (file && file.value !== '-') uploads.push({ op: 'read', word: file });
    }
  });
  const operands = args.slice(2).filter((w) => !w.value.startsWith('-'));
  if (group === 'gist' && (action === 'create' || action === 'new')) uploads.push(...operands.filter((w) => w.value !== '-').map((word): Effect => ({ op: 'read', word })));
  if (group === 'release' && (action === 'create' || action === 'upload')) uploads.push(...operands.slice(1).map((word): Effect => ({ op: 'read', word: { ...word, value: word.value.replace(/#.*$/, '') } })));
  if (uploads.length > 0) return { effects: uploads, sends: true, irreversible: `gh ${group} ${action ?? ''} sends files to GitHub` };
  if (action && reads.includes(action)) return { effects: [], readonly: true, downloads: true };
  if ((group === 'repo' || group === 'gist' || group === 'release') && action === 'clone') return { effects: [{ op: 'write', literal: '.', recursive: true }], downloads: true };
  if (group === 'pr' && action === 'checkout') return { effects: [], downloads: true, runsCode: 'git may run the repository\'s hooks' };
  if (group && (READ_SUBCOMMANDS.gh ?? []).includes(group)) return { effects: [], readonly: true, downloads: true };
  return { effects: [], sends: true, irreversible: `gh ${group ?? ''} ${action ?? ''} changes something on GitHub` };
}

const IP_OBJECTS = [
  'address', 'addrlabel', 'maddress', 'route', 'rule', 'neighbor', 'neighbour', 'ntable', 'ntbl', 'link', 'l2tp', 'fou', 'ila', 'macsec', 'tunnel',
  'tunl', 'tuntap', 'tap', 'token', 'tcpmetrics', 'tcp_metrics', 'monitor', 'xfrm', 'mroute', 'mrule', 'netns', 'netconf', 'vrf', 'sr', 'nexthop',
  'mptcp', 'ioam', 'stats', 'help',
];
/** ip's global options (any prefix, one dash or two); those taking a value; `-batch` runs commands from a file. */
const IP_FLAGS = ['Version', 'human', 'human-readable', 'stats', 'statistics', 'details', 'resolve', 'iec', '4', '6', 'B', 'M', '0', 'oneline', 'timestamp', 'tshort', 'force', 'Numeric', 'all', 'color', 'colour', 'brief', 'json', 'pretty', 'echo', 'help', 'br', 'ts', 'h', 's', 'd', 'r', 'o', 't', 'N', 'a', 'c', 'j', 'p', 'V'];
const IP_VALUES = ['family', 'loops', 'rcvbuf', 'netns', 'f', 'l', 'rc', 'n'];

/** `ip`: showing addresses, links, routes and neighbours reads; anything else changes the network of this machine. */
function ipFacts(args: readonly WordValue[]): ProgramFacts {
  const change = (why: string): ProgramFacts => ({ effects: [], irreversible: why });
  let i = 0;
  for (; i < args.length; i++) {
    const w = args[i]!;
    if (w.dynamic) return change(`ip ${w.text} is only known when the command runs`);
    if (!w.value.startsWith('-')) break;
    const opt = w.value.replace(/^--?/, '').split('=')[0]!;
    if (opt === 'b' || (opt.length > 1 && 'batch'.startsWith(opt))) return { effects: [], unknown: 'ip -batch runs the ip commands of a file' };
    if (IP_VALUES.includes(opt) || IP_VALUES.some((v) => v.length > 2 && opt.length > 1 && v.startsWith(opt))) {
      i++;
      continue;
    }
    if (!IP_FLAGS.includes(opt) && !IP_FLAGS.some((f) => f.length > 2 && opt.length > 1 && f.startsWith(opt))) return change(`ip ${w.text} is an option Airlock does not model`);
  }
  const given = args[i]?.value;
  if (given === undefined) return { effects: [], readonly: true };
  const object = IP_OBJECTS.find((o) => o.startsWith(given));
  if (!object) return change(`ip ${given} is not an object Airlock knows`);
  const command = args[i + 1];
  if (object === 'help' || object === 'monitor') return { effects: [], readonly: true };
  if (command === undefined) return { effects: [], readonly: true };
  if (command.dynamic) return change(`ip ${object} ${command.text} is only known when the command runs`);
  // ip matches commands by prefix in each object's own order: `ip link s` is `set`, `ip addr s` is `show`.
  const c = command.value;
  const read = ['show', 'list', 'lst', 'get', 'help'].some((r) => r.startsWith(c) && (c.length >= 2 || (object !== 'link' && (c === 's' || c === 'l' || c === 'g'))));
  if (object === 'netns' && ['identify', 'pids', 'list-id'].includes(c)) return { effects: [], readonly: true };
  if (read && !['xfrm', 'netns', 'tuntap', 'tap', 'sr', 'ioam', 'fou', 'l2tp', 'macsec', 'mptcp', 'stats'].includes(object)) return { effects: [], readonly: true };
  if (read && (object === 'netns' || object === 'tuntap' || object === 'tap')) return { effects: [], readonly: true };
  if (object === 'netns' && c === 'exec') return { effects: [], unknown: 'ip netns exec runs a command in another network namespace' };
  return change(`ip ${object} ${c} changes the network configuration of this machine`);
}

/** `sysctl`: reading settings; `-w`, `name=value`, `-p`/`--load` and `--system` change the kernel. */
function sysctlFacts(args: readonly WordValue[]): ProgramFacts {
  const change = (why: string): ProgramFacts => ({ effects: [], irreversible: why });
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const a = w.value;
    if (w.dynamic) return change(`sysctl ${w.text} is only known when the command runs, and it could set a value`);
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0]!;
      if (['all', 'binary', 'ignore', 'names', 'values', 'quiet', 'help', 'version'].includes(name)) continue;
      if (name === 'pattern') {
        if (!a.includes('=')) i++;
        continue;
      }
      if (['load', 'system', 'write'].some((x) => x.startsWith(name) && name.length > 0)) return change(`sysctl --${name} changes kernel settings`);
      return change(`sysctl ${a} is an option Airlock does not model`);
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const l = a[j]!;
        if ('aAXbeNnqoxdhV'.includes(l)) continue;
        if (l === 'r') {
          if (j === a.length - 1) i++;
          break;
        }
        if (l === 'p' || l === 'f' || l === 'w') return change(`sysctl -${l} changes kernel settings`);
        return change(`sysctl -${l} is an option Airlock does not model`);
      }
      continue;
    }
    if (a.includes('=')) return change(`sysctl ${w.text} changes a kernel setting`);
  }
  return { effects: [], readonly: true };
}

/** kubectl's global options that take a value (`-n NS`, `--context=C`); `--kubeconfig` can run credential plugins. */
const KUBECTL_VALUES = ['-n', '--namespace', '--context', '--cluster', '--user', '-s', '--server', '--token', '--as', '--as-group', '--as-uid', '--request-timeout', '-v', '--v', '--certificate-authority', '--client-certificate', '--client-key', '--tls-server-name', '--password', '--username', '-l', '--selector', '-o', '--output', '-f', '--filename', '-c', '--container', '--field-selector', '--sort-by', '--tail', '--since', '--template', '-L', '--label-columns', '-k', '--kustomize', '--chunk-size', '--subresource'];
const KUBECTL_UNKNOWN = ['--kubeconfig', '--kuberc', '--profile-output', '--log-file', '--cache-dir', '--plugin-dir'];

/** `kubectl`: reading the cluster (get, describe, logs, `auth can-i`); anything else changes it. */
function kubectlFacts(args: readonly WordValue[]): ProgramFacts {
  const words: WordValue[] = [];
  const effects: Effect[] = [];
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const a = w.value;
    if (w.dynamic) return { effects: [], irreversible: `kubectl ${w.text} is only known when the command runs`, sends: true, downloads: true };
    const name = a.split('=')[0]!;
    if (KUBECTL_UNKNOWN.includes(name)) return { effects: [], unknown: `kubectl ${name} points kubectl at a file Airlock does not follow (a kubeconfig can run credential plugins)` };
    if (a.startsWith('-') && KUBECTL_VALUES.includes(name)) {
      const value = a.includes('=') ? sliceOf(w, a.indexOf('=') + 1) : args[++i];
      if ((name === '-f' || name === '--filename' || name === '-k' || name === '--kustomize') && value) effects.push({ op: 'read', word: value, recursive: true });
      if ((name === '-o' || name === '--output') && value) output = value.value;
      continue;
    }
    if (name === '--raw' && words[0]?.value !== 'config') {
      // `kubectl get --raw /api/v1/namespaces/x/secrets` prints what the API returns.
      const value = a.includes('=') ? sliceOf(w, a.indexOf('=') + 1) : args[++i];
      if (!value || value.dynamic || /secret/i.test(value.value)) return { effects, unknown: 'kubectl --raw reads an API path that may hold secrets' };
      continue;
    }
    if (/^-o./.test(a)) output = a.slice(2);
    if (a.startsWith('-')) continue;
    words.push(w);
  }
  const [sub, action] = words.map((w) => w.value);
  const changes: ProgramFacts = { effects, irreversible: `kubectl ${sub ?? ''} changes a Kubernetes cluster`, sends: true, downloads: true };
  if (sub === undefined || args.every((w) => VERSION_ONLY.test(w.value))) return { effects, readonly: true };
  const read: ProgramFacts = { effects, readonly: true, downloads: true };
  if (['get', 'describe', 'logs', 'version', 'explain', 'api-resources', 'api-versions', 'top', 'events', 'diff', 'wait'].includes(sub)) {
    // The values of secrets, printed: a credential in the agent's hands.
    const secrets = sub === 'get' && words.slice(1).some((w) => /(^|,)secrets?(\.[^,/]*)?(\/|,|$)/i.test(w.value)) && output !== undefined && !/^(name|wide)$/.test(output);
    if (secrets) return { effects, unknown: 'kubectl get secrets with an output format prints their values' };
    return read;
  }
  if (sub === 'auth') return action === undefined || action === 'can-i' || action === 'whoami' ? read : changes;
  if (sub === 'cluster-info') return action === undefined ? read : changes;
  if (sub === 'config') {
    if (['get-contexts', 'get-clusters', 'get-users', 'current-context'].includes(action ?? '')) return read;
    if (action === 'view' && !args.some((w) => /^--(raw|flatten)(=|$)/.test(w.value))) return read;
    if (action === 'view') return { effects, unknown: 'kubectl config view --raw prints credentials' };
  }
  return changes;
}

/** The part of a word after `offset`, as a word. */
function sliceOf(w: WordValue, offset: number): WordValue {
  return { ...w, text: w.text.slice(offset), value: w.value.slice(offset) };
}

/** `terraform`: reading configuration and state; formatting writes files; anything else changes infrastructure. */
function terraformFacts(args: readonly WordValue[]): ProgramFacts {
  let rest = args;
  let base: WordValue | undefined;
  while (rest[0] && /^-(chdir=|version$|help$|v$)/.test(rest[0].value)) {
    if (rest[0].value.startsWith('-chdir=')) base = sliceOf(rest[0], '-chdir='.length);
    else return { effects: [], readonly: true };
    rest = rest.slice(1);
  }
  const at = (effects: Effect[]): Effect[] => (base ? effects.map((e) => ({ ...e, base })) : effects);
  const [sub, action] = rest.map((w) => w.value);
  const changes = (what = 'terraform changes infrastructure'): ProgramFacts => ({ effects: [], irreversible: what, sends: true, downloads: true });
  if (sub === undefined) return { effects: [], readonly: true };
  if (rest[0]?.dynamic) return changes(`the terraform command ${rest[0].text} is only known when the command runs`);
  const opts = rest.slice(1).filter((w) => w.value.startsWith('-'));
  const ops = rest.slice(1).filter((w) => !w.value.startsWith('-'));
  switch (sub) {
    case 'version':
    case 'help':
    case 'graph':
      return { effects: [], readonly: true };
    case 'validate':
    case 'show':
      // Both load the provider plugins of .terraform/, programs Airlock cannot read.
      return { effects: [], runsCode: `terraform ${sub} runs provider plugins` };
    case 'output':
      return { effects: [], readonly: true, downloads: true };
    case 'fmt': {
      // It rewrites the .tf files of the folders named (default the current one), below them with -recursive;
      // it never writes other files, so the folder itself stands for what it writes.
      if (opts.some((w) => /^-(check|write=false)$/.test(w.value))) return { effects: [], readonly: true };
      if (ops.some((w) => w.value === '-')) return { effects: [], readonly: true };
      const dirs = ops.length > 0 ? ops.map((word): Effect => ({ op: 'write', word })) : [{ op: 'write' as const, literal: '.' }];
      return { effects: at(dirs) };
    }
    case 'providers':
      if (action === undefined) return { effects: [], readonly: true };
      if (action === 'mirror') return { effects: at(ops.slice(1).map((word): Effect => ({ op: 'write', word, recursive: true }))), downloads: true, ...(ops.length < 2 ? { unknown: 'terraform providers mirror needs a folder' } : {}) };
      if (action === 'lock') return { effects: at([{ op: 'write', literal: '.terraform.lock.hcl' }]), downloads: true };
      if (action === 'schema') return { effects: [], runsCode: 'terraform providers schema runs provider plugins' };
      return changes();
    case 'state':
      return ['list', 'show', 'pull'].includes(action ?? '') ? { effects: [], readonly: true, downloads: true } : changes('terraform state changes the recorded infrastructure');
    case 'workspace':
      return ['list', 'show'].includes(action ?? '') ? { effects: [], readonly: true, downloads: true } : changes(`terraform workspace ${action ?? ''} changes which state terraform uses, or deletes one`);
    case 'plan':
    case 'init': {
      const out: Effect[] = [];
      rest.forEach((w, i) => {
        if (/^--?out=/.test(w.value)) out.push({ op: 'write', word: sliceOf(w, w.value.indexOf('=') + 1) });
        else if (/^--?out$/.test(w.value) && rest[i + 1]) out.push({ op: 'write', word: rest[i + 1]! });
      });
      return { effects: at([{ op: 'write', literal: '.terraform', recursive: true }, ...out]), downloads: true, runsCode: `terraform ${sub} runs provider plugins` };
    }
    default:
      return changes();
  }
}

function subcommandRead(name: string, args: readonly WordValue[]): ProgramFacts {
  const first = args.find((w) => !w.value.startsWith('-') || (READ_SUBCOMMANDS[name] ?? []).includes(w.value))?.value;
  const reads = READ_SUBCOMMANDS[name] ?? [];
  if (args.length === 0 && (name === 'ifconfig' || name === 'docker' || name === 'brew' || name === 'systemctl')) return { effects: [], readonly: true };
  if (args.every((w) => VERSION_ONLY.test(w.value))) return { effects: [], readonly: true };
  if (first && reads.includes(first)) {
    if (name === 'docker' && (first === 'image' || first === 'context' || first === 'system') && !['ls', 'list', 'inspect', 'history', 'df', 'info', 'show'].includes(args[1]?.value ?? '')) {
      return { effects: [], irreversible: `docker ${first} ${args[1]?.value ?? ''} changes containers or images` };
    }
    return { effects: [], readonly: true, ...(['docker', 'podman'].includes(name) ? { downloads: true } : {}) };
  }
  if (name === 'crontab' && args.length === 0) return { effects: [], unknown: 'crontab reads a new table from its input' };
  const what: Record<string, string> = {
    systemctl: 'systemctl changes system services',
    service: 'service changes system services',
    launchctl: 'launchctl changes system services',
    crontab: 'crontab changes scheduled commands',
    timedatectl: 'timedatectl changes the system clock',
    hostnamectl: 'hostnamectl renames this machine',
    ifconfig: 'ifconfig changes the network configuration',
    docker: 'docker runs containers and changes images, outside what Airlock can roll back',
    podman: 'podman runs containers and changes images, outside what Airlock can roll back',
    brew: 'brew installs software outside the workspace',
  };
  return { effects: [], irreversible: what[name] ?? `${name} changes the system`, ...(['docker', 'podman', 'brew'].includes(name) ? { sends: true, downloads: true } : {}) };
}

const KILL_READ = /^(-l|-L|--list|--table|-0)$/;

/** Shell builtins that change only the shell itself, or print. */
const SHELL_BUILTINS: Readonly<Record<string, (args: readonly WordValue[]) => ProgramFacts>> = {
  export: (a) => (a.length === 0 || a.some((w) => w.value === '-p') ? { effects: [], readonly: true, emitsEnv: true } : { effects: [], readonly: true }),
  declare: (a) => (a.length === 0 || a.every((w) => /^-[pxF]+$/.test(w.value)) ? { effects: [], readonly: true, emitsEnv: true } : { effects: [], readonly: true }),
  typeset: (a) => (a.length === 0 ? { effects: [], readonly: true, emitsEnv: true } : { effects: [], readonly: true }),
  local: () => ({ effects: [], readonly: true }),
  readonly: () => ({ effects: [], readonly: true }),
  unset: () => ({ effects: [], readonly: true }),
  set: (a) => (a.length === 0 ? { effects: [], readonly: true, emitsEnv: true } : { effects: [], readonly: true }),
  shopt: () => ({ effects: [], readonly: true }),
  read: () => ({ effects: [], readonly: true }),
  mapfile: () => ({ effects: [], readonly: true }),
  readarray: () => ({ effects: [], readonly: true }),
  hash: () => ({ effects: [], readonly: true }),
  type: () => ({ effects: [], readonly: true }),
  ulimit: () => ({ effects: [], readonly: true }),
  umask: () => ({ effects: [], readonly: true }),
  wait: () => ({ effects: [], readonly: true }),
  jobs: () => ({ effects: [], readonly: true }),
  fg: () => ({ effects: [], readonly: true }),
  bg: () => ({ effects: [], readonly: true }),
  disown: () => ({ effects: [], readonly: true }),
  exit: () => ({ effects: [], readonly: true }),
  return: () => ({ effects: [], readonly: true }),
  break: () => ({ effects: [], readonly: true }),
  continue: () => ({ effects: [], readonly: true }),
  shift: () => ({ effects: [], readonly: true }),
  getopts: () => ({ effects: [], readonly: true }),
  let: () => ({ effects: [], readonly: true }),
  dirs: () => ({ effects: [], readonly: true }),
  unalias: () => ({ effects: [], readonly: true }),
  times: () => ({ effects: [], readonly: true }),
  caller: () => ({ effects: [], readonly: true }),
  complete: () => ({ effects: [], readonly: true }),
  compgen: () => ({ effects: [], readonly: true }),
  history: (a) => (a.some((w) => /^-[swanr]/.test(w.value)) ? { effects: [], unknown: 'history -s/-w/-a/-n/-r changes or reads history files' } : { effects: [], readonly: true }),
  trap: (a) => (a.length === 0 || a.every((w) => /^-[lp]$/.test(w.value)) ? { effects: [], readonly: true } : { effects: [], unknown: 'trap runs a string of shell code later, when a signal arrives or the shell exits' }),
  alias: (a) => (a.length === 0 || a.every((w) => !w.value.includes('=')) ? { effects: [], readonly: true } : { effects: [], unknown: 'alias makes a name run other commands, which changes what later commands mean' }),
  source: () => ({ effects: [], unknown: 'source runs shell code from a file in this shell' }),
  '.': () => ({ effects: [], unknown: '. runs shell code from a file in this shell' }),
  enable: (a) => (a.some((w) => w.value.startsWith('-f')) ? { effects: [], unknown: 'enable -f loads builtins from a library' } : { effects: [], readonly: true }),
  fc: () => ({ effects: [], unknown: 'fc runs commands from the shell history' }),
  bind: () => ({ effects: [], readonly: true }),
  coproc: () => ({ effects: [], unknown: 'coproc runs a command in the background connected to this shell' }),
  select: () => ({ effects: [], unknown: 'select reads a choice from its input' }),
  logout: () => ({ effects: [], readonly: true }),
  suspend: () => ({ effects: [], readonly: true }),
};

/** Facts about a program Airlock models outside the read-only, file, network and package tables, or undefined. */
export function programFacts(name: string, args: readonly WordValue[]): ProgramFacts | undefined {
  if (name in INTERPRETERS) return interpreterFacts(name, args);
  if (/^(g|m|n|busybox-)?awk$/.test(name)) return awkFacts(name, args);
  if (name in SHELL_BUILTINS) return SHELL_BUILTINS[name]!(args);
  if (name === 'kill' || name === 'pkill' || name === 'killall') {
    if (args.length > 0 && args.every((w) => KILL_READ.test(w.value) || /^\d+$/.test(w.value)) && args.some((w) => KILL_READ.test(w.value))) return { effects: [], readonly: true };
    return { effects: [], irreversible: IRREVERSIBLE[name]! };
  }
  if (name === 'gh') return ghFacts(args);
  if (name === 'ip') return ipFacts(args);
  if (name === 'sysctl') return sysctlFacts(args);
  if (name === 'kubectl') return kubectlFacts(args);
  if (name === 'terraform') return terraformFacts(args);
  if (name in READ_SUBCOMMANDS) return subcommandRead(name, args);
  if (name in IRREVERSIBLE || /^mkfs(\..+)?$/.test(name)) return { effects: [], irreversible: IRREVERSIBLE[name] ?? `${name} formats a disk` };
  if (name in LINTERS) return simpleFacts(name, LINTERS[name]!, args);
  if (name === 'gofmt') return gofmtFacts(args);
  if (name === 'nvidia-smi') return nvidiaSmiFacts(args);
  // env_parallel is GNU parallel with the shell's functions and variables: it runs commands built from its arguments and input.
  if (/^env_parallel(\.[a-z]+)?$/.test(name)) return { effects: [], unknown: `${name} runs commands built from its arguments and input (with this shell's functions and variables), which Airlock does not follow` };
  if (QUIET_READERS.has(name)) return { effects: [], readonly: true, ...(name === 'printenv' ? { emitsEnv: true } : {}) };
  if (RUNS_PROJECT_CODE.has(name)) {
    if (args.length > 0 && args.every((w) => VERSION_ONLY.test(w.value))) return { effects: [], readonly: true };
    return { effects: [], runsCode: `${name} runs the project's code and configuration` };
  }
  if (name === 'perl' || name === 'env') return undefined;
  return undefined;
}

/** The options of interpreters that only print something (`node --version`), for tests. */
export function isInterpreter(name: string): boolean {
  return name in INTERPRETERS;
}

export { has, valueOf };
