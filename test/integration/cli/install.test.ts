import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../helpers/cli';

describe('airlock install, doctor and uninstall (real processes)', () => {
  const tree = tempTree('airlock-cli-install-');
  after(() => tree.cleanup());
  const env = { HOME: tree.path('home'), AIRLOCK_HOME: tree.path('data') };
  const ws = tree.path('ws');
  const mine = '{\n  // the team\'s own hook\n  "hooks": { "PostToolUse": [ { "matcher": "Write", "hooks": [ { "type": "command", "command": "prettier --write" } ] } ] }\n}\n';
  tree.write('ws/.git/HEAD', 'ref: refs/heads/main\n');
  tree.write('ws/.claude/settings.local.json', mine);

  it('installs next to the hooks already there, and doctor finds it working', () => {
    const r = airlock(['install', 'claude', '--json'], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).changed, true);
    const text = readFileSync(tree.path('ws/.claude/settings.local.json'), 'utf8');
    assert.match(text, /prettier --write/);
    assert.match(text, /the team's own hook/);
    const doctor = airlock(['doctor', '--json'], { cwd: ws, env });
    const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: { name: string; status: string; message: string }[] };
    assert.equal(report.ok, true, doctor.stdout);
    assert.equal(report.checks.find((c) => c.name === 'hooks: claude')?.status, 'ok');
    assert.equal(report.checks.find((c) => c.name === 'gate')?.status, 'warn', 'no gate runs in this test');
  });

  it('doctor fails, saying what to fix, when the policy is broken or a hook points nowhere', () => {
    tree.write('ws/.vscode/airlock.json', '{ "version": 1, "rules": [ { "action": "allow" } ] }');
    tree.write('ws/.cursor/hooks.json', JSON.stringify({ version: 1, hooks: { beforeShellExecution: [{ command: '/nonexistent/node /gone/cli.js hook cursor --workspace /x' }] } }));
    const doctor = airlock(['doctor'], { cwd: ws, env });
    assert.equal(doctor.code, 1);
    assert.match(doctor.stdout, /✗ policy: \.vscode\/airlock\.json has 1 error\(s\): 1:28 rule 1 of "rules" has no selector/);
    assert.match(doctor.stdout, /✗ hooks: cursor: the hook command points at a Node\.js or CLI that does not exist/);
    assert.match(doctor.stdout, /fix: run `airlock install cursor` in /);
  });

  it('uninstalls only its own entries', () => {
    const r = airlock(['uninstall', 'claude'], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(tree.path('ws/.claude/settings.local.json'), 'utf8');
    assert.match(text, /prettier --write/);
    assert.doesNotMatch(text, /hook claude/);
  });

  it('refuses an unknown agent with a usage error', () => {
    assert.equal(airlock(['install', 'chatgpt'], { cwd: ws, env }).code, 64);
  });
});
