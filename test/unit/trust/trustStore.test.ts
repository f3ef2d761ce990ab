import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AuditLog } from '../../../src/core/audit/auditLog';
import { DEFAULT_LIMITS, evaluate } from '../../../src/core/policy/evaluate';
import { loadPolicy } from '../../../src/core/policy/loadPolicy';
import { prepareRequest } from '../../../src/core/policy/prepare';
import type { Limits, TrustLevel } from '../../../src/core/policy/types';
import { describeTrust, TrustStore } from '../../../src/core/trust/trustStore';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree('airlock-trust-');
after(() => tree.cleanup());
let n = 0;
function store(): { store: TrustStore; audit: AuditLog } {
  const dir = tree.path(`t${n++}`);
  const audit = new AuditLog(dir);
  return { store: new TrustStore(dir, audit), audit };
}

describe('trust levels', () => {
  it('starts every agent at level 0', () => {
    assert.equal(store().store.level('claude'), 0);
  });

  it('offers a promotion exactly when the record meets the bar, and never promotes by itself', () => {
    const { store: s, audit } = store();
    let offer;
    for (let i = 0; i < 49; i++) offer = s.recordAction('claude', `s${i % 3}`);
    assert.equal(offer, undefined, '49 actions are not enough');
    offer = s.recordAction('claude', 's2');
    assert.deepEqual(offer?.to, 1, 'the 50th action over 3 sessions earns the offer');
    assert.equal(s.level('claude'), 0, 'Airlock never promotes by itself');
    assert.equal(audit.read().at(-1)!.type, 'promotion-offer');
    assert.equal(s.recordAction('claude', 's2'), undefined, 'one offer at a time');
    assert.match(describeTrust('claude', s.get('claude')), /promotion to level 1 offered/);
  });

  it('needs enough sessions too', () => {
    const { store: s } = store();
    for (let i = 0; i < 80; i++) assert.equal(s.recordAction('claude', 'only-one'), undefined);
  });

  it('makes no offer while the record has an incident; a demotion starts a fresh record', () => {
    const { store: zero } = store();
    zero.demote('claude', 'denied', 'tried .env');
    for (let i = 0; i < 60; i++) assert.equal(zero.recordAction('claude', `s${i % 4}`), undefined, 'an incident at level 0 blocks the offer');
    const { store: one } = store();
    one.set('claude', 1);
    one.demote('claude', 'denied', 'tried .env');
    assert.equal(one.level('claude'), 0);
    let offer;
    for (let i = 0; i < 50; i++) offer = one.recordAction('claude', `s${i % 3}`);
    assert.equal(offer?.to, 1, 'the record restarted at the demotion, so it is clean again');
  });

  it('demotes by one level for each cause, says why, and never below 0', () => {
    const { store: s, audit } = store();
    s.set('codex', 3);
    s.demote('codex', 'rollback', 'session abc was rolled back');
    assert.equal(s.level('codex'), 2);
    s.demote('codex', 'denied', 'edit of .env');
    assert.equal(s.level('codex'), 1);
    s.demote('codex', 'limit', 'maxFilesPerSession: 51 of 50');
    assert.equal(s.level('codex'), 0);
    s.demote('codex', 'denied', 'again');
    assert.equal(s.level('codex'), 0);
    const changes = audit.read().filter((r) => r.type === 'trust');
    assert.deepEqual(changes.map((r) => [r.from, r.to, r.decidedBy]), [[0, 3, 'person'], [3, 2, 'airlock'], [2, 1, 'airlock'], [1, 0, 'airlock']]);
    assert.match(String(changes[1]!.reason), /a session was rolled back: session abc/);
    assert.match(String(changes[3]!.reason), /breached a limit: maxFilesPerSession/);
    assert.equal(s.get('codex').record.denied, 1, 'the incident at level 0 is still counted');
  });

  it('lets a person decline an offer, with no new offer for a day', () => {
    const { store: s } = store();
    for (let i = 0; i < 50; i++) s.recordAction('gemini', `s${i % 3}`);
    s.decline('gemini');
    assert.equal(s.get('gemini').offer, undefined);
    assert.equal(s.recordAction('gemini', 's1'), undefined);
    assert.equal(s.recordAction('gemini', 's1', new Date(Date.now() + 25 * 3600_000))?.to, 1);
  });

  it('reads a damaged trust file as level 0, never higher', () => {
    const dir = tree.path('damaged');
    const s = new TrustStore(dir);
    s.set('claude', 2);
    writeFileSync(join(dir, 'trust.json'), '{"version":1,"agents":{"claude":{"level":9}}}');
    assert.equal(s.level('claude'), 0);
    writeFileSync(join(dir, 'trust.json'), 'not json');
    assert.equal(s.level('claude'), 0);
  });
});

