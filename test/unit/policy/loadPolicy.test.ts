import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { evaluate } from '../../../src/core/policy/evaluate';
import { loadPolicy } from '../../../src/core/policy/loadPolicy';
import { prepareRequest } from '../../../src/core/policy/prepare';
import type { ActionKind, TrustLevel } from '../../../src/core/policy/types';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree();
after(() => tree.cleanup());
let n = 0;

function workspace(policy: string | undefined, extra: Record<string, string> = {}): string {
  const ws = tree.path(`ws${n++}`);
  tree.write(`${ws.slice(tree.root.length + 1)}/src/app.ts`, 'x\n');
  if (policy !== undefined) tree.write(`${ws.slice(tree.root.length + 1)}/.vscode/airlock.json`, policy);
  for (const [f, c] of Object.entries(extra)) tree.write(`${ws.slice(tree.root.length + 1)}/${f}`, c);
  return ws;
}

function decide(ws: string, kind: ActionKind, target: string, opts: { trust?: TrustLevel; agent?: string; userRules?: unknown; restricted?: boolean } = {}) {
  const loaded = loadPolicy({ workspace: ws, home: tree.path('home'), dataRoot: tree.path('data'), userRules: opts.userRules ?? [], ...(opts.restricted ? { restricted: true } : {}) });
  const request = kind === 'command' ? { agent: opts.agent ?? 'claude', workspace: ws, kind, paths: [], command: target } : { agent: opts.agent ?? 'claude', workspace: ws, kind, paths: [target] };
  return { loaded, decision: evaluate(loaded.compiled, prepareRequest(request, loaded.paths), { agent: opts.agent ?? 'claude', trust: opts.trust ?? 0 }) };
}

