/**
 * Turns a command line into the simple commands it would run and the files it would touch (docs/policy.md
 * "Commands" and "What may pass without a person"). Parsing uses unbash, a maintained, typed, synchronous
 * Bash parser with no native or WASM runtime. Each simple command is looked up in Airlock's tables
 * (tools/*.ts); what a table does not model, and shell code that arrives from a string, a file or stdin,
 * is **unknown**. Nothing here runs anything; the disk is read only through the probe (package.json
 * scripts, recognising Airlock's own CLI).
 */
import { basename, posix, win32 } from 'node:path';
import { forEachChild, parse, type Command, type ParameterExpansionPart, type ParsedScript, type Pipeline, type Redirection, type SyntaxNode, type Word } from 'unbash';
import type { CommandFacts, Effect, ScopeFilter } from './facts';
import { FILE_TOOLS } from './tools/fileTools';
import { gitFacts } from './tools/git';
import { DOWNLOADERS, NETWORK_TOOLS } from './tools/network';
import { PACKAGE_TOOLS, type PackageFacts } from './tools/packages';
import { programFacts, type ProgramFacts } from './tools/programs';
import { READ_ONLY_TOOLS, XXD } from './tools/readOnly';
import { simpleFacts } from './tools/simple';
import { SHELLS, unwrap, type Unwrapped } from './tools/wrappers';
import { clip, evaluateWord, expandBraces, type WordValue } from './words';

/** Labels for the person: what Airlock found a command to be. */
export type CommandClass = 'readonly' | 'runs-code' | 'irreversible' | 'unknown' | 'network';

/** One simple command the line would run. */
export interface SimpleCommand {
  /** Words joined by one space, quotes removed, assignments in front included: what patterns match. */
  readonly text: string;
  /** Variants also matched by `deny`/`ask` patterns: without leading assignments, with the command's basename. */
  readonly variants: readonly string[];
  /** The basename of the command word (`/usr/bin/rm` → `rm`). */
  readonly name: string;
  /** How the command arises: `command`, `sudo`, `bash -c`, `find -exec`, `xargs`, `$( )`, … */
  readonly via: string;
  /** True for an outer wrapper (`timeout 5 …`, `env …`): matched against deny/ask patterns, while what it runs decides allow. */
  readonly wrapper: boolean;
  /** Set when something it runs is only known at run time (a command name from a variable, `eval "$x"`); it is never allowed. */
  readonly dynamic?: string;
  /** Set when Airlock does not understand it (an option or form it does not model, shell code from input); says why. */
  readonly unknown?: string;
  /** The program is not in Airlock's tables at all (a rule naming it may still allow it). */
  readonly unknownProgram?: boolean;
  /** Set when it runs code Airlock cannot read; says what. */
  readonly runsCode?: string;
  /** Set when its effects leave the shadow history's reach; says what. */
  readonly irreversible?: string;
  /** It only reads. */
  readonly readonly: boolean;
  /** Labels for the person. */
  readonly classes: readonly CommandClass[];
  /** Set when a built-in protection denies this command; says why. */
  readonly builtin?: string;
  /** It sends data to the network. */
  readonly sends?: boolean;
  /** Its output holds the environment. */
  readonly emitsEnv?: boolean;
  /** It runs what it reads on its input as code. */
  readonly runsInput?: boolean;
}

/** A file a command line writes, deletes or reads. */
export interface FileEffect {
  readonly op: 'write' | 'delete' | 'read';
  /** The path as the shell would see it where known (`~` expanded); may be relative to `cwd`. */
  readonly path: string;
  /** The directory relative paths are relative to, or undefined when an earlier `cd` made it unknowable. */
  readonly cwd: string | undefined;
  /** How the effect arises: `redirect >`, `tee`, `cp`, `sed -i`, … */
  readonly via: string;
  /** Set when the path is only known at run time. */
  readonly dynamic?: string;
  /** True when the path has glob characters the shell expands against the file system. */
  readonly glob: boolean;
  /** The command affects everything below the path. */
  readonly recursive: boolean;
  /** A read that is only a mention (an argument); decided only against `deny`/`ask` read rules. */
  readonly mention: boolean;
  /** Only the name or metadata is used (`ls DIR`); decided against built-in protections only. */
  readonly meta?: boolean;
  /** For recursive reads: which files below are read. */
  readonly filter?: ScopeFilter;
  /** The path is bounded by a folder but not known exactly (`{}` of `find DIR -exec`): everything below `path` may be hit. */
  readonly bounded?: string;
}

/** Everything the analyzer found in one command line. */
export interface CommandAnalysis {
  readonly commands: readonly SimpleCommand[];
  readonly effects: readonly FileEffect[];
  /** Normalized text of each pipeline, and-or list and of the whole line, for patterns that span several commands. */
  readonly lines: readonly string[];
}

/** What the analysis may look up on disk. */
export interface AnalyzeProbe {
  /** The `scripts` of the package.json in `dir`, if there is one. */
  packageScripts(dir: string): Readonly<Record<string, string>> | undefined;
  /** True when `path` (relative to `cwd`) is Airlock's own CLI or program files. */
  isAirlock(path: string, cwd: string | undefined): boolean;
}

/** Inputs the analysis needs: where the command runs and the user's home. */
export interface AnalyzeOptions {
  readonly cwd: string;
  readonly home: string;
  /** `posix` or `win32` path rules for joining relative paths. */
  readonly platform?: 'posix' | 'win32';
  readonly probe?: AnalyzeProbe;
}

/** Command lines longer than this are not analyzed: they are decided `ask` at best. */
export const MAX_COMMAND_LENGTH = 256 * 1024;
const MAX_DEPTH = 12;
const MAX_PARTS = 4096;

/** The placeholder for the arguments `xargs` reads from its input. */
export const XARGS_INPUT = '<input>';

/** Variables a command may be given (`NODE_ENV=test npm test`) without changing what runs. */
const SAFE_ENV = /^(LANG|LANGUAGE|LC_[A-Z]+|TZ|CI|NODE_ENV|RAILS_ENV|RACK_ENV|APP_ENV|FLASK_ENV|DEBUG|VERBOSE|FORCE_COLOR|NO_COLOR|CLICOLOR|CLICOLOR_FORCE|COLORTERM|TERM|COLUMNS|LINES|PYTHONUNBUFFERED|PYTHONDONTWRITEBYTECODE|PYTHONIOENCODING|PYTHONHASHSEED|RUST_BACKTRACE|RUST_LOG|RUST_TEST_THREADS|CARGO_TERM_COLOR|CARGO_INCREMENTAL|GOOS|GOARCH|CGO_ENABLED|GOTOOLCHAIN|GOFLAGS_NONE|NODE_NO_WARNINGS|JEST_WORKER_ID|VITEST|TS_NODE_TRANSPILE_ONLY|HUSKY|SKIP_ENV_VALIDATION|TMPDIR|TEMP|TMP|LOG_LEVEL|LOGLEVEL|PORT|HOST|UPDATE_SNAPSHOTS|SNAPSHOT_UPDATE|TEST|TESTING|ENV|ENVIRONMENT|GIT_TERMINAL_PROMPT|GIT_AUTHOR_NAME|GIT_AUTHOR_EMAIL|GIT_COMMITTER_NAME|GIT_COMMITTER_EMAIL|GIT_AUTHOR_DATE|GIT_COMMITTER_DATE|PAGER_NONE|NPM_CONFIG_LOGLEVEL|npm_config_loglevel|npm_config_yes|NPM_CONFIG_YES|CHOKIDAR_USEPOLLING|BROWSER_NONE|JAVA_HOME_NONE|MIX_ENV|DOTNET_CLI_TELEMETRY_OPTOUT|NEXT_TELEMETRY_DISABLED|TURBO_TELEMETRY_DISABLED)$/;

/** Variables that change what programs do or where they look for code, the network or configuration. */
const SENSITIVE_ENV = /^(PATH|LD_[A-Z_]+|DYLD_[A-Z_]+|BASH_ENV|ENV|IFS|CDPATH|HOME|SHELL|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|GLOBIGNORE|FPATH|ZDOTDIR|GIT_[A-Z_]+|NODE_OPTIONS|NODE_PATH|PYTHON[A-Z_]*|PERL5?[A-Z_]*|RUBY[A-Z_]*|GEM_[A-Z_]+|BUNDLE_[A-Z_]+|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|CLASSPATH|npm_config_[a-z_]+|NPM_CONFIG_[A-Z_]+|YARN_[A-Z_]+|PNPM_[A-Z_]+|EDITOR|VISUAL|PAGER|MANPAGER|LESS[A-Z_]*|GREP_OPTIONS|RIPGREP_CONFIG_PATH|CURL_HOME|WGETRC|SSH_[A-Z_]+|GNUPGHOME|XDG_[A-Z_]+|[a-z_]*proxy|[A-Z_]*PROXY|SSL_CERT_[A-Z_]+|CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE|NODE_EXTRA_CA_CERTS|DOCKER_[A-Z_]+|KUBECONFIG|CC|CXX|LD|AR|CFLAGS|CXXFLAGS|LDFLAGS|CPPFLAGS|MAKEFLAGS|MAKE|RUSTC[A-Z_]*|RUSTFLAGS|CARGO_[A-Z_]+|GO[A-Z_]+|AIRLOCK_[A-Z_]+)$/;

/** Environment variables whose values are secrets (or whose names say so). */
const SECRET_VAR = /^(.*(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|AUTH|SESSION_KEY|CLIENT_SECRET).*|AWS_[A-Z_]+|GOOGLE_APPLICATION_CREDENTIALS|SSH_AUTH_SOCK|GPG_AGENT_INFO|DATABASE_URL|DSN|SENTRY_DSN)$/i;

/** Programs that print the environment. */
const ENV_DUMPERS = new Set(['env', 'printenv', 'set', 'export', 'declare', 'typeset', 'compgen']);

