import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { workspaceDataDir } from '../../../src/core/dataDir';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../helpers/cli';

describe('trust and audit through real processes', () => {
  const tree = tempTree('airlock-trust-cli-');
  after(() => tree.cleanup());
  const env = { HOME: tree.path('home'), AIRLOCK_HOME: tree.path('data') };
  const ws = tree.path('ws');
  tree.write('ws/.git/HEAD', '');
  tree.write('ws/.vscode/airlock.json', '{ "version": 1, "rules": [ { "action": "deny", "edit": [".env"] } ] }');
  tree.write('ws/src/a.ts', 'a\n');
  const payload = (tool: string, input: object, id: string) => JSON.stringify({ session_id: 'sess-1', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: id });
  const audit = join(workspaceDataDir(env.AIRLOCK_HOME, ws), 'audit.jsonl');

  it('a person sets trust; the change is audited', () => {
    const r = airlock(['trust', 'claude', '--set', '2', '--json'], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { agent: 'claude', from: 0, to: 2 });
    assert.match(airlock(['trust'], { cwd: ws, env }).stdout, /claude: level 2 \(Trusted\)/);
  });

  it('refuses trust changes from inside an agent session, and bad levels', () => {
    const inside = airlock(['trust', 'claude', '--set', '3'], { cwd: ws, env: { ...env, CLAUDECODE: '1' } });
    assert.equal(inside.code, 1);
    assert.match(inside.stderr, /refusing to change trust from inside an agent's session/);
    assert.equal(airlock(['trust', 'claude', '--set', '7'], { cwd: ws, env }).code, 64);
    assert.equal(airlock(['trust', 'claud'], { cwd: ws, env }).code, 64);
  });

  it('a denied attempt through a hook is audited and demotes the agent by one level', () => {
    const r = airlock(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: payload('Write', { file_path: join(ws, '.env'), content: 'x' }, 'toolu_1') });
    assert.match(r.stdout, /"permissionDecision":"deny"/);
    const trust = JSON.parse(airlock(['trust', 'claude', '--json'], { cwd: ws, env }).stdout) as { claude: { level: number; history: { reason: string }[] } };
    assert.equal(trust.claude.level, 1);
    assert.match(trust.claude.history.at(-1)!.reason, /it attempted a denied action: \.env/);
    const records = JSON.parse(airlock(['audit', '--json', '--agent', 'claude'], { cwd: ws, env }).stdout) as { type: string; action?: string; target?: string }[];
    assert.ok(records.some((r) => r.type === 'decision' && r.action === 'deny' && r.target === '.env'));
    assert.ok(records.some((r) => r.type === 'trust'));
  });

  it('rolling a session back is audited and demotes the agent', () => {
    airlock(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: payload('Write', { file_path: join(ws, 'src/a.ts'), content: 'b\n' }, 'toolu_2') });
    writeFileSync(join(ws, 'src/a.ts'), 'b\n');
    airlock(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: payload('Write', { file_path: join(ws, 'src/a.ts'), content: 'b\n' }, 'toolu_2').replace('PreToolUse', 'PostToolUse') });
    const r = airlock(['rollback', '--last'], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(ws, 'src/a.ts'), 'utf8'), 'a\n');
    assert.equal((JSON.parse(airlock(['trust', 'claude', '--json'], { cwd: ws, env }).stdout) as { claude: { level: number } }).claude.level, 0);
    const types = (JSON.parse(airlock(['audit', '--json'], { cwd: ws, env }).stdout) as { type: string }[]).map((r) => r.type);
    assert.ok(types.includes('rollback'));
  });

  it('audit --verify passes, then exits 1 naming the first tampered record', () => {
    const ok = airlock(['audit', '--verify'], { cwd: ws, env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /The audit log is intact: \d+ record\(s\)/);
    // Rewrite history: the denial of .env becomes an allow.
    const lines = readFileSync(audit, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"action":"deny"'));
    lines[at] = lines[at]!.replace('"action":"deny"', '"action":"allow"');
    writeFileSync(audit, lines.join('\n'));
    const bad = airlock(['audit', '--verify'], { cwd: ws, env });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`airlock: the audit log was tampered with: line ${at + 1}: record ${at + 1} was changed after it was written`));
  });

  it('audit --since filters by time and rejects a bad date', () => {
    assert.deepEqual(JSON.parse(airlock(['audit', '--json', '--since', '2999-01-01'], { cwd: ws, env }).stdout), []);
    assert.equal(airlock(['audit', '--since', 'yesterday'], { cwd: ws, env }).code, 64);
  });
});
