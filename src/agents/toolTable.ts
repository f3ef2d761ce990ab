/**
 * Tool names and parameters of every agent, mapped to Airlock's actions. Names come from each agent's
 * published hook documentation and source (sources per dialect module). Parameter spellings differ
 * by agent and version (`file_path`, `filePath`, `path`, `absolute_path`; `old_string`, `oldString`,
 * `old_str`), so every spelling is accepted.
 */
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parseV4APatch } from '../core/edits/v4aPatch';
import { MalformedPayloadError, type ProposedFile, type ToolAction } from './types';

type Input = Readonly<Record<string, unknown>>;

/** The first of `keys` holding a string. */
export function str(input: Input, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = input[k];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

function bool(input: Input, ...keys: string[]): boolean {
  return keys.some((k) => input[k] === true);
}

/** Resolves a tool's path against the agent's working directory; refuses what is not a usable path. */
export function toolPath(p: string, cwd: string): string {
  if (p.length === 0) throw new MalformedPayloadError('a file path in the tool input is empty');
  if (p.includes('\0')) throw new MalformedPayloadError('a file path in the tool input contains a NUL byte');
  if (p.length > 8192) throw new MalformedPayloadError('a file path in the tool input is longer than 8192 characters');
  const plain = p.startsWith('file://') ? decodeURIComponent(new URL(p).pathname) : p;
  // Agents expand `~` as a shell would (Claude Code writes `~/.bashrc` to the home folder, not into the workspace).
  if (plain === '~' || plain.startsWith('~/')) return resolve(homedir(), plain.slice(2));
  if (/^~[^/]+/.test(plain)) throw new MalformedPayloadError(`the path ${plain.slice(0, 80)} names another user's home folder, which Airlock does not resolve`);
  return isAbsolute(plain) ? plain : resolve(cwd, plain);
}

function requirePath(input: Input, cwd: string, tool: string, ...keys: string[]): string {
  const p = str(input, ...keys);
  if (p === undefined) throw new MalformedPayloadError(`${tool} has no ${keys[0]} in its input`);
  return toolPath(p, cwd);
}

const PATH_KEYS = ['file_path', 'filePath', 'path', 'absolute_path', 'notebook_path', 'target_file', 'file'];
const CONTENT_KEYS = ['content', 'file_text', 'contents', 'text', 'code'];
const OLD_KEYS = ['old_string', 'oldString', 'old_str'];
const NEW_KEYS = ['new_string', 'newString', 'new_str'];

const WRITE_TOOLS = new Set(['Write', 'write_file', 'create_file', 'create', 'WriteFile']);
const REPLACE_TOOLS = new Set(['Edit', 'replace', 'replace_string_in_file', 'str_replace', 'StrReplace', 'edit', 'search_replace']);
const COMMAND_TOOLS = new Set(['Bash', 'bash', 'PowerShell', 'powershell', 'run_in_terminal', 'run_shell_command', 'Shell', 'shell', 'exec_command', 'local_shell', 'shell_command', 'terminal']);
const READ_TOOLS = new Set(['Read', 'read_file', 'view', 'NotebookRead', 'ReadFile', 'view_image']);
/** Tools that search the content of the files below a folder. */
const SEARCH_TOOLS = new Set(['Grep', 'grep', 'rg', 'grep_search', 'search_file_content', 'codebase_search', 'read_many_files', 'semantic_search']);
/** Tools that list names below a folder (a name is not a read of the file). */
const LIST_TOOLS = new Set(['Glob', 'LS', 'glob', 'list_dir', 'list_directory', 'file_search', 'ListDir']);
/** Tools that neither edit files nor run commands: the agent's own permissions decide them. */
const PASSTHROUGH_TOOLS = new Set([
  'TodoWrite', 'Task', 'Agent', 'ToolSearch', 'Skill', 'ExitPlanMode', 'AskUserQuestion', 'ListAgents', 'ReportFindings', 'ScheduleWakeup',
  'Workflow', 'WebFetch', 'WebSearch', 'BashOutput', 'KillShell', 'SlashCommand', 'manage_todo_list', 'runSubagent', 'memory', 'get_errors',
  'fetch_webpage', 'web_fetch', 'google_web_search', 'write_todos', 'save_memory', 'ask_user', 'activate_skill',
  'exit_plan_mode', 'task', 'update_todo', 'think', 'get_changed_files', 'test_failure', 'read_bash', 'write_bash', 'stop_bash', 'list_bash',
  'report_intent', 'spawn_agent', 'update_plan', 'DeferredToolPlaceholder',
  // Gemini CLI 0.61
  'update_topic', 'list_background_processes', 'read_background_output', 'enter_plan_mode', 'invoke_agent',
  // Codex 0.171
  'request_user_input', 'get_goal', 'create_goal', 'update_goal', 'tool_search', 'web_search',
  // Copilot CLI 1.0.102
  'fetch_copilot_cli_documentation', 'skill', 'sql', 'session_store_sql', 'read_agent', 'list_agents', 'write_agent',
]);

/**
 * Keys that name a file or folder, in any agent's spelling. A tool's input may carry such a field that
 * Airlock has no use for (a second path, a working folder for an edit): each is decided too, so nothing
 * an agent puts in a field changes what happens without Airlock seeing it.
 */
const PATH_FIELD = /(^|_|[a-z])(path|paths|file|files|filename|dir|dirs|directory|directories|folder|target|destination|dest|uri|notebook|cwd)$/i;
/** Keys of a shell tool's working directory. */
const CWD_KEYS = ['dir_path', 'directory', 'cwd', 'workdir', 'working_directory', 'workingDirectory', 'dirPath'];

/** Every path named by a path-like field of `input` (strings and lists of strings), but the keys in `skip`. */
function pathFields(input: Input, skip: ReadonlySet<string>): { key: string; path: string }[] {
  const out: { key: string; path: string }[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (skip.has(key) || !PATH_FIELD.test(key)) continue;
    if (typeof value === 'string' && value.length > 0) out.push({ key, path: value });
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string' && v.length > 0) out.push({ key, path: v });
  }
  return out;
}

/** The edit of `main` plus an edit of every other path the input names, each decided as an edit. */
function withExtraPaths(tool: string, input: Input, cwd: string, mainKeys: readonly string[], files: ProposedFile[]): ProposedFile[] {
  const used = new Set(mainKeys.filter((k) => typeof input[k] === 'string').slice(0, 1));
  const seen = new Set(files.map((f) => f.path));
  for (const { key, path } of pathFields(input, used)) {
    const abs = toolPath(path, cwd);
    if (seen.has(abs)) continue;
    seen.add(abs);
    files.push({ path: abs, op: 'write', approximate: `${tool} also names "${key}"; Airlock decides it as an edit of that path` });
  }
  return files;
}

/** The working directory a shell tool's input names; two different ones are refused (which one would run?). */
function commandCwd(tool: string, input: Input, cwd: string): string {
  const given = CWD_KEYS.map((k) => [k, input[k]] as const).filter((e): e is readonly [string, string] => typeof e[1] === 'string' && e[1].length > 0);
  const dirs = [...new Set(given.map(([, v]) => toolPath(v, cwd)))];
  if (dirs.length > 1) throw new MalformedPayloadError(`${tool} names two working directories (${given.map(([k, v]) => `${k}: ${v}`).join(', ')})`);
  return dirs[0] ?? cwd;
}

function replacementsOf(input: Input): { oldString: string; newString: string; replaceAll?: boolean }[] {
  const oldString = str(input, ...OLD_KEYS);
  const newString = str(input, ...NEW_KEYS);
  if (oldString === undefined || newString === undefined) return [];
  return [{ oldString, newString, ...(bool(input, 'replace_all', 'replaceAll', 'allow_multiple') ? { replaceAll: true } : {}) }];
}

function patchText(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  if (input && typeof input === 'object') return str(input as Input, 'input', 'patch', 'command', 'diff');
  return undefined;
}

function patchFiles(text: string, cwd: string): ProposedFile[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('diff --git') || trimmed.startsWith('--- ') || trimmed.startsWith('Index:')) {
    // A unified diff: one file per `+++` header (the `diff` library applies each).
    const files: ProposedFile[] = [];
    const parts = text.split(/^(?=diff --git |--- )/m).filter((p) => p.includes('+++ '));
    for (const part of parts) {
      const plus = /^\+\+\+ (?:b\/)?(.+)$/m.exec(part)?.[1]?.trim();
      const minus = /^--- (?:a\/)?(.+)$/m.exec(part)?.[1]?.trim();
      if (plus === '/dev/null' && minus) files.push({ path: toolPath(minus, cwd), op: 'delete' });
      else if (plus) files.push({ path: toolPath(plus, cwd), op: minus === '/dev/null' ? 'create' : 'write', unifiedPatch: part });
    }
    if (files.length === 0) throw new MalformedPayloadError('the patch names no file');
    return files;
  }
  return parseV4APatch(text).map((op): ProposedFile => {
    const path = toolPath(op.path, cwd);
    switch (op.type) {
      case 'add':
        return { path, op: 'create', content: op.content };
      case 'delete':
        return { path, op: 'delete' };
      case 'update':
        return {
          path,
          op: op.moveTo ? 'rename' : 'write',
          ...(op.moveTo ? { newPath: toolPath(op.moveTo, cwd) } : {}),
          replacements: op.hunks.map((h) => ({ oldString: h.oldText, newString: h.newText, ...(h.anchor ? { anchor: h.anchor } : {}) })),
        };
    }
  });
}

