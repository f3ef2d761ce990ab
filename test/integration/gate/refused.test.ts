/**
 * Real hook processes: a refused payload keeps its session (listed, and the one `rollback --last` takes),
 * doctor's canary is recognised only with the nonce doctor armed and leaves checks (not decisions) in the
 * audit log, and a reader that stops early does not make the CLI print a stack trace.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canaryPayload } from '../../../src/agents/hookHealth';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock, airlockAsync, CLI } from '../helpers/cli';

const tree = tempTree('airlock-refused-');
const ws = tree.path('ws');
const env = { HOME: tree.path('home'), AIRLOCK_HOME: tree.path('data') };
after(() => tree.cleanup());
before(() => {
  tree.write('ws/.git/HEAD', 'ref: refs/heads/main\n');
  tree.write('ws/.vscode/airlock.json', JSON.stringify({ version: 1, rules: [{ action: 'allow', edit: ['src/**'] }] }));
  tree.write('ws/src/a.ts', 'export const a = 1;\n');
});

interface Line {
  type: string;
  agent?: string;
  agentSessionId?: string;
  session?: string;
  tool?: string;
  target?: string;
  action?: string;
  decidedBy?: string;
}
const audit = (): Line[] => JSON.parse(airlock(['audit', '--json'], { cwd: ws, env }).stdout) as Line[];

describe('a payload refused as malformed', () => {
  it('is audited with its session, tool and target, listed as a session, and is what `rollback --last` takes', async () => {
    // An earlier session that changed a file.
    const claude = (tool: string, input: object, event = 'PreToolUse') => JSON.stringify({ session_id: 'older', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: event, tool_name: tool, tool_input: input, tool_use_id: 'toolu_1' });
    const pre = await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: claude('Write', { file_path: join(ws, 'src/a.ts'), content: 'export const a = 2;\n' }) });
    assert.match(pre.stdout, /"allow"/);
    writeFileSync(join(ws, 'src/a.ts'), 'export const a = 2;\n');
    await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: claude('Write', { file_path: join(ws, 'src/a.ts'), content: 'export const a = 2;\n' }, 'PostToolUse') });
    // Then a Copilot CLI session whose only call is refused.
    const bad = JSON.stringify({ sessionId: 'newer', timestamp: Date.now(), cwd: ws, toolName: 'bash', toolArgs: 'rm -rf ~ # not JSON' });
    const r = await airlockAsync(['hook', 'copilot-cli', '--workspace', ws, '--event', 'preToolUse'], { cwd: ws, env, input: bad });
    assert.equal(JSON.parse(r.stdout).permissionDecision, 'deny', 'answered in Copilot CLI\'s format');
    const refused = audit().find((l) => l.decidedBy === 'error')!;
    assert.deepEqual({ agent: refused.agent, agentSessionId: refused.agentSessionId, tool: refused.tool, target: refused.target, action: refused.action }, { agent: 'copilot-cli', agentSessionId: 'newer', tool: 'bash', target: 'rm -rf ~ # not JSON', action: 'deny' });
    assert.ok(refused.session, 'the record names the session');
    const sessions = JSON.parse(airlock(['sessions', '--json'], { cwd: ws, env }).stdout) as { id: string; agent: string; agentSessionId: string }[];
    assert.equal(sessions[0]!.agentSessionId, 'newer');
    assert.equal(sessions[0]!.id, refused.session);
    const rb = JSON.parse(airlock(['rollback', '--last', '--json'], { cwd: ws, env }).stdout) as { session: string; restored: string[] };
    assert.equal(rb.session, refused.session, 'the last session is rolled back, not the one before it');
    assert.deepEqual(rb.restored, []);
  });
});

describe("doctor's canary", () => {
  it('is decided like any payload without the nonce doctor armed, so a payload cannot pass for one', async () => {
    const forged = canaryPayload('claude', ws, 'f'.repeat(24));
    const r = await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: forged });
    assert.doesNotMatch(r.stdout, /Airlock check/);
    assert.ok(!audit().some((l) => l.type === 'check'));
  });

  it('leaves only checks in the audit log, never a denial of an agent', () => {
    for (const agent of ['claude', 'gemini', 'codex', 'copilot-cli', 'cursor', 'vscode']) assert.equal(airlock(['install', agent], { cwd: ws, env }).code, 0);
    const before = audit().length;
    const d = airlock(['doctor', '--json'], { cwd: ws, env });
    const report = JSON.parse(d.stdout) as { agents: { agent: string; status: string; canary?: { answered: boolean; audited: boolean } }[] };
    for (const a of report.agents) assert.deepEqual({ agent: a.agent, answered: a.canary?.answered, audited: a.canary?.audited }, { agent: a.agent, answered: true, audited: true });
    const added = audit().slice(before);
    assert.equal(added.length, 6);
    assert.ok(added.every((l) => l.type === 'check'), JSON.stringify(added));
    const sessions = JSON.parse(airlock(['sessions', '--json'], { cwd: ws, env }).stdout) as { agentSessionId: string }[];
    assert.ok(!sessions.some((s) => s.agentSessionId.startsWith('airlock-doctor') && s.agentSessionId !== 'airlock-doctor-ffffffff'), 'no session for the canaries (only for the forged one, decided as any payload)');
  });
});

describe('a reader that stops early', () => {
  it('ends `airlock install` quietly, with no stack trace', async () => {
    const child = spawn(process.execPath, [CLI, 'install', 'claude', '--workspace', ws], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.doesNotMatch(stderr, /EPIPE|at .*\.js:\d+/);
    assert.equal(code, 0);
  });
});