/** Folders whose programs are the system's own, so `/usr/bin/rm` is `rm` but `./rm` is not. */
const SYSTEM_BIN = /^\/(usr\/(local\/)?)?s?bin\/|^\/opt\/homebrew\/bin\/|^\/usr\/local\/opt\/[^/]+\/bin\/|^\/nix\/var\/nix\/profiles\/[^/]+\/bin\/|^\/run\/current-system\/sw\/bin\//;

/** The state of one shell: what `cd`, assignments and definitions change for the commands after them. */
interface Shell {
  /** The folder commands run in, or undefined when it is not known. */
  cwd: string | undefined;
  /**
   * Other folders commands may run in: a `cd` that may have failed leaves both possible (`cd x; rm y`
   * runs `rm` in `x` or where it was). Paths relative to the folder are decided for each.
   */
  alt: string[];
  /** The folder before the last `cd` (for `cd -`). */
  oldCwd: string | undefined;
  /** `pushd`'s stack. */
  readonly dirs: (string | undefined)[];
  /** Set when an earlier assignment changed how later commands behave (PATH, IFS, BASH_ENV, …). */
  tainted?: string;
  /** CDPATH was set on this line: `cd NAME` may go elsewhere. */
  cdpath?: boolean;
  /** Literal values of variables assigned earlier on the line. */
  readonly vars: Map<string, string>;
  /** Functions and aliases defined on the line: calling them runs something else. */
  readonly defined: Set<string>;
  /** Links made earlier on the line (absolute paths): what goes through them is not known in advance. */
  readonly links: Set<string>;
  /** Variables assigned a secret earlier on the line (`T=$GITHUB_TOKEN`): passing them on sends the secret. */
  readonly secrets: Set<string>;
}

interface Scope {
  /** The shell the commands run in: shared by `eval` and `builtin cd`, copied for subshells and child processes. */
  readonly shell: Shell;
  readonly depth: number;
  readonly via: string;
  /** Commands in this scope run as another user. */
  readonly privileged?: string;
  /** `{}` of `find DIR -exec …`: it stands for the files below DIR. */
  readonly findBound?: string;
  /** The names find's tests let through (`-name '*.tmp'`), when the expression is that simple. */
  readonly findFilter?: ScopeFilter;
  /** `xargs -I R …`: R stands for the input. */
  readonly xargsReplace?: string;
}

function copyShell(shell: Shell, cwd?: string | null): Shell {
  return { ...shell, ...(cwd !== undefined ? { cwd: cwd ?? undefined, alt: [] } : { alt: [...shell.alt] }), dirs: [...shell.dirs], vars: new Map(shell.vars), defined: new Set(shell.defined), links: new Set(shell.links), secrets: new Set(shell.secrets) };
}

/** Every folder the shell may be in, or undefined when one of them is not known. */
function cwdsOf(shell: Shell): string[] | undefined {
  return shell.cwd === undefined ? undefined : [shell.cwd, ...shell.alt];
}

/** More than this many possible folders and Airlock stops following them. */
const MAX_CWDS = 4;

function setCwds(shell: Shell, list: readonly (string | undefined)[] | undefined): void {
  const known = list && !list.some((c) => c === undefined) ? [...new Set(list as string[])] : undefined;
  if (!known || known.length === 0 || known.length > MAX_CWDS) {
    shell.cwd = undefined;
    shell.alt = [];
    return;
  }
  shell.cwd = known[0];
  shell.alt = known.slice(1);
}

/** After something that may or may not have happened (a `cd` that can fail): either folder is possible. */
function unionCwd(shell: Shell, other: Shell): void {
  const a = cwdsOf(shell);
  const b = cwdsOf(other);
  setCwds(shell, a && b ? [...a, ...b] : undefined);
  if (shell.oldCwd !== other.oldCwd) shell.oldCwd = undefined;
  if (shell.dirs.join('\0') !== other.dirs.join('\0')) shell.dirs.length = 0;
}

/**
 * After a branch that may or may not have run (`if`, a loop, the right side of `&&`/`||`): folders are
 * either, a variable keeps its value only when both sides agree, and what the branch tainted or defined
 * stays tainted or defined.
 */
function mergeBranch(shell: Shell, branch: Shell): void {
  unionCwd(shell, branch);
  for (const k of [...shell.vars.keys()]) if (branch.vars.get(k) !== shell.vars.get(k)) shell.vars.delete(k);
  shell.tainted ??= branch.tainted;
  if (branch.cdpath) shell.cdpath = true;
  for (const d of branch.defined) shell.defined.add(d);
  for (const l of branch.links) shell.links.add(l);
  for (const v of branch.secrets) shell.secrets.add(v);
}

/** A subshell or child process: its own copy of the shell state. */
function childScope(scope: Scope, extra: Partial<Omit<Scope, 'shell'>> & { cwd?: string | null; vars?: Map<string, string> } = {}): Scope {
  const { cwd, vars, ...rest } = extra;
  const shell = copyShell(scope.shell, cwd);
  if (vars) {
    shell.vars.clear();
    for (const [k, v] of vars) shell.vars.set(k, v);
  }
  return { ...scope, ...rest, shell };
}

function uniq<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** `/usr/bin/rm` → `rm`; `C:\bin\git.exe` → `git`. */
export function commandName(word: string): string {
  const base = basename(word.replace(/\\/g, '/'));
  return base.replace(/\.(exe|cmd|bat)$/i, '');
}

function isHarmlessDevice(path: string): boolean {
  return /^\/dev\/(null|zero|stdout|stderr|stdin|tty|fd\/[0-2]|urandom|random)$/.test(path) || path === 'NUL' || path === 'nul';
}

/** `/dev/tcp/HOST/PORT` and `/dev/udp/…`: bash opens a network connection. */
function isNetworkDevice(path: string): boolean {
  return /^\/dev\/(tcp|udp)\//.test(path);
}

function labels(c: { readonly?: boolean; runsCode?: string; irreversible?: string; unknown?: string; dynamic?: string; sends?: boolean }): CommandClass[] {
  const out: CommandClass[] = [];
  if (c.unknown || c.dynamic) out.push('unknown');
  if (c.runsCode) out.push('runs-code');
  if (c.irreversible) out.push('irreversible');
  if (c.sends) out.push('network');
  if (c.readonly && out.length === 0) out.push('readonly');
  return out;
}

class Analyzer {
  readonly commands: SimpleCommand[] = [];
  readonly effects: FileEffect[] = [];
  readonly lines: string[] = [];
  private readonly path: typeof posix;
  private pendingLinks: { shell: Shell; path: string }[] = [];

  constructor(private readonly options: AnalyzeOptions) {
    this.path = options.platform === 'win32' ? win32 : posix;
  }

  full(): boolean {
    return this.commands.length + this.effects.length > MAX_PARTS;
  }

  opaque(text: string, via: string, why: string, dynamic = true): void {
    this.commands.push({ text, variants: [], name: '', via, wrapper: false, ...(dynamic ? { dynamic: why } : { unknown: why }), readonly: false, classes: ['unknown'] });
  }

  script(source: string, scope: Scope): void {
    if (scope.depth > MAX_DEPTH) {
      this.opaque(clip(source, 200), scope.via, 'the command nests shells more deeply than Airlock follows');
      return;
    }
    let ast: ParsedScript;
    try {
      ast = parse(source);
    } catch (e) {
      this.opaque(clip(source, 200), scope.via, `the command line could not be parsed (${(e as Error).message})`);
      return;
    }
    this.parsed(ast, source, scope);
  }

  parsed(ast: ParsedScript, source: string, scope: Scope): void {
    if (ast.errors && ast.errors.length > 0) {
      this.opaque(clip(source, 200), scope.via, `the command line does not parse: ${ast.errors[0]!.message}`);
    }
    const texts: string[] = [];
    for (const statement of ast.commands) {
      this.statement(statement.command, scope);
      texts.push(this.lineText(statement.command));
    }
    if (scope.depth === 0 && texts.length > 1) this.lines.push(texts.join(' ; '));
  }

  /** One statement of a list: a `cd` in it may fail, so afterwards the folder before it is possible too. */
  statement(node: SyntaxNode, scope: Scope): void {
    const before = copyShell(scope.shell);
    this.node(node, scope);
    unionCwd(scope.shell, before);
  }

  /** A branch that may or may not run: analysed on a copy of the shell, then merged. */
  branch(node: SyntaxNode, scope: Scope, prepare?: (s: Scope) => void): void {
    const copy = childScope(scope);
    prepare?.(copy);
    this.node(node, copy);
    mergeBranch(scope.shell, copy.shell);
  }

