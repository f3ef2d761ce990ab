/**
 * What Airlock knows about individual commands: how risky they are (for the trust levels) and which files
 * they write, delete or read (so those are decided by the edit and read rules, spec/policy.md "Commands").
 */
import { hasOption, optionValue, scanOptions, type OptionSpec } from './options';

/** Risk classes used by the trust levels (DESIGN.md "Progressive trust"). */
export type CommandClass = 'readonly' | 'destructive' | 'network' | 'privileged';

/** A file a command touches. `index` points at the argument holding the path; `prefix` is cut from its value. */
export interface EffectRef {
  readonly op: 'write' | 'delete' | 'read';
  /** Index into the argument list (without the command name). */
  readonly index: number;
  /** Characters to drop from the argument's value first (`of=` of `dd of=FILE`, `@` of `curl -d @FILE`). */
  readonly prefix?: number;
  /** Append `/` + the basename of this argument (`cp a dir` also writes `dir/a`). */
  readonly intoDirOf?: number;
  /** The command affects everything below the path (`rm -r`, `cp -r`). */
  readonly recursive?: boolean;
  /** A literal path relative to the command's directory instead of an argument (`npm i x` writes `package.json`). */
  readonly literal?: string;
  /** The path is only mentioned (an argument of a reader); decided only against `deny`/`ask` read rules. */
  readonly mention?: boolean;
}

/** Everything the table knows about one simple command. */
export interface CommandFacts {
  readonly classes: readonly CommandClass[];
  readonly effects: readonly EffectRef[];
  /** Set when the command writes or deletes files whose names cannot be known before it runs. */
  readonly unknownWrites?: string;
}

const READONLY = new Set(
  (
    'ls ll la dir vdir cat tac head tail less more nl od xxd hexdump strings wc grep egrep fgrep rg ag ack fd fdfind tree pwd ' +
    'echo printf which whereis type file stat du df date whoami id groups uname hostname printenv diff cmp comm sort uniq cut tr ' +
    'column paste join fold fmt expand unexpand seq basename dirname realpath readlink true false test [ sleep jq yq md5sum ' +
    'sha1sum sha224sum sha256sum sha384sum sha512sum cksum b2sum base64 base32 ps pgrep locale tty nproc free uptime cal man ' +
    'help tldr lsof getconf arch cd pushd popd dirs exit return wait jobs hash umask set shopt read'
  ).split(' '),
);

const NETWORK = new Set(
  (
    'curl wget ssh scp sftp nc ncat netcat telnet ftp tftp ping dig nslookup host whois http https xh aria2c lynx w3m links ' +
    'socat npx bunx pipx gh hub kubectl helm aws gcloud az firebase vercel netlify heroku flyctl ngrok'
  ).split(' '),
);

const PRIVILEGED = new Set(
  (
    'sudo su doas pkexec runuser chown mount umount systemctl service launchctl useradd userdel usermod groupadd groupdel ' +
    'passwd chpasswd visudo setcap iptables ip6tables nft ufw modprobe insmod rmmod sysctl reboot shutdown halt poweroff ' +
    'chroot apt apt-get aptitude dpkg dnf yum zypper pacman apk snap docker podman'
  ).split(' '),
);

const DESTRUCTIVE = new Set(
  'rm rmdir unlink shred dd mkfs fdisk parted wipefs truncate kill killall pkill dropdb'.split(' '),
);

/** Subcommands of package managers and tools that talk to the network. */
const NETWORK_SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  npm: ['install', 'i', 'ci', 'add', 'update', 'up', 'upgrade', 'publish', 'unpublish', 'view', 'info', 'show', 'outdated', 'audit', 'login', 'adduser', 'exec', 'x', 'init', 'create', 'search', 'deprecate', 'dist-tag', 'owner', 'access', 'token'],
  yarn: ['', 'install', 'add', 'upgrade', 'up', 'publish', 'dlx', 'create', 'info', 'npm', 'outdated', 'audit'],
  pnpm: ['install', 'i', 'add', 'update', 'up', 'publish', 'dlx', 'create', 'outdated', 'audit'],
  bun: ['install', 'i', 'add', 'update', 'publish', 'x', 'create'],
  pip: ['install', 'download', 'search'],
  pip3: ['install', 'download', 'search'],
  uv: ['add', 'sync', 'lock', 'pip', 'tool', 'run', 'venv'],
  poetry: ['add', 'install', 'update', 'lock', 'publish'],
  gem: ['install', 'push', 'update', 'fetch'],
  bundle: ['install', 'update', 'add'],
  cargo: ['install', 'publish', 'fetch', 'update', 'add', 'search', 'login'],
  go: ['get', 'install', 'mod'],
  git: ['push', 'pull', 'fetch', 'clone', 'ls-remote', 'submodule', 'remote'],
  brew: ['install', 'update', 'upgrade', 'tap', 'reinstall'],
  terraform: ['apply', 'init', 'plan', 'destroy', 'import', 'refresh'],
};

