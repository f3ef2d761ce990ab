/**
 * Payloads as the real agents send them (captured from Gemini CLI 0.61.0, Codex 0.171.0, Copilot CLI
 * 1.0.102 and Claude Code 2.1.332 in test/e2e) and as VS Code's harnesses send them (its docs of 2026-10):
 * each is read as the agent that sent it and answered in that agent's format, and every field that names a
 * path or a working folder is decided.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claudeAdapter } from '../../../src/agents/claude';
import { parseEvent, salvageEvent } from '../../../src/agents/detect';
import { geminiAdapter, geminiIsInteractive, type ProcessInfo } from '../../../src/agents/gemini';
import { cannotRewrite } from '../../../src/agents/rewriteCommand';
import { toolAction } from '../../../src/agents/toolTable';
import { canAskNatively, type Dialect } from '../../../src/agents/types';
import { pendingKey } from '../../../src/engine/pending';

const WS = '/home/u/proj';
const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** Update File: src/b.ts\n@@\n-x\n+y\n*** End Patch\n';
const COPILOT_CAMEL_PATCH = { sessionId: 'c913', timestamp: 1796102228886, cwd: WS, toolName: 'apply_patch', toolArgs: PATCH };
const COPILOT_PASCAL_PATCH = { hook_event_name: 'PreToolUse', session_id: 'c913', timestamp: '2026-12-01T05:17:08.886Z', cwd: WS, tool_name: 'Edit', tool_input: PATCH };
const COPILOT_CAMEL_BASH = { sessionId: 'c913', timestamp: 1796102228947, cwd: WS, toolName: 'bash', toolArgs: { command: 'echo hello > b.txt', description: 'x' } };
const COPILOT_PASCAL_BASH = { hook_event_name: 'PreToolUse', session_id: 'c913', timestamp: '2026-12-01T05:17:08.947Z', cwd: WS, tool_name: 'Bash', tool_input: { command: 'echo hello > b.txt', description: 'x' } };
const CODEX_SESSION_START = { session_id: '01a2', transcript_path: '/t', cwd: WS, hook_event_name: 'SessionStart', model: 'gpt-5.5', permission_mode: 'bypassPermissions', source: 'startup' };
const CODEX_SESSION_END = { session_id: '01a2', transcript_path: '/t', cwd: WS, hook_event_name: 'SessionEnd', reason: 'other' };
const CODEX_BASH = { session_id: '01a2', turn_id: 't1', transcript_path: '/t', cwd: WS, hook_event_name: 'PreToolUse', model: 'gpt-5.5', permission_mode: 'bypassPermissions', tool_name: 'Bash', tool_input: { command: 'rm -rf *' }, tool_use_id: 'call_1' };
const GEMINI_SHELL = { session_id: '936b', transcript_path: '/t', cwd: WS, hook_event_name: 'BeforeTool', timestamp: '2026-12-01T05:16:25.115Z', tool_name: 'run_shell_command', tool_input: { command: 'ls', description: 'x' } };
const VSCODE_LOCAL = { timestamp: '2026-10-09T10:30:00.000Z', hookEventName: 'PreToolUse', sessionId: 'v1', transcript_path: '/t', cwd: WS, tool_name: 'run_in_terminal', tool_input: { command: 'npm test', explanation: 'x', isBackground: false }, tool_use_id: 'call_v' };
const SDK = { timestamp: 1796102228947, cwd: WS, sessionId: 's1', toolName: 'bash', toolArgs: { command: 'npm test' } };
const CLAUDE_SKILL = { session_id: 's', transcript_path: '/t', cwd: WS, permission_mode: 'default', hook_event_name: 'PreSkillShellCommand', tool_name: 'Bash', tool_input: { command: "printf x > secrets/key.txt" }, tool_use_id: 'toolu_s', command_name: 'leak', command_source: 'projectSettings', invoked_by: 'user' };

const parse = (dialect: Dialect, payload: object, event?: string) => parseEvent(dialect, payload as Record<string, unknown>, event);

describe('Copilot CLI', () => {
  it('reads apply_patch whose toolArgs is the raw patch (GPT models), camelCase and PascalCase alike', () => {
    for (const [payload, event] of [[COPILOT_CAMEL_PATCH, 'preToolUse'], [COPILOT_PASCAL_PATCH, undefined]] as const) {
      const { adapter, event: e } = parse('copilot-cli', payload, event);
      assert.equal(adapter.dialect, 'copilot-cli');
      assert.equal(e.tool, 'apply_patch');
      assert.deepEqual(e.action.category === 'edit' && e.action.files.map((f) => [f.path, f.op]), [[`${WS}/a.txt`, 'create'], [`${WS}/src/b.ts`, 'write']]);
    }
  });

  it('still refuses toolArgs text that is neither JSON nor a patch', () => {
    assert.throws(() => parse('copilot-cli', { ...COPILOT_CAMEL_BASH, toolArgs: 'rm -rf ~' }, 'preToolUse'), /neither JSON nor a patch/);
    assert.throws(() => parse('copilot-cli', { ...COPILOT_CAMEL_PATCH, toolName: 'bash' }, 'preToolUse'), /neither JSON nor a patch/);
  });

  it('names the same call alike through both hook files, so it is decided and recorded once', () => {
    assert.equal(pendingKey(parse('copilot-cli', COPILOT_CAMEL_BASH, 'preToolUse').event), pendingKey(parse('vscode', COPILOT_PASCAL_BASH).event));
    assert.equal(pendingKey(parse('copilot-cli', COPILOT_CAMEL_PATCH, 'preToolUse').event), pendingKey(parse('copilot-cli', COPILOT_PASCAL_PATCH).event));
  });

  it('answers camelCase with modifiedArgs and PascalCase inside hookSpecificOutput with updatedInput', () => {
    const camel = parse('copilot-cli', COPILOT_CAMEL_BASH, 'preToolUse');
    const a = JSON.parse(camel.adapter.answer(camel.event, { action: 'allow', reason: 'ok', updatedInput: { command: 'x' } }).stdout) as Record<string, unknown>;
    assert.deepEqual(a.modifiedArgs, { command: 'x' });
    const pascal = parse('copilot-cli', COPILOT_PASCAL_BASH);
    const b = JSON.parse(pascal.adapter.answer(pascal.event, { action: 'allow', reason: 'ok', updatedInput: { command: 'x' } }).stdout) as { hookSpecificOutput: Record<string, unknown> };
    assert.deepEqual(b.hookSpecificOutput.updatedInput, { command: 'x' });
    assert.equal(b.hookSpecificOutput.permissionDecision, 'allow');
  });
});

describe("VS Code's harnesses", () => {
  it('answers the Local harness in VS Code\'s format and the Copilot harness (Copilot SDK format) with top-level fields and modifiedArgs', () => {
    const local = parse('vscode', VSCODE_LOCAL);
    assert.equal(local.event.agent, 'copilot');
    assert.equal(JSON.parse(local.adapter.answer(local.event, { action: 'ask', reason: 'r' }).stdout).hookSpecificOutput.permissionDecision, 'ask');
    const sdk = parse('vscode', SDK);
    assert.equal(sdk.adapter.dialect, 'copilot-cli');
    const out = JSON.parse(sdk.adapter.answer(sdk.event, { action: 'allow', reason: 'r', updatedInput: { command: 'y' } }).stdout) as Record<string, unknown>;
    assert.equal(out.permissionDecision, 'allow');
    assert.deepEqual(out.modifiedArgs, { command: 'y' });
  });

  it('answers Claude- and Codex-format payloads in their own formats', () => {
    const claude = parse('vscode', { ...CLAUDE_SKILL, hook_event_name: 'PreToolUse' });
    assert.equal(claude.adapter.dialect, 'claude');
    const codex = parse('vscode', CODEX_BASH);
    assert.equal(codex.adapter.dialect, 'codex');
    assert.match(codex.adapter.answer(codex.event, { action: 'allow', reason: 'ok' }).stdout, /"updatedInput":\{"command":"cd \/home\/u\/proj && rm -rf \*"\}/);
  });

  it("never reads a payload through an agent's own hook file as another agent's", () => {
    assert.equal(parse('codex', CODEX_SESSION_START).adapter.dialect, 'codex', 'Codex SessionStart carries permission_mode like Claude Code');
    assert.equal(parse('codex', CODEX_SESSION_END).event.phase, 'session-end');
    assert.equal(parse('gemini', { ...GEMINI_SHELL, toolName: 'bash' }).adapter.dialect, 'gemini');
    assert.equal(parse('cursor', { ...CODEX_BASH, conversation_id: 'c' }).adapter.dialect, 'cursor');
  });
});

describe('Gemini CLI', () => {
  it("answers ask with Gemini's own ask", () => {
    const { adapter, event } = parse('gemini', GEMINI_SHELL);
    assert.deepEqual(JSON.parse(adapter.answer(event, { action: 'ask', reason: 'r' }).stdout), { decision: 'ask', reason: 'Airlock: r', systemMessage: 'Airlock: r' });
  });

  it('asks natively only under an interactive Gemini (a headless one would wait forever)', () => {
    const tree = (gemini: ProcessInfo): ((pid: number) => ProcessInfo | undefined) => (pid) => (pid === 100 ? { ppid: 50, argv: ['/bin/sh', '-c', 'hook'], ttyStdin: false } : pid === 50 ? gemini : undefined);
    const node = ['/usr/bin/node', '--max-old-space-size=4096', '/usr/lib/node_modules/@google/gemini-cli/bundle/gemini.js'];
    assert.equal(geminiIsInteractive(100, tree({ ppid: 1, argv: node, ttyStdin: true })), true);
    assert.equal(geminiIsInteractive(100, tree({ ppid: 1, argv: [...node, '-p', 'do it'], ttyStdin: true })), false);
    assert.equal(geminiIsInteractive(100, tree({ ppid: 1, argv: [...node, '--prompt=do it'], ttyStdin: true })), false);
    assert.equal(geminiIsInteractive(100, tree({ ppid: 1, argv: [...node, '-i', 'start'], ttyStdin: true })), true);
    assert.equal(geminiIsInteractive(100, tree({ ppid: 1, argv: node, ttyStdin: false })), false, 'input that is not a terminal is headless');
    assert.equal(geminiIsInteractive(100, () => undefined), false, 'unknown counts as headless');
    assert.equal(geminiIsInteractive(100, tree({ ppid: 1, argv: ['/usr/bin/python3', 'x.py'], ttyStdin: true })), false, 'not under Gemini');
    assert.equal(canAskNatively(geminiAdapter, parse('gemini', GEMINI_SHELL).event), false, 'this test process is no interactive Gemini');
  });
});

describe("Claude Code's PreSkillShellCommand", () => {
  it('is decided as the command it runs, never asked about and never rewritten', () => {
    const { adapter, event } = parse('claude', CLAUDE_SKILL);
    assert.equal(event.phase, 'pre');
    assert.deepEqual(event.action, { category: 'command', command: 'printf x > secrets/key.txt', cwd: WS });
    assert.equal(canAskNatively(claudeAdapter, event), false);
    assert.match(cannotRewrite(event) ?? '', /cannot change a shell command a skill runs/);
    const ans = (action: 'allow' | 'deny' | 'ask', updatedInput?: Record<string, unknown>) => JSON.parse(adapter.answer(event, { action, reason: 'r', ...(updatedInput ? { updatedInput } : {}) }).stdout) as { hookSpecificOutput: { hookEventName: string; permissionDecision: string } };
    assert.deepEqual([ans('allow').hookSpecificOutput.permissionDecision, ans('ask').hookSpecificOutput.permissionDecision, ans('deny').hookSpecificOutput.permissionDecision, ans('allow', { command: 'x' }).hookSpecificOutput.permissionDecision], ['allow', 'deny', 'deny', 'deny']);
    assert.equal(ans('allow').hookSpecificOutput.hookEventName, 'PreSkillShellCommand');
  });
});

describe('every field that names a path or a working folder is decided', () => {
  it('decides a second path an edit tool names, whatever the key', () => {
    const a = toolAction('Write', { file_path: 'src/a.ts', content: 'x', backup_path: '/etc/passwd' }, WS);
    assert.deepEqual(a.category === 'edit' && a.files.map((f) => f.path), [`${WS}/src/a.ts`, '/etc/passwd']);
    const b = toolAction('replace_string_in_file', { filePath: 'a.ts', oldString: 'x', newString: 'y', targetFiles: ['.vscode/airlock.json'] }, WS);
    assert.deepEqual(b.category === 'edit' && b.files.map((f) => f.path), [`${WS}/a.ts`, `${WS}/.vscode/airlock.json`]);
    const c = toolAction('create', { path: 'a.ts', file_text: 'x', workdir: '/' }, WS);
    assert.deepEqual(c.category === 'edit' && c.files.map((f) => f.path), [`${WS}/a.ts`, '/']);
    const same = toolAction('Write', { file_path: 'a.ts', filePath: `${WS}/a.ts`, content: 'x' }, WS);
    assert.equal(same.category === 'edit' && same.files.length, 1, 'the same path twice is one target');
  });

  it('refuses a command that names two different working folders, and runs in the one it names', () => {
    assert.throws(() => toolAction('Bash', { command: 'rm -rf *', cwd: WS, workdir: '/' }, WS), /names two working directories/);
    assert.deepEqual(toolAction('exec_command', { cmd: 'ls', workdir: '/tmp' }, WS), { category: 'command', command: 'ls', cwd: '/tmp' });
    assert.deepEqual(toolAction('run_shell_command', { command: 'ls', dir_path: 'sub', cwd: `${WS}/sub` }, WS), { category: 'command', command: 'ls', cwd: `${WS}/sub` });
  });

  it('reads every path a search or view names', () => {
    assert.deepEqual(toolAction('rg', { pattern: 'x', paths: ['.env', 'src'] }, WS), { category: 'read', paths: [`${WS}/.env`, `${WS}/src`], search: { content: true } });
    assert.deepEqual(toolAction('grep_search', { pattern: 'K', dir_path: 'src', extra_dir: '/etc' }, WS), { category: 'read', paths: [`${WS}/src`, '/etc'], search: { content: true } }, 'a second folder in another field is searched too');
    assert.deepEqual(toolAction('view_image', { path: '/home/u/.ssh/id_rsa' }, WS), { category: 'read', paths: ['/home/u/.ssh/id_rsa'] });
  });

  it("knows the newer agents' own tools that neither edit nor run anything", () => {
    for (const t of ['update_topic', 'enter_plan_mode', 'invoke_agent', 'request_user_input', 'tool_search', 'create_goal', 'skill', 'sql']) assert.deepEqual(toolAction(t, {}, WS), { category: 'passthrough' }, t);
    assert.deepEqual(toolAction('write_stdin', { session_id: 1, chars: 'rm -rf ~\n' }, WS), { category: 'unknown' }, 'typing into a running command is not understood');
  });
});

describe('a payload refused as malformed', () => {
  it('keeps its agent, session, tool and target for the audit log', () => {
    assert.deepEqual(salvageEvent('copilot-cli', JSON.stringify({ ...COPILOT_CAMEL_BASH, toolArgs: 'rm -rf ~' })), { agent: 'copilot-cli', agentSessionId: 'c913', tool: 'bash', target: 'rm -rf ~' });
    assert.deepEqual(salvageEvent('claude', JSON.stringify({ session_id: 's9', permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: 'a\0b' } })), { agent: 'claude', agentSessionId: 's9', tool: 'Write', target: 'a\0b' });
    assert.deepEqual(salvageEvent('gemini', '{"session_id": '), { agent: 'gemini' });
    assert.deepEqual(salvageEvent('codex', '[1]'), { agent: 'codex' });
  });
});
