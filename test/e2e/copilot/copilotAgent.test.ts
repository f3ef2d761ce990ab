/**
 * The real GitHub Copilot CLI (from npm, pinned in test/e2e/package.json), offline against a scripted
 * Responses API with a GPT model (so it edits through `apply_patch`, whose arguments reach the hook as a raw
 * patch, not JSON), with Airlock installed by `airlock install copilot-cli` and no gate. Copilot CLI runs a
 * folder's hooks only once the folder is trusted: doctor first says they are skipped, the test trusts the
 * folder as doctor says, and the real Copilot CLI then runs them. Then: edits allowed and denied, commands
 * allowed, denied and rewritten into the sandbox, the session's end, the audit log, `airlock rollback
 * --last`, and a hook that cannot start.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launcherPath } from '../../../src/core/install/hookConfigs';
import { sandboxAvailability } from '../../../src/core/sandbox/backends';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../../integration/helpers/cli';
import { assertAudited, assertOnDisk, assertRollback, layOutWorkspace, SCENARIO, sessionsOf, treeOf } from '../codex/agentScenario';
import { runAgent, startFakeResponses, toolOutputs, type AgentRun, type FakeResponsesApi, type ResponsesTurn } from '../codex/fakeResponses';

/** The Copilot CLI installed by `npm ci --prefix test/e2e` (scripts/setup.sh). */
export const COPILOT = new URL('../node_modules/.bin/copilot', import.meta.url).pathname;
/** Copilot CLI unpacks ~235 MB into its cache on first run: shared between runs so that it happens once. */
const CACHE = join(tmpdir(), 'airlock-e2e-copilot-cache');

const available = sandboxAvailability();

interface DoctorAgent {
  agent: string;
  status: string;
  fix?: string;
  skipped?: { reason: string; fix: string }[];
}

describe('a real Copilot CLI session through Airlock', { skip: !available.available && !process.env.CI ? `no sandbox here: ${available.reason}` : false }, () => {
  const tree = tempTree('airlock-copilot-');
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
    { tool: 'bash', args: { command: SCENARIO.allowedCommand, description: 'generate' } },
    { tool: 'bash', args: { command: SCENARIO.deniedCommand, description: 'steal' } },
    { tool: 'bash', args: { command: SCENARIO.sandboxCommand(outside), description: 'write two files' } },
    { text: 'All done.' },
  ];

  const copilotEnv = (url: string): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CACHE_HOME: CACHE,
    AIRLOCK_HOME: env.AIRLOCK_HOME,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    COPILOT_OFFLINE: 'true',
    COPILOT_PROVIDER_BASE_URL: url,
    COPILOT_PROVIDER_API_KEY: 'dummy',
    COPILOT_PROVIDER_WIRE_API: 'responses',
    COPILOT_MODEL: 'gpt-5.5',
  });
  const copilot = (url: string, prompt: string): Promise<AgentRun> => runAgent(COPILOT, ['-p', prompt, '--allow-all-tools', '--allow-all-paths'], { cwd: ws, env: copilotEnv(url), timeoutMs: 180_000 });
  const doctorFor = (agent: string): DoctorAgent => {
    const r = airlock(['doctor', '--json'], { cwd: ws, env });
    return (JSON.parse(r.stdout) as { agents: DoctorAgent[] }).agents.find((a) => a.agent === agent)!;
  };

  before(async () => {
    assert.ok(existsSync(COPILOT), `the Copilot CLI is not installed at ${COPILOT}: run scripts/setup.sh (it installs test/e2e)`);
    mkdirSync(join(home, '.copilot'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    mkdirSync(CACHE, { recursive: true });
    layOutWorkspace(tree);
    const install = airlock(['install', 'copilot-cli'], { cwd: ws, env });
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, /warning: GitHub Copilot CLI will not run them yet: Copilot CLI does not trust this folder/);
    doctorBefore = doctorFor('copilot-cli');
    // Trust the folder as Copilot CLI does when a person says so.
    writeFileSync(join(home, '.copilot', 'config.json'), JSON.stringify({ trustedFolders: [ws] }));
    doctorAfter = doctorFor('copilot-cli');
    beforeSession = treeOf(ws);
    api = await startFakeResponses(turns);
    run = await copilot(api.url, 'Do the scripted work.');
  });

  after(async () => {
    await api?.close();
    tree.cleanup();
  });

  it('doctor says the hooks are skipped in an untrusted folder, and guarded once it is trusted', () => {
    assert.equal(doctorBefore.status, 'skipped', JSON.stringify(doctorBefore));
    assert.match(doctorBefore.fix!, /trust the folder/);
    assert.equal(doctorAfter.status, 'guarded', JSON.stringify(doctorAfter));
  });

  it('runs the whole scripted session', () => {
    assert.equal(run.code, 0, `copilot exited ${run.code}: ${run.stderr}\n${run.stdout}`);
    assert.equal(api.requests.length, turns.length, 'every scripted turn was asked for');
  });

  it('edits through apply_patch with a raw patch, denies the secret, runs and denies commands, and runs the sandboxed one in the sandbox', () => {
    assertOnDisk(ws, outside);
    const outputs = toolOutputs(api.requests);
    assert.match(outputs.get('call_t2') ?? '', /Denied by preToolUse hook: Airlock: secrets\/key\.txt: .*secrets stay with humans/, 'Copilot was told why the edit was denied');
    assert.match(outputs.get('call_t4') ?? '', /Denied by preToolUse hook: Airlock: .*secrets/, 'Copilot was told why the command was denied');
    assert.match(outputs.get('call_t5') ?? '', /ENOENT|EROFS|read-only/i, 'Copilot saw the write outside the workspace fail');
  });

  it('records every decision in the audit log, with the session, the tool and the target', () => {
    assertAudited(ws, env, 'copilot-cli');
  });

  it('ends the session when Copilot CLI ends', () => {
    const sessions = sessionsOf(ws, env).filter((s) => s.agent === 'copilot-cli');
    assert.equal(sessions.length, 1);
    assert.notEqual(sessions[0]!.ended, null, 'the sessionEnd hook ended the session');
  });

  it('rolls the whole session back exactly with `airlock rollback --last`', () => {
    assertRollback(ws, env, beforeSession, 'copilot-cli');
  });

  it('blocks the tool call when the hook cannot start (its launcher is gone)', async () => {
    const launcher = launcherPath(env.AIRLOCK_HOME);
    renameSync(launcher, `${launcher}.away`);
    const blockedApi = await startFakeResponses([{ custom: 'apply_patch', input: patch('*** Add File: src/blocked.ts\n+export {};\n') }, { text: 'Done.' }]);
    try {
      const blocked = await copilot(blockedApi.url, 'Try once more.');
      assert.ok(!existsSync(join(ws, 'src/blocked.ts')), `the edit did not happen (copilot exited ${blocked.code})`);
      assert.match(toolOutputs(blockedApi.requests).get('call_t0') ?? '', /Denied by preToolUse hook/);
    } finally {
      renameSync(`${launcher}.away`, launcher);
      await blockedApi.close();
    }
  });
});