const GIT_READONLY = new Set(
  'status diff log show blame ls-files ls-tree rev-parse rev-list describe shortlog grep cat-file whatchanged merge-base name-rev count-objects help version'.split(' '),
);

/** Files a package manager rewrites, by tool and subcommand: [subcommands that take packages, files, files written even without packages]. */
const MANIFESTS: Readonly<Record<string, { readonly subcommands: readonly string[]; readonly files: readonly string[] }>> = {
  npm: { subcommands: ['install', 'i', 'add', 'uninstall', 'un', 'remove', 'rm', 'r', 'update', 'up', 'upgrade', 'dedupe'], files: ['package.json', 'package-lock.json'] },
  yarn: { subcommands: ['add', 'remove', 'upgrade', 'up', 'install', ''], files: ['package.json', 'yarn.lock'] },
  pnpm: { subcommands: ['add', 'remove', 'rm', 'update', 'up', 'install', 'i'], files: ['package.json', 'pnpm-lock.yaml'] },
  bun: { subcommands: ['add', 'remove', 'rm', 'update', 'install', 'i'], files: ['package.json', 'bun.lock', 'bun.lockb'] },
  cargo: { subcommands: ['add', 'remove', 'rm', 'update'], files: ['Cargo.toml', 'Cargo.lock'] },
  go: { subcommands: ['get', 'mod'], files: ['go.mod', 'go.sum'] },
  poetry: { subcommands: ['add', 'remove', 'lock', 'update'], files: ['pyproject.toml', 'poetry.lock'] },
  uv: { subcommands: ['add', 'remove', 'lock', 'sync'], files: ['pyproject.toml', 'uv.lock'] },
};

/** Shells whose `-c STRING` Airlock parses and decides like the outer command line. */
export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish', 'busybox']);

/** Commands that download (for "piping a download into a shell"). */
export const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'http', 'https', 'xh', 'aria2c', 'lynx', 'w3m']);

/** Interpreters that run what they read on stdin when given no script. */
export const STDIN_INTERPRETERS = new Set([...SHELLS, 'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php', 'lua', 'source', '.']);

const NONE: CommandFacts = { classes: [], effects: [] };

function operandsOf(args: readonly string[], spec: OptionSpec): number[] {
  return [...scanOptions(args, spec).operands];
}

/** cp, mv, install, ln, rsync: the destination is `-t DIR` or the last operand; the others are sources. */
function copyLike(args: readonly string[], spec: OptionSpec, opts: { deleteSources?: boolean; readSources?: boolean }): EffectRef[] {
  const scan = scanOptions(args, spec);
  const operands = scan.operands;
  const recursive = hasOption(scan, '-r', '-R', '-a', '--recursive', '--archive');
  const targetOption = scan.options.find((o) => o.name === '-t' || o.name === '--target-directory');
  const effects: EffectRef[] = [];
  let dest: number | undefined;
  let sources: readonly number[];
  if (targetOption) {
    dest = targetOption.index;
    sources = operands;
  } else if (operands.length >= 2) {
    dest = operands[operands.length - 1]!;
    sources = operands.slice(0, -1);
  } else {
    return effects;
  }
  effects.push({ op: 'write', index: dest, recursive });
  if (!hasOption(scan, '-T', '--no-target-directory')) {
    for (const s of sources) effects.push({ op: 'write', index: dest, intoDirOf: s, recursive });
  }
  for (const s of sources) {
    if (opts.deleteSources) effects.push({ op: 'delete', index: s, recursive: true });
    else if (opts.readSources) effects.push({ op: 'read', index: s, mention: true });
  }
  return effects;
}

