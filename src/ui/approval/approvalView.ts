/**
 * Turns an approval request into what the panel shows: the diff of each file (core/diff), the command's
 * parts, the deciding rule in words, and the rule "Always allow" would add. Pure: no `vscode`,
 * unit-tested.
 */
import { escapeGlob, type NewRule } from '../../core/policy/editPolicy';
import { describeRule } from '../../core/policy/evaluate';
import { loadPolicy, POLICY_FILE } from '../../core/policy/loadPolicy';
import { ruleWouldNotAllow as engineRuleWouldNotAllow } from '../../engine/alwaysAllow';
import type { SandboxEnv } from '../../engine/sandboxPlan';
import type { ApprovalFile, ApprovalRequest } from '../../engine/ask';
import { AGENT_NAMES, isAgentId } from '../../shared/ids';
import { diffRows } from '../../core/diff/diffRows';
import type { ApprovalView, FileView } from '../../shared/protocol';

const LANGUAGES: Readonly<Record<string, string>> = { ts: 'typescript', tsx: 'typescript', js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript', json: 'json', py: 'python', go: 'go', rs: 'rust', md: 'markdown', css: 'css', html: 'html', sh: 'shell', yml: 'yaml', yaml: 'yaml', java: 'java', rb: 'ruby' };

/** A path as the person should read it: a relative path that looks like something else gets `./`. */
export function displayPath(p: string): string {
  return /^[~#]/.test(p) ? `./${p}` : p;
}

function fileView(f: ApprovalFile): FileView {
  const ext = f.path.split('.').pop()?.toLowerCase() ?? '';
  const base = { path: displayPath(f.path), op: f.op, ...(f.newPath ? { newPath: displayPath(f.newPath) } : {}), ...(LANGUAGES[ext] ? { language: LANGUAGES[ext] } : {}) };
  const notes = (...n: (string | undefined)[]): { note?: string } => {
    const text = n.filter(Boolean).join('; ');
    return text ? { note: text } : {};
  };
  if (f.binary) return { ...base, rows: [], added: 0, removed: 0, note: f.approximate ?? 'binary file: no text to show' };
  if (f.op === 'mkdir') return { ...base, rows: [], added: 0, removed: 0, note: 'creates this folder' };
  if (f.op === 'rename' && f.after === undefined) return { ...base, rows: [], added: 0, removed: 0, ...notes('renames it; the content stays as it is', f.approximate) };
  const target = f.op === 'delete' ? '' : f.after;
  if (target === undefined) return { ...base, rows: [], added: 0, removed: 0, note: f.approximate ?? 'the new content is not known before the tool runs' };
  const d = diffRows(f.before ?? '', target);
  const what = f.op === 'delete' ? 'deletes this file' : f.before === undefined ? 'creates this file' : undefined;
  const large = d.tooLarge ? 'too large for an exact line diff here: shown as the old text replaced by the new; Open in diff editor compares them line by line' : undefined;
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

/** One sentence: "Claude Code wants to edit src/app.ts". Cheap (no diff), for queue chips. */
export function approvalTitle(request: ApprovalRequest): string {
  const name = isAgentId(request.agent) ? AGENT_NAMES[request.agent] : request.agent;
  const files = request.files ?? [];
  const list = (paths: readonly string[]): string => (paths.length <= 3 ? paths.map(displayPath).join(', ') : `${paths.slice(0, 2).map(displayPath).join(', ')} and ${paths.length - 2} more files`);
  const what =
    request.kind === 'command'
      ? 'run a command'
      : request.kind === 'edit'
        ? `${files.length === 1 ? verb(files[0]!) : 'edit'} ${list(files.map((f) => f.path))}`
        : request.kind === 'read'
          ? `read ${list(request.paths ?? [])}`
          : `use the tool ${request.tool}`;
  return `${name} wants to ${what}`;
}

/** The panel's view of one request. */
export function approvalView(request: ApprovalRequest, folder?: string): ApprovalView {
  const name = isAgentId(request.agent) ? AGENT_NAMES[request.agent] : request.agent;
  const files = (request.files ?? []).map(fileView);
  const d = request.decision;
  return {
    id: request.id,
    agent: request.agent,
    agentName: name,
    trust: request.trust,
    ...(folder ? { folder } : {}),
    tool: request.tool,
    kind: request.kind,
    title: approvalTitle(request),
    sessionScope: request.sessionScope !== false,
    ...(request.input !== undefined ? { input: request.input } : {}),
    reason: d.reason,
    ...(d.rule ? { rule: `${describeRule(d.rule)}: ${d.rule.action} ${d.rule.selector} "${d.rule.pattern}"${d.rule.reason ? ` (${d.rule.reason})` : ''}` } : {}),
    ...(d.limit ? { limit: `${d.limit.name}: this would make ${d.limit.value}, the limit is ${d.limit.limit}` } : {}),
    files,
    ...(request.command
      ? { command: { text: request.command, cwd: request.cwd, parts: (d.parts ?? []).map((p) => ({ kind: p.kind, text: p.text, via: p.via, action: p.action, reason: p.reason })) } }
      : {}),
    ...(request.paths ? { paths: request.paths } : {}),
    deadline: request.deadline,
    ...(request.sandbox ? { sandbox: request.sandbox } : {}),
    always: (() => {
      const a = alwaysAllowRule(request);
      return 'rule' in a ? { rule: JSON.stringify(a.rule, null, 2), file: a.file } : a;
    })(),
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
