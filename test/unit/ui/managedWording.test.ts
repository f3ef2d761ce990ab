import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Decision } from '../../../src/core/policy/types';
import type { ApprovalRequest } from '../../../src/engine/ask';
import { shownText } from '../../../src/shared/shown';
import { alwaysAllowRule, approvalView } from '../../../src/ui/approval/approvalView';

function request(decision: Decision, over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return { id: 'r1', agent: 'claude', agentSessionId: 's', sessionId: 'sess', tool: 'Edit', kind: 'edit', decision, files: [{ path: 'src/app.ts', op: 'write', before: 'a\n', after: 'b\n' }], cwd: '/w', deadline: Date.now() + 60_000, trust: 0, ...over };
}

describe("the popup names the organisation's policy", () => {
  it('shows a managed rule as a rule of your organisation\'s policy, with its file and line', () => {
    const d: Decision = { action: 'ask', source: 'managed', trustApplied: false, reason: 'src/app.ts: rule 2 of your organisation\'s policy (/etc/airlock/policy.json, line 7) asks before edits of "src/**"', rule: { origin: 'managed', index: 1, action: 'ask', selector: 'edit', pattern: 'src/**', file: '/etc/airlock/policy.json', line: 7, reason: 'reviewed' } };
    const v = approvalView(request(d));
    assert.equal(shownText(v.rule!), 'rule 2 of your organisation\'s policy (/etc/airlock/policy.json, line 7): ask edit "src/**" (reviewed)');
    assert.match(shownText(v.reason), /your organisation's policy/);
  });

  it('names the organisation when its declared default decided, with no rule to show', () => {
    const d: Decision = { action: 'ask', source: 'managed', trustApplied: false, reason: "src/app.ts: no rule decides it; the default for edits is ask; this is your organisation's policy, which no workspace or personal rule can loosen" };
    const v = approvalView(request(d));
    assert.match(shownText(v.rule!), /^your organisation's policy: its default/);
  });

  it('offers no "Always allow" rule that the organisation\'s policy would override', () => {
    const d: Decision = { action: 'ask', source: 'managed', trustApplied: false, reason: 'x' };
    const a = alwaysAllowRule(request(d));
    assert.ok('unavailable' in a && /your organisation's policy decides this/.test(a.unavailable));
    const cmd = alwaysAllowRule(request({ action: 'ask', source: 'default', trustApplied: false, reason: 'x', parts: [{ kind: 'command', text: 'git push', via: 'command', action: 'ask', source: 'managed', reason: 'x' }] }, { kind: 'command', command: 'git push', files: [] }));
    assert.ok('unavailable' in cmd);
  });
});