function allOperands(args: readonly string[], spec: OptionSpec, op: EffectRef['op'], recursive = false, skip = 0): EffectRef[] {
  return operandsOf(args, spec)
    .slice(skip)
    .map((index) => ({ op, index, recursive }));
}

function sedFacts(args: readonly string[]): CommandFacts {
  // GNU sed: `-i[SUFFIX]` takes the rest of its cluster as a suffix; `-e SCRIPT`, `-f FILE`, `-l N` take a value.
  let inPlace = false;
  let haveScript = false;
  const operands: number[] = [];
  const scripts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      for (let j = i + 1; j < args.length; j++) operands.push(j);
      break;
    }
    if (a.startsWith('--')) {
      if (a.startsWith('--in-place')) inPlace = true;
      else if (a.startsWith('--expression')) {
        haveScript = true;
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
        if (v !== undefined) scripts.push(v);
      } else if (a.startsWith('--file')) {
        haveScript = true;
        if (!a.includes('=')) i++;
      } else if (a === '--line-length') i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        if (letter === 'i') {
          inPlace = true;
          break;
        }
        if (letter === 'e' || letter === 'f' || letter === 'l') {
          const rest = a.slice(j + 1);
          const v = rest || args[++i];
          if (letter !== 'l') haveScript = true;
          if (letter === 'e' && v !== undefined) scripts.push(v);
          break;
        }
      }
      continue;
    }
    operands.push(i);
  }
  let files = operands;
  if (!haveScript && files.length > 0) {
    scripts.push(args[files[0]!]!);
    files = files.slice(1);
  }
  // `w FILE`, `W FILE` and `e` in a script write files or run commands: not read-only.
  const writesOrRuns = scripts.some((s) => /(^|[;{}\n\d$/])\s*[wWe](\s|$)/.test(s) || /s(.).*\1.*\1[gpIiMm0-9]*[we]/.test(s));
  return {
    classes: inPlace || writesOrRuns ? [] : ['readonly'],
    effects: files.map((index) => (inPlace ? { op: 'write' as const, index } : { op: 'read' as const, index, mention: true })),
  };
}

function perlFacts(args: readonly string[]): CommandFacts {
  let inPlace = false;
  let code = false;
  const operands: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      for (let j = i + 1; j < args.length; j++) operands.push(j);
      break;
    }
    if (a.startsWith('-') && a.length > 1 && operands.length === 0) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        if (letter === 'i') {
          inPlace = true;
          break;
        }
        if ('eEIMmx'.includes(letter)) {
          if (letter === 'e' || letter === 'E') code = true;
          if (!a.slice(j + 1)) i++;
          break;
        }
      }
      continue;
    }
    operands.push(i);
  }
  const files = code ? operands : operands.slice(1);
  return { classes: [], effects: inPlace ? files.map((index) => ({ op: 'write' as const, index })) : [] };
}

function curlFacts(args: readonly string[]): CommandFacts {
  const spec: OptionSpec = {
    shortWithValue: 'oTdFuHXAebcDKmrwxyzCYEQ',
    longWithValue: [
      'output', 'upload-file', 'data', 'data-binary', 'data-raw', 'data-ascii', 'data-urlencode', 'json', 'form', 'form-string',
      'header', 'request', 'user', 'user-agent', 'referer', 'cookie', 'cookie-jar', 'dump-header', 'config', 'output-dir', 'cert',
      'key', 'cacert', 'max-time', 'connect-timeout', 'retry', 'url', 'proxy', 'trace', 'trace-ascii', 'stderr', 'netrc-file',
      'write-out', 'range', 'limit-rate', 'resolve', 'interface', 'proto', 'proto-redir',
    ],
  };
  const scan = scanOptions(args, spec);
  const effects: EffectRef[] = [];
  for (const o of scan.options) {
    if (o.value === undefined) continue;
    const n = o.name;
    const prefix = args[o.index]!.length - o.value.length;
    if (['-o', '--output', '-c', '--cookie-jar', '-D', '--dump-header', '--trace', '--trace-ascii', '--stderr'].includes(n)) {
      effects.push({ op: 'write', index: o.index, prefix });
    } else if (['-T', '--upload-file', '-K', '--config', '--netrc-file', '-E', '--cert', '--key'].includes(n)) {
      effects.push({ op: 'read', index: o.index, prefix });
    } else if (['-d', '--data', '--data-binary', '--data-ascii', '--data-urlencode', '--json'].includes(n) && o.value.startsWith('@') && o.value !== '@-') {
      effects.push({ op: 'read', index: o.index, prefix: prefix + 1 });
    } else if (['-F', '--form'].includes(n)) {
      const at = o.value.search(/=[@<]/);
      if (at !== -1) effects.push({ op: 'read', index: o.index, prefix: prefix + at + 2 });
    }
  }
  return { classes: ['network'], effects };
}

