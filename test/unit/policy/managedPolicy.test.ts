import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { AuditLog } from '../../../src/core/audit/auditLog';
import { describeRule, evaluate } from '../../../src/core/policy/evaluate';
import { loadPolicy } from '../../../src/core/policy/loadPolicy';
import { loadManagedLayer, managedFolders, MANAGED_DIR_ENV, platformManagedDir } from '../../../src/core/policy/managedPolicy';
import { parsePolicyText } from '../../../src/core/policy/policyFile';
import { prepareRequest } from '../../../src/core/policy/prepare';
import type { ActionKind, TrustLevel } from '../../../src/core/policy/types';
import { TrustCapError, TrustStore } from '../../../src/core/trust/trustStore';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree('airlock-managed-');
after(() => tree.cleanup());
const saved = process.env[MANAGED_DIR_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[MANAGED_DIR_ENV];
  else process.env[MANAGED_DIR_ENV] = saved;
});
let n = 0;

/** A managed folder with `policy.json` and drop-ins, set as AIRLOCK_MANAGED_DIR. */
function managed(files: Record<string, string>): string {
  const dir = tree.path(`managed${n++}`);
  mkdirSync(join(dir, 'policy.d'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  process.env[MANAGED_DIR_ENV] = dir;
  return dir;
}

function workspace(policy?: string): string {
  const ws = tree.path(`ws${n++}`);
  mkdirSync(join(ws, 'src'), { recursive: true });
  writeFileSync(join(ws, 'src', 'app.ts'), 'x\n');
  writeFileSync(join(ws, '.env'), 'K=1\n');
  if (policy !== undefined) {
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    writeFileSync(join(ws, '.vscode', 'airlock.json'), policy);
  }
  return ws;
}

function decide(ws: string, kind: ActionKind, target: string, opts: { trust?: TrustLevel; agent?: string; userRules?: unknown } = {}) {
  const loaded = loadPolicy({ workspace: ws, home: tree.path('home'), dataRoot: tree.path('data'), userRules: opts.userRules ?? [] });
  const agent = opts.agent ?? 'claude';
  const request = kind === 'command' ? { agent, workspace: ws, kind, paths: [], command: target } : { agent, workspace: ws, kind, paths: [target] };
  return { loaded, decision: evaluate(loaded.compiled, prepareRequest(request, loaded.paths), { agent, trust: opts.trust ?? 0 }) };
}

const ALLOW_ALL = JSON.stringify({ version: 1, defaults: { edit: 'allow', command: 'allow', read: 'allow' }, rules: [{ action: 'allow', edit: ['**'] }, { action: 'allow', command: ['*'] }, { action: 'allow', read: ['**'] }] });

describe('the managed policy layer', () => {
  it('reads policy.json, then policy.d/*.json in name order, and names the organisation when it decides', () => {
    const dir = managed({
      'policy.json': '{ "version": 1, "rules": [ { "action": "ask", "edit": ["src/**"] } ] }',
      'policy.d/20-b.json': '{ "version": 1, "rules": [ { "action": "deny", "command": ["git push *"] } ] }',
      'policy.d/10-a.json': '// comments are fine\n{ "version": 1, "rules": [ { "action": "deny", "command": ["npm publish*"], "reason": "releases go through CI" } ] }',
      'policy.d/notes.txt': 'not a policy',
      'policy.d/.10-a.json.swp': 'garbage',
    });
    const layer = loadManagedLayer();
    assert.deepEqual(layer.files.map((f) => f.path.slice(dir.length + 1)), ['policy.json', 'policy.d/10-a.json', 'policy.d/20-b.json']);
    const ws = workspace(ALLOW_ALL);
    const pub = decide(ws, 'command', 'npm publish', { trust: 3 }).decision;
    assert.equal(pub.action, 'deny');
    assert.equal(pub.source, 'managed');
    assert.equal(pub.rule?.origin, 'managed');
    assert.equal(pub.rule?.file, join(dir, 'policy.d', '10-a.json'));
    assert.equal(pub.rule?.line, 2);
    assert.match(pub.reason, /your organisation's policy.*releases go through CI/);
    assert.match(describeRule(pub.rule!), /^rule 1 of your organisation's policy \(.*10-a\.json, line 2\)$/);
  });

  it('a managed ask holds against a workspace allow, a personal allow and every trust level', () => {
    managed({ 'policy.json': '{ "version": 1, "rules": [ { "action": "ask", "edit": ["src/**"] } ] }' });
    const ws = workspace(ALLOW_ALL);
    const { decision } = decide(ws, 'edit', 'src/app.ts', { trust: 3, userRules: [{ action: 'allow', edit: ['src/app.ts'] }] });
    assert.equal(decision.action, 'ask');
    assert.equal(decision.source, 'managed');
  });

  it('a workspace or personal rule can still add restrictions under the managed layer', () => {
    managed({ 'policy.json': '{ "version": 1, "rules": [ { "action": "allow", "edit": ["src/**"] } ] }' });
    const ws = workspace('{ "version": 1, "rules": [ { "action": "deny", "edit": ["src/app.ts"] } ] }');
    assert.equal(decide(ws, 'edit', 'src/app.ts', { trust: 3 }).decision.action, 'deny');
    assert.equal(decide(workspace(), 'edit', 'src/app.ts', { userRules: [{ action: 'ask', edit: ['src/**'] }] }).decision.action, 'ask');
  });

  it('a managed deny default is not loosened by a workspace allow rule, a personal allow, an allow default or trust', () => {
    managed({ 'policy.json': '{ "version": 1, "defaults": { "edit": "deny" }, "rules": [ { "action": "allow", "edit": ["docs/**"] } ] }' });
    const ws = workspace(ALLOW_ALL);
    const { decision } = decide(ws, 'edit', 'src/app.ts', { trust: 3, userRules: [{ action: 'allow', edit: ['src/**'] }] });
    assert.equal(decision.action, 'deny');
    assert.equal(decision.source, 'managed');
    assert.match(decision.reason, /your organisation's policy/);
    assert.equal(decide(ws, 'edit', 'docs/a.md', { trust: 0 }).decision.action, 'allow', 'what the organisation allows, the workspace allows');
    // Commands are not edits: the managed layer declared nothing about them.
    assert.equal(decide(ws, 'command', 'npm test', { trust: 0 }).decision.action, 'allow');
  });

  it('a managed deny default also covers the files a command writes', () => {
    managed({ 'policy.json': '{ "version": 1, "defaults": { "edit": "deny" } }' });
    const ws = workspace(ALLOW_ALL);
    const { decision } = decide(ws, 'command', 'echo hi > src/app.ts', { trust: 3 });
    assert.equal(decision.action, 'deny');
    assert.ok(decision.parts?.some((p) => p.kind === 'edit' && p.source === 'managed'));
  });

  it('a managed ask default for commands holds against a workspace allow rule for what is not understood or not reversible', () => {
    managed({ 'policy.json': '{ "version": 1, "defaults": { "command": "ask" } }' });
    const ws = workspace(ALLOW_ALL);
    const push = decide(ws, 'command', 'git push origin main', { trust: 3 }).decision;
    assert.equal(push.action, 'ask');
    assert.equal(push.source, 'managed');
    // Trust still relaxes the organisation's ask default where Airlock may (understood and reversible).
    assert.equal(decide(ws, 'command', 'ls src', { trust: 1 }).decision.action, 'allow');
    assert.equal(decide(ws, 'command', 'ls src', { trust: 0 }).decision.action, 'ask');
  });

  it('respects minTrust on managed allow rules: below it the managed default decides', () => {
    managed({ 'policy.json': '{ "version": 1, "defaults": { "edit": "deny" }, "rules": [ { "action": "allow", "edit": ["src/**"], "minTrust": 2 } ] }' });
    const ws = workspace('{ "version": 1, "rules": [ { "action": "allow", "edit": ["src/**"] } ] }');
    assert.equal(decide(ws, 'edit', 'src/app.ts', { trust: 1 }).decision.action, 'deny');
    assert.equal(decide(ws, 'edit', 'src/app.ts', { trust: 2 }).decision.action, 'allow');
  });

  it('applies managed rules to the agents they name, and only to them', () => {
    managed({ 'policy.json': '{ "version": 1, "rules": [ { "action": "deny", "read": ["src/**"], "agents": ["cursor"] } ] }' });
    const ws = workspace(ALLOW_ALL);
    assert.equal(decide(ws, 'read', 'src/app.ts', { agent: 'cursor', trust: 3 }).decision.action, 'deny');
    assert.equal(decide(ws, 'read', 'src/app.ts', { agent: 'claude', trust: 3 }).decision.action, 'allow');
  });

  it('keeps the lowest limits and a sandbox no workspace can weaken', () => {
    managed({ 'policy.json': '{ "version": 1, "limits": { "maxFilesPerSession": 5 }, "sandbox": { "enabled": true, "network": ["registry.npmjs.org"], "limits": { "memoryMB": 512 } } }' });
    const ws = workspace(JSON.stringify({ version: 1, limits: { maxFilesPerSession: 500 }, sandbox: { enabled: false, network: 'host', writable: ['/tmp/anywhere'], allowUnsandboxed: true, limits: { memoryMB: 65536 } }, rules: [{ action: 'allow', command: ['make *'], sandbox: false }] }));
    const { loaded } = decide(ws, 'command', 'make all');
    const sb = loaded.compiled.sandbox;
    assert.equal(sb.enabled, true);
    assert.deepEqual(sb.network, { allow: ['registry.npmjs.org'] });
    assert.deepEqual(sb.writable, []);
    assert.equal(sb.allowUnsandboxed, false);
    assert.equal(sb.limits.memoryMB, 512);
    assert.equal(loaded.compiled.limits.maxFilesPerSession, 5);
    assert.equal(loaded.compiled.rules.command.allow.find((r) => r.spec.patterns.includes('make *'))?.spec.sandbox, undefined, 'a workspace rule cannot take a command out of the managed sandbox');
  });

  it('decides an invalid managed file as ask defaults plus its deny rules that still parse, never allow', () => {
    const dir = managed({ 'policy.json': '{ "version": 1, "rules": [ { "action": "deny", "command": ["curl *"] }, { "action": "allow", "edit": ["**"] }, { "action": "deny", "edit": ["src/**"], "bogus": 1 } ], "defaults": { "edit": "allow" ' });
    const ws = workspace(ALLOW_ALL);
    const { loaded, decision } = decide(ws, 'edit', 'docs/readme.md', { trust: 3 });
    assert.equal(loaded.managed.broken[0], join(dir, 'policy.json'));
    assert.ok(loaded.managed.files[0]!.problems.some((p) => p.severity === 'error'));
    assert.equal(decision.action, 'ask');
    assert.equal(decision.source, 'managed');
    assert.match(decision.reason, /has errors/);
    assert.equal(decide(ws, 'command', 'curl https://example.com', { trust: 3 }).decision.action, 'deny', 'its deny rules that parse still hold');
    assert.equal(decide(ws, 'command', 'ls', { trust: 3 }).decision.action, 'ask');
    assert.equal(decide(ws, 'read', 'src/app.ts', { trust: 3 }).decision.action, 'ask');
    // The broken deny rule (unknown key) is not kept, and the allow rule never is.
    assert.equal(loaded.managed.rules.length, 1);
    assert.equal(loaded.managed.lockTrust, 0, 'a broken file caps trust at 0 unless its lockTrust still parses');
    const dir2 = tree.path(`trust${n++}`);
    assert.throws(() => new TrustStore(dir2, new AuditLog(dir2)).set('claude', 1), /organisation's policy has errors \(.*policy\.json\), so every agent's trust is held at level 0/);
  });

  it('reads lockTrust only from managed files', () => {
    assert.ok(parsePolicyText('{ "version": 1, "lockTrust": 1 }').problems.some((p) => p.severity === 'error' && /managed policy/.test(p.message)));
    assert.equal(parsePolicyText('{ "version": 1, "lockTrust": 1 }', { managed: true }).document?.lockTrust, 1);
    assert.ok(parsePolicyText('{ "version": 1, "lockTrust": 4 }', { managed: true }).problems.some((p) => p.severity === 'error'));
    managed({ 'policy.json': '{ "version": 1, "lockTrust": 2 }', 'policy.d/x.json': '{ "version": 1, "lockTrust": 1 }' });
    assert.equal(loadManagedLayer().lockTrust, 1, 'the lowest cap wins');
  });

  it('protects the managed folder from agents: edits, commands and the folder itself', () => {
    const dir = managed({ 'policy.json': '{ "version": 1 }' });
    const ws = workspace(ALLOW_ALL);
    for (const [kind, target] of [
      ['edit', join(dir, 'policy.json')],
      ['edit', join(dir, 'policy.d', '99-mine.json')],
      ['delete', dir],
      ['command', `echo '{}' > ${dir}/policy.d/00.json`],
      ['command', `rm -rf ${dir}`],
      ['command', `cp /dev/null ${dir}/policy.json`],
      ['command', `mv ${dir} /tmp/x`],
    ] as const) {
      const { decision } = decide(ws, kind, target, { trust: 3 });
      assert.equal(decision.action, 'deny', `${kind} ${target}: ${decision.reason}`);
      assert.match(decision.reason, /managed Airlock policy|outside the workspace/);
    }
  });

  it('AIRLOCK_MANAGED_DIR replaces the platform folder, which stays in force when it holds a policy', () => {
    const env = { [MANAGED_DIR_ENV]: '/opt/x' };
    assert.deepEqual(managedFolders({ env, platform: 'linux' }), ['/opt/x']);
    assert.deepEqual(managedFolders({ env: {}, platform: 'linux' }), ['/etc/airlock']);
    assert.equal(platformManagedDir('darwin'), '/Library/Application Support/Airlock');
    assert.match(platformManagedDir('win32', { ProgramData: 'C:\\ProgramData' }), /ProgramData.Airlock$/);
  });
});

describe('the trust cap (lockTrust)', () => {
  it('caps the level decisions use, refuses a higher level with a clear message, and offers nothing above it', () => {
    managed({ 'policy.json': '{ "version": 1, "lockTrust": 1 }' });
    const dir = tree.path(`trust${n++}`);
    const audit = new AuditLog(dir);
    const store = new TrustStore(dir, audit, { actions: 2, sessions: 1 });
    store.set('claude', 1);
    assert.throws(() => store.set('claude', 2), (e: unknown) => e instanceof TrustCapError && /organisation's policy caps every agent's trust at level 1/.test(e.message));
    for (let i = 0; i < 5; i++) assert.equal(store.recordAction('claude', 's1'), undefined, 'no promotion offer above the cap');
    assert.equal(store.level('claude'), 1);
    assert.equal(store.get('claude').lockedAt, 1);
  });

  it('holds an agent recorded above the cap at the cap, and gives its level back when the cap is lifted', () => {
    const dir = tree.path(`trust${n++}`);
    const store = new TrustStore(dir, new AuditLog(dir));
    delete process.env[MANAGED_DIR_ENV];
    store.set('claude', 3);
    managed({ 'policy.json': '{ "version": 1, "lockTrust": 0 }' });
    assert.equal(store.level('claude'), 0);
    assert.equal(store.get('claude').level, 0);
    const ws = workspace();
    assert.equal(decide(ws, 'edit', 'src/app.ts', { trust: store.level('claude') }).decision.action, 'ask');
    delete process.env[MANAGED_DIR_ENV];
    assert.equal(store.level('claude'), 3);
  });
});
