/**
 * Package managers and package runners. Installing runs the packages' own scripts (code) and rewrites
 * the manifest and lockfile (edits the policy asks about); global installs and publishing leave the
 * workspace; `npx`/`npm exec` fetch a package and run it. Package scripts (`npm test`, `yarn build`) run
 * shell code from package.json: they run code, and the script text itself is checked for what no agent
 * may run at all (Airlock's own CLI).
 */
import type { CommandFacts, Effect } from '../facts';
import type { WordValue } from '../words';

/** Facts plus the package scripts a command runs, for the analyzer to look up. */
export interface PackageFacts extends CommandFacts {
  /** The scripts of the package in the command's folder that run (`test`, and `pretest`/`posttest`). */
  readonly scripts?: readonly string[];
  /** The package a runner fetches and runs (`npx PKG`, `npm exec PKG`), for recognising Airlock itself. */
  readonly runsPackage?: WordValue;
  /** A binary from `node_modules/.bin` that runs when no script has the name (`yarn NAME`, `pnpm NAME`, `yarn run NAME`). */
  readonly runsBin?: WordValue;
}

const MANIFESTS: Readonly<Record<string, readonly string[]>> = {
  npm: ['package.json', 'package-lock.json', 'npm-shrinkwrap.json'],
  yarn: ['package.json', 'yarn.lock'],
  pnpm: ['package.json', 'pnpm-lock.yaml'],
  bun: ['package.json', 'bun.lock', 'bun.lockb'],
  cargo: ['Cargo.toml', 'Cargo.lock'],
  go: ['go.mod', 'go.sum'],
  poetry: ['pyproject.toml', 'poetry.lock'],
  uv: ['pyproject.toml', 'uv.lock'],
  pip: [],
  gem: [],
  bundle: ['Gemfile', 'Gemfile.lock'],
  composer: ['composer.json', 'composer.lock'],
};

function manifests(tool: string): Effect[] {
  return (MANIFESTS[tool] ?? []).map((literal) => ({ op: 'write' as const, literal }));
}

/** Splits `tool [global options] SUB args…`: the first word that is not an option is the subcommand. */
function subcommand(args: readonly WordValue[], valueOptions: readonly string[]): { sub?: WordValue; rest: readonly WordValue[]; before: readonly WordValue[] } {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.value;
    if (a === '--') return { rest: args.slice(i + 1), before: args.slice(0, i) };
    if (a.startsWith('-')) {
      if (valueOptions.includes(a) && !a.includes('=')) i++;
      continue;
    }
    return { sub: args[i]!, rest: args.slice(i + 1), before: args.slice(0, i) };
  }
  return { rest: [], before: args };
}

const GLOBAL_FLAG = /^(-g|--global|--location=global|-G|--user)$/;

function isGlobal(words: readonly WordValue[]): boolean {
  return words.some((w) => GLOBAL_FLAG.test(w.value));
}

const NPM_READ = new Set(['ls', 'list', 'll', 'la', 'view', 'v', 'info', 'show', 'outdated', 'help', 'help-search', 'root', 'bin', 'prefix', 'whoami', 'why', 'explain', 'search', 'find', 'ping', 'doctor', 'fund', 'query', 'diff', 'docs', 'home', 'bugs', 'repo', 'sbom', 'completion']);
const NPM_RUN = new Set(['run', 'run-script', 'rum', 'urn']);
const NPM_SCRIPTS = new Set(['test', 't', 'tst', 'start', 'stop', 'restart']);
const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add', 'ci', 'clean-install', 'install-clean', 'ic', 'install-ci-test', 'cit', 'install-test', 'it', 'update', 'up', 'upgrade', 'udpate', 'dedupe', 'ddp', 'rebuild', 'rb', 'prune', 'link', 'ln', 'uninstall', 'un', 'unlink', 'remove', 'rm', 'r']);
const NPM_SENDS = new Set(['publish', 'unpublish', 'deprecate', 'dist-tag', 'owner', 'author', 'access', 'team', 'org', 'token', 'login', 'logout', 'adduser', 'add-user', 'star', 'unstar', 'hook', 'profile', 'stars']);