  /** Walks any syntax node, in source order, keeping track of `cd` and variables. */
  node(node: SyntaxNode, scope: Scope): void {
    if (this.full()) return;
    switch (node.type) {
      case 'Command':
        this.simple(node, scope);
        return;
      case 'Pipeline':
        this.lines.push(this.lineText(node));
        this.pipeline(node, scope);
        return;
      case 'AndOr': {
        this.lines.push(this.lineText(node));
        // The first command always runs; after `&&` the next runs only if the one before succeeded (so its
        // `cd` took effect), after `||` only if it failed. Each later command may not run at all.
        const states: Shell[] = [];
        this.node(node.commands[0]!, scope);
        const first = copyShell(scope.shell);
        for (let k = 1; k < node.commands.length; k++) {
          states.push(copyShell(scope.shell));
          if (node.operators[k - 1] === '||') {
            // It runs when the one before failed: what that one changed may not have happened.
            const prev = states.length > 1 ? states[states.length - 2]! : first;
            unionCwd(scope.shell, prev);
          }
          this.node(node.commands[k]!, scope);
        }
        // Any prefix of the list may be where it stopped.
        for (const st of states) mergeBranch(scope.shell, st);
        mergeBranch(scope.shell, first);
        return;
      }
      case 'CompoundList':
        for (const st of node.commands) this.statement(st.command, scope);
        return;
      case 'Statement':
        this.statement(node.command, scope);
        return;
      case 'If':
        this.node(node.clause, scope);
        this.branch(node.then, scope);
        for (const e of node.elif) {
          this.branch(e, scope);
        }
        if (node.else) this.branch(node.else, scope);
        return;
      case 'Elif':
        this.node(node.clause, scope);
        this.branch(node.then, scope);
        return;
      case 'While': {
        // The clause and the body run any number of times, the body possibly never.
        const copy = childScope(scope);
        this.node(node.clause, copy);
        this.node(node.body, copy);
        this.node(node.clause, copy);
        mergeBranch(scope.shell, copy.shell);
        return;
      }
      case 'Case':
        this.substitutions(node.word, scope);
        for (const item of node.items) this.branch(item.body, scope);
        return;
      case 'ArithmeticFor': {
        const assigned = new Set<string>();
        for (const part of [node.initialize, node.test, node.update]) this.arithmetic(part, scope, 'for ((…))', assigned);
        this.branch(node.body, scope);
        return;
      }
      case 'ArithmeticCommand':
        this.arithmetic(node.expression, scope, node.body);
        return;
      case 'TestCommand':
        this.testExpression(node.expression, scope);
        return;
      case 'Subshell':
        this.node(node.body, childScope(scope));
        return;
      case 'Function':
        // A function makes its name run something else later (`ls() { rm -rf ~; }; ls`): not understood.
        this.opaque(`${node.name.text}() { … }`, scope.via, `it defines the shell function ${node.name.text}, which changes what later commands run`, false);
        scope.shell.defined.add(node.name.text);
        this.node(node.body, childScope(scope));
        return;
      case 'For':
        // The loop variable's value is only known when the loop runs; the body may run any number of times.
        for (const w of node.wordlist ?? []) this.substitutions(w, scope);
        this.branch(node.body, scope, (s) => s.shell.vars.delete(node.name.text));
        scope.shell.vars.delete(node.name.text);
        return;
      case 'Select':
      case 'Coproc':
        this.opaque(this.sourceText(node), scope.via, `${node.type === 'Select' ? 'select' : 'coproc'} runs commands in ways Airlock does not follow`, false);
        forEachChild(node, (child) => this.node(child, childScope(scope)));
        return;
      case 'Redirected':
        this.node(node.command, scope);
        this.redirects(node.redirects, scope);
        return;
      case 'Script':
        this.parsed(node as ParsedScript, '', childScope(scope, { depth: scope.depth + 1, via: scope.via === 'command' ? '$( )' : scope.via }));
        return;
      case 'ExtendedGlob':
        return;
      default:
        forEachChild(node, (child) => this.node(child, scope));
    }
  }

  private sourceText(node: SyntaxNode): string {
    return 'text' in node && typeof node.text === 'string' ? clip(node.text, 120) : node.type;
  }

  /** Finds command substitutions inside a word (or any node) and analyzes what they run. */
  substitutions(node: SyntaxNode, scope: Scope): void {
    forEachChild(node, (child) => {
      if (child.type === 'Script') this.parsed(child as ParsedScript, '', childScope(scope, { depth: scope.depth + 1, via: '$( )' }));
      else if (child.type === 'ArithmeticExpansion') {
        this.arithmetic(child.expression, scope);
        this.substitutions(child, scope);
      } else if (child.type === 'ParameterExpansion') {
        this.substitutions(child, scope);
        this.parameter(child as ParameterExpansionPart, scope);
      } else this.substitutions(child, scope);
    });
  }

  /**
   * `${…}` forms that evaluate or assign: an index or a slice is arithmetic, `${!X}` expands the name X
   * holds (an array subscript in it runs a command), `${X@P}` expands X's value as a prompt (command
   * substitutions in it run), and `${X:=v}` assigns X.
   */
  parameter(p: ParameterExpansionPart, scope: Scope): void {
    const op = p.operation;
    if (p.prefix === '!' && op?.type !== 'Names' && !(p.index && /^[@*]$/.test(p.index.text))) {
      const target = scope.shell.vars.get(p.parameter);
      if (target === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(target)) this.opaque(clip(p.text, 80), scope.via, `${p.text} expands the variable whose name ${p.parameter} holds, which is only known when the command runs (an array subscript in it runs a command)`, false);
    }
    if (p.index && !/^[@*]$/.test(p.index.text)) this.numericWord(p.index, scope);
    if (op?.type === 'Slice') {
      this.numericWord(op.offset, scope);
      if (op.length) this.numericWord(op.length, scope);
    }
    if (op?.type === 'Transform' && /P/.test(op.operand.text)) this.opaque(clip(p.text, 80), scope.via, `${p.text} expands the value as a prompt, which runs the command substitutions in it`, false);
    if (op?.type === 'Default' && (op.operator === '=' || op.operator === ':=')) this.assign(p.parameter, undefined, scope, false);
  }

