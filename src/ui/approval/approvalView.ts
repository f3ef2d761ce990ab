/**
 * Turns an approval request into what the panel shows: the diff of each file (core/diff), the command's
 * parts, the deciding rule in words, and the rule "Always allow" would add. Pure: no `vscode`,
 * unit-tested.
 */
import { escapeGlob, type NewRule } from '../../core/policy/editPolicy';
import { describeRule } from '../../core/policy/evaluate';
import { loadPolicy, POLICY_FILE } from '../../core/policy/loadPolicy';
import { MANAGED_NAME } from '../../core/policy/managedPolicy';
import { ruleWouldNotAllow as engineRuleWouldNotAllow } from '../../engine/alwaysAllow';
import type { SandboxEnv } from '../../engine/sandboxPlan';
import type { ApprovalFile, ApprovalRequest } from '../../engine/ask';
import { commandParts, review, shownPath, type ReviewedFile } from '../../core/diff/review';
import { AGENT_NAMES, isAgentId } from '../../shared/ids';
import type { ApprovalView, FileView } from '../../shared/protocol';
import { joinShown, sh, shown, type Shown } from '../../shared/shown';

const LANGUAGES: Readonly<Record<string, string>> = { ts: 'typescript', tsx: 'typescript', js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript', json: 'json', py: 'python', go: 'go', rs: 'rust', md: 'markdown', css: 'css', html: 'html', sh: 'shell', yml: 'yaml', yaml: 'yaml', java: 'java', rb: 'ruby' };

function fileView(f: ApprovalFile, reviewed: ReviewedFile): FileView {
  const ext = f.path.split('.').pop()?.toLowerCase() ?? '';
  const base = { path: shownPath(f.path), op: f.op, ...(f.newPath ? { newPath: shownPath(f.newPath) } : {}), ...(LANGUAGES[ext] ? { language: LANGUAGES[ext] } : {}) };
  const notes = (...n: (string | undefined)[]): { note?: Shown } => {
    const text = n.filter(Boolean).join('; ');
    return text ? { note: shown(text) } : {};
  };
  if (f.binary) return { ...base, rows: [], added: 0, removed: 0, ...notes(f.approximate ?? 'binary file: no text to show') };
  if (f.op === 'mkdir') return { ...base, rows: [], added: 0, removed: 0, ...notes('creates this folder') };
  if (f.op === 'rename' && f.after === undefined) return { ...base, rows: [], added: 0, removed: 0, ...notes('renames it; the content stays as it is', f.approximate) };
  const d = reviewed.diff;
  if (!d) return { ...base, rows: [], added: 0, removed: 0, ...notes(f.approximate ?? 'the new content is not known before the tool runs') };
  const what = f.op === 'delete' ? 'deletes this file' : f.before === undefined ? 'creates this file' : undefined;
  const large = d.tooLarge ? 'too large for an exact line diff here: each old line is shown beside the new line at the same place; Open in diff editor compares them exactly' : undefined;
  return { ...base, rows: d.rows, added: d.added, removed: d.removed, ...notes(what, large, f.approximate) };
}

/** What "Always allow" would do: the rule to add, or why no rule can help. */
export type AlwaysAllow = { readonly rule: NewRule; readonly file: string } | { readonly unavailable: string };

/**
 * The rule "Always allow" would add, or why it would not help. Built by the host from the request it
 * holds, never from anything the webview sends. Paths are escaped so the rule covers exactly these files.
 */
export function alwaysAllowRule(request: ApprovalRequest): AlwaysAllow {
  const d = request.decision;
  if (d.source === 'limit') return { unavailable: 'a session limit asked, not a rule: raise "limits" in the policy instead' };
  if (d.source === 'managed') return { unavailable: `${MANAGED_NAME} decides this; no rule in the workspace or your settings can loosen it (an administrator changes the managed policy)` };
  if (d.source === 'workspace' || d.source === 'user' || d.source === 'builtin') {
    return { unavailable: `${d.rule ? describeRule(d.rule) : 'a rule'} asks; an allow rule cannot override it (ask beats allow), so change that rule instead` };
  }
  const agents = [request.agent];
  const file = POLICY_FILE;
  if (request.kind === 'command' && request.command) {
    const asking = (d.parts ?? []).filter((p) => p.action === 'ask');
    if (asking.some((p) => p.kind !== 'command' || (p.source !== 'default' && p.source !== 'trust'))) return { unavailable: 'part of this command is decided by a rule, cannot be read exactly, or writes files that ask; change the policy instead' };
    const commands = [...new Set(asking.map((p) => p.text))];
    if (commands.length === 0) return { unavailable: 'nothing in this command asks by default' };
    // In a command pattern `*` is a wildcard with no escape: a rule for `rm *.tmp` would allow `rm -rf ~/*.tmp`.
    if (commands.some((c) => c.includes('*'))) return { unavailable: 'the command contains "*", which a rule would read as a wildcard; allow it once or for this session instead' };
    // `$VAR` and `\`…\`` are values known only when the command runs: a rule written from them would allow any value.
    if (commands.some((c) => /[$`]/.test(c))) return { unavailable: 'the command uses a variable or a substitution, so a rule for it would allow whatever value it has; allow it once or for this session instead' };
    return { rule: { action: 'allow', command: commands, agents }, file };
  }
  const escaped = (paths: readonly string[]): string[] | undefined => {
    const out = paths.map(escapeGlob);
    return out.every((p): p is string => p !== undefined) ? out : undefined;
  };
  const noBackslash = { unavailable: 'a path holds a backslash, which no policy glob can name; allow it once or for this session instead' };
  if (request.kind === 'edit' && request.files && request.files.length > 0) {
    const edit = escaped(request.files.flatMap((f) => [f.path, ...(f.newPath ? [f.newPath] : [])]));
    return edit ? { rule: { action: 'allow', edit, agents }, file } : noBackslash;
  }
  if (request.kind === 'read' && request.paths && request.paths.length > 0) {
    const read = escaped(request.paths);
    return read ? { rule: { action: 'allow', read, agents }, file } : noBackslash;
  }
  return { unavailable: 'Airlock cannot write a rule for this tool' };
}

function verb(f: ApprovalFile): string {
  if (f.op === 'delete') return 'delete';
  if (f.op === 'rename') return 'rename';
  if (f.op === 'mkdir') return 'create the folder';
  return f.op === 'create' || (f.before === undefined && !f.binary) ? 'create' : 'edit';
}

/** An agent's name as a person reads it (Airlock's name for the agents it knows). */
function agentShown(agent: string): Shown {
  return shown(isAgentId(agent) ? AGENT_NAMES[agent] : agent, { kind: 'name', max: 80 });
}

/** A list of paths for one sentence: the first three (each at most 120 characters), then how many more. */
function pathList(paths: readonly string[]): Shown {
  const one = (p: string): Shown => shown(/^[~#]/.test(p) ? `./${p}` : p, { kind: 'name', max: 120 });
  if (paths.length <= 3) return joinShown(paths.map(one), ', ');
  return sh`${joinShown(paths.slice(0, 2).map(one), ', ')} and ${paths.length - 2} more files`;
}

/** One sentence: "Claude Code wants to edit src/app.ts". Cheap (no diff), for queue chips. */
export function approvalTitle(request: ApprovalRequest): Shown {
  const name = agentShown(request.agent);
  const files = request.files ?? [];
  if (request.kind === 'command') return sh`${name} wants to run a command`;
  if (request.kind === 'edit') return files.length === 1 ? sh`${name} wants to ${shown(verb(files[0]!))} ${pathList([files[0]!.path])}` : sh`${name} wants to edit ${pathList(files.map((f) => f.path))}`;
  if (request.kind === 'read') return sh`${name} wants to read ${pathList(request.paths ?? [])}`;
  return sh`${name} wants to use the tool ${shown(request.tool, { kind: 'name', max: 120 })}`;
}

/** Where the request is looked at: the folder's name when several are open, its path for lookalike names. */
export interface ApprovalViewOptions {
  readonly folderName?: string;
  readonly workspace?: string;
}

/** The panel's view of one request. Every text from the agent or the file system goes through `shown()`. */
export function approvalView(request: ApprovalRequest, options: ApprovalViewOptions = {}): ApprovalView {
  const r = review(request, { ...(options.workspace ? { workspace: options.workspace } : {}) });
  const files = (request.files ?? []).map((f, i) => fileView(f, r.files[i] ?? {}));
  const d = request.decision;
  const always = alwaysAllowRule(request);
  return {
    id: request.id,
    agentName: agentShown(request.agent),
    trust: request.trust,
    ...(options.folderName ? { folder: shown(options.folderName, { kind: 'name', max: 120 }) } : {}),
    tool: shown(request.tool, { kind: 'name', max: 120 }),
    kind: request.kind,
    title: approvalTitle(request),
    sessionScope: request.sessionScope !== false,
    ...(request.input !== undefined ? { input: shown(request.input, { kind: 'code' }) } : {}),
    reason: shown(d.reason),
    ...(d.failed ? { failed: d.failed } : {}),
    ...(d.rule ? { rule: shown(`${describeRule(d.rule)}: ${d.rule.action} ${d.rule.selector} "${d.rule.pattern}"${d.rule.reason ? ` (${d.rule.reason})` : ''}`) } : d.source === 'managed' ? { rule: shown(`${MANAGED_NAME}: its default, which no workspace or personal rule can loosen`) } : {}),
    ...(d.limit ? { limit: shown(`${d.limit.name}: this would make ${d.limit.value}, the limit is ${d.limit.limit}`) } : {}),
    files,
    ...(request.command !== undefined && r.command
      ? {
          command: {
            ...r.command,
            cwd: shown(request.cwd, { kind: 'name', max: 400 }),
            // What needs a person first, whatever its place in the command line.
            parts: commandParts(d.parts ?? []),
          },
        }
      : {}),
    ...(request.paths ? { paths: request.paths.map(shownPath) } : {}),
    deadline: request.deadline,
    ...(request.sandbox ? { sandbox: shown(request.sandbox) } : {}),
    always: 'rule' in always ? { rule: shown(JSON.stringify(always.rule, null, 2), { kind: 'code' }), file: shown(always.file, { kind: 'name' }) } : { unavailable: shown(always.unavailable) },
    attention: r.attention,
    leftOut: r.leftOut,
  };
}

/**
 * Would the policy with the new rule really allow the request? Loads the policy as it would be with the
 * rule and asks the engine (engine/alwaysAllow.ts). Returns why not, or undefined when it would.
 */
export function ruleWouldNotAllow(request: ApprovalRequest, policyText: string, options: { workspace: string; home: string; dataRoot: string; installDir?: string; userRules: unknown; restricted: boolean; sandbox?: SandboxEnv }): string | undefined {
  const { sandbox, ...load } = options;
  return engineRuleWouldNotAllow(request, loadPolicy({ ...load, policyText }), options.workspace, sandbox);
}
