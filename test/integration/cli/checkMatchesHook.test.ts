/**
 * `airlock check` answers exactly what the hook would (issue "One decision engine for every entry
 * point"): every command, edit and read of the decision corpus is decided through `airlock check --json`
 * and through `airlock hook claude` (deciding on its own, as with no gate), side by side, at the same
 * trust level, on the same workspace. Both are the real entry points (`main` and `offlineHook`), called
 * in this process so that the whole corpus runs in seconds.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWorkspace } from '../../../src/engine/workspace';
import { offlineHook } from '../../../src/engine/offline';
import { main } from '../../../src/main';
import type { TrustLevel } from '../../../src/core/policy/types';
import { CASES, corpusWorkspace, fillCase, type CorpusPlaces } from '../../fixtures/decisionCases';
import { tempTree, type TempTree } from '../../unit/helpers/fixtures';

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const srcCli = join(new URL('../../../src/cli', import.meta.url).pathname);

describe('airlock check and the hook decide alike (the whole corpus)', () => {
  let tree: TempTree;
  let places: CorpusPlaces;
  const saved = { HOME: process.env.HOME, AIRLOCK_HOME: process.env.AIRLOCK_HOME, AIRLOCK_SANDBOX_DISABLE: process.env.AIRLOCK_SANDBOX_DISABLE };

  before(() => {
    tree = tempTree();
    places = corpusWorkspace(tree);
    process.env.HOME = places.home;
    process.env.AIRLOCK_HOME = places.data;
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    tree.cleanup();
  });

  const cases = CASES.filter((c) => !c.input.startsWith('T '));
  it(`decides ${cases.length} cases the same way through both entry points`, async () => {
    const ws = openWorkspace({ workspace: places.ws, dataRoot: places.data, home: places.home });
    const differences: string[] = [];
    let n = 0;
    for (const c of cases) {
      n++;
      if (c.noSandbox) process.env.AIRLOCK_SANDBOX_DISABLE = '1';
      else delete process.env.AIRLOCK_SANDBOX_DISABLE;
      ws.trust.set('claude', c.trust as TrustLevel, 'corpus');
      const input = fillCase(c.input, places);
      const body = input.slice(2);
      const abs = (p: string): string => (p.startsWith('/') ? p : p.startsWith('~/') ? `${places.home}${p.slice(1)}` : join(places.ws, p));
      const flag = input.startsWith('$ ') ? ['--command', body] : input.startsWith('E ') ? ['--edit', abs(body)] : ['--read', abs(body)];
      let out = '';
      const code = await main(['check', '--workspace', places.ws, '--agent', 'claude', ...flag, '--json'], { out: (t) => void (out += t), err: () => undefined });
      assert.equal(code, 0, `check failed for ${input}`);
      const checked = (JSON.parse(out) as { action: string }).action;

      const toolInput = input.startsWith('$ ') ? { tool_name: 'Bash', tool_input: { command: body } } : input.startsWith('E ') ? { tool_name: 'Write', tool_input: { file_path: abs(body), content: 'x' } } : { tool_name: 'Read', tool_input: { file_path: abs(body) } };
      // A fresh agent session per case: the hook's session limits start from zero, as check's do.
      const payload = JSON.stringify({ session_id: `corpus-${n}`, transcript_path: '/t', cwd: places.ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_use_id: `t${n}`, ...toolInput });
      ws.trust.set('claude', c.trust as TrustLevel, 'corpus');
      const answer = await offlineHook({ payload, dialect: 'claude', workspace: places.ws, dataRoot: places.data, home: places.home, installDir: srcCli, log: quiet });
      const hooked = (JSON.parse(answer.stdout) as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput.permissionDecision;
      // A command that may run (allowed, or left to the agent to ask) holds the workspace's command slot
      // until its PostToolUse, which a real agent sends; without it the next case (another session)
      // would wait 3 s for the slot.
      if (hooked !== 'deny' && input.startsWith('$ ')) {
        const post = JSON.stringify({ ...(JSON.parse(payload) as object), hook_event_name: 'PostToolUse', tool_response: { stdout: '', stderr: '', interrupted: false } });
        await offlineHook({ payload: post, dialect: 'claude', workspace: places.ws, dataRoot: places.data, home: places.home, installDir: srcCli, log: quiet });
      }
      if (checked !== hooked) differences.push(`${input} at level ${c.trust}${c.noSandbox ? ' without a sandbox' : ''}: check says ${checked}, the hook ${hooked}`);
    }
    assert.deepEqual(differences, []);
  });
});