/** npm, pnpm, yarn and bun: the subcommand decides. */
function nodePackageFacts(tool: 'npm' | 'pnpm' | 'yarn' | 'bun', args: readonly WordValue[]): PackageFacts {
  const { sub, rest } = subcommand(args, ['--prefix', '-C', '--cwd', '--workspace', '-w', '--filter', '--registry', '--userconfig', '--globalconfig', '--cache']);
  if (args.some((w) => w.dynamic)) return { effects: [], unknown: `${tool} with arguments only known when the command runs` };
  if (args.some((w) => /^--(prefix|userconfig|globalconfig|cache|script-shell|node-options|cwd|dir)(=|$)/.test(w.value) || w.value === '-C' || w.value === '--dir')) {
    return { effects: [], unknown: `${tool} with --prefix, --cwd, --script-shell or another configuration option runs in a way Airlock does not model` };
  }
  const s = sub?.value ?? '';
  if (args.length === 0 || args.every((w) => /^(-v|--version|-h|--help|help)$/.test(w.value))) return { effects: [], readonly: true };
  if (tool === 'npm' && s === 'config') {
    const action = rest[0]?.value;
    if (action === 'get' || action === 'list' || action === 'ls') return { effects: [], readonly: true };
    return { effects: [{ op: 'write', literal: '~/.npmrc' }], irreversible: 'npm config set changes npm\'s configuration outside the workspace' };
  }
  if (NPM_READ.has(s) || (tool !== 'npm' && ['list', 'ls', 'info', 'why', 'outdated', 'view', 'bin', 'root', 'store'].includes(s) && !(s === 'store' && rest[0]?.value === 'prune'))) {
    const networkRead = ['view', 'v', 'info', 'show', 'outdated', 'search', 'find', 'ping', 'docs', 'home', 'bugs', 'repo', 'fund'].includes(s);
    return { effects: [], readonly: true, ...(networkRead ? { downloads: true } : {}) };
  }
  if (NPM_SENDS.has(s)) return { effects: [], sends: true, irreversible: `${tool} ${s} changes the package registry, outside this machine` };
  if (s === 'audit') {
    if (rest[0]?.value === 'fix') return { effects: manifests(tool), runsCode: `${tool} audit fix installs packages, which run their install scripts`, downloads: true };
    return { effects: [], readonly: true, downloads: true };
  }
  if (s === 'version') return { effects: manifests(tool), runsCode: `${tool} version runs the package's version scripts and git` };
  if (s === 'pack') return { effects: [{ op: 'write', literal: '.', recursive: false }], runsCode: `${tool} pack runs the package's prepack scripts` };
  if (s === 'init' || s === 'create' || s === 'innit') {
    if (rest.some((w) => !w.value.startsWith('-'))) return { effects: [{ op: 'write', literal: '.', recursive: true }], downloads: true, runsCode: `${tool} ${s} fetches an initializer package and runs it` };
    return { effects: [{ op: 'write', literal: 'package.json' }] };
  }
  if (s === 'exec' || s === 'x' || s === 'dlx') {
    const pkg = rest.find((w) => !w.value.startsWith('-'));
    return { effects: [], downloads: true, runsCode: `${tool} ${s} fetches ${pkg ? `the package ${pkg.text}` : 'a package'} and runs it`, ...(pkg ? { runsPackage: pkg } : {}) };
  }
  if (NPM_INSTALL.has(s) || (tool !== 'npm' && ['add', 'remove', 'install', 'i', 'update', 'up', 'upgrade', 'rebuild', 'prune', 'import', 'dedupe', 'link', 'unlink'].includes(s)) || (tool === 'yarn' && s === '')) {
    if (isGlobal(args)) return { effects: [], downloads: true, irreversible: `${tool} ${s} --global installs outside the workspace`, runsCode: `${tool} ${s} runs the packages' install scripts` };
    // A clean install follows the lockfile and changes neither it nor the manifest.
    const clean = ['ci', 'clean-install', 'install-clean', 'ic', 'install-ci-test', 'cit'].includes(s) || (tool !== 'npm' && args.some((w) => /^--(frozen-lockfile|immutable|ci)$/.test(w.value)));
    return { effects: clean ? [] : manifests(tool), downloads: true, runsCode: `${tool} ${s || 'install'} runs the packages' install scripts` };
  }
  if (NPM_RUN.has(s) || (tool !== 'npm' && s === 'run')) {
    const script = rest.find((w) => !w.value.startsWith('-'));
    if (!script) return { effects: [], readonly: true }; // lists the scripts
    // yarn and bun run a binary from node_modules/.bin when no script has the name (`yarn run airlock`).
    return { effects: [], runsCode: `${tool} ${s} ${script.text} runs the package script ${script.text}`, scripts: [`pre${script.value}`, script.value, `post${script.value}`], ...(tool !== 'npm' ? { runsBin: script } : {}) };
  }
  if (NPM_SCRIPTS.has(s)) {
    const name = s === 't' || s === 'tst' ? 'test' : s;
    return { effects: [], runsCode: `${tool} ${s} runs the package script ${name}`, scripts: [`pre${name}`, name, `post${name}`] };
  }
  if (tool === 'bun' && (s === 'build' || s === 'test')) return { effects: [], runsCode: `bun ${s} runs code` };
  if (tool === 'bun' && sub && /\.(m?[jt]sx?|cjs)$/.test(s)) return { effects: [], runsCode: `bun runs ${s}` };
  if (tool !== 'npm' && sub) {
    // `yarn build`, `pnpm lint`: a package script (or a binary from node_modules/.bin) by that name.
    return { effects: [], runsCode: `${tool} ${s} runs the package script or binary ${s}`, scripts: [`pre${s}`, s, `post${s}`], runsBin: sub };
  }
  return { effects: [], unknown: `${tool} ${s} is a command Airlock does not model` };
}