function wgetFacts(args: readonly string[]): CommandFacts {
  const spec: OptionSpec = {
    shortWithValue: 'OoaPiTtUeBQlAR',
    longWithValue: ['output-document', 'output-file', 'append-output', 'directory-prefix', 'input-file', 'post-file', 'body-file', 'load-cookies', 'save-cookies', 'user', 'password', 'header', 'user-agent', 'timeout', 'tries'],
  };
  const scan = scanOptions(args, spec);
  const effects: EffectRef[] = [];
  for (const o of scan.options) {
    if (o.value === undefined) continue;
    const prefix = args[o.index]!.length - o.value.length;
    if (['-O', '--output-document', '-o', '--output-file', '-a', '--append-output', '--save-cookies'].includes(o.name)) {
      if (o.value !== '-') effects.push({ op: 'write', index: o.index, prefix });
    } else if (['-P', '--directory-prefix'].includes(o.name)) effects.push({ op: 'write', index: o.index, prefix, recursive: true });
    else if (['-i', '--input-file', '--post-file', '--body-file', '--load-cookies'].includes(o.name)) effects.push({ op: 'read', index: o.index, prefix });
  }
  return { classes: ['network'], effects };
}

function gitFacts(args: readonly string[]): CommandFacts & { cwdOption?: number } {
  // git [-C DIR] [-c k=v] [--git-dir=D] [--work-tree=W] [--no-pager] SUBCOMMAND ...
  const scan = scanOptions(args, { shortWithValue: 'Cc', longWithValue: ['git-dir', 'work-tree', 'namespace', 'config-env'], stopAtFirst: true });
  const subIndex = scan.operands[0];
  if (subIndex === undefined) return { classes: ['readonly'], effects: [] };
  const sub = args[subIndex]!;
  const rest = args.slice(subIndex + 1);
  const shift = (refs: EffectRef[]): EffectRef[] => refs.map((r) => ({ ...r, index: r.index + subIndex + 1 }));
  const classes: CommandClass[] = [];
  let effects: EffectRef[] = [];
  let unknownWrites: string | undefined;
  const restScan = scanOptions(rest, { shortWithValue: 'mFCcSbBu', longWithValue: ['message', 'file', 'author', 'date', 'branch', 'format', 'pretty'] });
  const flag = (...names: string[]): boolean => hasOption(restScan, ...names);
  if (GIT_READONLY.has(sub)) classes.push('readonly');
  else if (sub === 'branch' && !flag('-d', '-D', '--delete', '-m', '-M', '--move', '-c', '-C', '--copy', '-f', '--force', '-u', '--set-upstream-to', '--unset-upstream') && restScan.operands.length === 0) classes.push('readonly');
  else if (sub === 'tag' && (flag('-l', '--list') || rest.length === 0)) classes.push('readonly');
  else if (sub === 'remote' && (rest.length === 0 || (rest.length === 1 && rest[0] === '-v'))) classes.push('readonly');
  else if (sub === 'config' && (flag('--get', '--get-all', '--list', '-l', '--get-regexp') || (restScan.operands.length === 1 && rest.length === 1))) classes.push('readonly');
  else if (sub === 'stash' && (rest[0] === 'list' || rest[0] === 'show')) classes.push('readonly');
  if ((NETWORK_SUBCOMMANDS.git ?? []).includes(sub) && !(sub === 'remote' && classes.includes('readonly'))) classes.push('network');
  if ((sub === 'push' && flag('-f', '--force', '--force-with-lease', '-d', '--delete', '--mirror', '--prune')) ||
      (sub === 'reset' && flag('--hard', '--merge', '--keep')) ||
      (sub === 'branch' && flag('-D', '-d', '--delete')) ||
      (sub === 'stash' && (rest[0] === 'drop' || rest[0] === 'clear')) ||
      (sub === 'tag' && flag('-d', '--delete')) ||
      ['clean', 'filter-branch', 'filter-repo', 'update-ref', 'prune', 'gc', 'reflog'].includes(sub) && !(sub === 'reflog' && (rest.length === 0 || rest[0] === 'show'))) {
    classes.push('destructive');
  }
  if (sub === 'rm') {
    effects = shift(restScan.operands.map((index) => ({ op: 'delete' as const, index, recursive: flag('-r') })));
  } else if (sub === 'mv') {
    effects = shift(copyLike(rest, { shortWithValue: '' }, { deleteSources: true }));
  } else if ((sub === 'checkout' || sub === 'restore') && rest.includes('--')) {
    const dash = rest.indexOf('--');
    effects = shift(rest.slice(dash + 1).map((_, i) => ({ op: 'write' as const, index: dash + 1 + i, recursive: true })));
    classes.push('destructive');
  } else if (sub === 'restore' && !flag('--staged', '-S')) {
    effects = shift(restScan.operands.map((index) => ({ op: 'write' as const, index, recursive: true })));
    classes.push('destructive');
  } else if (sub === 'clean') {
    unknownWrites = 'git clean deletes untracked files whose names are only known when it runs';
  } else if (sub === 'apply' || sub === 'am') {
    unknownWrites = `git ${sub} writes the files named inside the patch`;
  }
  const cwdOpt = scan.options.find((o) => o.name === '-C');
  return { classes, effects, ...(unknownWrites ? { unknownWrites } : {}), ...(cwdOpt ? { cwdOption: cwdOpt.index } : {}) };
}