describe('blast-radius limits', () => {
  const ws = tree.path('limits-ws');
  tree.write('limits-ws/.git/HEAD', '');
  tree.write('limits-ws/src/a.ts', 'a\n');
  const policy = loadPolicy({ workspace: ws, home: tree.path('h'), dataRoot: tree.path('d') });
  const edit = prepareRequest({ agent: 'claude', workspace: ws, kind: 'edit', paths: ['src/a.ts'] }, policy.paths);
  const command = prepareRequest({ agent: 'claude', workspace: ws, kind: 'command', paths: [], command: 'ls' }, policy.paths);
  const base = { files: new Set<string>(), changedLines: 0, commands: 0, recentActions: [] as number[], recentCommands: [] as number[] };
  const now = 1_000_000;

  const cases: [keyof Limits, (limit: number) => object, 'edit' | 'command'][] = [
    ['maxFilesPerSession', (l) => ({ files: new Set(Array.from({ length: l }, (_, i) => `f${i}`)) }), 'edit'],
    ['maxChangedLinesPerSession', (l) => ({ changedLines: l }), 'edit'],
    ['maxCommandsPerSession', (l) => ({ commands: l }), 'command'],
    ['maxActionsPerMinute', (l) => ({ recentActions: Array.from({ length: l }, () => now - 1000) }), 'command'],
    ['maxCommandsPerMinute', (l) => ({ recentCommands: Array.from({ length: l }, () => now - 1000) }), 'command'],
  ];
  for (const trust of [1, 3] as TrustLevel[]) {
    for (const [name, usage, kind] of cases) {
      it(`turns allow into ask exactly past ${name} at level ${trust}`, () => {
        const limit = DEFAULT_LIMITS[trust][name];
        const req = kind === 'edit' ? { ...edit, ...(name === 'maxChangedLinesPerSession' ? { changedLines: 1 } : {}) } : command;
        const atLimit = name === 'maxFilesPerSession' || name === 'maxChangedLinesPerSession' ? limit - 1 : limit - 1;
        const under = evaluate(policy.compiled, req, { agent: 'claude', trust, now, session: { ...base, ...usage(atLimit) } });
        assert.equal(under.action, 'allow', `${name} at ${atLimit}+1 of ${limit}: ${under.reason}`);
        const over = evaluate(policy.compiled, req, { agent: 'claude', trust, now, session: { ...base, ...usage(limit) } });
        assert.equal(over.action, 'ask');
        assert.equal(over.source, 'limit');
        assert.deepEqual(over.limit, { name, limit, value: limit + 1 });
        assert.match(over.reason, new RegExp(`${limit + 1} .* would exceed the limit of ${limit} \\(${name}\\)`));
      });
    }
  }

  it('scales the default limits with the trust level, and lets the policy override them', () => {
    for (const k of Object.keys(DEFAULT_LIMITS[0]) as (keyof Limits)[]) {
      assert.ok(DEFAULT_LIMITS[0][k] <= DEFAULT_LIMITS[1][k] && DEFAULT_LIMITS[1][k] <= DEFAULT_LIMITS[2][k] && DEFAULT_LIMITS[2][k] <= DEFAULT_LIMITS[3][k], k);
    }
    tree.write('limits-ws2/.vscode/airlock.json', '{ "version": 1, "limits": { "maxCommandsPerSession": 2 } }');
    const p2 = loadPolicy({ workspace: tree.path('limits-ws2'), home: tree.path('h'), dataRoot: tree.path('d') });
    const c = prepareRequest({ agent: 'claude', workspace: tree.path('limits-ws2'), kind: 'command', paths: [], command: 'ls' }, p2.paths);
    assert.equal(evaluate(p2.compiled, c, { agent: 'claude', trust: 3, now, session: { ...base, commands: 2 } }).source, 'limit');
  });
});