/** npx, pnpx, bunx, yarn dlx and friends: fetch a package and run it. */
function runnerFacts(name: string, args: readonly WordValue[]): PackageFacts {
  const pkgOpts = ['-p', '--package', '-c', '--call'];
  let pkg: WordValue | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.value;
    if (pkgOpts.includes(a)) {
      if (a === '-c' || a === '--call') return { effects: [], downloads: true, unknown: `${name} -c runs a shell string` };
      pkg = args[i + 1];
      i++;
      continue;
    }
    if (a.startsWith('--package=')) {
      pkg = { ...args[i]!, value: a.slice(10), text: args[i]!.text.slice(10) };
      continue;
    }
    if (a.startsWith('-')) continue;
    pkg ??= args[i]!;
    break;
  }
  return { effects: [], downloads: true, runsCode: `${name} fetches ${pkg ? `the package ${pkg.text}` : 'a package'} and runs it`, ...(pkg ? { runsPackage: pkg } : {}) };
}

function pipFacts(name: string, args: readonly WordValue[]): PackageFacts {
  const { sub, rest } = subcommand(args, ['-r', '--requirement', '-c', '--constraint', '-t', '--target', '--prefix', '--root', '-i', '--index-url', '--extra-index-url']);
  const s = sub?.value ?? '';
  if (['list', 'show', 'freeze', 'check', 'help', 'debug', 'inspect', 'index', 'search', 'config', 'cache'].includes(s) || args.every((w) => /^(-V|--version|-h|--help)$/.test(w.value))) {
    if (s === 'config' && rest[0] && !['list', 'get', 'debug'].includes(rest[0].value)) return { effects: [], irreversible: 'pip config changes pip\'s configuration outside the workspace' };
    if (s === 'cache' && rest[0] && ['purge', 'remove'].includes(rest[0].value)) return { effects: [] };
    return { effects: [], readonly: true };
  }
  if (s === 'install' || s === 'uninstall' || s === 'download' || s === 'wheel') {
    const target = args.find((w, i) => ['-t', '--target', '-d', '--dest', '-w', '--wheel-dir'].includes(args[i - 1]?.value ?? '') || /^--(target|dest|wheel-dir)=/.test(w.value));
    if (target) return { effects: [{ op: 'write', word: target.value.includes('=') ? { ...target, value: target.value.slice(target.value.indexOf('=') + 1) } : target, recursive: true }], downloads: true, runsCode: `${name} ${s} runs the packages' build scripts` };
    if (s === 'download' || s === 'wheel') return { effects: [{ op: 'write', literal: '.', recursive: true }], downloads: true, runsCode: `${name} ${s} runs the packages' build scripts` };
    return { effects: [], downloads: true, runsCode: `${name} ${s} runs the packages' build scripts`, irreversible: `${name} ${s} changes the Python environment, which lives outside the workspace unless it is a virtual environment inside it` };
  }
  return { effects: [], unknown: `${name} ${s} is a command Airlock does not model` };
}

