/**
 * Deploying under an organisation's lockdown: `airlock install --managed claude` prints and (as root) writes
 * Claude Code's managed hooks, whose command really decides for any workspace on the machine, and `airlock
 * doctor` finds `allowManagedHooksOnly` and VS Code's `ChatAllowManagedHooksOnly`. The managed folders are
 * temp folders named by the test-only variables the docs describe.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../helpers/cli';

const tree = tempTree('airlock-managed-install-');
after(() => tree.cleanup());
const ws = tree.path('ws');
const claudeDir = tree.path('claude-code');
const env = { HOME: tree.path('home'), AIRLOCK_HOME: tree.path('data'), AIRLOCK_MANAGED_DIR: tree.path('airlock-managed'), AIRLOCK_CLAUDE_MANAGED_DIR: claudeDir, AIRLOCK_VSCODE_POLICY_FILE: tree.path('vscode-policy.json') };
before(() => {
  tree.write('ws/.git/HEAD', 'x\n');
  tree.write('ws/.env', 'SECRET=1\n');
  tree.write('ws/src/a.ts', 'x\n');
});

const doctor = () => JSON.parse(airlock(['doctor', '--json', '--workspace', ws], { cwd: ws, env }).stdout) as { checks: { name: string; status: string; message: string; fix?: string }[] };

describe('airlock install --managed', () => {
  it('prints the managed-settings.d file for Claude Code without writing it', () => {
    const r = airlock(['install', '--managed', 'claude', '--json', '--workspace', ws], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { file: string; written: boolean; settings: { hooks: Record<string, { matcher?: string; hooks: { command: string; timeout: number }[] }[]> } };
    assert.equal(out.file, join(claudeDir, 'managed-settings.d', 'airlock.json'));
    assert.equal(out.written, false);
    assert.ok(['PostToolUse', 'PostToolUseFailure', 'PreToolUse', 'SessionEnd'].every((e) => e in out.settings.hooks));
    const cmd = out.settings.hooks.PreToolUse![0]!.hooks[0]!.command;
    assert.match(cmd, / hook claude \|\| \{ echo .* >&2; exit 2; \}$/, 'no --workspace (the hook finds each workspace from the payload), and it blocks when it cannot start');
    assert.doesNotMatch(cmd, /--workspace/);
    assert.ok(!existsSync(out.file));
    const text = airlock(['install', '--managed', 'claude', '--workspace', ws], { cwd: ws, env });
    assert.match(text.stdout, /sudo airlock install --managed claude --write/);
  });

  it('writes it as root, and its command decides for a workspace it was never installed in', (t) => {
    if ((process.getuid?.() ?? 1) !== 0) return t.skip('skipped: writing the managed file needs root, and this test does not run as root');
    const r = airlock(['install', '--managed', 'claude', '--write', '--workspace', ws], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    const file = join(claudeDir, 'managed-settings.d', 'airlock.json');
    const settings = JSON.parse(readFileSync(file, 'utf8')) as { hooks: { PreToolUse: { hooks: { command: string }[] }[] } };
    const command = settings.hooks.PreToolUse[0]!.hooks[0]!.command;
    const payload = JSON.stringify({ session_id: 's', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Write', tool_use_id: 'toolu_1', tool_input: { file_path: join(ws, '.env'), content: 'x' } });
    const run = spawnSync('/bin/sh', ['-c', command], { input: payload, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, cwd: tree.root });
    assert.equal(run.status, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput.permissionDecision, 'deny');
  });

  it('says plainly which agents it can configure machine-wide', () => {
    const r = airlock(['install', '--managed', 'cursor', '--workspace', ws], { cwd: ws, env });
    assert.equal(r.code, 64);
    assert.match(r.stderr, /--managed supports claude/);
    assert.equal(airlock(['install', 'claude', '--write', '--workspace', ws], { cwd: ws, env }).code, 64);
  });
});

describe('airlock doctor and org lockdowns', () => {
  it("finds Claude Code's allowManagedHooksOnly with no Airlock hook among the managed ones, and is content once there is", (t) => {
    mkdirSync(join(claudeDir, 'managed-settings.d'), { recursive: true });
    writeFileSync(join(claudeDir, 'managed-settings.json'), JSON.stringify({ allowManagedHooksOnly: true }));
    const ours = join(claudeDir, 'managed-settings.d', 'airlock.json');
    const saved = existsSync(ours) ? readFileSync(ours, 'utf8') : undefined;
    writeFileSync(ours, '{}');
    let c = doctor().checks.find((x) => x.name === 'managed hooks: claude');
    assert.equal(c?.status, 'fail');
    assert.match(c!.message, /runs only managed hooks.*allowManagedHooksOnly.*do nothing/);
    assert.match(c!.fix ?? '', /install --managed claude/);
    if (!saved) return t.skip('the managed file was not written (not root)');
    writeFileSync(ours, saved);
    c = doctor().checks.find((x) => x.name === 'managed hooks: claude');
    assert.equal(c?.status, 'ok');
  });

  it("finds VS Code's ChatAllowManagedHooksOnly policy", () => {
    assert.equal(doctor().checks.find((x) => x.name === 'managed hooks: vscode'), undefined);
    writeFileSync(env.AIRLOCK_VSCODE_POLICY_FILE, JSON.stringify({ ChatAllowManagedHooksOnly: true }));
    const c = doctor().checks.find((x) => x.name === 'managed hooks: vscode');
    assert.equal(c?.status, 'warn');
    assert.match(c!.message, /ignores the hooks in this workspace/);
  });

  it("reports the organisation's Airlock policy, and fails while it is invalid", () => {
    mkdirSync(env.AIRLOCK_MANAGED_DIR, { recursive: true });
    writeFileSync(join(env.AIRLOCK_MANAGED_DIR, 'policy.json'), '{ "version": 1, "lockTrust": 2 }');
    assert.match(doctor().checks.find((x) => x.name === 'managed policy')!.message, /trust capped at level 2/);
    writeFileSync(join(env.AIRLOCK_MANAGED_DIR, 'policy.json'), '{ "version": 1, "rules": [ ');
    const c = doctor().checks.find((x) => x.name === 'managed policy');
    assert.equal(c?.status, 'fail');
    assert.match(c!.message, /has errors.*policy\.json:1/);
  });
});
