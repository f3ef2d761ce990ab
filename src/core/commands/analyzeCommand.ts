/**
 * Turns a command line into the list of simple commands it would run and the files it would touch
 * (spec/policy.md "Commands"). Parsing uses unbash, a maintained, typed, synchronous Bash parser with no
 * native or WASM runtime. Nothing here runs anything or reads the disk: file globs are left for the
 * caller to expand.
 */
import { basename, join, posix, win32 } from 'node:path';
import { forEachChild, parse, type Command, type ParsedScript, type Pipeline, type Redirection, type SyntaxNode, type Word } from 'unbash';
import { commandFacts, DOWNLOADERS, SHELLS, STDIN_INTERPRETERS, type CommandClass, type EffectRef } from './commandTable';
import { scanOptions } from './options';
import { clip, evaluateWord, expandBraces, type WordValue } from './words';

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
  /** Set when the command cannot be resolved statically; it can never be allowed. Says why. */
  readonly dynamic?: string;
  readonly classes: readonly CommandClass[];
  /** Set when a built-in protection denies this command; says why. */
  readonly builtin?: string;
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
}

/** Everything the analyzer found in one command line. */
export interface CommandAnalysis {
  readonly commands: readonly SimpleCommand[];
  readonly effects: readonly FileEffect[];
  /** Normalized text of each pipeline, and-or list and of the whole line, for patterns that span several commands. */
  readonly lines: readonly string[];
}

/** Inputs the analysis needs: where the command runs and the user's home. */
export interface AnalyzeOptions {
  readonly cwd: string;
  readonly home: string;
  /** `posix` or `win32` path rules for joining relative paths. */
  readonly platform?: 'posix' | 'win32';
}

/** Command lines longer than this are not analyzed: they are decided `ask` at best. */
export const MAX_COMMAND_LENGTH = 256 * 1024;
const MAX_DEPTH = 12;
const MAX_PARTS = 4096;

/** The placeholder for the arguments `xargs` reads from its input. */
export const XARGS_INPUT = '<input>';

interface Scope {
  cwd: string | undefined;
  readonly depth: number;
  readonly via: string;
  /** Classes every command in this scope inherits (commands under `sudo` are privileged). */
  readonly inherited: readonly CommandClass[];
}

class Analyzer {
  readonly commands: SimpleCommand[] = [];
  readonly effects: FileEffect[] = [];
  readonly lines: string[] = [];
  private readonly path: typeof posix;

  constructor(private readonly options: AnalyzeOptions) {
    this.path = options.platform === 'win32' ? win32 : posix;
  }

  full(): boolean {
    return this.commands.length + this.effects.length > MAX_PARTS;
  }

  opaque(text: string, via: string, why: string): void {
    this.commands.push({ text, variants: [], name: '', via, wrapper: false, dynamic: why, classes: [] });
  }

  script(source: string, scope: Scope): void {
    if (scope.depth > MAX_DEPTH) {
      this.opaque(source, scope.via, 'the command nests shells more deeply than Airlock follows');
      return;
    }
    let ast: ParsedScript;
    try {
      ast = parse(source);
    } catch (e) {
      this.opaque(source, scope.via, `the command line could not be parsed (${(e as Error).message})`);
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
      this.node(statement.command, scope);
      texts.push(this.lineText(statement.command));
    }
    if (scope.depth === 0 && texts.length > 1) this.lines.push(texts.join(' ; '));
  }

  /** Walks any syntax node, in source order, keeping track of `cd`. */
  node(node: SyntaxNode, scope: Scope): void {
    if (this.full()) return;
    switch (node.type) {
      case 'Command':
        this.simple(node, scope);
        return;
      case 'Pipeline':
        this.lines.push(this.lineText(node));
        this.pipeline(node, scope);
        // Every element of a pipeline runs in its own subshell: a `cd` there does not last.
        for (const c of node.commands) this.node(c, { ...scope });
        return;
      case 'AndOr':
        this.lines.push(this.lineText(node));
        for (const c of node.commands) this.node(c, scope);
        return;
      case 'Subshell':
        this.node(node.body, { ...scope });
        return;
      case 'Function':
        // A function body is decided as if it ran: calling it later runs exactly this.
        this.node(node.body, { ...scope });
        return;
      case 'Redirected':
        this.node(node.command, scope);
        this.redirects(node.redirects, scope);
        return;
      case 'Script':
        this.parsed(node as ParsedScript, '', { ...scope, depth: scope.depth + 1, via: scope.via === 'command' ? '$( )' : scope.via });
        return;
      default:
        forEachChild(node, (child) => this.node(child, scope));
    }
  }