function cargoFacts(args: readonly WordValue[]): PackageFacts {
  const { sub } = subcommand(args, ['--manifest-path', '-Z', '--color', '--config']);
  if (args.some((w) => /^--config/.test(w.value) || w.value === '-Z')) return { effects: [], unknown: 'cargo --config sets configuration that can run other programs' };
  const s = sub?.value ?? '';
  if (args.length === 0 || ['--version', '-V', 'version', 'help', '--help', '-h', '--list'].includes(s || args[0]!.value)) return { effects: [], readonly: true };
  if (['tree', 'metadata', 'search', 'locate-project', 'pkgid', 'verify-project', 'read-manifest', 'info'].includes(s)) return { effects: [], readonly: true, ...(s === 'search' || s === 'info' ? { downloads: true } : {}) };
  if (['publish', 'yank', 'owner', 'login', 'logout'].includes(s)) return { effects: [], sends: true, irreversible: `cargo ${s} changes the crate registry, outside this machine` };
  if (s === 'install' || s === 'uninstall') return { effects: [], downloads: true, runsCode: `cargo ${s} builds code`, irreversible: `cargo ${s} installs into ~/.cargo/bin, outside the workspace` };
  if (['add', 'remove', 'rm', 'update', 'upgrade', 'generate-lockfile'].includes(s)) return { effects: manifests('cargo'), downloads: true };
  if (['build', 'b', 'check', 'c', 'test', 't', 'run', 'r', 'bench', 'doc', 'd', 'clippy', 'fmt', 'fix', 'rustc', 'rustdoc', 'clean', 'fetch', 'vendor', 'package', 'new', 'init', 'miri', 'nextest', 'llvm-cov', 'tarpaulin', 'watch', 'expand', 'audit', 'deny', 'machete', 'udeps', 'outdated'].includes(s)) {
    return { effects: [], downloads: true, runsCode: `cargo ${s} builds and runs code (build scripts, tests, proc macros)` };
  }
  return { effects: [], runsCode: `cargo ${s} runs a cargo subcommand` };
}

function goFacts(args: readonly WordValue[]): PackageFacts {
  const s = args.find((w) => !w.value.startsWith('-'))?.value ?? '';
  if (args.length === 0 || ['version', 'env', 'help', 'list', 'doc'].includes(s)) {
    if (s === 'env' && args.some((w) => w.value === '-w' || w.value === '-u')) return { effects: [], irreversible: 'go env -w changes Go\'s configuration outside the workspace' };
    return { effects: [], readonly: true };
  }
  if (args.some((w) => /^-(toolexec|exec|overlay|modfile)(=|$)/.test(w.value))) return { effects: [], unknown: 'go -toolexec, -exec and -overlay run other programs' };
  if (s === 'install') return { effects: [], downloads: true, runsCode: 'go install builds code', irreversible: 'go install installs into ~/go/bin, outside the workspace' };
  if (s === 'get' || s === 'mod') return { effects: manifests('go'), downloads: true, ...(s === 'get' ? { runsCode: 'go get builds code' } : {}) };
  if (s === 'fmt' || s === 'vet' || s === 'fix') return { effects: [], runsCode: `go ${s} runs the Go tools on the packages` };
  return { effects: [], downloads: true, runsCode: `go ${s} builds and runs code (tests, generators)` };
}

function uvFacts(args: readonly WordValue[]): PackageFacts {
  const s = args.find((w) => !w.value.startsWith('-'))?.value ?? '';
  if (args.length === 0 || ['version', 'help', 'tree'].includes(s) || args.every((w) => /^(-V|--version|-h|--help)$/.test(w.value))) return { effects: [], readonly: true };
  if (s === 'tool') {
    const action = args[args.findIndex((w) => w.value === 'tool') + 1]?.value;
    if (action === 'run') return { effects: [], downloads: true, runsCode: 'uv tool run fetches a tool and runs it' };
    if (action === 'list' || action === 'dir') return { effects: [], readonly: true };
    return { effects: [], downloads: true, irreversible: `uv tool ${action ?? ''} installs tools outside the workspace` };
  }
  if (s === 'publish') return { effects: [], sends: true, irreversible: 'uv publish uploads to a package index' };
  if (s === 'add' || s === 'remove' || s === 'lock') return { effects: manifests('uv'), downloads: true };
  if (s === 'pip') {
    const action = args[args.findIndex((w) => w.value === 'pip') + 1]?.value;
    if (['list', 'show', 'freeze', 'check', 'tree'].includes(action ?? '')) return { effects: [], readonly: true };
    if (args.some((w) => w.value === '--system' || w.value === '--user')) return { effects: [], downloads: true, irreversible: 'uv pip --system installs outside the workspace' };
    return { effects: [{ op: 'write', literal: '.venv', recursive: true }], downloads: true, runsCode: 'uv pip installs packages, which can run build scripts' };
  }
  return { effects: [{ op: 'write', literal: '.venv', recursive: true }], downloads: true, runsCode: `uv ${s} builds and runs code` };
}

