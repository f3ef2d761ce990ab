/**
 * The real Claude Code CLI (from npm, pinned in test/e2e/package.json) driven offline by a scripted
 * Messages API, with Airlock installed by `airlock install claude` and a gate run by `airlock serve`
 * (the person's answers are typed into its terminal). Shows: a protected edit denied, an allowed edit
 * landing and recorded, an ask answered through the gate, a shell command's changes recorded, and
 * `airlock rollback --last` restoring the workspace exactly.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workspaceDataDir } from '../../../src/core/dataDir';
import { tempTree } from '../../unit/helpers/fixtures';
import { snapshotTree } from '../../unit/helpers/treeSnapshot';
import { airlock, CLI } from '../../integration/helpers/cli';
import { CLAUDE, runClaude, startFakeApi, toolResults, type FakeApi } from './fakeAnthropic';


const POLICY = `{
  "version": 1,
  "rules": [
    { "action": "deny", "edit": ["**/.env", "**/.env.*"], "reason": "secrets stay with humans" },
    { "action": "ask", "edit": ["package.json"], "reason": "dependencies change with a person" },
    { "action": "allow", "edit": ["src/**", "gen/**"] },
    { "action": "allow", "command": ["mkdir *", "printf *"] }
  ]
}
`;

describe('a real Claude Code session through Airlock', () => {
  const tree = tempTree('airlock-claude-');
  const ws = tree.path('ws');
  const home = tree.path('home');
  const env = { HOME: home, AIRLOCK_HOME: tree.path('data') };
  let api: FakeApi;
  let gate: ChildProcess;
  let gateOut = '';
  let beforeSession: Record<string, string>;
  let claudeRun: { code: number | null; stdout: string; stderr: string };

  before(async () => {
    assert.ok(existsSync(CLAUDE), `the Claude Code CLI is not installed at ${CLAUDE}: run scripts/setup.sh (it installs test/e2e)`);
    mkdirSync(home, { recursive: true });
    tree.write('ws/.git/HEAD', 'ref: refs/heads/main\n');
    tree.write('ws/.vscode/airlock.json', POLICY);
    tree.write('ws/package.json', '{\n  "name": "demo",\n  "version": "1.0.0"\n}\n');
    tree.write('ws/src/app.ts', 'export const app = 1;\n');
    tree.write('ws/.env', 'SECRET=do-not-touch\n');

    const install = airlock(['install', 'claude'], { cwd: ws, env });
    assert.equal(install.code, 0, install.stderr);
    beforeSession = snapshotTree(ws, ['.git']);

    gate = spawn(process.execPath, [CLI, 'serve', '--stdin-answers'], { cwd: ws, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    gate.stdout!.on('data', (d: Buffer) => {
      gateOut += d.toString();
      // The person, typing into the gate's terminal: approves the package.json edit, denies anything else.
      if (/Allow\? \[y\]/.test(d.toString())) gate.stdin!.write(/wants to edit package\.json/.test(gateOut) && !/wants to (?!edit package\.json)/.test(gateOut.split('── Airlock').pop()!) ? 'y\n' : 'n\n');
    });
    gate.stderr!.on('data', (d: Buffer) => (gateOut += d.toString()));
    const token = join(workspaceDataDir(env.AIRLOCK_HOME, ws), 'gate.token');
    for (let i = 0; i < 100 && !existsSync(token); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(token), `the gate did not start: ${gateOut}`);

    api = await startFakeApi([
      { tool: 'Write', input: { file_path: join(ws, '.env'), content: 'SECRET=stolen\n' } },
      { tool: 'Write', input: { file_path: join(ws, 'src/feature.ts'), content: 'export const feature = true;\n' } },
      { tool: 'Edit', input: { file_path: join(ws, 'package.json'), old_string: '"1.0.0"', new_string: '"1.1.0"' } },
      { tool: 'Bash', input: { command: "mkdir -p gen && printf 'made by a shell command\\n' > gen/out.txt && printf '// appended\\n' >> src/app.ts", description: 'generate' } },
      { text: 'All done.' },
    ]);
    claudeRun = await runClaude({ cwd: ws, home, airlockHome: env.AIRLOCK_HOME, api, prompt: 'Do the scripted work.' });
  });

  after(async () => {
    gate?.kill('SIGTERM');
    await api?.close();
    tree.cleanup();
  });

  it('runs the whole scripted session', () => {
    assert.equal(claudeRun.code, 0, `claude exited ${claudeRun.code}: ${claudeRun.stderr}\n${claudeRun.stdout}`);
    assert.equal(api.requests.length, 5, 'every scripted turn was asked for');
  });

  it('denies the protected edit: .env is untouched and Claude is told why', () => {
    assert.equal(readFileSync(join(ws, '.env'), 'utf8'), 'SECRET=do-not-touch\n');
    const result = toolResults(api.requests).get('toolu_fake_t0')!;
    assert.equal(result.isError, true);
    assert.match(result.content, /Airlock: \.env: rule 1 of \.vscode\/airlock\.json .*denies edits of "\*\*\/\.env": secrets stay with humans/);
    assert.doesNotMatch(gateOut, /wants to edit \.env/, 'a denial needs no person');
  });

  it('lets the allowed edit land', () => {
    assert.equal(readFileSync(join(ws, 'src/feature.ts'), 'utf8'), 'export const feature = true;\n');
  });

  it('asked the person through the gate, who approved, and the edit landed', () => {
    assert.match(gateOut, /claude \(trust level 0\) wants to edit package\.json/);
    assert.match(gateOut, /-\s+"version": "1\.0\.0"/);
    assert.match(gateOut, /\+\s+"version": "1\.1\.0"/);
    assert.match(readFileSync(join(ws, 'package.json'), 'utf8'), /"1\.1\.0"/);
  });

  it("ran the shell command and recorded what it changed", () => {
    assert.equal(readFileSync(join(ws, 'gen/out.txt'), 'utf8'), 'made by a shell command\n');
    const sessions = JSON.parse(airlock(['sessions', '--json'], { cwd: ws, env }).stdout) as { id: string; agent: string; files: number; actions: number }[];
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]!.agent, 'claude');
    const shown = JSON.parse(airlock(['show', sessions[0]!.id, '--json'], { cwd: ws, env }).stdout) as { actions: { kind: string; command?: string; files: { path: string }[] }[] };
    const command = shown.actions.find((a) => a.kind === 'command')!;
    assert.deepEqual(command.files.map((f) => f.path).sort(), ['gen/out.txt', 'src/app.ts']);
    assert.ok(shown.actions.some((a) => a.kind === 'create' && a.files.some((f) => f.path === 'src/feature.ts')));
  });

  it('rolls the whole session back exactly with `airlock rollback --last`', () => {
    const r = airlock(['rollback', '--last', '--json'], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { conflicts: string[]; removed: string[]; restored: string[] };
    assert.deepEqual(report.conflicts, []);
    assert.deepEqual(snapshotTree(ws, ['.git']), beforeSession);
  });
});