/** A read of every path the input names. */
function readOf(input: Input, cwd: string): ToolAction {
  const paths = [...new Set(pathFields(input, new Set()).map((f) => toolPath(f.path, cwd)))];
  return { category: 'read', paths: paths.length > 0 ? paths : [cwd] };
}

/** Maps one tool call to an Airlock action. `cwd` resolves relative paths. */
export function toolAction(tool: string, rawInput: unknown, cwd: string): ToolAction {
  if (tool === 'apply_patch' || tool === 'git_apply_patch' || tool === 'ApplyPatch') {
    const text = patchText(rawInput);
    if (text === undefined) throw new MalformedPayloadError(`${tool} has no patch text in its input`);
    return { category: 'edit', files: patchFiles(text, cwd) };
  }
  if (PASSTHROUGH_TOOLS.has(tool) || tool.startsWith('mcp__') || tool.startsWith('MCP:')) return { category: 'passthrough' };
  const input: Input = rawInput && typeof rawInput === 'object' && !Array.isArray(rawInput) ? (rawInput as Input) : {};
  if (COMMAND_TOOLS.has(tool)) {
    const raw = input.command ?? input.cmd;
    const command = Array.isArray(raw) ? raw.map(String).join(' ') : typeof raw === 'string' ? raw : undefined;
    if (command === undefined) throw new MalformedPayloadError(`${tool} has no command in its input`);
    return { category: 'command', command, cwd: commandCwd(tool, input, cwd) };
  }
  const edit = (files: ProposedFile[], keys: readonly string[] = PATH_KEYS): ToolAction => ({ category: 'edit', files: withExtraPaths(tool, input, cwd, keys, files) });
  if (WRITE_TOOLS.has(tool)) {
    const path = requirePath(input, cwd, tool, ...PATH_KEYS);
    const content = str(input, ...CONTENT_KEYS) ?? '';
    return edit([{ path, op: 'write', content }]);
  }
  if (REPLACE_TOOLS.has(tool)) {
    const path = requirePath(input, cwd, tool, ...PATH_KEYS);
    const replacements = replacementsOf(input);
    const content = str(input, 'file_text', 'content');
    if (replacements.length === 0 && content !== undefined) return edit([{ path, op: 'write', content }]);
    return edit([{ path, op: 'write', replacements, ...(replacements.length === 0 ? { approximate: `${tool} gave no old and new text` } : {}) }]);
  }
  if (tool === 'MultiEdit') {
    const path = requirePath(input, cwd, tool, ...PATH_KEYS);
    const edits = Array.isArray(input.edits) ? (input.edits as Input[]) : [];
    return edit([{ path, op: 'write', replacements: edits.flatMap((e) => replacementsOf(e)) }]);
  }
  if (tool === 'multi_replace_string_in_file') {
    const list = Array.isArray(input.replacements) ? (input.replacements as Input[]) : [];
    const byFile = new Map<string, { oldString: string; newString: string }[]>();
    for (const r of list) {
      const path = requirePath(r, cwd, tool, ...PATH_KEYS);
      byFile.set(path, [...(byFile.get(path) ?? []), ...replacementsOf(r)]);
    }
    if (byFile.size === 0) throw new MalformedPayloadError(`${tool} has no replacements`);
    return { category: 'edit', files: [...byFile].map(([path, replacements]) => ({ path, op: 'write' as const, replacements })) };
  }
  if (tool === 'insert' || (tool === 'str_replace_editor' && input.command === 'insert')) {
    const path = requirePath(input, cwd, tool, ...PATH_KEYS);
    const line = Number(input.insert_line ?? input.insertLine);
    const text = str(input, ...NEW_KEYS, 'text') ?? '';
    return edit([{ path, op: 'write', replacements: [{ oldString: '', newString: text, anchor: `line:${Number.isFinite(line) ? line : 0}` }] }]);
  }
  if (tool === 'str_replace_editor') {
    const command = input.command;
    if (command === 'view') return readOf(input, cwd);
    const path = requirePath(input, cwd, tool, ...PATH_KEYS);
    if (command === 'create') return edit([{ path, op: 'write', content: str(input, 'file_text') ?? '' }]);
    return edit([{ path, op: 'write', replacements: replacementsOf(input) }]);
  }
  if (tool === 'insert_edit_into_file' || tool === 'NotebookEdit' || tool === 'edit_notebook_file' || tool === 'EditNotebook') {
    const path = requirePath(input, cwd, tool, ...PATH_KEYS);
    return edit([{ path, op: 'write', approximate: `${tool} describes the change; the exact result is only known once it runs` }]);
  }
  if (tool === 'Delete' || tool === 'delete_file' || tool === 'DeleteFile') {
    return edit([{ path: requirePath(input, cwd, tool, ...PATH_KEYS), op: 'delete' }]);
  }
  if (tool === 'create_directory') {
    const keys = ['dirPath', 'path', 'dir_path'];
    return edit([{ path: requirePath(input, cwd, tool, ...keys), op: 'mkdir' }], keys);
  }
  if (READ_TOOLS.has(tool) || SEARCH_TOOLS.has(tool) || LIST_TOOLS.has(tool)) {
    const list = Array.isArray(input.paths) ? input.paths.filter((p): p is string => typeof p === 'string') : [];
    const one = str(input, ...PATH_KEYS, 'dir_path', 'dirPath', 'directory');
    // Any other field naming a path is read too: nothing an agent puts in a field goes unseen.
    const extra = pathFields(input, new Set()).map((f) => f.path);
    const paths = [...new Set([...list, ...(one !== undefined ? [one] : []), ...extra].map((p) => toolPath(p, cwd)))];
    const roots = paths.length > 0 ? paths : [cwd];
    if (READ_TOOLS.has(tool)) return { category: 'read', paths: roots };
    if (LIST_TOOLS.has(tool)) return { category: 'read', paths: roots, search: { content: false } };
    // A search: which files it reads is its folder narrowed by its glob (Grep's `glob`, Gemini's `include`,
    // VS Code's `includePattern`); read_many_files may name its globs in `include` as a list.
    const include = input.include;
    const glob = str(input, 'glob', 'includePattern') ?? (typeof include === 'string' ? include : Array.isArray(include) && include.length === 1 && typeof include[0] === 'string' ? include[0] : undefined);
    const multi = Array.isArray(include) && include.length > 1;
    return { category: 'read', paths: roots, search: { content: true, ...(glob && !multi ? { glob } : {}), ...(tool === 'Grep' && glob === undefined ? { narrowable: 'glob' } : {}) } };
  }
  return { category: 'unknown' };
}