function tarFacts(args: readonly string[]): CommandFacts {
  // Old-style first argument without a dash (`tar czf out.tgz dir`) is a cluster of options.
  const normalized = args.length > 0 && !args[0]!.startsWith('-') ? [`-${args[0]}`, ...args.slice(1)] : [...args];
  const scan = scanOptions(normalized, { shortWithValue: 'fCTXbHK', longWithValue: ['file', 'directory', 'files-from', 'exclude-from', 'transform', 'use-compress-program'] });
  const fileOpt = scan.options.find((o) => o.name === '-f' || o.name === '--file');
  const dirOpt = scan.options.find((o) => o.name === '-C' || o.name === '--directory');
  const create = hasOption(scan, '-c', '--create', '-r', '--append', '-u', '--update');
  const extract = hasOption(scan, '-x', '--extract', '--get');
  const effects: EffectRef[] = [];
  if (fileOpt && fileOpt.value !== '-') {
    const prefix = normalized[fileOpt.index]!.length - (fileOpt.value?.length ?? 0);
    effects.push({ op: create ? 'write' : 'read', index: fileOpt.index, prefix });
  }
  if (create) for (const o of scan.operands) effects.push({ op: 'read', index: o, mention: true });
  if (extract && dirOpt) effects.push({ op: 'write', index: dirOpt.index, recursive: true, prefix: normalized[dirOpt.index]!.length - (dirOpt.value?.length ?? 0) });
  return {
    classes: extract || create ? [] : ['readonly'],
    effects,
    ...(extract ? { unknownWrites: 'tar -x writes the files named inside the archive' } : {}),
  };
}

function packageManagerFacts(tool: string, args: readonly string[]): CommandFacts {
  const scan = scanOptions(args, { shortWithValue: 'C', longWithValue: ['prefix', 'cwd', 'filter', 'workspace', 'registry', 'manifest-path'] });
  const sub = scan.operands[0] === undefined ? '' : args[scan.operands[0]]!;
  const classes: CommandClass[] = [];
  if ((NETWORK_SUBCOMMANDS[tool] ?? []).includes(sub)) classes.push('network');
  if (tool === 'npm' && ['ls', 'list', 'view', 'info', 'outdated', 'help', 'config', 'root', 'bin', 'prefix', 'whoami'].includes(sub) && !(sub === 'config' && ['set', 'delete', 'edit'].includes(args[(scan.operands[1] ?? -1)] ?? ''))) {
    if (!classes.includes('network')) classes.push('readonly');
  }
  const manifests = MANIFESTS[tool];
  const effects: EffectRef[] = [];
  if (manifests && manifests.subcommands.includes(sub) && !(tool === 'go' && sub === 'mod' && args[(scan.operands[1] ?? -1)] !== 'tidy')) {
    for (const f of manifests.files) effects.push({ op: 'write', index: -1, literal: f });
  }
  if (tool === 'npm' && ['uninstall', 'un', 'remove', 'rm', 'r', 'prune'].includes(sub)) classes.push('destructive');
  return { classes, effects };
}

