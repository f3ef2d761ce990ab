/**
 * The real Gemini CLI (from npm, pinned in test/e2e/package.json) driven offline by a scripted Gemini API,
 * with Airlock installed by `airlock install gemini` and no gate (the hook decides alone): edits allowed
 * and denied, commands allowed, denied and rewritten into the sandbox, an action that needs a person in a
 * headless run (answered at once, not left waiting), the session's end, the audit log,
 * `airlock rollback --last`, doctor's check, and a hook that cannot start.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launcherPath } from '../../../src/core/install/hookConfigs';
import { sandboxAvailability } from '../../../src/core/sandbox/backends';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../../integration/helpers/cli';
import { assertAudited, assertOnDisk, assertRollback, auditOf, layOutWorkspace, SCENARIO, sessionsOf, treeOf } from '../codex/agentScenario';
import { runAgent, type AgentRun } from '../codex/fakeResponses';
import { functionResponses, startFakeGemini, type FakeGeminiApi, type GeminiTurn } from './fakeGemini';

/** The Gemini CLI installed by `npm ci --prefix test/e2e` (scripts/setup.sh). */
export const GEMINI = new URL('../node_modules/.bin/gemini', import.meta.url).pathname;

const available = sandboxAvailability();

describe('a real Gemini CLI session through Airlock', { skip: !available.available && !process.env.CI ? `no sandbox here: ${available.reason}` : false }, () => {
  const tree = tempTree('airlock-gemini-');
  const ws = tree.path('ws');
  const home = tree.path('home');
  const outside = tree.path('outside');
  const env = { HOME: home, AIRLOCK_HOME: tree.path('data') };
  let api: FakeGeminiApi;
  let run: AgentRun;
  let beforeSession: Record<string, string>;
  let doctor: { agent: string; status: string; canary?: { answered: boolean; audited: boolean } };

  const turns: GeminiTurn[] = [
    { call: 'write_file', args: { file_path: SCENARIO.created.path, content: SCENARIO.created.content } },
    { call: 'replace', args: { file_path: SCENARIO.modified.path, old_string: SCENARIO.modified.before, new_string: SCENARIO.modified.after, instruction: 'bump the app' } },
    { call: 'write_file', args: { file_path: SCENARIO.secret.path, content: SCENARIO.secret.stolen } },
    { call: 'run_shell_command', args: { command: SCENARIO.allowedCommand, description: 'generate' } },
    { call: 'run_shell_command', args: { command: SCENARIO.deniedCommand, description: 'steal' } },
    { call: 'run_shell_command', args: { command: SCENARIO.sandboxCommand(outside), description: 'write two files' } },
    // No rule decides `ls`: at trust level 0 it needs a person, and a headless Gemini cannot ask one.
    { call: 'run_shell_command', args: { command: 'ls', description: 'look around' } },
    { text: 'All done.' },
  ];

  const geminiEnv = (url: string): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    HOME: home,
    AIRLOCK_HOME: env.AIRLOCK_HOME,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    GOOGLE_GEMINI_BASE_URL: url,
    GEMINI_API_KEY: 'dummy',
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
  });
  const gemini = (url: string, prompt: string): Promise<AgentRun> => runAgent(GEMINI, ['-p', prompt, '--approval-mode', 'yolo', '--output-format', 'json'], { cwd: ws, env: geminiEnv(url), timeoutMs: 120_000 });

  before(async () => {
    assert.ok(existsSync(GEMINI), `the Gemini CLI is not installed at ${GEMINI}: run scripts/setup.sh (it installs test/e2e)`);
    mkdirSync(join(home, '.gemini'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
    layOutWorkspace(tree);
    const install = airlock(['install', 'gemini'], { cwd: ws, env });
    assert.equal(install.code, 0, install.stderr);
    const d = airlock(['doctor', '--json'], { cwd: ws, env });
    doctor = (JSON.parse(d.stdout) as { agents: (typeof doctor)[] }).agents.find((a) => a.agent === 'gemini')!;
    beforeSession = treeOf(ws);
    api = await startFakeGemini(turns);
    run = await gemini(api.url, 'Do the scripted work.');
  });

  after(async () => {
    await api?.close();
    tree.cleanup();
  });

  it('doctor proves the installed hook with a check the audit log records as a check', () => {
    assert.equal(doctor.status, 'guarded', JSON.stringify(doctor));
    assert.deepEqual({ answered: doctor.canary?.answered, audited: doctor.canary?.audited }, { answered: true, audited: true });
    const checks = auditOf(ws, env).filter((r) => r.type === 'check');
    assert.equal(checks.length, 1);
    assert.ok(!auditOf(ws, env).some((r) => r.type === 'decision' && r.agentSessionId?.startsWith('airlock-doctor')), 'the check is no decision');
  });

  it('runs the whole scripted session', () => {
    assert.equal(run.code, 0, `gemini exited ${run.code}: ${run.stderr}\n${run.stdout}`);
    assert.equal(api.requests.length, turns.length, 'every scripted turn was asked for');
  });

  it('lets the allowed edits and commands through, denies the others, and runs the sandboxed command in the sandbox', () => {
    assertOnDisk(ws, outside);
    const responses = functionResponses(api.requests);
    assert.match(responses[2] ?? '', /Airlock: secrets\/key\.txt: .*secrets stay with humans/, 'Gemini was told why the edit was denied');
    assert.match(responses[4] ?? '', /Airlock: .*secrets/, 'Gemini was told why the command was denied');
    assert.match(responses[5] ?? '', /ENOENT|EROFS|read-only/i, 'Gemini saw the write outside the workspace fail');
  });

  it("answers an action that needs a person at once in a headless run (Gemini's own prompt would wait forever)", () => {
    const responses = functionResponses(api.requests);
    assert.match(responses[6] ?? '', /needs a person's approval, and no Airlock gate is running/);
    assert.ok(run.ms < 60_000, `the run took ${run.ms} ms`);
  });

  it('records every decision in the audit log, with the session, the tool and the target', () => {
    assertAudited(ws, env, 'gemini');
  });

  it('ends the session when Gemini ends', () => {
    const sessions = sessionsOf(ws, env).filter((s) => s.agent === 'gemini');
    assert.equal(sessions.length, 1);
    assert.notEqual(sessions[0]!.ended, null, 'the SessionEnd hook ended the session');
  });

  it('rolls the whole session back exactly with `airlock rollback --last`', () => {
    assertRollback(ws, env, beforeSession, 'gemini');
  });

  it('blocks the tool call when the hook cannot start (its launcher is gone)', async () => {
    const launcher = launcherPath(env.AIRLOCK_HOME);
    renameSync(launcher, `${launcher}.away`);
    const blockedApi = await startFakeGemini([{ call: 'write_file', args: { file_path: 'src/blocked.ts', content: 'export {};\n' } }, { text: 'Done.' }]);
    try {
      const blocked = await gemini(blockedApi.url, 'Try once more.');
      assert.ok(!existsSync(join(ws, 'src/blocked.ts')), `the edit did not happen (gemini exited ${blocked.code})`);
      assert.match(functionResponses(blockedApi.requests).join('\n'), /Airlock: its hook could not start/);
    } finally {
      renameSync(`${launcher}.away`, launcher);
      await blockedApi.close();
    }
  });
});
