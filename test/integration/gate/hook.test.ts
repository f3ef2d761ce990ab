/**
 * `airlock hook` as agents run it: real processes, real payloads of each dialect, with no gate and with
 * a gate on a real socket (only the person's answer is scripted), and hostile input of every kind.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workspaceDataDir } from '../../../src/core/dataDir';
import { History } from '../../../src/core/history/history';
import { loadPolicy } from '../../../src/core/policy/loadPolicy';
import type { ApprovalAnswer, ApprovalRequest } from '../../../src/engine/ask';
import { GateRuntime } from '../../../src/gate/gateRuntime';
import { GateBusyError } from '../../../src/gate/gateServer';
import { encodeFrame, socketPathFor } from '../../../src/gate/protocol';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlockAsync } from '../helpers/cli';

const POLICY = `{
  "version": 1,
  "rules": [
    { "action": "deny", "edit": ["**/.env"], "reason": "secrets stay with humans" },
    { "action": "ask", "edit": ["package.json"] },
    { "action": "allow", "edit": ["src/**"] },
    { "action": "allow", "command": ["echo *", "printf *", "npm test"] }
  ]
}`;

const tree = tempTree('airlock-hook-');
const ws = tree.path('ws');
const env = { HOME: tree.path('home'), AIRLOCK_HOME: tree.path('data') };
after(() => tree.cleanup());
before(() => {
  tree.write('ws/.vscode/airlock.json', POLICY);
  tree.write('ws/package.json', '{"name":"demo"}\n');
  tree.write('ws/src/existing.ts', 'export const a = 1;\n');
  tree.write('ws/.env', 'SECRET=1\n');
});

let n = 0;
const claude = (tool: string, input: object, event = 'PreToolUse', id = `toolu_${++n}`) =>
  JSON.stringify({ session_id: 'sess-claude', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: event, tool_name: tool, tool_input: input, tool_use_id: id });
const hook = (dialect: string, payload: string | Buffer, extra: string[] = []) => airlockAsync(['hook', dialect, '--workspace', ws, ...extra], { cwd: ws, env, input: payload });
const decisionOf = (stdout: string): string | undefined => {
  if (!stdout.trim()) return undefined;
  const j = JSON.parse(stdout) as Record<string, unknown>;
  return ((j.hookSpecificOutput as Record<string, unknown> | undefined)?.permissionDecision ?? j.permissionDecision ?? j.permission ?? j.decision) as string;
};
const history = () => new History(workspaceDataDir(env.AIRLOCK_HOME, ws), ws);

describe('airlock hook without a gate', () => {
  it('denies a protected edit and leaves the file alone', async () => {
    const r = await hook('claude', claude('Write', { file_path: join(ws, '.env'), content: 'STOLEN' }));
    assert.equal(r.code, 0);
    assert.equal(decisionOf(r.stdout), 'deny');
    assert.match(r.stdout, /Airlock: \.env: .*secrets stay with humans/);
  });

  it('allows an edit the policy allows, records it before answering, and pairs the post event', async () => {
    const id = `toolu_write_${Date.now()}`;
    const pre = await hook('claude', claude('Write', { file_path: join(ws, 'src/new.ts'), content: 'export const b = 2;\n' }, 'PreToolUse', id));
    assert.equal(decisionOf(pre.stdout), 'allow');
    writeFileSync(join(ws, 'src/new.ts'), 'export const b = 2;\n');
    const post = await hook('claude', claude('Write', { file_path: join(ws, 'src/new.ts'), content: 'export const b = 2;\n' }, 'PostToolUse', id));
    assert.equal(post.stdout, '');
    const s = history().sessions().find((x) => x.agentSessionId === 'sess-claude')!;
    const recs = history().records(s.id).records;
    assert.ok(recs.some((r) => r.t === 'begin' && r.paths.includes('src/new.ts')));
    assert.ok(recs.some((r) => r.t === 'end' && r.files.some((f) => f.path === 'src/new.ts' && f.after?.type === 'file')));
  });

  it('records what an allowed shell command changed', async () => {
    const id = `toolu_bash_${Date.now()}`;
    const input = { command: 'printf hi > src/from-shell.txt' };
    assert.equal(decisionOf((await hook('claude', claude('Bash', input, 'PreToolUse', id))).stdout), 'allow');
    writeFileSync(join(ws, 'src/from-shell.txt'), 'hi');
    await hook('claude', claude('Bash', input, 'PostToolUse', id));
    const s = history().sessions().find((x) => x.agentSessionId === 'sess-claude')!;
    assert.ok(history().records(s.id).records.some((r) => r.t === 'end' && r.files.some((f) => f.path === 'src/from-shell.txt')));
  });

  it("turns ask into the agent's own prompt where it has one, and into the offline choice (deny) otherwise", async () => {
    const edit = { file_path: join(ws, 'package.json'), old_string: 'demo', new_string: 'x' };
    assert.equal(decisionOf((await hook('claude', claude('Edit', edit))).stdout), 'ask');
    const gemini = JSON.stringify({ session_id: 'g1', cwd: ws, hook_event_name: 'BeforeTool', timestamp: '2026-01-01T00:00:00Z', tool_name: 'replace', tool_input: edit });
    const g = await hook('gemini', gemini);
    assert.equal(decisionOf(g.stdout), 'deny');
    assert.match(g.stdout, /no Airlock gate is running/);
  });

  it('answers every dialect in its own format', async () => {
    const cursor = JSON.stringify({ hook_event_name: 'beforeShellExecution', conversation_id: 'c1', generation_id: 'g1', workspace_roots: [ws], command: 'echo ok', cwd: ws });
    assert.equal(JSON.parse((await hook('cursor', cursor)).stdout).permission, 'allow');
    const copilot = JSON.stringify({ timestamp: Date.now(), cwd: ws, sessionId: 'cc1', toolName: 'bash', toolArgs: JSON.stringify({ command: 'cat .env; rm -rf ~' }) });
    const cp = await hook('copilot-cli', copilot, ['--event', 'preToolUse']);
    assert.equal(JSON.parse(cp.stdout).permissionDecision, 'deny');
    const codex = JSON.stringify({ session_id: 'x1', turn_id: 't', cwd: ws, hook_event_name: 'PreToolUse', model: 'm', permission_mode: 'default', tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 'call_1' });
    // Airlock sandboxes allowed commands by default, and Codex's are pinned to where they were decided
    // (its hooks never see workdir): the allow carries the command rewritten both ways.
    const cx = JSON.parse((await hook('codex', codex)).stdout) as { hookSpecificOutput: { permissionDecision: string; updatedInput: { command: string } } };
    assert.equal(cx.hookSpecificOutput.permissionDecision, 'allow');
    assert.ok(cx.hookSpecificOutput.updatedInput.command.startsWith(`cd ${ws} && `), cx.hookSpecificOutput.updatedInput.command);
    assert.match(cx.hookSpecificOutput.updatedInput.command, / sandbox --profile .* -- 'npm test'$/);
    const vscode = JSON.stringify({ timestamp: new Date().toISOString(), hookEventName: 'PreToolUse', sessionId: 'v1', cwd: ws, tool_name: 'create_file', tool_input: { filePath: join(ws, '.env'), content: 'x' }, tool_use_id: 'call_v' });
    const v = await hook('claude', vscode);
    assert.equal(JSON.parse(v.stdout).hookSpecificOutput.permissionDecision, 'deny');
  });

  describe('hostile input', () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['malformed JSON', '{"session_id": ', /not JSON/],
      ['a JSON array', '[1,2,3]', /not a JSON object/],
      ['an empty payload', '', /empty/],
      ['wrong types', JSON.stringify({ session_id: 12, cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: {} }), /no session id/],
      ['a path with a NUL byte', claude('Write', { file_path: `${ws}/src/a\u0000.ts`, content: 'x' }), /NUL byte/],
      ['a patch that is not one', JSON.stringify({ session_id: 'x', turn_id: 't', cwd: ws, hook_event_name: 'PreToolUse', model: 'm', permission_mode: 'default', tool_name: 'apply_patch', tool_input: { command: 'rm -rf /' }, tool_use_id: 'c' }), /Begin Patch/],
    ];
    for (const [what, payload, why] of cases) {
      it(`denies ${what} with a reason naming Airlock`, async () => {
        const r = await hook(what.includes('patch') ? 'codex' : 'claude', payload);
        assert.equal(r.code, 0);
        assert.equal(decisionOf(r.stdout), 'deny');
        assert.match(r.stdout, /Airlock: /);
        assert.match(r.stdout, why);
      });
    }

    it('denies a payload over the size limit without reading it all', async () => {
      const huge = Buffer.alloc(97 * 1024 * 1024, 0x61);
      const r = await hook('claude', huge);
      assert.equal(decisionOf(r.stdout), 'deny');
      assert.match(r.stdout, /larger than 96 MiB/);
    });

    it('asks a person about a tool it does not know (the agent prompts when no gate runs)', async () => {
      const r = await hook('claude', claude('FrobnicateDisk', { x: 1 }));
      assert.equal(decisionOf(r.stdout), 'ask');
      assert.match(r.stdout, /does not know the tool FrobnicateDisk/);
    });

    it('refuses an unknown dialect with a usage error', async () => {
      const r = await airlockAsync(['hook', 'chatgpt'], { cwd: ws, env, input: '{}' });
      assert.equal(r.code, 64);
    });
  });
});

describe('a gate that stops or is started twice', () => {
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const make = (asker: ConstructorParameters<typeof GateRuntime>[0]['asker']) => new GateRuntime({ workspace: ws, dataRoot: tree.path('data-stop'), policy: () => loadPolicy({ workspace: ws, home: env.HOME, dataRoot: tree.path('data-stop') }), asker, log: quiet, approvalTimeoutMs: 30_000 });
  const stopEnv = { ...env, AIRLOCK_HOME: tree.path('data-stop') };

  it('a second gate for the same workspace is refused and leaves the first one serving', async () => {
    const first = make({ ask: async () => ({ action: 'allow', by: 'person' }) });
    await first.start();
    const second = make({ ask: async () => ({ action: 'deny', by: 'person' }) });
    await assert.rejects(second.start(), GateBusyError);
    await second.stop();
    const r = await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env: stopEnv, input: claude('Edit', { file_path: join(ws, 'package.json'), old_string: 'demo', new_string: 'x' }) });
    assert.equal(decisionOf(r.stdout), 'allow', 'the first gate still answers, with its own token');
    await first.stop();
  });

  it('denies a request whose gate stops before anyone answers, instead of deciding it again offline', async () => {
    let arrived: () => void = () => undefined;
    const asked = new Promise<void>((r) => (arrived = r));
    const gate = make({ ask: (_r, signal) => (arrived(), new Promise((resolve) => signal.addEventListener('abort', () => resolve({ action: 'deny', by: 'cancelled' })))) });
    await gate.start();
    const pending = airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env: stopEnv, input: claude('Edit', { file_path: join(ws, 'package.json'), old_string: 'demo', new_string: 'y' }) });
    await asked;
    await gate.stop();
    const r = await pending;
    assert.equal(decisionOf(r.stdout), 'deny');
    assert.match(r.stdout, /stopped before answering|nobody answered/);
  });
});

describe('airlock hook with a gate', () => {
  let runtime: GateRuntime;
  const asked: ApprovalRequest[] = [];
  let answer: (r: ApprovalRequest) => Promise<ApprovalAnswer> = async () => ({ action: 'allow', by: 'person' });
  before(async () => {
    runtime = new GateRuntime({
      workspace: ws,
      dataRoot: env.AIRLOCK_HOME,
      policy: () => loadPolicy({ workspace: ws, home: env.HOME, dataRoot: env.AIRLOCK_HOME }),
      asker: { ask: (r) => (asked.push(r), answer(r)) },
      log: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
      approvalTimeoutMs: 1500,
    });
    await runtime.start();
  });
  after(() => runtime.stop());

  it('asks the person through the gate, with the exact diff, and answers allow', async () => {
    answer = async () => ({ action: 'allow', by: 'person' });
    const r = await hook('claude', claude('Edit', { file_path: join(ws, 'package.json'), old_string: 'demo', new_string: 'renamed' }));
    assert.equal(decisionOf(r.stdout), 'allow');
    const req = asked.at(-1)!;
    assert.equal(req.kind, 'edit');
    assert.equal(req.files?.[0]?.before, '{"name":"demo"}\n');
    assert.equal(req.files?.[0]?.after, '{"name":"renamed"}\n');
  });

  it('passes a denial message back to the agent', async () => {
    answer = async () => ({ action: 'deny', by: 'person', message: 'use the changelog instead' });
    const r = await hook('claude', claude('Edit', { file_path: join(ws, 'package.json'), old_string: 'demo', new_string: 'y' }));
    assert.equal(decisionOf(r.stdout), 'deny');
    assert.match(r.stdout, /use the changelog instead/);
  });

  it('denies when nobody answers in time', async () => {
    answer = () => new Promise(() => {});
    const r = await hook('claude', claude('Edit', { file_path: join(ws, 'package.json'), old_string: 'demo', new_string: 'z' }));
    assert.equal(decisionOf(r.stdout), 'deny');
    assert.match(r.stdout, /nobody answered within 2 s/);
  });

  it('remembers "allow for this session"', async () => {
    let calls = 0;
    answer = async () => (calls++, { action: 'allow', scope: 'session', by: 'person' });
    const input = { file_path: join(ws, 'package.json'), old_string: 'demo', new_string: 'q' };
    assert.equal(decisionOf((await hook('claude', claude('Edit', input))).stdout), 'allow');
    assert.equal(decisionOf((await hook('claude', claude('Edit', input))).stdout), 'allow');
    assert.equal(calls, 1);
  });

  it('answers many concurrent hooks', async () => {
    answer = async () => ({ action: 'allow', by: 'person' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => hook('claude', claude('Bash', { command: `echo ${i}` }))));
    for (const r of results) assert.equal(decisionOf(r.stdout), 'allow', r.stdout);
  });

  it('answers the same tool call once when two hook files run it (VS Code reads both)', async () => {
    let calls = 0;
    answer = async () => (calls++, { action: 'allow', by: 'person' });
    const payload = JSON.stringify({ timestamp: new Date().toISOString(), hookEventName: 'PreToolUse', sessionId: 'dup', cwd: ws, tool_name: 'replace_string_in_file', tool_input: { filePath: join(ws, 'package.json'), oldString: 'demo', newString: 'w' }, tool_use_id: 'call_dup' });
    const [a, b] = [await hook('claude', payload), await hook('vscode', payload)];
    assert.equal(decisionOf(a.stdout), 'allow');
    assert.equal(decisionOf(b.stdout), 'allow');
    assert.equal(calls, 1);
  });

  it('asks both deliveries of one tool call once, even when they arrive at the same moment', async () => {
    let calls = 0;
    answer = async () => (calls++, await new Promise((r) => setTimeout(r, 300)), { action: 'allow', by: 'person' });
    const payload = JSON.stringify({ timestamp: new Date().toISOString(), hookEventName: 'PreToolUse', sessionId: 'dup2', cwd: ws, tool_name: 'replace_string_in_file', tool_input: { filePath: join(ws, 'package.json'), oldString: 'demo', newString: 'z' }, tool_use_id: 'call_dup2' });
    const [a, b] = await Promise.all([hook('claude', payload), hook('vscode', payload)]);
    assert.deepEqual([decisionOf(a.stdout), decisionOf(b.stdout)], ['allow', 'allow']);
    assert.equal(calls, 1);
  });

  it('does not let "allow for this session" of one file cover a multi-file edit whose paths join to the same text', async () => {
    let calls = 0;
    answer = async () => (calls++, { action: 'allow', scope: 'session', by: 'person' });
    tree.write('ws/a.json', '{}\n');
    tree.write('ws/b.json', '{}\n');
    tree.write('ws/a.json, b.json', '{}\n');
    const one = { file_path: join(ws, 'a.json, b.json'), content: '[]\n' };
    assert.equal(decisionOf((await hook('claude', claude('Write', one))).stdout), 'allow');
    const patch = { command: '*** Begin Patch\n*** Update File: a.json\n@@\n-{}\n+[]\n*** Update File: b.json\n@@\n-{}\n+[]\n*** End Patch\n' };
    const codex = JSON.stringify({ session_id: 'sess-claude', turn_id: 't', cwd: ws, hook_event_name: 'PreToolUse', model: 'm', permission_mode: 'default', tool_name: 'apply_patch', tool_input: patch, tool_use_id: 'call_multi' });
    await hook('codex', codex);
    assert.equal(calls, 2, 'the two-file edit was asked about');
  });

  it('does not let "allow for this session" answer a tool it does not know', async () => {
    const seen: ApprovalRequest[] = [];
    answer = async (r) => (seen.push(r), { action: 'allow', scope: 'session', by: 'person' });
    await hook('claude', claude('MysteryTool', { anything: 1 }));
    await hook('claude', claude('MysteryTool', { anything: 2 }));
    assert.equal(seen.length, 2);
    assert.equal(seen[0]!.sessionScope, false, 'the person is not offered a session-wide answer');
    assert.match(seen[0]!.input ?? '', /"anything": 1/, 'the person sees the input');
  });

  describe('the socket under hostile clients (the gate keeps serving)', () => {
    const raw = (bytes: Buffer | undefined, waitMs = 300): Promise<string> =>
      new Promise((resolve) => {
        const s = connect(socketPathFor(workspaceDataDir(env.AIRLOCK_HOME, ws)));
        let out = '';
        s.on('data', (d: Buffer) => (out += d.toString('utf8', out === '' ? 4 : 0)));
        s.on('close', () => resolve(out));
        s.on('error', () => resolve(out));
        s.on('connect', () => {
          if (bytes) s.write(bytes);
          setTimeout(() => s.destroy(), waitMs);
        });
      });
    const stillServing = async (): Promise<void> => {
      const r = await hook('claude', claude('Read', { file_path: join(ws, 'src/existing.ts') }));
      assert.equal(decisionOf(r.stdout), 'allow');
    };

    it('refuses a wrong token', async () => {
      assert.match(await raw(encodeFrame({ v: 1, token: 'nope', type: 'ping' })), /wrong or missing token/);
      await stillServing();
    });
    it('drops a client that connects and never sends', async () => {
      assert.match(await raw(undefined, 6500), /no request arrived in time/);
      await stillServing();
    });
    it('refuses an oversized frame', async () => {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(0xfffffff0, 0);
      assert.match(await raw(head), /larger than the gate accepts/);
      await stillServing();
    });
    it('refuses garbage', async () => {
      const body = Buffer.from('not json at all');
      const head = Buffer.alloc(4);
      head.writeUInt32BE(body.length, 0);
      assert.match(await raw(Buffer.concat([head, body])), /not JSON/);
      await stillServing();
    });
    it('keeps the token file readable only by the user', () => {
      const file = join(workspaceDataDir(env.AIRLOCK_HOME, ws), 'gate.token');
      assert.ok(existsSync(file));
      assert.equal((readFileSync(file, 'utf8').length), 64);
    });
  });
});
