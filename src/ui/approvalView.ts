/**
 * Turns an approval request into what the panel shows: side-by-side diff rows with the changed words
 * marked, the command's parts, the deciding rule in words, and the rule "Always allow" would add. Pure:
 * no `vscode`, unit-tested.
 */
import { diffLines, diffWordsWithSpace } from 'diff';
import { escapeGlob, type NewRule } from '../core/policy/editPolicy';
import { describeRule } from '../core/policy/evaluate';
import { POLICY_FILE } from '../core/policy/loadPolicy';
import type { ApprovalFile, ApprovalRequest } from '../gate/approvals';
import { AGENT_NAMES, isAgentId } from '../shared/ids';
import type { ApprovalView, DiffCell, DiffRow, FileView } from '../shared/protocol';

const CONTEXT = 3;
const MAX_ROWS = 4000;

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function cell(line: number, text: string, other?: string): DiffCell {
  if (other === undefined) return { line, segments: [{ text, changed: false }] };
  const parts = diffWordsWithSpace(other, text);
  return { line, segments: parts.filter((p) => !p.removed).map((p) => ({ text: p.value, changed: p.added === true })) };
}

function cellOld(line: number, text: string, other: string): DiffCell {
  const parts = diffWordsWithSpace(text, other);
  return { line, segments: parts.filter((p) => !p.added).map((p) => ({ text: p.value, changed: p.removed === true })) };
}

/** Side-by-side rows for two texts, with unchanged stretches collapsed to `gap` rows beyond 3 lines of context. */
export function diffRows(before: string, after: string): { rows: DiffRow[]; added: number; removed: number } {
  const full: DiffRow[] = [];
  let l = 1;
  let r = 1;
  let added = 0;
  let removed = 0;
  const changes = diffLines(before, after);
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const lines = splitLines(c.value);
    if (!c.added && !c.removed) {
      for (const t of lines) full.push({ kind: 'same', left: cell(l++, t), right: cell(r++, t) });
      continue;
    }
    if (c.removed && changes[i + 1]?.added) {
      // A removed block followed by an added one: pair the lines and mark the changed words.
      const adds = splitLines(changes[i + 1]!.value);
      const n = Math.max(lines.length, adds.length);
      for (let k = 0; k < n; k++) {
        const a = lines[k];
        const b = adds[k];
        if (a !== undefined && b !== undefined) full.push({ kind: 'change', left: cellOld(l++, a, b), right: cell(r++, b, a) });
        else if (a !== undefined) full.push({ kind: 'del', left: cell(l++, a) });
        else if (b !== undefined) full.push({ kind: 'add', right: cell(r++, b) });
      }
      removed += lines.length;
      added += adds.length;
      i++;
      continue;
    }
    if (c.removed) {
      for (const t of lines) full.push({ kind: 'del', left: cell(l++, t) });
      removed += lines.length;
    } else {
      for (const t of lines) full.push({ kind: 'add', right: cell(r++, t) });
      added += lines.length;
    }
  }
  // Keep CONTEXT lines around changes; collapse the rest.
  const keep = full.map((row, i) => row.kind !== 'same' || full.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((x) => x.kind !== 'same'));
  const rows: DiffRow[] = [];
  for (let i = 0; i < full.length; i++) {
    if (keep[i]) rows.push(full[i]!);
    else if (rows.at(-1)?.kind !== 'gap') rows.push({ kind: 'gap' });
    if (rows.length >= MAX_ROWS) {
      rows.push({ kind: 'gap' });
      break;
    }
  }
  return { rows, added, removed };
}

const LANGUAGES: Readonly<Record<string, string>> = { ts: 'typescript', tsx: 'typescript', js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript', json: 'json', py: 'python', go: 'go', rs: 'rust', md: 'markdown', css: 'css', html: 'html', sh: 'shell', yml: 'yaml', yaml: 'yaml', java: 'java', rb: 'ruby' };

function fileView(f: ApprovalFile): FileView {
  const ext = f.path.split('.').pop()?.toLowerCase() ?? '';
  const base = { path: f.path, op: f.op, ...(f.newPath ? { newPath: f.newPath } : {}), ...(LANGUAGES[ext] ? { language: LANGUAGES[ext] } : {}) };
  if (f.binary) return { ...base, rows: [], added: 0, removed: 0, note: f.approximate ?? 'binary file: no text to show' };
  if (f.op === 'mkdir') return { ...base, rows: [], added: 0, removed: 0, note: 'creates this folder' };
  if (f.op === 'delete') {
    const { rows, removed } = diffRows(f.before ?? '', '');
    return { ...base, rows, added: 0, removed, note: 'deletes this file' };
  }
  if (f.after === undefined) return { ...base, rows: [], added: 0, removed: 0, note: f.approximate ?? 'the new content is not known before the tool runs' };
  const { rows, added, removed } = diffRows(f.before ?? '', f.after);
  return { ...base, rows, added, removed, ...(f.approximate ? { note: f.approximate } : {}), ...(f.before === undefined ? { note: 'creates this file' } : {}) };
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

/** The panel's view of one request. */
export function approvalView(request: ApprovalRequest, folder?: string): ApprovalView {
  const name = isAgentId(request.agent) ? AGENT_NAMES[request.agent] : request.agent;
  const files = (request.files ?? []).map(fileView);
  const what =
    request.kind === 'command'
      ? `run a command`
      : request.kind === 'edit'
        ? `${request.files?.length === 1 ? verb(request.files[0]!) : 'edit'} ${files.map((f) => f.path).join(', ')}`
        : request.kind === 'read'
          ? `read ${(request.paths ?? []).join(', ')}`
          : `use the tool ${request.tool}`;
  const d = request.decision;
  return {
    id: request.id,
    agent: request.agent,
    agentName: name,
    trust: request.trust,
    ...(folder ? { folder } : {}),
    tool: request.tool,
    kind: request.kind,
    title: `${name} wants to ${what}`,
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