describe('loading a workspace policy', () => {
  it('applies the recommended policy when the workspace has no file', () => {
    const ws = workspace(undefined, { '.env': 'K=1\n', '.env.example': 'K=\n' });
    const { loaded, decision } = decide(ws, 'edit', '.env', { trust: 3 });
    assert.equal(loaded.state, 'recommended');
    assert.equal(decision.action, 'deny');
    assert.equal(decision.rule?.origin, 'recommended');
    assert.equal(decide(ws, 'edit', '.env.example', { trust: 1 }).decision.action, 'allow', 'templates are not secrets');
    assert.equal(decide(ws, 'read', '.env').decision.action, 'deny', 'the recommended policy denies reading secrets');
    assert.equal(decide(ws, 'read', '~/.ssh/id_rsa').decision.action, 'deny');
    assert.equal(decide(ws, 'edit', 'package.json', { trust: 3 }).decision.action, 'ask');
    assert.equal(decide(ws, 'edit', 'src/app.ts', { trust: 1 }).decision.action, 'allow', 'ordinary source is left to trust');
  });

  it('decides an invalid file with ask defaults, keeps the recommended denials, and never lets trust relax', () => {
    const ws = workspace('{ "version": 1, "rules": [ { "action": "allow", "edit": ["**"] } ');
    const { loaded, decision } = decide(ws, 'edit', 'src/app.ts', { trust: 3 });
    assert.equal(loaded.state, 'invalid');
    assert.ok(loaded.problems.length > 0);
    assert.equal(decision.action, 'ask');
    assert.match(decision.reason, /\.vscode\/airlock\.json has errors/);
    assert.equal(decide(ws, 'command', 'ls', { trust: 3 }).decision.action, 'ask');
    assert.equal(decide(ws, 'read', 'src/app.ts', { trust: 3 }).decision.action, 'ask');
    assert.equal(decide(ws, 'edit', '.env', { trust: 3 }).decision.action, 'deny');
  });

  it('treats an unreadable policy path (a folder) as invalid, not as missing', () => {
    const ws = workspace(undefined, { '.vscode/airlock.json/x': '' });
    const { loaded } = decide(ws, 'edit', 'src/app.ts');
    assert.equal(loaded.state, 'invalid');
    assert.match(loaded.problems[0]!.message, /not a regular file/);
  });

  it('merges personal rules: a personal deny beats a workspace allow', () => {
    const ws = workspace('{ "version": 1, "rules": [ { "action": "allow", "edit": ["src/**"] } ] }');
    assert.equal(decide(ws, 'edit', 'src/app.ts').decision.action, 'allow');
    const { decision } = decide(ws, 'edit', 'src/app.ts', { userRules: [{ action: 'deny', edit: ['src/app.ts'], reason: 'mine' }] });
    assert.equal(decision.action, 'deny');
    assert.equal(decision.source, 'user');
    assert.match(decision.reason, /airlock.rules.*mine/);
  });

  it('merges personal rules: a workspace ask beats a personal allow', () => {
    const ws = workspace('{ "version": 1, "rules": [ { "action": "ask", "command": ["git push*"] } ] }');
    assert.equal(decide(ws, 'command', 'git push', { userRules: [{ action: 'allow', command: ['git push*'] }] }).decision.action, 'ask');
  });

  it('asks for everything while a personal rule is broken', () => {
    const ws = workspace('{ "version": 1 }');
    const { loaded, decision } = decide(ws, 'edit', 'src/app.ts', { trust: 1, userRules: [{ action: 'deny' }] });
    assert.ok(loaded.userProblems.length > 0);
    assert.equal(decision.action, 'ask');
  });

  it('ignores workspace allow rules and relaxing defaults in restricted mode, but keeps deny and ask', () => {
    const ws = workspace('{ "version": 1, "defaults": { "edit": "allow", "command": "allow" }, "rules": [ { "action": "allow", "command": ["make *"] }, { "action": "deny", "edit": ["secret/**"] } ] }');
    assert.equal(decide(ws, 'command', 'make all').decision.action, 'allow');
    assert.equal(decide(ws, 'command', 'make all', { restricted: true }).decision.action, 'ask');
    assert.equal(decide(ws, 'edit', 'src/app.ts', { restricted: true }).decision.action, 'ask');
    assert.equal(decide(ws, 'edit', 'secret/a', { restricted: true, trust: 3 }).decision.action, 'deny');
    assert.equal(decide(ws, 'command', 'make all', { restricted: true, userRules: [{ action: 'allow', command: ['make *'] }] }).decision.action, 'allow', 'personal rules are not the workspace file');
  });

  it('applies agent-scoped rules only to those agents, and minTrust only from that level', () => {
    const ws = workspace('{ "version": 1, "rules": [ { "action": "allow", "command": ["make *"], "agents": ["codex"], "minTrust": 2 } ] }');
    assert.equal(decide(ws, 'command', 'make x', { agent: 'codex', trust: 1 }).decision.action, 'ask');
    assert.equal(decide(ws, 'command', 'make x', { agent: 'codex', trust: 2 }).decision.source, 'workspace');
    assert.equal(decide(ws, 'command', 'make x', { agent: 'claude', trust: 1 }).decision.action, 'ask');
  });

  it('lets a deny default hold at every trust level, and an allow default allow at level 0', () => {
    const ws = workspace('{ "version": 1, "defaults": { "edit": "deny", "command": "allow" } }');
    assert.equal(decide(ws, 'edit', 'src/app.ts', { trust: 3 }).decision.action, 'deny');
    assert.equal(decide(ws, 'command', 'make', { trust: 0 }).decision.action, 'allow');
  });

  it('absolute and home globs match outside the workspace, so a rule can allow /tmp', () => {
    const ws = workspace('{ "version": 1, "rules": [ { "action": "allow", "edit": ["/tmp/airlock-scratch/**"] } ] }');
    assert.equal(decide(ws, 'edit', '/tmp/airlock-scratch/x').decision.action, 'allow');
    assert.equal(decide(ws, 'edit', '/tmp/other/x').decision.action, 'deny');
  });

  it("protects Airlock's install folder, except when it is the workspace itself (development)", () => {
    const ws = workspace('{ "version": 1, "defaults": { "edit": "allow" } }');
    const home = tree.path('home');
    const install = tree.path('ext');
    const outside = loadPolicy({ workspace: ws, home, dataRoot: tree.path('data'), installDir: install, userRules: [] });
    const req = prepareRequest({ agent: 'claude', workspace: ws, kind: 'edit', paths: [`${install}/dist/cli.js`] }, outside.paths);
    assert.equal(evaluate(outside.compiled, req, { agent: 'claude', trust: 3 }).source, 'builtin');
    const inside = loadPolicy({ workspace: ws, home, dataRoot: tree.path('data'), installDir: ws, userRules: [] });
    const own = prepareRequest({ agent: 'claude', workspace: ws, kind: 'edit', paths: ['src/app.ts'] }, inside.paths);
    assert.equal(evaluate(inside.compiled, own, { agent: 'claude', trust: 0 }).action, 'allow');
  });
});
