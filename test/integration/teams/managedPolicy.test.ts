/**
 * The organisation's managed policy through every real path: `airlock check` (JSON and text), `airlock
 * trust --set`, the hook deciding alone, and a gate on a real socket; real files in a temp root named by
 * AIRLOCK_MANAGED_DIR (the test-only override the docs describe).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workspaceDataDir } from '../../../src/core/dataDir';
import { loadPolicy } from '../../../src/core/policy/loadPolicy';
import { MANAGED_DIR_ENV } from '../../../src/core/policy/managedPolicy';
import type { ApprovalRequest } from '../../../src/engine/ask';
import { GateRuntime } from '../../../src/gate/gateRuntime';
import type { Shown } from '../../../src/shared/shown';
import { approvalView } from '../../../src/ui/approval/approvalView';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock, airlockAsync } from '../helpers/cli';

const tree = tempTree('airlock-managed-it-');
const ws = tree.path('ws');
const managedDir = tree.path('managed');
const env = { HOME: tree.path('home'), AIRLOCK_HOME: tree.path('data'), [MANAGED_DIR_ENV]: managedDir };
after(() => tree.cleanup());

// The workspace allows everything it can; the organisation says otherwise.
const WORKSPACE = JSON.stringify({ version: 1, defaults: { edit: 'allow', command: 'allow', read: 'allow' }, rules: [{ action: 'allow', edit: ['**'] }, { action: 'allow', command: ['*'] }] });
const MANAGED = `{
  "version": 1,
  "lockTrust": 1,
  "defaults": { "edit": "deny" },
  "rules": [
    { "action": "allow", "edit": ["src/**"] },
    { "action": "ask", "edit": ["src/config/**"], "reason": "config changes are reviewed" },
    { "action": "deny", "command": ["git push *"], "reason": "pushes go through CI" }
  ]
}`;

before(() => {
  tree.write('ws/.vscode/airlock.json', WORKSPACE);
  tree.write('ws/src/app.ts', 'export const a = 1;\n');
  tree.write('ws/src/config/db.ts', 'export const url = "";\n');
  tree.write('ws/docs/readme.md', '# x\n');
  mkdirSync(join(managedDir, 'policy.d'), { recursive: true });
  writeFileSync(join(managedDir, 'policy.json'), MANAGED);
  mkdirSync(join(ws, '.git'), { recursive: true });
});

const check = (args: string[], extraEnv: Record<string, string> = {}) => airlock(['check', ...args, '--workspace', ws], { cwd: ws, env: { ...env, ...extraEnv } });
const json = (args: string[]) => JSON.parse(check([...args, '--json']).stdout) as { action: string; source: string; reason: string; rule: { origin: string; file: string } | null };

describe('the managed policy through airlock check', () => {
  it('names the managed layer as "source": "managed" and shows the organisation in the text', () => {
    const d = json(['--command', 'git push origin main', '--agent', 'claude']);
    assert.equal(d.action, 'deny');
    assert.equal(d.source, 'managed');
    assert.equal(d.rule?.origin, 'managed');
    assert.equal(d.rule?.file, join(managedDir, 'policy.json'));
    const text = check(['--command', 'git push origin main']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^DENY {2}\(managed: your organisation's policy\)/);
    assert.match(text.stdout, /pushes go through CI/);
  });

  it('holds a managed ask and a managed deny default against the workspace allowing everything', () => {
    assert.equal(json(['--edit', 'src/config/db.ts']).action, 'ask');
    const docs = json(['--edit', 'docs/readme.md']);
    assert.equal(docs.action, 'deny');
    assert.equal(docs.source, 'managed');
    assert.match(docs.reason, /your organisation's policy/);
    assert.equal(json(['--edit', 'src/app.ts']).action, 'allow');
  });

  it('is gone when the managed folder is (the override replaces the platform folder)', () => {
    const d = JSON.parse(check(['--edit', 'docs/readme.md', '--json'], { [MANAGED_DIR_ENV]: tree.path('nothing-here') }).stdout) as { action: string };
    assert.equal(d.action, 'allow');
  });

  it('reports an invalid managed file and asks instead of allowing', () => {
    const broken = tree.path('managed-broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'policy.json'), '{ "version": 1, "rules": [ { "action": "deny", "edit": ["docs/**"] }, { "action": "allow", "edit": ["**"] ');
    const r = check(['--edit', 'src/app.ts', '--json'], { [MANAGED_DIR_ENV]: broken });
    assert.equal((JSON.parse(r.stdout) as { action: string }).action, 'ask');
    assert.match(r.stderr, /policy\.json:1:\d+: .*your organisation's policy is invalid/);
    assert.equal((JSON.parse(check(['--edit', 'docs/readme.md', '--json'], { [MANAGED_DIR_ENV]: broken }).stdout) as { action: string }).action, 'deny');
  });
});

describe('lockTrust through airlock trust --set', () => {
  it('refuses a level above the cap with a clear message and takes one at or below it', () => {
    const high = airlock(['trust', 'claude', '--set', '2', '--workspace', ws], { cwd: ws, env });
    assert.equal(high.code, 1);
    assert.match(high.stderr, /^airlock: refusing: your organisation's policy caps every agent's trust at level 1 .*"lockTrust".*cannot be set to level 2/);
    assert.doesNotMatch(high.stderr, /\n\s+at /, 'no stack trace');
    const ok = airlock(['trust', 'claude', '--set', '1', '--workspace', ws], { cwd: ws, env });
    assert.equal(ok.code, 0, ok.stderr);
    const shown = airlock(['trust', 'claude', '--workspace', ws], { cwd: ws, env });
    assert.match(shown.stdout, /held at level 1 by your organisation's policy/);
  });
});

let n = 0;
const claude = (tool: string, input: object) => JSON.stringify({ session_id: 'sess-m', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: `toolu_m${++n}` });
const decisionOf = (stdout: string): string => ((JSON.parse(stdout) as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput.permissionDecision);

describe('the managed policy through the hook', () => {
  it('denies, deciding alone, what the organisation denies, and audits it as managed', async () => {
    const r = await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: claude('Write', { file_path: join(ws, 'docs', 'new.md'), content: 'x' }) });
    assert.equal(decisionOf(r.stdout), 'deny');
    assert.match(r.stdout, /your organisation's policy/);
    const audit = readFileSync(join(workspaceDataDir(env.AIRLOCK_HOME, ws), 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { source?: string; target?: string });
    assert.equal(audit.at(-1)?.source, 'managed');
  });

  it('keeps agents from editing the managed policy, by edit tool and by command', async () => {
    const edit = await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: claude('Write', { file_path: join(managedDir, 'policy.d', '00-open.json'), content: '{}' }) });
    assert.equal(decisionOf(edit.stdout), 'deny');
    assert.match(edit.stdout, /managed Airlock policy/);
    const cmd = await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: claude('Bash', { command: `rm -f ${managedDir}/policy.json` }) });
    assert.equal(decisionOf(cmd.stdout), 'deny');
  });

  it('asks through a gate, where the popup names the organisation and offers no rule that could not loosen it', async () => {
    const asked: ApprovalRequest[] = [];
    const prev = process.env[MANAGED_DIR_ENV];
    process.env[MANAGED_DIR_ENV] = managedDir;
    const runtime = new GateRuntime({
      workspace: ws,
      dataRoot: env.AIRLOCK_HOME,
      policy: () => loadPolicy({ workspace: ws, home: env.HOME, dataRoot: env.AIRLOCK_HOME }),
      asker: { ask: async (r) => (asked.push(r), { action: 'deny', by: 'person' }) },
      log: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
      approvalTimeoutMs: 5000,
    });
    await runtime.start();
    try {
      const r = await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: claude('Edit', { file_path: join(ws, 'src', 'config', 'db.ts'), old_string: '""', new_string: '"x"' }) });
      assert.equal(decisionOf(r.stdout), 'deny');
      assert.equal(asked.length, 1);
      assert.equal(asked[0]!.decision.source, 'managed');
      const view = approvalView(asked[0]!);
      const text = (x: Shown | undefined): string => (x?.runs ?? []).map((r) => ('text' in r ? r.text : '')).join('');
      assert.match(text(view.rule), /your organisation's policy/);
      assert.ok('unavailable' in view.always && /your organisation's policy decides this/.test(text(view.always.unavailable)));
    } finally {
      await runtime.stop();
      if (prev === undefined) delete process.env[MANAGED_DIR_ENV];
      else process.env[MANAGED_DIR_ENV] = prev;
    }
  });
});
