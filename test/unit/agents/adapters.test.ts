/**
 * Each dialect on payloads of the shapes the agents really send: the Claude Code ones are verbatim from
 * the real CLI 2.1.332; the others follow each agent's published hook reference (see the dialect modules).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADAPTERS, detectAdapter, parseEvent } from '../../../src/agents/detect';
import type { Dialect } from '../../../src/agents/types';

const WS = '/home/u/proj';

const CLAUDE_WRITE = { session_id: '1090926f-c63a-4807-86ab-e0d594e70a4f', transcript_path: '/x.jsonl', cwd: WS, prompt_id: 'p', permission_mode: 'default', effort: { level: 'medium' }, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: `${WS}/notes.txt`, content: 'hello world\nsecond line\n' }, tool_use_id: 'toolu_fake_t0_0' };
const CLAUDE_EDIT = { ...CLAUDE_WRITE, tool_name: 'Edit', tool_input: { file_path: `${WS}/notes.txt`, old_string: 'hello world', new_string: 'hello airlock', replace_all: false }, tool_use_id: 'toolu_fake_t1_0' };
const CLAUDE_BASH = { ...CLAUDE_WRITE, tool_name: 'Bash', tool_input: { command: 'echo hi > out.txt', description: 'Write hi to out.txt' }, tool_use_id: 'toolu_fake_t2_0' };
const CLAUDE_POST = { ...CLAUDE_BASH, hook_event_name: 'PostToolUse', tool_response: { stdout: '', stderr: '', interrupted: false, isImage: false }, duration_ms: 17 };
const CLAUDE_FAIL = { session_id: 's', transcript_path: '/x', cwd: WS, permission_mode: 'default', hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_input: { command: 'exit 3' }, tool_use_id: 'toolu_x', error: 'Exit code 3', is_interrupt: false };
const VSCODE_EDIT = { timestamp: '2026-02-09T10:30:00.000Z', hookEventName: 'PreToolUse', sessionId: 'session-identifier', transcript_path: '/t.json', cwd: WS, tool_name: 'replace_string_in_file', tool_input: { explanation: 'Rename foo', filePath: `${WS}/src/a.ts`, oldString: 'foo()', newString: 'bar()' }, tool_use_id: 'call_abc123' };
const VSCODE_MULTI = { ...VSCODE_EDIT, tool_name: 'multi_replace_string_in_file', tool_input: { explanation: 'x', replacements: [{ filePath: `${WS}/a.ts`, oldString: 'a', newString: 'b' }, { filePath: `${WS}/b.ts`, oldString: 'c', newString: 'd' }] } };
const VSCODE_TERMINAL = { ...VSCODE_EDIT, tool_name: 'run_in_terminal', tool_input: { command: 'npm test', explanation: 'Run tests', goal: 'Run tests', isBackground: false, timeout: 60000 } };
const VSCODE_PATCH = { ...VSCODE_EDIT, tool_name: 'apply_patch', tool_input: { explanation: 'x', input: '*** Begin Patch\n*** Update File: /home/u/proj/src/a.ts\n@@\n-foo()\n+bar()\n*** Add File: /home/u/proj/src/new.ts\n+export {};\n*** Delete File: /home/u/proj/old.ts\n*** End Patch' } };
const COPILOT_CLI = { timestamp: 1704614600000, cwd: WS, sessionId: 'sess-1', toolName: 'bash', toolArgs: '{"command":"rm -rf dist","description":"Clean build directory"}' };
const COPILOT_CLI_EDIT = { timestamp: 1704614650000, cwd: WS, sessionId: 'sess-1', toolName: 'edit', toolArgs: { path: `${WS}/src/a.ts`, old_str: 'foo()', new_str: 'bar()' } };
const COPILOT_CLI_POST = { ...COPILOT_CLI, toolResult: { resultType: 'success', textResultForLlm: 'ok' } };
const COPILOT_CLI_PASCAL = { hook_event_name: 'PreToolUse', session_id: 'sess-2', timestamp: '2026-05-01T10:00:00.000Z', cwd: WS, tool_name: 'Edit', tool_input: { path: `${WS}/src/a.ts`, old_str: 'x', new_str: 'y' } };
const CURSOR_SHELL = { hook_event_name: 'beforeShellExecution', conversation_id: 'conv-123', generation_id: 'gen-456', workspace_roots: [WS], cursor_version: '2.0.77', command: 'npm install express', cwd: WS };
const CURSOR_READ = { hook_event_name: 'beforeReadFile', conversation_id: 'conv-123', generation_id: 'gen-456', workspace_roots: [WS], file_path: `${WS}/.env`, content: 'K=1' };
const CURSOR_AFTER = { hook_event_name: 'afterFileEdit', conversation_id: 'conv-123', generation_id: 'gen-456', workspace_roots: [WS], file_path: `${WS}/main.ts`, edits: [{ old_string: 'const foo = 1', new_string: 'const foo = 2' }] };
const GEMINI_WRITE = { session_id: 'abc123', transcript_path: '/t.jsonl', cwd: WS, hook_event_name: 'BeforeTool', timestamp: '2025-12-01T10:30:00Z', tool_name: 'write_file', tool_input: { file_path: `${WS}/src/a.ts`, content: 'x' } };
const GEMINI_SHELL = { ...GEMINI_WRITE, tool_name: 'run_shell_command', tool_input: { command: 'npm test', description: 'Run tests', dir_path: 'sub' } };
const GEMINI_OLD_SHELL = { ...GEMINI_WRITE, tool_name: 'run_shell_command', tool_input: { command: 'ls', directory: 'pkg' } };
const CODEX_BASH = { session_id: '0199', turn_id: 'turn-1', transcript_path: null, cwd: WS, hook_event_name: 'PreToolUse', model: 'gpt-5-codex', permission_mode: 'default', tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 'call_abc' };
const CODEX_PATCH = { ...CODEX_BASH, tool_name: 'apply_patch', tool_input: { command: '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-foo()\n+bar()\n*** End Patch\n' }, tool_use_id: 'call_def' };

function parse(dialect: Dialect, payload: object, event?: string) {
  return parseEvent(dialect, payload as Record<string, unknown>, event);
}

describe('agent adapters', () => {
  it('understands Claude Code Write, Edit, Bash, PostToolUse and PostToolUseFailure', () => {
    const w = parse('claude', CLAUDE_WRITE).event;
    assert.equal(w.agent, 'claude');
    assert.deepEqual(w.action, { category: 'edit', files: [{ path: `${WS}/notes.txt`, op: 'write', content: 'hello world\nsecond line\n' }] });
    const e = parse('claude', CLAUDE_EDIT).event;
    assert.deepEqual(e.action.category === 'edit' && e.action.files[0]!.replacements, [{ oldString: 'hello world', newString: 'hello airlock' }]);
    const b = parse('claude', CLAUDE_BASH).event;
    assert.deepEqual(b.action, { category: 'command', command: 'echo hi > out.txt', cwd: WS });
    assert.equal(b.toolUseId, 'toolu_fake_t2_0');
    assert.equal(parse('claude', CLAUDE_POST).event.phase, 'post');
    assert.equal(parse('claude', CLAUDE_FAIL).event.phase, 'post-failure');
  });

  it('answers Claude Code with hookSpecificOutput.permissionDecision', () => {
    const { adapter, event } = parse('claude', CLAUDE_WRITE);
    assert.deepEqual(JSON.parse(adapter.answer(event, { action: 'deny', reason: 'no' }).stdout), { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'Airlock: no' } });
    assert.equal(adapter.answer(event, { action: 'none', reason: '' }).stdout, '');
    assert.equal(adapter.answer(parse('claude', CLAUDE_POST).event, { action: 'allow', reason: 'x' }).stdout, '');
  });

  it('tells VS Code Copilot payloads apart from Claude Code ones arriving through .claude/settings.json', () => {
    const { adapter, event } = parse('claude', VSCODE_EDIT);
    assert.equal(adapter.dialect, 'vscode');
    assert.equal(event.agent, 'copilot');
    assert.deepEqual(event.action.category === 'edit' && event.action.files[0]!.replacements, [{ oldString: 'foo()', newString: 'bar()' }]);
    assert.match(adapter.answer(event, { action: 'ask', reason: 'r' }).stdout, /"hookSpecificOutput":\{"hookEventName":"PreToolUse","permissionDecision":"ask"/);
  });

  it('maps VS Code tools: multi-file replacements, run_in_terminal, apply_patch with add and delete', () => {
    const m = parse('vscode', VSCODE_MULTI).event.action;
    assert.deepEqual(m.category === 'edit' && m.files.map((f) => f.path), [`${WS}/a.ts`, `${WS}/b.ts`]);
    assert.deepEqual(parse('vscode', VSCODE_TERMINAL).event.action, { category: 'command', command: 'npm test', cwd: WS });
    const p = parse('vscode', VSCODE_PATCH).event.action;
    assert.deepEqual(p.category === 'edit' && p.files.map((f) => [f.path, f.op]), [[`${WS}/src/a.ts`, 'write'], [`${WS}/src/new.ts`, 'create'], [`${WS}/old.ts`, 'delete']]);
  });

  it('reads Copilot CLI camelCase payloads, with toolArgs as a JSON string or an object, and answers at top level', () => {
    const { adapter, event } = parse('copilot-cli', COPILOT_CLI, 'preToolUse');
    assert.equal(event.agent, 'copilot-cli');
    assert.deepEqual(event.action, { category: 'command', command: 'rm -rf dist', cwd: WS });
    const ed = parse('copilot-cli', COPILOT_CLI_EDIT, 'preToolUse').event.action;
    assert.deepEqual(ed.category === 'edit' && ed.files[0]!.replacements, [{ oldString: 'foo()', newString: 'bar()' }]);
    assert.equal(parse('copilot-cli', COPILOT_CLI_POST).event.phase, 'post');
    assert.deepEqual(JSON.parse(adapter.answer(event, { action: 'deny', reason: 'x' }).stdout), { permissionDecision: 'deny', permissionDecisionReason: 'Airlock: x' });
    assert.deepEqual(JSON.parse(adapter.answer(event, { action: 'allow', reason: 'x', updatedInput: { command: 'y' } }).stdout).modifiedArgs, { command: 'y' });
  });

  it('recognises Copilot CLI PascalCase payloads sent to the claude dialect and answers them at top level', () => {
    const { adapter, event } = parse('claude', COPILOT_CLI_PASCAL);
    assert.equal(adapter.dialect, 'copilot-cli');
    assert.deepEqual(event.action.category === 'edit' && event.action.files[0]!.replacements, [{ oldString: 'x', newString: 'y' }]);
    assert.ok('permissionDecision' in JSON.parse(adapter.answer(event, { action: 'allow', reason: 'ok' }).stdout));
  });

  it('reads Cursor shell, read and after-edit events; answers flat permission and turns ask into deny', () => {
    const { adapter, event } = parse('cursor', CURSOR_SHELL);
    assert.deepEqual(event.action, { category: 'command', command: 'npm install express', cwd: WS });
    assert.equal(event.agentSessionId, 'conv-123');
    assert.deepEqual(parse('cursor', CURSOR_READ).event.action, { category: 'read', paths: [`${WS}/.env`] });
    assert.equal(parse('cursor', CURSOR_AFTER).event.phase, 'post');
    const ask = JSON.parse(adapter.answer(event, { action: 'ask', reason: 'r' }).stdout) as Record<string, string>;
    assert.equal(ask.permission, 'deny');
    assert.equal(ask.user_message, 'Airlock: r');
    assert.equal(adapter.answer(parse('cursor', CURSOR_AFTER).event, { action: 'none', reason: '' }).stdout, '{}\n', 'Cursor needs JSON even after an edit');
  });

  it('reads Gemini CLI BeforeTool events in both parameter spellings and answers with decision', () => {
    const { adapter, event } = parse('gemini', GEMINI_WRITE);
    assert.equal(event.agent, 'gemini');
    assert.deepEqual(parse('gemini', GEMINI_SHELL).event.action, { category: 'command', command: 'npm test', cwd: `${WS}/sub` });
    assert.deepEqual(parse('gemini', GEMINI_OLD_SHELL).event.action, { category: 'command', command: 'ls', cwd: `${WS}/pkg` });
    assert.deepEqual(JSON.parse(adapter.answer(event, { action: 'deny', reason: 'no' }).stdout), { decision: 'deny', reason: 'Airlock: no', systemMessage: 'Airlock: no' });
  });

  it('reads Codex Bash and apply_patch (paths relative to cwd); allows a patch by printing nothing, pins an allowed command to its directory, never answers ask', () => {
    const { adapter, event } = parse('codex', CODEX_BASH);
    assert.equal(event.agent, 'codex');
    const patch = parse('codex', CODEX_PATCH);
    const p = patch.event.action;
    assert.deepEqual(p.category === 'edit' && p.files.map((f) => f.path), [`${WS}/src/a.ts`]);
    assert.equal(adapter.answer(patch.event, { action: 'allow', reason: 'ok' }).stdout, '');
    // Codex does not tell hooks the `workdir` of exec_command: the command runs where it was decided.
    assert.deepEqual(JSON.parse(adapter.answer(event, { action: 'allow', reason: 'ok' }).stdout).hookSpecificOutput.updatedInput, { command: `cd ${WS} && npm test` });
    assert.deepEqual(JSON.parse(adapter.answer(event, { action: 'allow', reason: 'ok', updatedInput: { command: 'airlock sandbox -- npm test' } }).stdout).hookSpecificOutput.updatedInput, { command: `cd ${WS} && airlock sandbox -- npm test` });
    const ask = JSON.parse(adapter.answer(event, { action: 'ask', reason: 'needs a person' }).stdout) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
    assert.equal(ask.hookSpecificOutput.permissionDecision, 'deny');
    assert.ok(ask.hookSpecificOutput.permissionDecisionReason.length > 0, 'Codex fails open on an empty deny reason');
  });

  it('classifies tools it has no opinion on and tools it does not know', () => {
    assert.deepEqual(parse('claude', { ...CLAUDE_WRITE, tool_name: 'TodoWrite', tool_input: {} }).event.action, { category: 'passthrough' });
    assert.deepEqual(parse('claude', { ...CLAUDE_WRITE, tool_name: 'mcp__github__create_issue', tool_input: {} }).event.action, { category: 'passthrough' });
    assert.deepEqual(parse('claude', { ...CLAUDE_WRITE, tool_name: 'FrobnicateDisk', tool_input: {} }).event.action, { category: 'unknown' });
  });

  it('refuses malformed payloads with a clear error', () => {
    assert.throws(() => parse('claude', { ...CLAUDE_WRITE, tool_input: { file_path: 'a\0b', content: '' } }), /NUL byte/);
    assert.throws(() => parse('claude', { ...CLAUDE_WRITE, session_id: 7 }), /no session id/);
    assert.throws(() => parse('claude', { ...CLAUDE_WRITE, tool_input: { content: 'x' } }), /Write has no file_path/);
    assert.throws(() => parse('claude', { ...CLAUDE_BASH, tool_input: { command: 42 } }), /Bash has no command/);
    assert.throws(() => parse('codex', { ...CODEX_PATCH, tool_input: { command: 'not a patch' } }), /Begin Patch/);
    assert.throws(() => parse('copilot-cli', { ...COPILOT_CLI, toolArgs: '{broken' }), /neither JSON nor a patch/);
  });

  it('falls back to the dialect named on the command line when the payload has no marker', () => {
    assert.equal(detectAdapter('gemini', { hook_event_name: 'SessionEnd', timestamp: '2026-01-01T00:00:00Z', session_id: 's' }).dialect, 'gemini');
    assert.equal(detectAdapter('copilot-cli', { hook_event_name: 'SessionEnd', timestamp: '2026-01-01T00:00:00Z', session_id: 's' }).dialect, 'copilot-cli');
    for (const d of Object.keys(ADAPTERS) as Dialect[]) assert.ok(ADAPTERS[d].answer(undefined, { action: 'deny', reason: 'x' }).stdout.includes('Airlock: x') || d === 'codex');
  });
});
