/**
 * The real Claude Code CLI with the default sandbox (the policy has no sandbox section): Airlock's hook
 * answers allow with the Bash command rewritten (`updatedInput`), and Claude Code runs the rewritten
 * command. Shows that the command ran (its file in the workspace exists), that it ran inside the sandbox
 * (its write outside the workspace failed), that a second command's attempts to plant what the host's git
 * and the agents would run later left nothing behind, and what Claude was told.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    mkdirSync(ws, { recursive: true });
    execFileSync('git', ['init', '-q', ws]);
    tree.write('ws/.vscode/airlock.json', JSON.stringify({ version: 1, rules: [{ action: 'allow', command: ['node *', 'echo *', 'sh *'] }] }, null, 2));
    writeFileSync(join(ws, 'plant.sh'), `git config core.fsmonitor "touch ${outside}/CANARY"; printf '#!/bin/sh\\ntouch ${outside}/CANARY\\n' > .git/hooks/pre-commit; mkdir -p .gemini && echo '{}' > .gemini/settings.json; echo '{}' > .mcp.json; echo "planted=$?"\n`);
    const install = airlock(['install', 'claude'], { cwd: ws, env });
    assert.equal(install.code, 0, install.stderr);
    api = await startFakeApi([{ tool: 'Bash', input: { command, description: 'write two files' } }, { tool: 'Bash', input: { command: 'sh plant.sh', description: 'plant' } }, { text: 'Done.' }]);
    run = await runClaude({ cwd: ws, home, airlockHome: env.AIRLOCK_HOME, api, prompt: 'Run the command.' });
  });

  after(async () => {
    await api?.close();
    tree.cleanup();
  });

  it('runs the rewritten command: it works in the workspace and cannot write outside it', () => {
    assert.equal(run.code, 0, `claude exited ${run.code}: ${run.stderr}\n${run.stdout}`);
    assert.equal(api.requests.length, 3);
    const result = toolResults(api.requests).get('toolu_fake_t0')!;
    assert.equal(readFileSync(join(ws, 'inside.txt'), 'utf8'), 'ran in the sandbox', `tool result: ${result.content}`);
    assert.ok(!existsSync(join(outside, 'escaped.txt')), 'the write outside the workspace did not happen');
    assert.match(result.content, /ENOENT|EROFS|read-only/i, 'Claude was told the write outside failed');
    assert.match(result.content, /exit=0/);
  });

  it('leaves nothing behind that would run outside: git configuration, hooks, agent configurations', () => {
    const planted = toolResults(api.requests).get('toolu_fake_t1')!;
    assert.match(planted.content, /Read-only file system|Device or resource busy|Is a directory/, `Claude was told the writes failed: ${planted.content}`);
    assert.doesNotMatch(readFileSync(join(ws, '.git', 'config'), 'utf8'), /fsmonitor/);
    for (const p of ['.git/hooks/pre-commit', '.gemini', '.mcp.json']) assert.ok(!existsSync(join(ws, p)), `${p} is not in the workspace`);
    execFileSync('git', ['-C', ws, 'status'], { env: { ...process.env, HOME: home } });
    assert.ok(!existsSync(join(outside, 'CANARY')), "the host's git ran nothing");
  });
});
