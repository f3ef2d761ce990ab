/**
 * The real Claude Code CLI with a policy that sandboxes commands: Airlock's hook answers allow with the
 * Bash command rewritten (`updatedInput`), and Claude Code runs the rewritten command. Shows that the
 * command ran (its file in the workspace exists), that it ran inside the sandbox (its write outside the
 * workspace failed), and what Claude was told.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sandboxAvailability } from '../../../src/core/sandbox/backends';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../../integration/helpers/cli';
import { CLAUDE, runClaude, startFakeApi, toolResults, type FakeApi } from './fakeAnthropic';

const available = sandboxAvailability();
const skip = !available.available && !process.env.CI ? `no sandbox here: ${available.reason}` : false;

describe('a real Claude Code session with sandboxed commands', { skip }, () => {
  const tree = tempTree('airlock-claude-sbx-');
  const ws = tree.path('ws');
  const home = tree.path('home');
  const outside = tree.path('outside');
  const env = { HOME: home, AIRLOCK_HOME: tree.path('data') };
  let api: FakeApi;
  let run: { code: number | null; stdout: string; stderr: string };
  const command = `node -e "require('fs').writeFileSync(process.argv[1], 'escaped')" ${outside}/escaped.txt; node -e "require('fs').writeFileSync('inside.txt', 'ran in the sandbox')"; echo "exit=$?"`;

  before(async () => {
    assert.ok(existsSync(CLAUDE), `the Claude Code CLI is not installed at ${CLAUDE}: run scripts/setup.sh`);
    mkdirSync(home, { recursive: true });
    mkdirSync(outside, { recursive: true });
    tree.write('ws/.git/HEAD', 'ref: refs/heads/main\n');
    tree.write('ws/.vscode/airlock.json', JSON.stringify({ version: 1, rules: [{ action: 'allow', command: ['node *', 'echo *'] }], sandbox: { enabled: true, limits: { timeoutSeconds: 60 } } }, null, 2));
    const install = airlock(['install', 'claude'], { cwd: ws, env });
    assert.equal(install.code, 0, install.stderr);
    api = await startFakeApi([{ tool: 'Bash', input: { command, description: 'write two files' } }, { text: 'Done.' }]);
    run = await runClaude({ cwd: ws, home, airlockHome: env.AIRLOCK_HOME, api, prompt: 'Run the command.' });
  });

  after(async () => {
    await api?.close();
    tree.cleanup();
  });

  it('runs the rewritten command: it works in the workspace and cannot write outside it', () => {
    assert.equal(run.code, 0, `claude exited ${run.code}: ${run.stderr}\n${run.stdout}`);
    assert.equal(api.requests.length, 2);
    const result = toolResults(api.requests).get('toolu_fake_t0')!;
    assert.equal(readFileSync(join(ws, 'inside.txt'), 'utf8'), 'ran in the sandbox', `tool result: ${result.content}`);
    assert.ok(!existsSync(join(outside, 'escaped.txt')), 'the write outside the workspace did not happen');
    assert.match(result.content, /ENOENT|EROFS|read-only/i, 'Claude was told the write outside failed');
    assert.match(result.content, /exit=0/);
  });
});
