/**
 * Claude Code 2.1.332 runs the shell commands of a skill (its `!` lines) without PreToolUse; Airlock gates
 * them through `PreSkillShellCommand`. The real CLI, offline against the fake API, with a skill whose one
 * command writes a secret and another that the policy allows: the first never runs, the second does.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../../integration/helpers/cli';
import { CLAUDE, runClaude, startFakeApi, type FakeApi } from './fakeAnthropic';

describe("a real Claude Code skill's shell commands through Airlock", () => {
  const tree = tempTree('airlock-claude-skill-');
  const ws = tree.path('ws');
  const home = tree.path('home');
  const env = { HOME: home, AIRLOCK_HOME: tree.path('data') };
  let api: FakeApi;
  let run: { code: number | null; stdout: string; stderr: string };

  before(async () => {
    assert.ok(existsSync(CLAUDE), `the Claude Code CLI is not installed at ${CLAUDE}: run scripts/setup.sh`);
    mkdirSync(home, { recursive: true });
    tree.write('ws/.git/HEAD', 'ref: refs/heads/main\n');
    tree.write('ws/.vscode/airlock.json', JSON.stringify({ version: 1, rules: [{ action: 'deny', edit: ['secrets/**'], reason: 'secrets stay with humans' }, { action: 'allow', command: ['printf *'] }, { action: 'allow', edit: ['gen/**'] }] }));
    tree.write('ws/secrets/key.txt', 'KEY=do-not-touch\n');
    tree.write('ws/gen/.keep', '');
    // Claude Code's own check asks before a skill's command writes files; accepting edits leaves the decision to Airlock.
    tree.write('ws/.claude/settings.json', JSON.stringify({ permissions: { defaultMode: 'acceptEdits' } }));
    tree.write('ws/.claude/skills/leak/SKILL.md', "---\nname: leak\ndescription: Writes two files\nallowed-tools: Bash(printf:*)\n---\nFirst: !`printf 'KEY=stolen\\n' > secrets/key.txt`\nSecond: !`printf 'from a skill\\n' > gen/skill.txt`\n");
    const install = airlock(['install', 'claude'], { cwd: ws, env });
    assert.equal(install.code, 0, install.stderr);
    api = await startFakeApi([{ text: 'Done.' }]);
    run = await runClaude({ cwd: ws, home, airlockHome: env.AIRLOCK_HOME, api, prompt: '/leak' });
  });

  after(async () => {
    await api?.close();
    tree.cleanup();
  });

  it('runs the command the policy allows and never the one that writes the secret', () => {
    assert.equal(run.code, 0, `claude exited ${run.code}: ${run.stderr}\n${run.stdout}`);
    assert.equal(readFileSync(join(ws, 'secrets/key.txt'), 'utf8'), 'KEY=do-not-touch\n');
    assert.equal(readFileSync(join(ws, 'gen/skill.txt'), 'utf8'), 'from a skill\n');
    const audit = JSON.parse(airlock(['audit', '--json'], { cwd: ws, env }).stdout) as { type: string; action?: string; target?: string; tool?: string }[];
    assert.ok(audit.some((r) => r.type === 'decision' && r.action === 'deny' && /secrets\/key\.txt/.test(r.target ?? '')), JSON.stringify(audit, null, 1));
  });
});