function simpleRunner(tool: string, args: readonly WordValue[], readOnlySubs: readonly string[], sendSubs: readonly string[], manifestSubs: readonly string[]): PackageFacts {
  const s = args.find((w) => !w.value.startsWith('-'))?.value ?? '';
  if (args.length === 0 || readOnlySubs.includes(s) || args.every((w) => /^(-v|-V|--version|-h|--help)$/.test(w.value))) return { effects: [], readonly: true };
  if (sendSubs.includes(s)) return { effects: [], sends: true, irreversible: `${tool} ${s} changes a package registry or a remote system` };
  if (manifestSubs.includes(s)) return { effects: manifests(tool), downloads: true, runsCode: `${tool} ${s} installs packages, which can run their scripts` };
  return { effects: [], runsCode: `${tool} ${s} runs code` };
}

/** The package managers and runners Airlock models. */
export const PACKAGE_TOOLS: Readonly<Record<string, (args: readonly WordValue[], name: string) => PackageFacts>> = {
  npm: (a) => nodePackageFacts('npm', a),
  pnpm: (a) => nodePackageFacts('pnpm', a),
  yarn: (a) => nodePackageFacts('yarn', a),
  bun: (a) => nodePackageFacts('bun', a),
  npx: (a, n) => runnerFacts(n, a),
  pnpx: (a, n) => runnerFacts(n, a),
  bunx: (a, n) => runnerFacts(n, a),
  pip: (a, n) => pipFacts(n, a),
  pip3: (a, n) => pipFacts(n, a),
  cargo: (a) => cargoFacts(a),
  go: (a) => goFacts(a),
  uv: (a) => uvFacts(a),
  uvx: (a, n) => runnerFacts(n, a),
  pipx: (a) => (a[0]?.value === 'run' ? runnerFacts('pipx run', a.slice(1)) : a[0]?.value === 'list' ? { effects: [], readonly: true } : { effects: [], downloads: true, irreversible: 'pipx installs tools outside the workspace' }),
  poetry: (a) => simpleRunner('poetry', a, ['show', 'check', 'version', 'env', 'config', 'about', 'search', 'list'], ['publish'], ['add', 'remove', 'install', 'update', 'lock', 'sync']),
  pipenv: (a) => simpleRunner('pipenv', a, ['graph', 'check', '--venv', '--where', '--py'], [], ['install', 'uninstall', 'update', 'lock', 'sync']),
  gem: (a) => (['list', 'search', 'info', 'contents', 'env', 'help', 'which', 'query', 'specification', 'outdated'].includes(a[0]?.value ?? '') ? { effects: [], readonly: true } : a[0]?.value === 'push' || a[0]?.value === 'yank' ? { effects: [], sends: true, irreversible: `gem ${a[0].value} changes the gem registry` } : { effects: [], downloads: true, runsCode: `gem ${a[0]?.value ?? ''} runs code`, irreversible: 'gem installs outside the workspace' }),
  bundle: (a) => simpleRunner('bundle', a, ['list', 'show', 'info', 'check', 'outdated', 'platform', 'version', 'help', 'doctor'], [], ['install', 'update', 'add', 'remove', 'lock']),
  composer: (a) => simpleRunner('composer', a, ['show', 'info', 'outdated', 'validate', 'diagnose', 'licenses', 'depends', 'why', 'prohibits', 'why-not', 'search', 'about', 'help', 'list', 'check-platform-reqs', 'fund', 'audit'], [], ['install', 'update', 'require', 'remove', 'upgrade']),
};