  /** Finds command substitutions inside a word (or any node) and analyzes what they run. */
  substitutions(node: SyntaxNode, scope: Scope): void {
    forEachChild(node, (child) => {
      if (child.type === 'Script') this.parsed(child as ParsedScript, '', { ...scope, depth: scope.depth + 1, via: '$( )', cwd: scope.cwd });
      else this.substitutions(child, scope);
    });
  }

  private word(word: Word, scope: Scope): WordValue {
    return evaluateWord(word, { home: this.options.home, cwd: scope.cwd });
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

  /** `curl … | sh`: a download piped into something that runs its input. */
  private pipeline(node: Pipeline, _scope: Scope): void {
    let downloadAt = -1;
    node.commands.forEach((c, i) => {
      if (c.type !== 'Command' || !c.name) return;
      const name = commandName(c.name.value);
      if (downloadAt === -1 && DOWNLOADERS.has(name)) downloadAt = i;
      else if (downloadAt !== -1 && runsStdin(c)) {
        this.commands.push({
          text: this.lineText(node),
          variants: [],
          name,
          via: 'pipeline',
          wrapper: false,
          classes: ['network'],
          builtin: `it pipes a download (${commandName((node.commands[downloadAt] as Command).name!.value)}) into ${name}, which runs whatever the server sends`,
        });
      }
    });
  }

  private redirects(list: readonly Redirection[], scope: Scope): void {
    for (const r of list) {
      if (r.type !== 'Redirect' || !r.target) continue;
      this.substitutions(r.target, scope);
      const target = this.word(r.target, scope);
      const op = r.operator;
      if (op === '>&' || op === '<&') {
        // `2>&1` duplicates a descriptor; `>& file` (no digit) writes a file.
        if (/^\d+-?$|^-$/.test(target.value)) continue;
      }
      if (op === '<') {
        this.effect('read', target, scope, `redirect <`, false, false);
        continue;
      }
      if (['>', '>>', '>|', '&>', '&>>', '<>', '>&'].includes(op)) {
        if (isHarmlessDevice(target.value)) continue;
        this.effect('write', target, scope, `redirect ${op}`, false, false);
      }
    }
  }

  private effect(op: FileEffect['op'], word: WordValue, scope: Scope, via: string, recursive: boolean, mention: boolean, override?: string): void {
    const values = override !== undefined ? [override] : word.brace && !word.dynamic ? expandBraces(word.value) : [word.value];
    for (const value of values) {
      this.effects.push({
        op,
        path: value,
        cwd: scope.cwd,
        via,
        glob: word.glob,
        recursive,
        mention,
        ...(word.dynamic ? { dynamic: word.dynamic } : {}),
      });
    }
  }

  private simple(node: Command, scope: Scope): void {
    // Substitutions anywhere in the command run first, whatever the command is.
    if (node.name) this.substitutions(node.name, scope);
    for (const p of node.prefix) this.substitutions(p, scope);
    for (const s of node.suffix) this.substitutions(s, scope);
    this.redirects(node.redirects, scope);
    if (!node.name) return;

    const assignments = node.prefix.filter((p) => p.type === 'Assignment').map((a) => a.text);
    const words: WordValue[] = [this.word(node.name, scope)];
    for (const s of node.suffix) {
      if (s.type === 'Word') words.push(this.word(s, scope));
      else if (s.type === 'Assignment') words.push({ text: s.text, value: s.text, glob: false, brace: false });
    }
    // Process substitutions as arguments: `bash <(curl …)`, `source <(wget …)`.
    if (STDIN_INTERPRETERS.has(commandName(words[0]!.value))) {
      for (const s of node.suffix) {
        if (s.type === 'Word' && s.parts?.some((p) => p.type === 'ProcessSubstitution' && /\b(curl|wget|fetch)\b/.test(p.text))) {
          this.builtinCommand(words, assignments, scope, `it runs a download (${clip(s.text, 40)}) as a script`);
        }
      }
    }
    this.run(words, assignments, scope, scope.via);
  }

  private builtinCommand(words: readonly WordValue[], assignments: readonly string[], scope: Scope, why: string): void {
    const text = [...assignments, ...words.map((w) => w.text)].join(' ');
    this.commands.push({ text, variants: [], name: commandName(words[0]!.value), via: scope.via, wrapper: false, classes: ['network'], builtin: why });
  }

  /** Decides what a list of words runs: unwraps wrappers, descends into shells, records the command and its effects. */
  private run(words: readonly WordValue[], assignments: readonly string[], scope: Scope, via: string): void {
    if (this.full() || words.length === 0) return;
    const head = words[0]!;
    const text = [...assignments, ...words.map((w) => w.text)].join(' ');
    const bare = words.map((w) => w.text).join(' ');
    if (head.dynamic || head.glob || head.brace) {
      const why = head.dynamic ?? `the command name ${head.text} is a pattern the shell expands`;
      this.commands.push({ text, variants: [bare], name: head.text, via, wrapper: false, dynamic: `the command name is not fixed: ${why}`, classes: [...scope.inherited] });
      return;
    }
    const name = commandName(head.value);
    const args = words.slice(1);
    const values = args.map((w) => w.value);
    const variants = uniq([bare, [name, ...args.map((w) => w.text)].join(' '), [...assignments, name, ...args.map((w) => w.text)].join(' ')]).filter((v) => v !== text);
    const push = (extra: Partial<SimpleCommand> & { classes: readonly CommandClass[] }): void => {
      this.commands.push({ text, variants, name, via, wrapper: false, ...extra, classes: uniq([...extra.classes, ...scope.inherited]) });
    };

    const inner = unwrap(name, values);
    if (inner) {
      const privileged = inner.privileged === true;
      const innerScope: Scope = {
        ...scope,
        cwd: inner.cwdArg !== undefined ? this.resolveDir(scope.cwd, args[inner.cwdArg]!) : inner.unknownCwd ? undefined : scope.cwd,
        inherited: privileged ? uniq([...scope.inherited, 'privileged']) : scope.inherited,
      };
      push({ wrapper: !privileged, classes: privileged ? ['privileged'] : [] });
      if (inner.shellString !== undefined) {
        const w = args[inner.shellString];
        if (!w) return;
        if (w.dynamic) {
          this.commands.push({ text: w.text, variants: [], name: '', via: `${name} -c`, wrapper: false, dynamic: `${name} runs a string only known at run time: ${w.dynamic}`, classes: [...innerScope.inherited] });
          this.downloadInString(w, innerScope, name);
          return;
        }
        this.script(w.value, { ...innerScope, depth: scope.depth + 1, via: `${name} -c` });
        return;
      }
      if (inner.evalFrom !== undefined) {
        const rest = args.slice(inner.evalFrom);
        const dynamicWord = rest.find((w) => w.dynamic);
        if (dynamicWord) {
          this.commands.push({ text: rest.map((w) => w.text).join(' '), variants: [], name: '', via: name, wrapper: false, dynamic: `${name} runs a string only known at run time: ${dynamicWord.dynamic}`, classes: [...innerScope.inherited] });
          this.downloadInString(dynamicWord, innerScope, name);
          return;
        }
        this.script(rest.map((w) => w.value).join(' '), { ...innerScope, depth: scope.depth + 1, via: name });
        return;
      }
      if (inner.from !== undefined && inner.from < args.length) {
        let innerWords = args.slice(inner.from);
        if (inner.appendInput) innerWords = [...innerWords, { text: XARGS_INPUT, value: XARGS_INPUT, glob: false, brace: false }];
        this.run(innerWords, inner.assignments ?? [], { ...innerScope, depth: scope.depth + 1 }, inner.via ?? name);
      }
      if (inner.effects) this.effectsOf(inner.effects, args, innerScope, name);
      return;
    }

    if (name === 'find') {
      this.find(args, scope, text, variants);
      return;
    }

    if (name === 'cd' || name === 'pushd') {
      const target = args.find((w) => !w.value.startsWith('-'));
      scope.cwd = target ? this.resolveDir(scope.cwd, target) : this.options.home;
    }

    const facts = commandFacts(name, values);
    const classes = [...facts.classes];
    const self = airlockSelfChange(name, values);
    if (self) {
      push({ classes, builtin: self });
    } else if (facts.unknownWrites) {
      push({ classes, dynamic: facts.unknownWrites });
    } else {
      push({ classes });
    }
    // Root, home and the whole disk: deleting or overwriting them is a built-in protection (spec/policy.md).
    const effectScope = facts.cwdOption !== undefined ? { ...scope, cwd: this.resolveDir(scope.cwd, args[facts.cwdOption]!) } : scope;
    this.effectsOf(facts.effects, args, effectScope, name);
    this.mentions(args, scope, name, facts.effects);
  }

  /** `sh -c "$(curl …)"`, `eval "$(wget …)"`: a download run as a script. */
  private downloadInString(w: WordValue, scope: Scope, name: string): void {
    if (/\$\(\s*(curl|wget|fetch)\b|`\s*(curl|wget|fetch)\b/.test(w.text)) {
      this.commands.push({ text: w.text, variants: [], name, via: name, wrapper: false, classes: ['network', ...scope.inherited], builtin: `it runs a download (${clip(w.text, 40)}) as a script` });
    }
  }

  private effectsOf(refs: readonly EffectRef[], args: readonly WordValue[], scope: Scope, via: string): void {
    for (const ref of refs) {
      if (ref.literal !== undefined) {
        this.effects.push({ op: ref.op, path: ref.literal, cwd: scope.cwd, via, glob: false, recursive: false, mention: false });
        continue;
      }
      const word = args[ref.index];
      if (!word) continue;
      let override: string | undefined;
      let target = word;
      if (ref.prefix) {
        override = word.value.slice(ref.prefix);
        target = { ...word, text: word.text.slice(ref.prefix) };
      }
      if (ref.intoDirOf !== undefined) {
        const src = args[ref.intoDirOf];
        if (!src) continue;
        if (src.dynamic && !target.dynamic) target = { ...target, dynamic: src.dynamic };
        override = this.path.join(override ?? word.value, this.path.basename(src.value.replace(/\/+$/, '')) || '.');
        target = { ...target, glob: target.glob || src.glob };
      }
      this.effect(ref.op, target, scope, via, ref.recursive === true, ref.mention === true, override);
    }
  }

  /**
   * Arguments that name files a `deny`/`ask` read rule covers are reads: `cat .env`, `python x.py .env`,
   * `curl -d @.env …`. Options and their values are skipped unless they hold a path after `=` or `@`.
   */
  private mentions(args: readonly WordValue[], scope: Scope, via: string, known: readonly EffectRef[]): void {
    const taken = new Set(known.filter((r) => r.literal === undefined && !r.prefix && r.intoDirOf === undefined).map((r) => r.index));
    args.forEach((w, i) => {
      if (taken.has(i) || w.dynamic) return;
      let value = w.value;
      if (value.startsWith('-')) {
        const eq = value.indexOf('=');
        if (eq === -1) return;
        value = value.slice(eq + 1);
      }
      if (value.startsWith('@')) value = value.slice(1);
      if (value === '' || value === '-' || value === XARGS_INPUT || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return;
      this.effect('read', w, scope, via, false, true, value === w.value ? undefined : value);
    });
  }

  private find(args: readonly WordValue[], scope: Scope, text: string, variants: readonly string[]): void {
    const values = args.map((w) => w.value);
    const facts = commandFacts('find', values);
    this.commands.push({ text, variants, name: 'find', via: scope.via, wrapper: false, classes: uniq([...facts.classes, ...scope.inherited]) });
    this.effectsOf(facts.effects, args, scope, 'find');
    // Start points are the leading arguments before the expression.
    const starts: number[] = [];
    for (let i = 0; i < values.length && !/^[-(!]/.test(values[i]!); i++) starts.push(i);
    // `find DIR -delete` with no test deletes everything below DIR, like `rm -rf DIR`; with tests
    // (`-name '*.pyc'`) which files go is only known when it runs, and the command is destructive.
    const structural = new Set(['-delete', '-depth', '-maxdepth', '-mindepth', '-xdev', '-mount', '-follow', '-ignore_readdir_race', '-noleaf', '-d']);
    const expression = values.slice(starts.length);
    const filtered = expression.some((v) => (v.startsWith('-') && !structural.has(v)) || v === '(' || v === '!');
    if (values.includes('-delete') && !filtered) for (const i of starts) this.effect('delete', args[i]!, scope, 'find -delete', true, false);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!['-exec', '-execdir', '-ok', '-okdir'].includes(v)) continue;
      let end = i + 1;
      while (end < values.length && values[end] !== ';' && values[end] !== '+') end++;
      const inner = args.slice(i + 1, end);
      if (inner.length > 0) {
        const innerScope = v === '-execdir' || v === '-okdir' ? { ...scope, cwd: undefined } : scope;
        this.run(inner, [], { ...innerScope, depth: scope.depth + 1 }, `find ${v}`);
      }
      i = end;
    }
  }

  private resolveDir(cwd: string | undefined, w: WordValue): string | undefined {
    if (w.dynamic || w.glob) return undefined;
    if (this.path.isAbsolute(w.value)) return this.path.normalize(w.value);
    return cwd === undefined ? undefined : this.path.join(cwd, w.value);
  }
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
  return /^\/dev\/(null|stdout|stderr|tty|fd\/\d+)$/.test(path) || path === 'NUL' || path === 'nul';
}

function runsStdin(c: Command): boolean {
  if (!c.name) return false;
  const name = commandName(c.name.value);
  if (!STDIN_INTERPRETERS.has(name) && name !== 'sudo' && name !== 'env') return false;
  if (name === 'sudo' || name === 'env') {
    const inner = c.suffix.find((s) => s.type === 'Word' && !s.value.startsWith('-') && !s.value.includes('='));
    return inner !== undefined && inner.type === 'Word' && STDIN_INTERPRETERS.has(commandName(inner.value));
  }
  const words = c.suffix.filter((s) => s.type === 'Word').map((s) => (s as Word).value);
  if (words.some((w) => /^-[a-z]*c[a-z]*$/.test(w))) return false; // `bash -c STRING` runs the string, not stdin
  const operands = words.filter((w) => !w.startsWith('-'));
  return operands.length === 0 || words.includes('-s') || operands[0] === '-';
}

interface Unwrapped {
  /** Index of the first argument of the wrapped command. */
  readonly from?: number;
  /** Index of the `-c` string for shells. */
  readonly shellString?: number;
  /** Index from which arguments are joined and parsed (`eval`). */
  readonly evalFrom?: number;
  readonly privileged?: boolean;
  readonly assignments?: readonly string[];
  readonly appendInput?: boolean;
  readonly cwdArg?: number;
  readonly unknownCwd?: boolean;
  readonly via?: string;
  readonly effects?: readonly EffectRef[];
}

/** Wrappers run another command; this finds it (spec/policy.md lists the ones that must be unwrapped). */
function unwrap(name: string, args: readonly string[]): Unwrapped | undefined {
  switch (name) {
    case 'sudo': {
      const scan = scanOptions(args, { shortWithValue: 'ugpCDrtUTh', longWithValue: ['user', 'group', 'prompt', 'close-from', 'chdir', 'role', 'type', 'other-user', 'command-timeout', 'host'], stopAtFirst: true });
      if (scan.options.some((o) => o.name === '-e' || o.name === '--edit')) {
        return { privileged: true, effects: scan.operands.map((index) => ({ op: 'write' as const, index })) };
      }
      const chdir = scan.options.find((o) => o.name === '-D' || o.name === '--chdir');
      return { from: scan.operands[0] ?? args.length, privileged: true, ...(chdir ? { cwdArg: chdir.index } : {}) };
    }
    case 'doas': {
      const scan = scanOptions(args, { shortWithValue: 'uC', stopAtFirst: true });
      return { from: scan.operands[0] ?? args.length, privileged: true };
    }
    case 'su': {
      const scan = scanOptions(args, { shortWithValue: 'cgGsw', longWithValue: ['command', 'group', 'supp-group', 'shell', 'whitelist-environment'] });
      const c = scan.options.find((o) => o.name === '-c' || o.name === '--command');
      return c ? { shellString: c.index, privileged: true } : { privileged: true };
    }
    case 'env': {
      const scan = scanOptions(args, { shortWithValue: 'uCS', longWithValue: ['unset', 'chdir', 'split-string'], stopAtFirst: true });
      const split = scan.options.find((o) => o.name === '-S' || o.name === '--split-string');
      if (split) return { evalFrom: split.index, via: 'env -S' };
      // `env A=1 B=2 cmd`: assignments precede the command.
      let i = scan.operands[0] ?? args.length;
      const assignments: string[] = [];
      while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!)) assignments.push(args[i++]!);
      const chdir = scan.options.find((o) => o.name === '-C' || o.name === '--chdir');
      return { from: i, assignments, ...(chdir ? { cwdArg: chdir.index } : {}) };
    }
    case 'command':
    case 'builtin': {
      const scan = scanOptions(args, { stopAtFirst: true });
      if (scan.options.some((o) => o.name === '-v' || o.name === '-V')) return undefined; // a lookup, not a run
      return { from: scan.operands[0] ?? args.length };
    }
    case 'exec': {
      const scan = scanOptions(args, { shortWithValue: 'a', stopAtFirst: true });
      return { from: scan.operands[0] ?? args.length };
    }
    case 'nohup':
    case 'setsid':
    case 'unbuffer':
    case 'caffeinate': {
      const scan = scanOptions(args, { stopAtFirst: true });
      return { from: scan.operands[0] ?? args.length };
    }
    case 'nice': {
      const scan = scanOptions(args, { shortWithValue: 'n', longWithValue: ['adjustment'], stopAtFirst: true, numericOptions: true });
      return { from: scan.operands[0] ?? args.length };
    }
    case 'ionice': {
      const scan = scanOptions(args, { shortWithValue: 'cnp', longWithValue: ['class', 'classdata', 'pid'], stopAtFirst: true });
      return { from: scan.operands[0] ?? args.length };
    }
    case 'stdbuf': {
      const scan = scanOptions(args, { shortWithValue: 'ioe', longWithValue: ['input', 'output', 'error'], stopAtFirst: true });
      return { from: scan.operands[0] ?? args.length };
    }
    case 'taskset': {
      const scan = scanOptions(args, { stopAtFirst: true });
      const first = scan.operands[0] ?? args.length;
      return { from: first + 1 };
    }
    case 'timeout': {
      const scan = scanOptions(args, { shortWithValue: 'ks', longWithValue: ['kill-after', 'signal'], stopAtFirst: true });
      const duration = scan.operands[0] ?? args.length;
      return { from: duration + 1 };
    }
    case 'time': {
      const scan = scanOptions(args, { shortWithValue: 'fo', longWithValue: ['format', 'output'], stopAtFirst: true });
      const out = scan.options.find((o) => o.name === '-o' || o.name === '--output');
      return { from: scan.operands[0] ?? args.length, ...(out ? { effects: [{ op: 'write' as const, index: out.index }] } : {}) };
    }
    case 'flock': {
      // `flock [options] FILE -c STRING` (options may follow the file) or `flock [options] FILE CMD ARGS…`.
      const spec = { shortWithValue: 'cwEs', longWithValue: ['command', 'timeout', 'wait', 'conflict-exit-code'] };
      const c = scanOptions(args, spec).options.find((o) => o.name === '-c' || o.name === '--command');
      if (c) return { shellString: c.index };
      const file = scanOptions(args, { ...spec, stopAtFirst: true }).operands[0] ?? args.length;
      return { from: file + 1 };
    }
    case 'watch': {
      const scan = scanOptions(args, { shortWithValue: 'nq', longWithValue: ['interval', 'equexit'], stopAtFirst: true });
      const from = scan.operands[0] ?? args.length;
      // watch runs its arguments through `sh -c` (unless -x): decide them as a command line.
      return scan.options.some((o) => o.name === '-x' || o.name === '--exec') ? { from } : { evalFrom: from };
    }
    case 'xargs': {
      const scan = scanOptions(args, {
        shortWithValue: 'adEeIiLlnPs',
        longWithValue: ['arg-file', 'delimiter', 'eof', 'replace', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
        stopAtFirst: true,
      });
      const replace = scan.options.some((o) => ['-I', '-i', '--replace'].includes(o.name));
      const from = scan.operands[0];
      if (from === undefined) return { via: 'xargs' }; // `xargs` alone runs echo
      return { from, appendInput: !replace, via: 'xargs' };
    }
    case 'eval':
      return { evalFrom: 0 };
    default:
      break;
  }
  if (SHELLS.has(name)) {
    if (name === 'busybox') return { from: 0 };
    // `bash -c STRING`, `bash -lc STRING`, `bash -o pipefail -c STRING`: find the `-c` and the string after it.
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') break;
      if (a === '-o' || a === '+o' || a === '-O' || a === '+O' || a === '--rcfile' || a === '--init-file') {
        i++;
        continue;
      }
      if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(a)) return i + 1 < args.length ? { shellString: i + 1 } : {};
      if (!a.startsWith('-') && !a.startsWith('+')) return undefined; // `bash script.sh`: runs a file
    }
    return undefined;
  }
  return undefined;
}

/** `airlock trust --set`, `airlock install`, … run by an agent: changing Airlock itself is for people. */
function airlockSelfChange(name: string, args: readonly string[]): string | undefined {
  let rest: readonly string[];
  if (name === 'airlock') rest = args;
  else if ((name === 'node' || name === 'nodejs') && args[0] && /airlock[/\\](dist[/\\])?cli\.js$|[/\\]airlock$/.test(args[0])) rest = args.slice(1);
  else if ((name === 'npx' || name === 'pnpx' || name === 'bunx') && args[0] === 'airlock') rest = args.slice(1);
  else return undefined;
  const sub = rest.find((a) => !a.startsWith('-'));
  if (sub === 'trust' && rest.some((a) => a === '--set' || a.startsWith('--set='))) return 'agents cannot change their own trust level; a person does that in the editor or with `airlock trust --set`';
  if (sub === 'install' || sub === 'uninstall') return `agents cannot change which hooks Airlock has installed (airlock ${sub})`;
  if (sub === 'undo-rollback' || sub === 'gc') return `agents cannot run airlock ${sub}; a person does that`;
  return undefined;
}

/** Analyzes a command line statically. Never throws: anything it cannot follow becomes a part that can never be allowed. */
export function analyzeCommand(line: string, options: AnalyzeOptions): CommandAnalysis {
  const analyzer = new Analyzer(options);
  const scope: Scope = { cwd: options.cwd, depth: 0, via: 'command', inherited: [] };
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

/** Joins a path the shell would see relative to `cwd`; undefined when `cwd` is unknown and the path is relative. */
export function effectPath(effect: FileEffect, isAbsolute: (p: string) => boolean): string | undefined {
  if (isAbsolute(effect.path)) return effect.path;
  return effect.cwd === undefined ? undefined : join(effect.cwd, effect.path);
}
