/**
 * The real Codex CLI (from npm, pinned in test/e2e/package.json) driven offline by a scripted Responses
 * API, with Airlock installed by `airlock install codex` and no gate (the hook decides alone). Codex runs
 * project hooks only in a trusted project and only once a person trusted them: `airlock doctor` first says
 * they are skipped and how to trust them; the test trusts them that way and runs Codex without its
 * `--dangerously-bypass-hook-trust`, so the real Codex is the judge of whether doctor was right.
 * Then: edits through apply_patch allowed and denied, commands allowed, denied and rewritten into the
 * sandbox, the session's end, the audit log, `airlock rollback --last`, and a hook that cannot start.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launcherPath } from '../../../src/core/install/hookConfigs';
import { sandboxAvailability } from '../../../src/core/sandbox/backends';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../../integration/helpers/cli';
import { assertAudited, assertOnDisk, assertRollback, layOutWorkspace, SCENARIO, sessionsOf, treeOf } from './agentScenario';
import { runAgent, startFakeResponses, toolOutputs, type AgentRun, type FakeResponsesApi, type ResponsesTurn } from './fakeResponses';

/** The Codex CLI installed by `npm ci --prefix test/e2e` (scripts/setup.sh). */
export const CODEX = new URL('../node_modules/.bin/codex', import.meta.url).pathname;

const available = sandboxAvailability();

interface DoctorAgent {
  agent: string;
  status: string;
  fix?: string;
  skipped?: { reason: string; fix: string }[];
}