/**
 * What Airlock knows of the simple command `name args…` (`name` is the basename of the command word).
 * Unknown commands have no class and no effects: the policy's defaults and rules decide them.
 */
export function commandFacts(name: string, args: readonly string[]): CommandFacts & { cwdOption?: number } {
  switch (name) {
    case 'cp':
      return { classes: [], effects: copyLike(args, { shortWithValue: 'tS', longWithValue: ['target-directory', 'suffix'] }, { readSources: true }) };
    case 'install':
      return { classes: [], effects: copyLike(args, { shortWithValue: 'tSmogZ', longWithValue: ['target-directory', 'suffix', 'mode', 'owner', 'group'] }, { readSources: true }) };
    case 'mv':
      return { classes: [], effects: copyLike(args, { shortWithValue: 'tS', longWithValue: ['target-directory', 'suffix'] }, { deleteSources: true }) };
    case 'ln': {
      const spec: OptionSpec = { shortWithValue: 'tS', longWithValue: ['target-directory', 'suffix'] };
      const ops = operandsOf(args, spec);
      if (ops.length === 1 && !args.some((a) => a === '-t' || a.startsWith('--target-directory'))) return { classes: [], effects: [] };
      return { classes: [], effects: copyLike(args, spec, {}) };
    }
    case 'rsync': {
      const spec: OptionSpec = { shortWithValue: 'efTB', longWithValue: ['rsh', 'filter', 'exclude', 'include', 'exclude-from', 'include-from', 'files-from', 'temp-dir', 'partial-dir', 'backup-dir', 'suffix', 'chmod', 'chown', 'log-file', 'password-file'] };
      const scan = scanOptions(args, spec);
      const remote = scan.operands.some((i) => /^[^/]*:/.test(args[i]!) || args[i]!.startsWith('rsync://'));
      const wipes = scan.options.some((o) => o.name.startsWith('--delete') || o.name === '--remove-source-files');
      const effects = copyLike(args, spec, { readSources: true }).filter((e) => !/^[^/]*:/.test(args[e.index] ?? ''));
      if (wipes && scan.operands.length >= 2) effects.push({ op: 'delete', index: scan.operands[scan.operands.length - 1]!, recursive: true });
      return { classes: remote ? ['network'] : [], effects };
    }
    case 'tee':
      return { classes: [], effects: allOperands(args, { longWithValue: ['output-error'] }, 'write') };
    case 'sed':
      return sedFacts(args);
    case 'perl':
      return perlFacts(args);
    case 'dd': {
      const effects: EffectRef[] = [];
      args.forEach((a, index) => {
        if (a.startsWith('of=')) effects.push({ op: 'write', index, prefix: 3 });
        else if (a.startsWith('if=')) effects.push({ op: 'read', index, prefix: 3, mention: true });
      });
      return { classes: ['destructive'], effects };
    }
    case 'truncate':
      return { classes: ['destructive'], effects: allOperands(args, { shortWithValue: 'sr', longWithValue: ['size', 'reference'] }, 'write') };
    case 'touch':
      return { classes: [], effects: allOperands(args, { shortWithValue: 'dtr', longWithValue: ['date', 'reference', 'time'] }, 'write') };
    case 'mkdir':
      return { classes: [], effects: allOperands(args, { shortWithValue: 'mZ', longWithValue: ['mode', 'context'] }, 'write') };
    case 'rm': {
      const scan = scanOptions(args, { longWithValue: ['interactive'] });
      const recursive = hasOption(scan, '-r', '-R', '--recursive');
      return { classes: ['destructive'], effects: scan.operands.map((index) => ({ op: 'delete' as const, index, recursive })) };
    }
    case 'rmdir':
    case 'unlink':
      return { classes: ['destructive'], effects: allOperands(args, {}, 'delete') };
    case 'shred': {
      const scan = scanOptions(args, { shortWithValue: 'ns', longWithValue: ['iterations', 'size', 'random-source'] });
      const remove = scan.options.some((o) => o.name === '-u' || o.name.startsWith('--remove'));
      return { classes: ['destructive'], effects: scan.operands.map((index) => ({ op: remove ? ('delete' as const) : ('write' as const), index })) };
    }
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      // chmod modes such as `-x` look like options; anything made only of mode letters is a mode.
      const isMode = (a: string): boolean => name === 'chmod' && /^[-+=][rwxXstugoa,+=-]*$/.test(a) && !/^-[Rvcf]+$/.test(a);
      const plain = args.map((a) => (isMode(a) ? 'MODE' : a));
      const scan = scanOptions(plain, { longWithValue: ['reference', 'from'] });
      const recursive = hasOption(scan, '-R', '--recursive');
      const hasRef = optionValue(scan, '--reference') !== undefined;
      const modeGiven = plain.includes('MODE');
      const skip = hasRef || modeGiven ? 0 : 1;
      const effects = scan.operands
        .filter((i) => plain[i] !== 'MODE')
        .slice(skip)
        .map((index) => ({ op: 'write' as const, index, recursive }));
      return { classes: name === 'chmod' ? [] : ['privileged'], effects };
    }
    case 'curl':
      return curlFacts(args);
    case 'wget':
      return wgetFacts(args);
    case 'git':
      return gitFacts(args);
    case 'tar':
      return tarFacts(args);
    case 'unzip': {
      const scan = scanOptions(args, { shortWithValue: 'dx', longWithValue: [] });
      const d = scan.options.find((o) => o.name === '-d');
      return {
        classes: hasOption(scan, '-l', '-t', '-v', '-Z') ? ['readonly'] : [],
        effects: d && d.value !== undefined ? [{ op: 'write', index: d.index, recursive: true, prefix: args[d.index]!.length - d.value.length }] : [],
        ...(hasOption(scan, '-l', '-t', '-Z') ? {} : { unknownWrites: 'unzip writes the files named inside the archive' }),
      };
    }
    case 'patch':
      return { classes: [], effects: [], unknownWrites: 'patch writes the files named inside the patch' };
    case 'find': {
      const effects: EffectRef[] = [];
      let destructive = false;
      args.forEach((a, i) => {
        if (a === '-delete') destructive = true;
        if (['-fprint', '-fprint0', '-fprintf', '-fls'].includes(a) && i + 1 < args.length) effects.push({ op: 'write', index: i + 1 });
      });
      return { classes: destructive ? ['destructive'] : effects.length === 0 ? ['readonly'] : [], effects };
    }
    case 'npm':
    case 'yarn':
    case 'pnpm':
    case 'bun':
    case 'cargo':
    case 'go':
    case 'poetry':
    case 'uv':
    case 'pip':
    case 'pip3':
    case 'gem':
    case 'bundle':
    case 'brew':
    case 'terraform':
      return packageManagerFacts(name, args);
    case 'docker':
    case 'podman': {
      const sub = args.find((a) => !a.startsWith('-')) ?? '';
      const classes: CommandClass[] = ['privileged'];
      if (['pull', 'push', 'run', 'build', 'login', 'create'].includes(sub)) classes.push('network');
      if (['rm', 'rmi', 'prune', 'system', 'volume', 'kill'].includes(sub)) classes.push('destructive');
      return { classes, effects: [] };
    }
    case 'kubectl':
      return { classes: args.includes('delete') ? ['network', 'destructive'] : ['network'], effects: [] };
    default:
      break;
  }
  if (/^mkfs(\..+)?$/.test(name)) return { classes: ['destructive', 'privileged'], effects: [] };
  const classes: CommandClass[] = [];
  if (READONLY.has(name)) classes.push('readonly');
  if (NETWORK.has(name)) classes.push('network');
  if (PRIVILEGED.has(name)) classes.push('privileged');
  if (DESTRUCTIVE.has(name)) classes.push('destructive');
  return classes.length > 0 ? { classes, effects: [] } : NONE;
}