  /**
   * Arithmetic (`(( ))`, `$(( ))`, `for ((…))`, `[[ a -eq b ]]`): bash evaluates a variable's value as an
   * expression, and an array subscript in it runs command substitutions (`X='a[$(rm -rf ~)]'; (( X ))`).
   * Arithmetic is understood only over numbers and variables Airlock knows to hold numbers.
   */
  arithmetic(expr: SyntaxNode | undefined, scope: Scope, text?: string, assigned: Set<string> = new Set()): void {
    if (!expr) return;
    const unsafe: string[] = [];
    const walk = (n: SyntaxNode): void => {
      if (n.type === 'ArithmeticWord') {
        const v = n.value;
        if (/^(0x[0-9a-f]+|\d+(#[0-9a-z@_]+)?)$/i.test(v)) return;
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) && (assigned.has(v) || /^-?\d+$/.test(scope.shell.vars.get(v) ?? ''))) return;
        unsafe.push(v);
        return;
      }
      if (n.type === 'ArithmeticCommandExpansion') {
        this.substitutions(n, scope);
        return;
      }
      if (n.type === 'ArithmeticBinary' && /^([*/%+&^|-]|<<|>>)?=$/.test(n.operator) && n.left.type === 'ArithmeticWord') {
        walk(n.right);
        if (n.operator !== '=') walk(n.left);
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n.left.value)) {
          assigned.add(n.left.value);
          scope.shell.vars.delete(n.left.value);
        } else unsafe.push(n.left.value);
        return;
      }
      if (n.type === 'ArithmeticUnary' && (n.operator === '++' || n.operator === '--') && n.operand.type === 'ArithmeticWord' && assigned.has(n.operand.value)) return;
      forEachChild(n, walk);
    };
    walk(expr);
    if (unsafe.length > 0) this.opaque(clip(text ?? unsafe.join(' '), 120), scope.via, `the arithmetic reads ${unsafe.slice(0, 3).join(', ')}, whose value bash evaluates as an expression (an array subscript in it, such as a[$(…)], runs a command)`, false);
  }

  /** `[[ … ]]`: its words' substitutions run, and its numeric comparisons and `-v` are arithmetic. */
  testExpression(expr: SyntaxNode, scope: Scope): void {
    this.substitutions(expr, scope);
    const walk = (n: SyntaxNode): void => {
      if (n.type === 'TestBinary' && /^-(eq|ne|lt|le|gt|ge)$/.test(n.operator)) {
        for (const w of [n.left, n.right]) this.numericWord(w, scope);
      } else if (n.type === 'TestUnary' && n.operator === '-v') {
        this.opaque(clip(n.operand.text, 80), scope.via, '[[ -v ]] evaluates an array subscript, which can run a command', false);
      }
      forEachChild(n, walk);
    };
    walk(expr);
  }

  /** A word bash evaluates as arithmetic: understood when it is a number or a variable known to hold one. */
  numericWord(w: Word, scope: Scope): void {
    const v = this.word(w, scope);
    if (!v.dynamic && /^\s*-?\s*\d+\s*$/.test(v.value)) return;
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(w.text) && /^-?\d+$/.test(scope.shell.vars.get(w.text) ?? '')) return;
    this.opaque(clip(w.text, 80), scope.via, `${w.text} is evaluated as arithmetic, and its value could hold an array subscript that runs a command`, false);
  }

  private word(word: Word, scope: Scope): WordValue {
    const w = evaluateWord(word, { home: this.options.home, cwd: scope.shell.cwd, vars: scope.shell.vars });
    // zsh reads `*(…)` as glob qualifiers, which can run code (`*(e:'cmd':)`): a pattern with parentheses is not understood.
    if (word.parts?.some((p) => p.type === 'ExtendedGlob')) {
      this.opaque(clip(word.text, 80), scope.via, `the pattern ${clip(word.text, 40)} has parentheses, which zsh reads as glob qualifiers that can run code`, false);
      return { ...w, dynamic: w.dynamic ?? 'a pattern with parentheses' };
    }
    return w;
  }

  private lineText(node: SyntaxNode): string {
    switch (node.type) {
      case 'Command': {
        const words = [...node.prefix.filter((p) => p.type === 'Assignment').map((a) => a.text)];
        if (node.name) words.push(node.name.value);
        for (const s of node.suffix) if (s.type === 'Word') words.push(s.value);
        return words.join(' ');
      }
      case 'Pipeline':
        return node.commands.map((c, i) => (i === 0 ? '' : ` ${node.operators[i - 1] ?? '|'} `) + this.lineText(c)).join('');
      case 'AndOr':
        return node.commands.map((c, i) => (i === 0 ? '' : ` ${node.operators[i - 1] ?? '&&'} `) + this.lineText(c)).join('');
      default:
        return '';
    }
  }

  /**
   * A pipeline: every element runs in its own subshell. What flows between elements matters: a download
   * piped into something that runs its input (`curl … | sh`), and the environment or a secret piped into
   * something that sends (`env | curl -d @- …`).
   */
  private pipeline(node: Pipeline, scope: Scope): void {
    const start = this.commands.length;
    const marks: { from: number; to: number }[] = [];
    for (const c of node.commands) {
      const from = this.commands.length;
      this.node(c, childScope(scope));
      marks.push({ from, to: this.commands.length });
    }
    const facts = marks.map((m) => this.commands.slice(m.from, m.to));
    const stageOf = (i: number): SimpleCommand[] => facts[i] ?? [];
    for (let i = 1; i < facts.length; i++) {
      const downstream = stageOf(i);
      const upstream = facts.slice(0, i).flat();
      const download = upstream.find((c) => DOWNLOADERS.has(c.name));
      const runner = downstream.find((c) => c.runsInput);
      if (download && runner) {
        this.commands.push({ text: this.lineText(node), variants: [], name: runner.name, via: 'pipeline', wrapper: false, readonly: false, classes: ['network'], builtin: `it pipes a download (${download.name}) into ${runner.name}, which runs whatever the server sends` });
      }
      const secret = upstream.find((c) => c.emitsEnv);
      const sender = downstream.find((c) => c.sends);
      if (secret && sender) {
        this.commands.push({ text: this.lineText(node), variants: [], name: sender.name, via: 'pipeline', wrapper: false, readonly: false, classes: ['network'], builtin: `it pipes the environment (${secret.name}), which holds secrets, into ${sender.name}, which sends it off this machine` });
      }
    }
    void start;
  }

  private redirects(list: readonly Redirection[], scope: Scope, stdinTo?: string): void {
    for (const r of list) {
      if (r.type === 'HereDoc' || r.type === 'HereString') {
        if (r.type === 'HereString' && r.target) this.substitutions(r.target, scope);
        if (r.type === 'HereDoc' && r.body && !(r.delimiter?.quoted ?? false)) this.substitutions(r.body, scope);
        void stdinTo;
        continue;
      }
      if (r.type !== 'Redirect' || !r.target) continue;
      this.substitutions(r.target, scope);
      const target = this.word(r.target, scope);
      const op = r.operator;
      if (op === '>&' || op === '<&') {
        // `2>&1` duplicates a descriptor; `>& file` (no digit) writes a file.
        if (/^\d+-?$|^-$/.test(target.value)) continue;
      }
      if (isNetworkDevice(target.value)) {
        this.commands.push({ text: `${op} ${target.text}`, variants: [], name: '', via: `redirect ${op}`, wrapper: false, readonly: false, sends: true, irreversible: `the redirection ${op} ${target.text} opens a network connection`, classes: ['irreversible', 'network'] } as SimpleCommand);
        continue;
      }
      if (op === '<') {
        this.effect({ op: 'read', word: target }, scope, 'redirect <');
        continue;
      }
      if (['>', '>>', '>|', '&>', '&>>', '<>', '>&'].includes(op)) {
        if (isHarmlessDevice(target.value)) continue;
        this.effect({ op: 'write', word: target }, scope, `redirect ${op}`);
      }
    }
  }

  /** Records a file effect, for each folder the command may run in. */
  private effect(e: Effect, scope: Scope, via: string): void {
    const cwds = cwdsOf(scope.shell);
    for (const cwd of cwds ?? [undefined]) this.effectAt(e, scope, via, cwd);
  }

  private effectAt(e: Effect, scope: Scope, via: string, here: string | undefined): void {
    const word = e.word;
    let cwd = here;
    if (e.base) {
      cwd = this.resolveDir(here, e.base);
      if (cwd === undefined && !this.path.isAbsolute(word?.value ?? e.literal ?? '')) {
        this.pushEffect({ op: e.op, path: word?.value ?? e.literal ?? '.', cwd: undefined, via, glob: false, recursive: e.recursive === true, mention: e.mention === true, dynamic: `it is relative to ${e.base.text}, which Airlock cannot follow` });
        return;
      }
    }
    const base = { op: e.op, cwd, via, recursive: e.recursive === true, mention: e.mention === true, ...(e.meta ? { meta: true } : {}), ...(e.filter ? { filter: e.filter } : {}) };
    if (e.literal !== undefined) {
      const literal = e.literal === '~' || e.literal.startsWith('~/') ? this.options.home + e.literal.slice(1) : e.literal;
      if (e.intoDirOf) {
        const src = e.intoDirOf;
        this.pushEffect({ ...base, path: this.path.join(literal, this.path.basename(src.value.replace(/\/+$/, '')) || '.'), glob: src.glob, ...(src.dynamic ? { dynamic: src.dynamic } : {}) });
      } else this.pushEffect({ ...base, path: literal, glob: false });
      return;
    }
    if (!word) return;
    // `{}` of `find DIR -exec`, and xargs' input: paths that are only bounded, or not known at all.
    if (scope.findBound !== undefined && word.value.includes('{}')) {
      this.pushEffect({ ...base, path: scope.findBound, glob: false, recursive: true, bounded: `{} stands for the files find lists below ${scope.findBound}`, ...(scope.findFilter ? { filter: scope.findFilter } : {}) });
      return;
    }
    if (word.value.includes(XARGS_INPUT) || (scope.xargsReplace !== undefined && word.value.includes(scope.xargsReplace))) {
      this.pushEffect({ ...base, path: word.text, glob: false, dynamic: INPUT_FILES });
      return;
    }
    let value = word.value;
    let glob = word.glob;
    let dynamic = word.dynamic;
    if (e.intoDirOf) {
      const src = e.intoDirOf;
      if (src.dynamic && !dynamic) dynamic = src.dynamic;
      if (scope.findBound !== undefined && src.value.includes('{}')) {
        this.pushEffect({ ...base, path: value, glob: word.glob, recursive: true, ...(dynamic ? { dynamic } : {}) });
        return;
      }
      if (src.value.includes(XARGS_INPUT) || (scope.xargsReplace !== undefined && src.value.includes(scope.xargsReplace))) dynamic ??= INPUT_FILES;
      value = this.path.join(value, this.path.basename(src.value.replace(/\/+$/, '')) || '.');
      glob = glob || src.glob;
    }
    const values = word.brace && !dynamic ? expandBraces(value) : [value];
    for (const v of values) {
      const through = this.throughLink(v, cwd, scope);
      this.pushEffect({ ...base, path: v, glob, ...(dynamic ? { dynamic } : through ? { dynamic: through } : {}) });
      if (e.link && !dynamic) {
        const abs = this.absolute(v, cwd);
        // Recorded once the command's own effects are all listed (the link is made by this command).
        if (abs) this.pendingLinks.push({ shell: scope.shell, path: abs });
      }
    }
  }

  private absolute(p: string, cwd: string | undefined): string | undefined {
    if (this.path.isAbsolute(p)) return this.path.normalize(p);
    return cwd === undefined ? undefined : this.path.join(cwd, p);
  }

  /** A path at or below a link made earlier on the line: where it leads is only known when the link exists. */
  private throughLink(p: string, cwd: string | undefined, scope: Scope): string | undefined {
    if (scope.shell.links.size === 0) return undefined;
    const abs = this.absolute(p, cwd);
    if (!abs) return undefined;
    for (const l of scope.shell.links) {
      if (abs === l || abs.startsWith(`${l}/`)) return `it goes through ${l.split('/').pop()}, a link made earlier on the command line, whose target Airlock does not follow before it exists`;
    }
    return undefined;
  }

  private pushEffect(e: FileEffect): void {
    if (!isHarmlessDevice(e.path) || e.op === 'read') this.effects.push(e);
  }

  private push(scope: Scope, c: Omit<SimpleCommand, 'classes' | 'via'> & { via?: string }): void {
    const privileged = scope.privileged && !c.wrapper ? { irreversible: c.irreversible ?? scope.privileged } : {};
    const tainted = scope.shell.tainted && !c.unknown && !c.dynamic && !c.builtin ? { unknown: scope.shell.tainted } : {};
    const full = { via: scope.via, ...c, ...privileged, ...tainted };
    this.commands.push({ ...full, classes: labels(full) });
  }

  private simple(node: Command, scope: Scope): void {
    // Substitutions anywhere in the command run first, whatever the command is.
    if (node.name) this.substitutions(node.name, scope);
    for (const p of node.prefix) this.substitutions(p, scope);
    for (const s of node.suffix) this.substitutions(s, scope);
    this.redirects(node.redirects, scope);

    const assignments = node.prefix.filter((p) => p.type === 'Assignment');
    if (!node.name) {
      // Assignments alone change the shell: remember literal values, and what changes how programs run.
      for (const a of assignments) {
        // `a[i]=v`: the subscript is arithmetic, and `$a` is not what was assigned.
        if (a.index) this.numericWord(a.index, scope);
        this.assign(a.name, a.value.type === 'Word' && !a.index ? this.word(a.value, scope) : undefined, scope, false, a.append === true);
      }
      return;
    }
    const words: WordValue[] = [this.word(node.name, scope)];
    for (const s of node.suffix) {
      if (s.type === 'Word') words.push(this.word(s, scope));
      else if (s.type === 'Assignment') words.push({ text: s.text, value: s.value.type === 'Word' ? `${s.name}=${this.word(s.value, scope).value}` : s.text, glob: false, brace: false });
    }
    // `bash <(curl …)`, `source <(wget …)`: a download run as a script.
    const runner = commandName(words[0]!.value);
    if (SHELLS.has(runner) || runner === 'source' || runner === '.' || programFacts(runner, [])?.stdinCode) {
      for (const s of node.suffix) {
        if (s.type === 'Word' && s.parts?.some((p) => p.type === 'ProcessSubstitution' && /\b(curl|wget|fetch|aria2c|http|xh)\b/.test(p.text))) {
          this.push(scope, { text: [runner, ...words.slice(1).map((w) => w.text)].join(' '), variants: [], name: runner, wrapper: false, readonly: false, builtin: `it runs a download (${clip(s.text, 40)}) as a script` });
        }
      }
    }
    const envWords = assignments.map((a) => ({ name: a.name, text: a.text, value: a.value.type === 'Word' ? this.word(a.value, scope) : undefined }));
    const prefixText = assignments.map((a) => a.text);
    if (words[0]!.value.startsWith('-')) {
      // `time -p cmd` is bash's keyword; `time --output=F cmd` is not, in bash, but in sh it is GNU time,
      // which writes F and runs cmd: decided both ways.
      this.push(scope, { text: words.map((w) => w.text).join(' '), variants: [], name: words[0]!.value, wrapper: false, readonly: false, unknown: `${words[0]!.text} is not a command (it reads as options of the time program, which shells treat differently)` });
      this.run([{ text: 'time', value: 'time', glob: false, brace: false }, ...words], prefixText, [], childScope(scope), scope.via);
      return;
    }
    const stdinFed = node.redirects.some((r) => r.type === 'HereDoc' || r.type === 'HereString' || (r.type === 'Redirect' && r.operator === '<'));
    this.run(words, prefixText, envWords, scope, scope.via, stdinFed);
  }

  /** An assignment without a command (`X=1`, `export X=1`). */
  private assign(name: string, value: WordValue | undefined, scope: Scope, exported: boolean, append = false): void {
    const before = scope.shell.vars.get(name);
    if (value && !value.dynamic && (!append || before !== undefined)) scope.shell.vars.set(name, append ? before + value.value : value.value);
    else scope.shell.vars.delete(name);
    if (value && this.secretIn(value.text, scope)) scope.shell.secrets.add(name);
    else if (!append) scope.shell.secrets.delete(name);
    if (name === 'CDPATH') scope.shell.cdpath = true;
    // `cd -` goes to $OLDPWD.
    if (name === 'OLDPWD') scope.shell.oldCwd = undefined;
    if (SENSITIVE_ENV.test(name) || (exported && !SAFE_ENV.test(name))) {
      scope.shell.tainted ??= `${name} was set earlier on the command line, which can change what the commands after it run`;
    }
  }

  /**
   * Builtins that assign variables or change how the shell runs what follows: their effect on the shell
   * state is followed here. Returns why the command is not understood, or undefined.
   */
  private shellState(name: string, args: readonly WordValue[], scope: Scope): string | undefined {
    const shell = scope.shell;
    const flags = args.filter((a) => /^[-+][A-Za-z]/.test(a.value)).map((a) => a.value);
    const flagged = (letter: string): boolean => flags.some((f) => f.startsWith('-') && !f.startsWith('--') && f.slice(1).includes(letter));
    // A variable name with a subscript (`a[$(cmd)]`, `a[x]`) is evaluated as arithmetic by every builtin that takes one.
    const subscript = args.find((a) => /^[A-Za-z_][A-Za-z0-9_]*\[/.test(a.value) && !/^[A-Za-z_][A-Za-z0-9_]*\[(\d+|[@*])\](\+?=|$)/.test(a.value));
    const evaluated = `${subscript?.text ?? ''} has an array subscript, which bash evaluates as arithmetic (a $(…) in it runs a command)`;
    const invalidate = (v: string): void => {
      const n = /^[A-Za-z_][A-Za-z0-9_]*/.exec(v)?.[0];
      if (n) this.assign(n, undefined, scope, false);
    };
    switch (name) {
      case 'export':
      case 'declare':
      case 'typeset':
      case 'local':
      case 'readonly': {
        if (subscript) return evaluated;
        if (flagged('n')) return `${name} -n makes a variable stand for another, whose name Airlock does not follow`;
        const exported = name === 'export' || flagged('x');
        const integer = flagged('i');
        for (const a of args) {
          const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?=)?/.exec(a.value);
          if (!m || a.value.startsWith('-')) continue;
          const value = { ...a, value: a.value.slice(m[0].length), text: a.text.slice(m[0].length) };
          if (integer && m[2] && !/^-?\d+$/.test(value.value)) return `${name} -i makes ${m[1]} an integer, so its value ${clip(value.text, 30)} is evaluated as arithmetic`;
          if (m[2]) this.assign(m[1]!, value, scope, exported, m[2] === '+=');
          else if (exported) this.assign(m[1]!, undefined, scope, true);
          // Later assignments to an integer variable are arithmetic: Airlock stops following the line.
          if (integer) shell.tainted ??= `${m[1]} was declared an integer earlier on the line, so what is assigned to it is evaluated as arithmetic`;
        }
        return undefined;
      }
      case 'read':
      case 'mapfile':
      case 'readarray':
      case 'getopts':
      case 'printf':
      case 'wait':
      case 'unset': {
        if (subscript) return evaluated;
        if ((name === 'mapfile' || name === 'readarray') && flagged('C')) return `${name} -C runs a callback, a string of shell code`;
        if (name === 'printf') {
          const at = args.findIndex((a) => a.value === '-v');
          if (at !== -1 && args[at + 1]) invalidate(args[at + 1]!.value);
          return undefined;
        }
        // Every name these builtins are given may be assigned what is only known when the command runs.
        for (const a of args) if (!a.value.startsWith('-')) invalidate(a.value);
        return undefined;
      }
      case 'let': {
        for (const a of args) {
          let expr: ParsedScript;
          try {
            expr = parse(`((${a.value}\n))`);
          } catch {
            return `let evaluates ${clip(a.text, 40)} as arithmetic, which Airlock could not read`;
          }
          const c = expr.commands[0]?.command;
          if (expr.commands.length !== 1 || c?.type !== 'ArithmeticCommand') return `let evaluates ${clip(a.text, 40)} as arithmetic, which Airlock could not read`;
          const before = this.commands.length;
          this.arithmetic(c.expression, scope, `let ${a.text}`);
          if (this.commands.length > before) return `let evaluates ${clip(a.text, 40)} as arithmetic over values only known when the command runs`;
        }
        return undefined;
      }
      case 'test':
      case '[': {
        const at = args.findIndex((a) => a.value === '-v' || a.value === '-R');
        if (at !== -1) {
          const v = args[at + 1];
          if (!v || v.dynamic || !/^[A-Za-z_][A-Za-z0-9_]*(\[(\d+|[@*])\])?$/.test(v.value)) return `${name} -v ${v?.text ?? ''} evaluates an array subscript, which can run a command`;
        }
        return undefined;
      }
      case 'compgen':
      case 'complete': {
        if (flagged('C') || flagged('F')) return `${name} -C/-F runs a command or function to produce completions`;
        const w = args.findIndex((a) => a.value === '-W' || (a.value.startsWith('-') && !a.value.startsWith('--') && a.value.endsWith('W')));
        const words = w === -1 ? undefined : args[w + 1];
        if (words && /[$`]/.test(words.value)) return `${name} -W expands its word list, which can run a command`;
        return undefined;
      }
      case 'hash': {
        const at = args.findIndex((a) => a.value === '-p' || (a.value.startsWith('-') && a.value.includes('p')));
        if (at !== -1) {
          for (const n of args.slice(at + 2)) shell.defined.add(n.value);
          return `hash -p makes a command name run another program`;
        }
        return undefined;
      }
      case 'set': {
        for (let i = 0; i < args.length; i++) {
          const a = args[i]!.value;
          if (a === '--' || a === '-' || !/^[-+]/.test(a)) break;
          if (a === '-o' || a === '+o') {
            const opt = args[i + 1]?.value;
            i++;
            if (opt !== undefined && !SAFE_SET_OPTIONS.has(opt)) shell.tainted ??= `set ${a} ${opt} changes how the shell runs the commands after it`;
            continue;
          }
          if (/[^euxvCfnETbmHBh]/.test(a.slice(1))) shell.tainted ??= `set ${a} changes how the shell runs the commands after it`;
        }
        return undefined;
      }
      case 'shopt': {
        const change = args.some((a) => /^-[a-z]*[su]/.test(a.value));
        const names = args.filter((a) => !a.value.startsWith('-')).map((a) => a.value);
        if (change && names.some((n) => !SAFE_SHOPT.has(n))) shell.tainted ??= `shopt ${args.map((a) => a.text).join(' ')} changes how the shell expands words or runs commands after it`;
        if (args.some((a) => /^-[a-z]*o/.test(a.value)) && change) shell.tainted ??= `shopt -o changes how the shell runs the commands after it`;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Decides what a list of words runs: unwraps wrappers, descends into shells, records the command and its effects. */
  private run(words: readonly WordValue[], prefix: readonly string[], env: readonly { name: string; text: string; value?: WordValue }[], scope: Scope, via: string, stdinFed = false): void {
    if (this.full() || words.length === 0) return;
    const head = words[0]!;
    const text = [...prefix, ...words.map((w) => w.text)].join(' ');
    const bare = words.map((w) => w.text).join(' ');
    if (head.dynamic || head.glob || head.brace || head.value.includes(XARGS_INPUT)) {
      const why = head.value.includes(XARGS_INPUT) ? 'it comes from xargs\' input' : (head.dynamic ?? `${head.text} is a pattern the shell expands`);
      this.push(scope, { text, variants: [bare], name: head.text, via, wrapper: false, dynamic: `the command name is not fixed: ${why}`, readonly: false });
      return;
    }
    const system = SYSTEM_BIN.test(head.value);
    const hasSlash = /[\\/]/.test(head.value);
    const name = commandName(head.value);
    const args = words.slice(1);
    const variants = uniq([bare, [name, ...args.map((w) => w.text)].join(' '), [...prefix, name, ...args.map((w) => w.text)].join(' ')]).filter((v) => v !== text);
    const base = { text, variants, name, via, wrapper: false };

    // Variables given to this command only: harmless ones, or the command is not understood.
    const badEnv = env.find((e) => !SAFE_ENV.test(e.name));
    const envUnknown = badEnv ? { unknown: `it runs with ${badEnv.name}=… set, which can change what ${name} runs or where it looks` } : {};
    const secretEnv = env.find((e) => e.value?.text && this.secretIn(e.value.text, scope));

    // Airlock's own control plane: no agent changes trust, answers approvals, installs hooks or rolls back.
    const self = this.airlockUse(name, head, args, scope);
    if (self) {
      this.push(scope, { ...base, readonly: false, builtin: self });
      return;
    }
    if (self === undefined && this.isAirlockCommand(name, head, scope)) {
      // What an agent may still do with Airlock: read decisions, sessions, the audit log and trust levels.
      this.push(scope, { ...base, readonly: !badEnv, ...envUnknown });
      return;
    }

    if (scope.shell.defined.has(head.value)) {
      this.push(scope, { ...base, readonly: false, unknown: `${head.text} is a function or alias defined earlier on the line` });
      return;
    }
    if (hasSlash && !system) {
      this.push(scope, { ...base, readonly: false, ...envUnknown, runsCode: `it runs the program ${head.text}, whose code Airlock does not read` });
      this.mentions(args, scope, name);
      return;
    }

    // cd and its relatives move the scope; they run nothing else.
    if (name === 'cd' || name === 'pushd' || name === 'popd' || name === 'chdir') {
      // `CDPATH=… cd NAME` uses that CDPATH for this cd.
      const cdpath = scope.shell.cdpath;
      if (env.some((e) => e.name === 'CDPATH')) scope.shell.cdpath = true;
      this.changeDirectory(name, args, scope);
      scope.shell.cdpath = cdpath;
      this.push(scope, { ...base, readonly: true, ...envUnknown });
      return;
    }
    if (SHELL_STATE.has(name)) {
      const why = this.shellState(name, args, scope);
      if (why) {
        this.push(scope, { ...base, readonly: false, unknown: why });
        return;
      }
    }

    const wrapped = unwrap(name, args);
    if (wrapped) {
      this.wrapper(wrapped, { ...base, ...envUnknown }, scope, stdinFed);
      return;
    }
    if (name === 'find') {
      this.find(args, scope, base, envUnknown);
      return;
    }

    const facts = this.factsOf(name, args);
    if (!facts) {
      // Not in Airlock's tables: its effects are not known.
      this.push(scope, { ...base, readonly: false, unknown: `Airlock does not know the program ${name}`, unknownProgram: true, ...envUnknown });
      this.mentions(args, scope, name);
      return;
    }
    let f: CommandFacts & PackageFacts & ProgramFacts = facts;
    // Package scripts and fetched packages: what no agent may run at all (Airlock's CLI) is denied even there.
    const scripts = f.scripts && this.options.probe && scope.shell.cwd !== undefined ? this.options.probe.packageScripts(scope.shell.cwd) : undefined;
    let builtin: string | undefined;
    if (f.runsPackage && isAirlockPackage(f.runsPackage.value)) builtin = `it runs Airlock's own CLI (${f.runsPackage.text}) through ${name}; ${CONTROL}`;
    if (f.runsPackage && !builtin && this.options.probe?.isAirlock(f.runsPackage.value, scope.shell.cwd)) builtin = `it runs Airlock's own CLI through ${name}; ${CONTROL}`;
    // `yarn airlock …`, `pnpm NAME` where node_modules/.bin/NAME is Airlock's CLI under another name.
    if (f.runsBin && !builtin && (isAirlockPackage(f.runsBin.value) || this.options.probe?.isAirlock(`node_modules/.bin/${f.runsBin.value}`, scope.shell.cwd))) builtin = `it runs Airlock's own CLI (${f.runsBin.text}, a binary in node_modules/.bin) through ${name}; ${CONTROL}`;
    for (const s of f.scripts ?? []) {
      const body = scripts?.[s];
      if (body === undefined) continue;
      const nested = new Analyzer(this.options);
      nested.script(body, childScope(scope, { depth: scope.depth + 1, via: `${name} ${s}` }));
      const denied = nested.commands.find((c) => c.builtin);
      if (denied) builtin ??= `the package script ${s} (${clip(body, 60)}): ${denied.builtin}`;
    }
    for (const w of f.scriptWords ?? []) if (!builtin && this.options.probe?.isAirlock(w.value, scope.shell.cwd)) builtin = `it runs Airlock's own program (${w.text}); ${CONTROL}`;
    if (builtin) {
      this.push(scope, { ...base, readonly: false, builtin });
      return;
    }
    // A script named by a pattern or a variable could be Airlock's own CLI: which program runs is not known.
    const unseen = (f.scriptWords ?? []).find((w) => w.dynamic || w.glob);
    if (unseen) f = { ...f, unknown: f.unknown ?? `${name} runs ${clip(unseen.text, 60)}, a script only known when the command runs (it could be any program, Airlock's own among them)` };
    if (f.stdinCode === 'shell') f = { ...f, unknown: f.unknown ?? `${name} runs the shell commands it reads from its input` };
    if (stdinFed && f.stdinCode === 'interpreter') f = { ...f, runsCode: f.runsCode ?? `${name} runs the code it reads from its input` };
    const secretArg = (f.sends || f.downloads || NETWORK_NAMES.has(name)) && (secretEnv ?? args.find((a) => this.secretIn(a.text, scope)));
    if (secretArg) {
      this.push(scope, { ...base, readonly: false, builtin: `it passes a secret from the environment (${clip(secretArg.text, 40)}) to ${name}, which sends it off this machine`, sends: true });
      return;
    }
    // A program that reaches the network with an argument only known at run time (`curl "…?d=$(base64 f)"`)
    // may send anything from this machine: it cannot be undone.
    const runtimeArg = (f.sends || f.downloads || NETWORK_NAMES.has(name)) && args.find((a) => a.dynamic);
    if (runtimeArg) f = { ...f, readonly: false, sends: true, irreversible: f.irreversible ?? `${name} reaches the network with ${clip(runtimeArg.text, 40)}, only known when the command runs, which may carry data from this machine off it` };
    this.push(scope, {
      ...base,
      readonly: f.readonly === true && !badEnv,
      ...(f.unknown ? { unknown: f.unknown } : envUnknown),
      ...(f.unknownProgram ? { unknownProgram: true } : {}),
      ...(f.runsCode ? { runsCode: f.runsCode } : {}),
      ...(f.irreversible ? { irreversible: f.irreversible } : {}),
      ...(f.builtin ? { builtin: f.builtin } : {}),
      ...(f.sends ? { sends: true } : {}),
      ...(f.emitsEnv || (ENV_DUMPERS.has(name) && args.length === 0) ? { emitsEnv: true } : {}),
      ...(f.stdinCode ? { runsInput: true } : {}),
    });
    for (const e of f.effects) this.effect(e, scope, name);
    for (const l of this.pendingLinks) l.shell.links.add(l.path);
    this.pendingLinks = [];
    // Programs that run code may read any file they are given: a denied one in their arguments is a read.
    if (f.unknownProgram || (f.runsCode && !f.effects.length)) this.mentions(args, scope, name);
  }

  private factsOf(name: string, args: readonly WordValue[]): (CommandFacts & PackageFacts & ProgramFacts) | undefined {
    const ro = READ_ONLY_TOOLS[name];
    if (ro) return simpleFacts(name, ro, args);
    if (name === 'xxd') return simpleFacts(name, XXD, args);
    const file = FILE_TOOLS[name];
    if (file) return file(args, name);
    const net = NETWORK_TOOLS[name];
    if (net) return net(args, name);
    const pkg = PACKAGE_TOOLS[name];
    if (pkg) return pkg(args, name);
    if (name === 'git') return gitFacts(args);
    if (name === 'perl') return perlFacts(args);
    return programFacts(name, args);
  }

  private wrapper(u: Unwrapped, base: { text: string; variants: readonly string[]; name: string; via: string; wrapper: boolean; unknown?: string }, scope: Scope, stdinFed: boolean): void {
    const name = base.name;
    const part = (extra: Partial<SimpleCommand>): void => this.push(scope, { ...base, readonly: false, wrapper: true, ...(u.unknown ? { unknown: u.unknown } : {}), ...(u.irreversible ? { irreversible: u.irreversible } : {}), ...extra });
    for (const e of u.effects ?? []) this.effect(e, scope, name);
    const innerScope = (): Scope => {
      const s: Scope = u.sameShell ? { ...scope, depth: scope.depth + 1, via: u.via } : childScope(scope, { depth: scope.depth + 1 });
      if (u.cwd) s.shell.cwd = this.resolveDir(scope.shell.cwd, u.cwd);
      if (u.unknownCwd) s.shell.cwd = undefined;
      return u.irreversible ? { ...s, privileged: u.irreversible } : s;
    };
    if (u.stdinShell) {
      part({ wrapper: false, unknown: u.unknown ?? `${name} runs the shell commands it reads from its input${stdinFed ? '' : ' or terminal'}`, runsInput: true });
      return;
    }
    if (u.shellFile) {
      const self = this.options.probe?.isAirlock(u.shellFile.value, scope.shell.cwd);
      part({ wrapper: false, runsCode: `${name} runs the shell script ${u.shellFile.text}, which Airlock does not read`, ...(self ? { builtin: `it runs Airlock's own program; ${CONTROL}` } : {}) });
      return;
    }
    if (u.script) {
      part({});
      const injected = (scope.xargsReplace !== undefined && u.script.value.includes(scope.xargsReplace)) || (scope.findBound !== undefined && u.script.value.includes('{}'));
      if (injected) {
        this.push(scope, { text: u.script.text, variants: [], name: '', via: u.via, wrapper: false, readonly: false, dynamic: `${name} runs a string that ${scope.findBound !== undefined ? 'find' : 'xargs'} fills in with file names from its input, which can be shell code` });
        return;
      }
      if (u.script.dynamic) {
        this.push(scope, { text: u.script.text, variants: [], name: '', via: u.via, wrapper: false, readonly: false, dynamic: `${name} runs a string only known at run time: ${u.script.dynamic}` });
        this.downloadInString(u.script, scope, name);
        return;
      }
      this.script(u.script.value, { ...innerScope(), depth: scope.depth + 1, via: u.via });
      return;
    }
    if (u.evalWords) {
      part({});
      const dynamicWord = u.evalWords.find((w) => w.dynamic);
      if (dynamicWord) {
        this.push(scope, { text: u.evalWords.map((w) => w.text).join(' '), variants: [], name: '', via: u.via, wrapper: false, readonly: false, dynamic: `${name} runs a string only known at run time: ${dynamicWord.dynamic}` });
        this.downloadInString(dynamicWord, scope, name);
        return;
      }
      const source = u.evalWords.map((w) => w.value).join(' ');
      // eval runs in this shell: a `cd` inside it lasts. (watch runs its string in a child shell.)
      this.script(source, { ...innerScope(), depth: scope.depth + 1, via: u.via });
      return;
    }
    if (u.emitsEnv) {
      part({ wrapper: false, readonly: true, emitsEnv: true });
      return;
    }
    const inner = u.inner ?? [];
    if (inner.length === 0) {
      part({ wrapper: false, readonly: !u.irreversible && !u.unknown });
      return;
    }
    part({ ...(u.envChange ? { unknown: u.envChange } : {}) });
    let innerWords = inner;
    const s = innerScope();
    if (u.fromInput) {
      const commandsBefore = this.commands.length;
      const effectsBefore = this.effects.length;
      if (u.fromInput.replace !== undefined) {
        this.run(innerWords, [], [], { ...s, xargsReplace: u.fromInput.replace }, u.via, stdinFed);
      } else {
        innerWords = [...innerWords, { text: XARGS_INPUT, value: XARGS_INPUT, glob: false, brace: false }];
        this.run(innerWords, [], [], s, u.via, stdinFed);
      }
      // Whatever xargs runs takes arguments from its input: when those are files, which ones is not known.
      const inputHit = this.effects.slice(effectsBefore).some((e) => e.dynamic === INPUT_FILES);
      for (let i = commandsBefore; i < this.commands.length; i++) {
        const ran = this.commands[i]!;
        if (ran.wrapper || ran.unknown || ran.builtin || ran.dynamic) continue;
        if (!inputHit && ran.readonly) continue;
        this.commands[i] = { ...ran, unknown: `\`xargs ${ran.name}\` takes its ${inputHit ? 'files' : 'arguments'} from its input: Airlock cannot tell which files it ${ran.readonly ? 'reads' : 'changes'}`, classes: uniq([...ran.classes, 'unknown' as const]) };
        break;
      }
      return;
    }
    const env = (u.assignments ?? []).map((w) => {
      const eq = w.value.indexOf('=');
      return { name: w.value.slice(0, eq), text: w.text, value: { ...w, value: w.value.slice(eq + 1), text: w.text.slice(w.text.indexOf('=') + 1) } };
    });
    this.run(innerWords, env.map((e) => e.text), env, s, u.via, stdinFed);
  }

  /** `cd`, `pushd`, `popd`: followed when the target is known; otherwise the folder of what follows is unknown. */
  private changeDirectory(name: string, args: readonly WordValue[], scope: Scope): void {
    const operands = args.filter((w) => !/^-[LPe@]+$/.test(w.value) && w.value !== '--');
    const target = operands[0];
    const before = scope.shell.cwd;
    const go = (dir: string | undefined): void => {
      scope.shell.oldCwd = before;
      scope.shell.cwd = dir;
    };
    if (name === 'popd') {
      if (operands.length > 0 || scope.shell.dirs.length === 0) go(undefined);
      else go(scope.shell.dirs.pop());
      return;
    }
    if (name === 'pushd') {
      if (!target || /^[+-]\d+$/.test(target.value)) {
        go(undefined);
        return;
      }
      scope.shell.dirs.push(before);
    }
    if (!target) {
      go(this.options.home);
      return;
    }
    if (operands.length > 1) {
      go(undefined); // zsh's `cd OLD NEW` substitutes in the current path
      return;
    }
    if (target.value === '-') {
      go(scope.shell.oldCwd);
      return;
    }
    // With CDPATH set on this line, `cd NAME` may go to a folder named NAME anywhere on the CDPATH.
    if (scope.shell.cdpath && !/^(\.{1,2}(\/|$)|\/)/.test(target.value)) {
      go(undefined);
      return;
    }
    go(this.resolveDir(scope.shell.cwd, target));
  }

  /** `find`: start points, an expression, and actions that run commands or write files. */
  private find(args: readonly WordValue[], scope: Scope, base: { text: string; variants: readonly string[]; name: string; via: string; wrapper: boolean }, envUnknown: { unknown?: string }): void {
    const values = args.map((w) => w.value);
    let i = 0;
    // Options before the start points: -H -L -P -E -X -s -x -f, -O LEVEL, -D FLAGS.
    while (i < values.length && /^-([HLPEXsx]+|O\d*|D|f)$/.test(values[i]!)) {
      if (values[i] === '-D' || values[i] === '-f' || values[i] === '-O') i++;
      i++;
    }
    const starts: WordValue[] = [];
    while (i < values.length && !/^[-(!]/.test(values[i]!) && values[i] !== ',') starts.push(args[i++]!);
    if (starts.length === 0) starts.push({ text: '.', value: '.', glob: false, brace: false });
    let unknown: string | undefined = envUnknown.unknown;
    let writes = false;
    let deletes = false;
    const filtered = { any: false };
    const execs: { at: number; end: number; kind: string }[] = [];
    for (; i < values.length; i++) {
      const v = values[i]!;
      if (args[i]!.dynamic) {
        unknown ??= `the find expression ${args[i]!.text} is only known when the command runs`;
        continue;
      }
      if (FIND_FLAGS.has(v)) {
        if (!FIND_STRUCTURAL.has(v)) filtered.any = true;
        continue;
      }
      if (FIND_VALUE.has(v)) {
        filtered.any = true;
        i++;
        continue;
      }
      if (v === '-newerXY' || /^-newer[amcBt][amcBt]$/.test(v)) {
        i++;
        continue;
      }
      if (v === '-delete') {
        deletes = true;
        continue;
      }
      if (['-exec', '-execdir', '-ok', '-okdir'].includes(v)) {
        let end = i + 1;
        while (end < values.length && values[end] !== ';' && !(values[end] === '+' && values[end - 1] === '{}')) end++;
        execs.push({ at: i + 1, end, kind: v });
        i = end;
        continue;
      }
      if (['-fprint', '-fprint0', '-fls'].includes(v) || v === '-fprintf') {
        const target = args[i + 1];
        if (target) this.effect({ op: 'write', word: target }, scope, `find ${v}`);
        writes = true;
        i += v === '-fprintf' ? 2 : 1;
        continue;
      }
      if (v === '-printf') {
        i++;
        continue;
      }
      unknown ??= `find ${v} is a test or action Airlock does not model`;
    }
    this.push(scope, { ...base, readonly: !deletes && !writes && execs.length === 0 && !unknown, ...(unknown ? { unknown } : {}) });
    const filter = findNameFilter(values.slice(starts.length));
    // The start points' names and what is below them are listed: only built-in protections see that.
    for (const st of starts) this.effect({ op: 'read', word: st, meta: true }, scope, 'find');
    if (deletes) {
      // `find DIR -delete` with no test deletes everything below DIR; with `-name` tests, the files below that match.
      for (const s of starts) {
        if (filter) this.pushEffect({ op: 'delete', path: s.value, cwd: scope.shell.cwd, via: 'find -delete', glob: false, recursive: true, mention: false, filter, bounded: `find deletes the files below ${s.text} that its tests match`, ...(s.dynamic ? { dynamic: s.dynamic } : {}) });
        else this.effect({ op: 'delete', word: s, recursive: true }, scope, 'find -delete');
      }
    }
    for (const x of execs) {
      const inner = args.slice(x.at, x.end);
      if (inner.length === 0) continue;
      for (const s of starts) {
        const dir = s.dynamic ? undefined : this.resolveDir(scope.shell.cwd, s);
        const bound = dir ?? s.value;
        const innerScope = childScope(scope, { depth: scope.depth + 1, findBound: bound, ...(filter ? { findFilter: filter } : {}), ...(x.kind === '-execdir' || x.kind === '-okdir' ? { cwd: bound } : {}) });
        if (s.dynamic) innerScope.shell.cwd = undefined;
        this.run(inner, [], [], innerScope, `find ${x.kind}`);
      }
    }
  }

  /** `sh -c "$(curl …)"`, `eval "$(wget …)"`: a download run as a script. */
  private downloadInString(w: WordValue, scope: Scope, name: string): void {
    if (/\$\(\s*(curl|wget|fetch)\b|`\s*(curl|wget|fetch)\b/.test(w.text)) {
      this.push(scope, { text: w.text, variants: [], name, via: name, wrapper: false, readonly: false, builtin: `it runs a download (${clip(w.text, 40)}) as a script` });
    }
  }

  /**
   * Arguments of a program Airlock does not model that name files a `deny`/`ask` read rule covers are
   * reads: `python x.py .env`, `tool --config=.env`. Options and their values are skipped unless they hold
   * a path after `=` or `@`.
   */
  private mentions(args: readonly WordValue[], scope: Scope, via: string): void {
    for (const w of args) {
      if (w.dynamic) continue;
      let value = w.value;
      if (value.startsWith('-')) {
        const eq = value.indexOf('=');
        if (eq === -1) continue;
        value = value.slice(eq + 1);
      }
      if (value.startsWith('@')) value = value.slice(1);
      if (value === '' || value === '-' || value === XARGS_INPUT || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) continue;
      this.effect({ op: 'read', word: { ...w, value }, mention: true }, scope, via);
    }
  }

  /** A secret in a word: from the environment, a credential command, or a variable assigned one on this line. */
  private secretIn(text: string, scope: Scope): boolean {
    return secretExpansion(text, scope.shell.secrets);
  }

  private isAirlockCommand(name: string, head: WordValue, scope: Scope): boolean {
    return name === 'airlock' || name === 'airlock-cli' || (/[\\/]/.test(head.value) && this.options.probe?.isAirlock(head.value, scope.shell.cwd) === true);
  }

  /** Airlock's own CLI run by an agent, in any spelling: what it may not do, or undefined. */
  private airlockUse(name: string, head: WordValue, args: readonly WordValue[], scope: Scope): string | undefined {
    if (!this.isAirlockCommand(name, head, scope)) return undefined;
    const rest = args;
    const sub = rest.find((a) => !a.value.startsWith('-'));
    const flags = rest.filter((a) => a.value.startsWith('-')).map((a) => a.value);
    const s = sub?.value;
    if (s === undefined && flags.every((f) => ['--help', '-h', '--version', '--json'].includes(f))) return undefined;
    if (s === 'check' || s === 'sessions' || s === 'show' || s === 'help') return undefined;
    if (s === 'audit' && !flags.some((f) => f.startsWith('--export'))) return undefined;
    if (s === 'doctor' && !flags.some((f) => f.startsWith('--repair') || f.startsWith('--fix'))) return undefined;
    if (s === 'trust' && !flags.some((f) => f === '--set' || f.startsWith('--set='))) return undefined;
    return `agents cannot run \`airlock ${s ?? flags.join(' ')}\`: ${CONTROL}`;
  }

  private resolveDir(cwd: string | undefined, w: WordValue): string | undefined {
    if (w.dynamic || w.glob) return undefined;
    if (this.path.isAbsolute(w.value)) return this.path.normalize(w.value);
    return cwd === undefined ? undefined : this.path.join(cwd, w.value);
  }
}

/** Builtins whose effect on the shell {@link Analyzer.shellState} follows. */
const SHELL_STATE = new Set(['export', 'declare', 'typeset', 'local', 'readonly', 'read', 'mapfile', 'readarray', 'getopts', 'printf', 'wait', 'unset', 'let', 'test', '[', 'compgen', 'complete', 'hash', 'set', 'shopt']);

/** `set -o` options that do not change what later commands run or where. */
const SAFE_SET_OPTIONS = new Set(['errexit', 'nounset', 'xtrace', 'verbose', 'pipefail', 'noclobber', 'noglob', 'noexec', 'errtrace', 'functrace', 'notify', 'monitor', 'histexpand', 'braceexpand', 'hashall', 'emacs', 'vi', 'history', 'ignoreeof', 'interactive-comments']);

/** `shopt` options that do not change which files a word names or what a command runs. */
const SAFE_SHOPT = new Set(['nullglob', 'failglob', 'checkwinsize', 'histappend', 'inherit_errexit', 'nocasematch', 'xpg_echo', 'checkhash', 'checkjobs', 'cmdhist', 'lithist', 'progcomp', 'promptvars', 'huponexit', 'interactive_comments']);

const CONTROL = 'changing trust, answering approvals, installing hooks, rolling back and serving the gate are for a person, in the editor or at their own terminal';

/** Why a path from xargs' input is not known. */
const INPUT_FILES = 'its file names come from xargs\' input';

const NETWORK_NAMES = new Set(['curl', 'wget', 'http', 'https', 'xh', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ssh', 'scp', 'sftp', 'ftp', 'rsync', 'gh', 'aws', 'gcloud', 'az']);

/**
 * `$GITHUB_TOKEN`, `${AWS_SECRET_ACCESS_KEY}`, `$(env)`, `$(gh auth token)`, a variable assigned one of
 * those earlier on the line: a secret in a word.
 */
function secretExpansion(text: string, secrets: ReadonlySet<string> = new Set()): boolean {
  for (const m of text.matchAll(/\$\{?!?#?([A-Za-z_][A-Za-z0-9_]*)/g)) if (SECRET_VAR.test(m[1]!) || secrets.has(m[1]!)) return true;
  return /(\$\(|`)\s*(env|printenv|set|export|declare)\b|\/proc\/[^/\s]+\/environ/.test(text) || CREDENTIAL_COMMAND.test(text);
}

/** Commands that print a credential: their output in a word is a secret. */
const CREDENTIAL_COMMAND = /(\$\(|`)\s*(\S*\/)?(gh\s+auth\s+token|gh\s+auth\s+status\s.*--show-token|git\s+credential|git\s+config\s.*(credential|token|password)|aws\s+(configure\s+get|sts\s+get-session-token|ecr\s+get-login-password|ecr-public\s+get-login-password|codeartifact\s+get-authorization-token)|gcloud\s+auth\s+(print-access-token|print-identity-token|application-default\s+print-access-token)|az\s+account\s+get-access-token|security\s+find-(generic|internet)-password|pass\s+show|op\s+(read|item\s+get)|vault\s+(read|kv\s+get|token)|kubectl\s+config\s+view|docker-credential-\S+|npm\s+token|secret-tool\s+lookup|keyring\s+get|heroku\s+auth:token|doctl\s+auth\s+token|flyctl\s+auth\s+token|fly\s+auth\s+token|vercel\s+token|netlify\s+token|glab\s+auth\s+token|gpg\s+(-d|--decrypt)|age\s+(-d|--decrypt)|sops\s+(-d|--decrypt))/;

/** `npx airlock`, `npm exec @scope/airlock@1.2`: Airlock's own package. */
function isAirlockPackage(spec: string): boolean {
  return /^(@[^/]+\/)?airlock(-cli)?(@.*)?$/i.test(spec) || /(^|[/:])airlock(\.git)?(#.*)?$/i.test(spec);
}

const FIND_FLAGS = new Set([
  '-print', '-print0', '-ls', '-prune', '-quit', '-true', '-false', '-empty', '-executable', '-readable', '-writable', '-nouser', '-nogroup',
  '-depth', '-d', '-mount', '-xdev', '-follow', '-noleaf', '-ignore_readdir_race', '-noignore_readdir_race', '-daystart', '-warn', '-nowarn',
  '-not', '!', '-a', '-and', '-o', '-or', ',', '(', ')', '-nofollow', '-xattr', '-sparse',
]);
const FIND_STRUCTURAL = new Set(['-print', '-print0', '-ls', '-depth', '-d', '-mount', '-xdev', '-follow', '-noleaf', '-ignore_readdir_race', '-noignore_readdir_race', '-daystart', '-warn', '-nowarn', '(', ')']);
const FIND_VALUE = new Set([
  '-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-regextype', '-type', '-xtype', '-user', '-group',
  '-uid', '-gid', '-size', '-perm', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-anewer', '-cnewer', '-samefile',
  '-inum', '-links', '-maxdepth', '-mindepth', '-fstype', '-context', '-used', '-lname', '-ilname', '-Bmin', '-Btime', '-Bnewer', '-flags',
]);

/**
 * The files a find expression selects, as a filter, when it is simple enough to tell: tests joined by
 * "and" only, with `-name` patterns. Anything else (`-o`, `!`, `-path`, parentheses) selects files Airlock
 * does not narrow down: everything below the start points counts.
 */
function findNameFilter(expression: readonly string[]): ScopeFilter | undefined {
  const names: string[] = [];
  for (let i = 0; i < expression.length; i++) {
    const v = expression[i]!;
    if (['-exec', '-execdir', '-ok', '-okdir'].includes(v)) {
      while (i < expression.length && expression[i] !== ';' && expression[i] !== '+') i++;
      continue;
    }
    if (['-o', '-or', '!', '-not', '(', ')', ',', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname', '-iname'].includes(v)) return undefined;
    if (v === '-name') {
      const n = expression[i + 1];
      if (n === undefined) return undefined;
      names.push(n);
      i++;
    }
  }
  return names.length > 0 ? { include: names } : undefined;
}

/** perl: an interpreter whose `-i` also edits files in place. */
function perlFacts(args: readonly WordValue[]): CommandFacts & ProgramFacts {
  const base = programFacts('perl', args) ?? { effects: [] };
  let inPlace = false;
  let codeGiven = false;
  const operands: WordValue[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.value;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a.length > 1 && operands.length === 0) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        if (letter === 'i') {
          inPlace = true;
          break;
        }
        if ('eEIMmxlCD0F'.includes(letter)) {
          if (letter === 'e' || letter === 'E') codeGiven = true;
          if (!a.slice(j + 1) && 'eEIMm'.includes(letter)) i++;
          break;
        }
      }
      continue;
    }
    operands.push(args[i]!);
  }
  const files = codeGiven ? operands : operands.slice(1);
  return { ...base, effects: inPlace ? files.map((word) => ({ op: 'write' as const, word })) : [] };
}

/** Analyzes a command line statically. Never throws: anything it cannot follow becomes a part that can never be allowed. */
export function analyzeCommand(line: string, options: AnalyzeOptions): CommandAnalysis {
  const analyzer = new Analyzer(options);
  const scope: Scope = { shell: { cwd: options.cwd, alt: [], oldCwd: undefined, dirs: [], vars: new Map(), defined: new Set(), links: new Set(), secrets: new Set() }, depth: 0, via: 'command' };
  if (line.length > MAX_COMMAND_LENGTH) {
    analyzer.opaque(clip(line, 200), 'command', `the command line is longer than ${MAX_COMMAND_LENGTH / 1024} KiB, too long to analyze`);
  } else if (line.includes('\0')) {
    analyzer.opaque(clip(line.replace(/\0/g, '\\0'), 200), 'command', 'the command line contains a NUL byte');
  } else {
    analyzer.script(line, scope);
    if (analyzer.full()) analyzer.opaque(clip(line, 200), 'command', 'the command line has more parts than Airlock analyzes');
  }
  const lines = [...new Set(analyzer.lines.filter((l) => l.length > 0))];
  return { commands: analyzer.commands, effects: analyzer.effects, lines };
}