describe('a real Codex session through Airlock', { skip: !available.available && !process.env.CI ? `no sandbox here: ${available.reason}` : false }, () => {
  const tree = tempTree('airlock-codex-');
  const ws = tree.path('ws');
  const home = tree.path('home');
  const outside = tree.path('outside');
  const env = { HOME: home, AIRLOCK_HOME: tree.path('data') };
  let api: FakeResponsesApi;
  let run: AgentRun;
  let beforeSession: Record<string, string>;
  let doctorBefore: DoctorAgent;
  let doctorAfter: DoctorAgent;

  const patch = (body: string): string => `*** Begin Patch\n${body}*** End Patch\n`;
  const turns: ResponsesTurn[] = [
    { custom: 'apply_patch', input: patch(`*** Add File: ${SCENARIO.created.path}\n+${SCENARIO.created.content.trimEnd()}\n`) },
    { custom: 'apply_patch', input: patch(`*** Update File: ${SCENARIO.modified.path}\n@@\n-${SCENARIO.modified.before.trimEnd()}\n+${SCENARIO.modified.after.trimEnd()}\n`) },
    { custom: 'apply_patch', input: patch(`*** Update File: ${SCENARIO.secret.path}\n@@\n-${SCENARIO.secret.content.trimEnd()}\n+${SCENARIO.secret.stolen.trimEnd()}\n`) },
    { tool: 'exec_command', args: { cmd: SCENARIO.allowedCommand } },
    { tool: 'exec_command', args: { cmd: SCENARIO.deniedCommand } },
    { tool: 'exec_command', args: { cmd: SCENARIO.sandboxCommand(outside) } },
    { text: 'All done.' },
  ];

  const codexEnv = (_apiUrl: string): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: home, AIRLOCK_HOME: env.AIRLOCK_HOME, LANG: 'C.UTF-8', MOCK_API_KEY: 'dummy', NO_COLOR: '1' });
  const writeConfig = (apiUrl: string, extra = ''): void => {
    writeFileSync(
      join(home, '.codex', 'config.toml'),
      `model_provider = "mock"\nmodel = "gpt-5.5"\napproval_policy = "never"\nsandbox_mode = "danger-full-access"\n\n[model_providers.mock]\nname = "mock"\nbase_url = "${apiUrl}"\nwire_api = "responses"\nenv_key = "MOCK_API_KEY"\n${extra}`,
    );
  };
  const doctorFor = (agent: string): DoctorAgent => {
    const r = airlock(['doctor', '--json'], { cwd: ws, env });
    const report = JSON.parse(r.stdout) as { agents: DoctorAgent[] };
    return report.agents.find((a) => a.agent === agent)!;
  };

  before(async () => {
    assert.ok(existsSync(CODEX), `the Codex CLI is not installed at ${CODEX}: run scripts/setup.sh (it installs test/e2e)`);
    mkdirSync(join(home, '.codex'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    layOutWorkspace(tree);
    api = await startFakeResponses(turns);
    writeConfig(api.url);
    const install = airlock(['install', 'codex'], { cwd: ws, env });
    assert.equal(install.code, 0, install.stderr);
    doctorBefore = doctorFor('codex');
    // Trust the project and Airlock's hooks exactly as doctor's fix says (what /hooks in Codex writes).
    const lines = [...(doctorBefore.fix ?? '').matchAll(/(\[(?:projects|hooks\.state)\."[^"]+"\]) (\w+ = "[^"]+")/g)].map((m) => `${m[1]}\n${m[2]}\n`);
    writeConfig(api.url, `\n${lines.join('')}`);
    doctorAfter = doctorFor('codex');
    beforeSession = treeOf(ws);
    run = await runAgent(CODEX, ['exec', '--json', '--skip-git-repo-check', 'Do the scripted work.'], { cwd: ws, env: codexEnv(api.url) });
  });

  after(async () => {
    await api?.close();
    tree.cleanup();
  });

  it('doctor says the hooks are skipped until Codex trusts them, and guarded once trusted as it says', () => {
    assert.equal(doctorBefore.status, 'skipped', JSON.stringify(doctorBefore));
    assert.match(doctorBefore.skipped!.map((s) => s.reason).join('\n'), /has not trusted Airlock's hooks/);
    assert.match(doctorBefore.fix!, /\/hooks/);
    assert.equal(doctorAfter.status, 'guarded', JSON.stringify(doctorAfter));
  });

  it('runs the whole scripted session with the hooks trusted (no bypass)', () => {
    assert.equal(run.code, 0, `codex exited ${run.code}: ${run.stderr}\n${run.stdout}`);
    assert.equal(api.requests.length, turns.length, 'every scripted turn was asked for');
  });

  it('lets the allowed edits and commands through, denies the others, and runs the sandboxed command in the sandbox', () => {
    assertOnDisk(ws, outside);
    const outputs = toolOutputs(api.requests);
    assert.match(outputs.get('call_t2') ?? '', /Airlock: secrets\/key\.txt: .*secrets stay with humans/, 'Codex was told why the edit was denied');
    assert.match(outputs.get('call_t4') ?? '', /blocked by PreToolUse hook: Airlock: .*secrets/, 'Codex was told why the command was denied');
    assert.match(outputs.get('call_t5') ?? '', /ENOENT|EROFS|read-only/i, 'Codex saw the write outside the workspace fail');
  });

  it('records every decision in the audit log, with the session, the tool and the target', () => {
    assertAudited(ws, env, 'codex');
  });

  it('ends the session when Codex ends', () => {
    const sessions = sessionsOf(ws, env).filter((s) => s.agent === 'codex');
    assert.equal(sessions.length, 1);
    assert.notEqual(sessions[0]!.ended, null, 'the SessionEnd hook ended the session');
    assert.ok(sessions[0]!.files >= 4, `the session touched the files: ${JSON.stringify(sessions[0])}`);
  });

  it('rolls the whole session back exactly with `airlock rollback --last`', () => {
    assertRollback(ws, env, beforeSession, 'codex');
  });

  it('blocks the tool call when the hook cannot start (its launcher is gone)', async () => {
    const launcher = launcherPath(env.AIRLOCK_HOME);
    renameSync(launcher, `${launcher}.away`);
    const blockedApi = await startFakeResponses([{ custom: 'apply_patch', input: patch('*** Add File: src/blocked.ts\n+export {};\n') }, { text: 'Done.' }]);
    try {
      writeFileSync(join(home, '.codex', 'config.toml'), (await import('node:fs')).readFileSync(join(home, '.codex', 'config.toml'), 'utf8').replace(api.url, blockedApi.url));
      const blocked = await runAgent(CODEX, ['exec', '--json', '--skip-git-repo-check', 'Try once more.'], { cwd: ws, env: codexEnv(blockedApi.url) });
      assert.equal(blocked.code, 0, blocked.stderr);
      assert.ok(!existsSync(join(ws, 'src/blocked.ts')), 'the edit did not happen');
      assert.match(toolOutputs(blockedApi.requests).get('call_t0') ?? '', /Airlock: its hook could not start/);
    } finally {
      renameSync(`${launcher}.away`, launcher);
      await blockedApi.close();
    }
  });
});
