import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { addRuleToPolicy, escapeGlob, PolicyEditError } from '../../../src/core/policy/editPolicy';
import { evaluate } from '../../../src/core/policy/evaluate';
import { loadPolicy } from '../../../src/core/policy/loadPolicy';
import { prepareRequest } from '../../../src/core/policy/prepare';
import type { Decision } from '../../../src/core/policy/types';
import type { ApprovalRequest } from '../../../src/engine/ask';
import { parseWebviewMessage } from '../../../src/shared/protocol';
import { shownText } from '../../../src/shared/shown';
import { newNonce, renderApprovalHtml } from '../../../src/ui/approval/approvalHtml';
import { ApprovalQueue } from '../../../src/ui/approval/approvalQueue';
import { diffRows } from '../../../src/core/diff/diffRows';
import { alwaysAllowRule, approvalView, ruleWouldNotAllow } from '../../../src/ui/approval/approvalView';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree();
after(() => tree.cleanup());

const askDefault: Decision = { action: 'ask', source: 'default', reason: 'edits ask at trust level 0', trustApplied: true };

function request(over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'r1',
    agent: 'claude',
    agentSessionId: 's',
    sessionId: 'sess',
    tool: 'Edit',
    kind: 'edit',
    decision: askDefault,
    files: [{ path: 'src/app.ts', op: 'write', before: 'const a = 1;\nconst b = 2;\n', after: 'const a = 1;\nconst b = 3;\n' }],
    cwd: '/w',
    deadline: Date.now() + 60_000,
    trust: 0,
    ...over,
  };
}

describe('the approval view', () => {
  it('pairs changed lines and marks only the words that differ', () => {
    const { rows, added, removed } = diffRows('const a = 1;\nconst b = 2;\n', 'const a = 1;\nconst b = 3;\n');
    assert.equal(added, 1);
    assert.equal(removed, 1);
    const change = rows.find((r) => r.kind === 'change')!;
    assert.deepEqual(change.left!.segments.filter((s) => s.changed).map((s) => shownText(s.text)), ['2']);
    assert.deepEqual(change.right!.segments.filter((s) => s.changed).map((s) => shownText(s.text)), ['3']);
    assert.equal(change.right!.segments.map((s) => shownText(s.text)).join(''), 'const b = 3;');
    assert.equal(change.left!.line, 2);
    assert.equal(change.right!.line, 2);
  });

  it('collapses long unchanged stretches to gaps, keeping three lines of context', () => {
    const before = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const after = before.replace('line 20\n', 'line twenty\n');
    const { rows } = diffRows(before, after);
    assert.equal(rows.filter((r) => r.kind === 'same').length, 6);
    assert.equal(rows.filter((r) => r.kind === 'gap').length, 2);
  });

  it('says what a request is about in one sentence, and names a binary file instead of diffing it', () => {
    const v = approvalView(request({ files: [{ path: 'img.png', op: 'write', binary: true }] }));
    assert.equal(shownText(v.title), 'Claude Code wants to edit img.png');
    assert.match(shownText(v.files[0]!.note!), /binary/);
    const c = approvalView(request({ kind: 'command', tool: 'Bash', files: undefined, command: 'npm test && rm -rf build' }));
    assert.equal(shownText(c.title), 'Claude Code wants to run a command');
    assert.equal(shownText(c.command!.text), 'npm test && rm -rf build');
  });
});

describe('"Always allow"', () => {
  it('writes a rule for exactly the files asked about, escaping glob characters in their names', () => {
    const a = alwaysAllowRule(request({ files: [{ path: 'src/*', op: 'write', before: '', after: 'x' }] }));
    assert.ok('rule' in a);
    assert.deepEqual(a.rule.edit, ['src/\\*']);
    assert.deepEqual(a.rule.agents, ['claude']);
  });

  it('adds a rule that allows the literal path and nothing else, whatever characters the name holds', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z*?[\]{}()!+@,.~#\\ -]{1,12}$/), (name) => {
        fc.pre(!name.includes('/') && name.trim() === name && name !== '.' && name !== '..' && !name.startsWith('.'));
        const ws = tree.path(`esc${n++}`);
        const rule = alwaysAllowRule(request({ files: [{ path: `src/${name}`, op: 'write', before: '', after: 'x' }] }));
        if (name.includes('\\')) {
          assert.ok('unavailable' in rule, 'no rule is offered for a name with a backslash');
          return;
        }
        assert.ok('rule' in rule);
        tree.write(`${ws.slice(tree.root.length + 1)}/.vscode/airlock.json`, addRuleToPolicy('{ "version": 1, "rules": [] }', rule.rule));
        const loaded = loadPolicy({ workspace: ws, home: tree.path('home'), dataRoot: tree.path('data') });
        assert.equal(loaded.state, 'file', JSON.stringify(loaded.problems));
        const decide = (p: string) => evaluate(loaded.compiled, prepareRequest({ agent: 'claude', workspace: ws, kind: 'edit', paths: [p] }, loaded.paths), { agent: 'claude', trust: 0 }).action;
        assert.equal(decide(`src/${name}`), 'allow', `src/${name} is allowed by its own rule`);
        assert.equal(decide('src/other-file.ts'), 'ask', `the rule for src/${name} allows nothing else`);
        assert.equal(decide(`src/${name}x`), 'ask');
      }),
      { numRuns: 150 },
    );
  });

  it('is not offered when a rule, a built-in protection or a limit asked, or a command holds a wildcard', () => {
    const rule = { action: 'ask', selector: 'edit', pattern: 'package.json', origin: 'workspace', index: 0 } as unknown as NonNullable<Decision['rule']>;
    assert.ok('unavailable' in alwaysAllowRule(request({ decision: { ...askDefault, source: 'workspace', rule } })));
    assert.ok('unavailable' in alwaysAllowRule(request({ decision: { ...askDefault, source: 'limit' } })));
    const star = alwaysAllowRule(request({ kind: 'command', files: undefined, command: 'rm *.tmp', decision: { ...askDefault, parts: [{ kind: 'command', text: 'rm *.tmp', via: '', action: 'ask', source: 'default', reason: 'commands ask' }] } as Decision }));
    assert.ok('unavailable' in star && /wildcard/.test(star.unavailable));
    const ok = alwaysAllowRule(request({ kind: 'command', files: undefined, command: 'npm run lint', decision: { ...askDefault, parts: [{ kind: 'command', text: 'npm run lint', via: '', action: 'ask', source: 'default', reason: 'commands ask' }] } as Decision }));
    assert.ok('rule' in ok);
    assert.deepEqual(ok.rule.command, ['npm run lint']);
  });

  it('keeps the policy file\'s comments and other rules, and refuses to rewrite a file with errors', () => {
    const text = '// mine\n{\n  "version": 1,\n  // keep this\n  "rules": [\n    { "action": "deny", "edit": ["secret/**"] }\n  ]\n}\n';
    const out = addRuleToPolicy(text, { action: 'allow', edit: ['a.ts'], agents: ['claude'] });
    assert.match(out, /\/\/ mine/);
    assert.match(out, /\/\/ keep this/);
    assert.match(out, /"secret\/\*\*"/);
    assert.match(out, /"a\.ts"/);
    assert.throws(() => addRuleToPolicy('{ "version": 1, "rules": [ ', { action: 'allow', edit: ['a'] }), PolicyEditError);
    assert.throws(() => addRuleToPolicy('{ "version": 1, "rules": [], "bogus": 1 }', { action: 'allow', edit: ['a'] }), PolicyEditError);
    assert.match(addRuleToPolicy(undefined, { action: 'allow', edit: ['a.ts'] }), /"a\.ts"/, 'a missing file starts from the recommended policy');
    assert.equal(escapeGlob('a[1]{x,y}*?.ts'), 'a\\[1\\]\\{x\\,y\\}\\*\\?.ts');
    assert.equal(escapeGlob('a\\b'), undefined);
    assert.equal(escapeGlob('~/.bashrc'), '\\~/.bashrc', 'a workspace folder named ~ is not the home folder');
    assert.equal(escapeGlob('#notes'), '\\#notes');
  });
});

describe('"Always allow" writes only rules that work', () => {
  it('never turns a workspace folder named ~ into a rule for the home folder', () => {
    const ws = tree.path('tilde');
    tree.write('tilde/~/.bashrc', 'x\n');
    const rule = alwaysAllowRule(request({ files: [{ path: '~/.bashrc', op: 'write', before: 'x\n', after: 'y\n' }] }));
    assert.ok('rule' in rule);
    const text = addRuleToPolicy('{ "version": 1, "rules": [] }', rule.rule);
    const loaded = loadPolicy({ workspace: ws, home: tree.path('home'), dataRoot: tree.path('data'), policyText: text });
    const decide = (p: string) => evaluate(loaded.compiled, prepareRequest({ agent: 'claude', workspace: ws, kind: 'edit', paths: [p] }, loaded.paths), { agent: 'claude', trust: 0 }).action;
    assert.equal(decide(tree.path('tilde', '~', '.bashrc')), 'allow');
    assert.equal(decide(tree.path('home', '.bashrc')), 'deny', 'the real home folder stays denied');
  });

  it('refuses a rule the policy would ignore: an untrusted workspace, or a symlink to outside', () => {
    const ws = tree.path('works');
    tree.write('works/src/a.ts', 'x\n');
    tree.write('elsewhere/secret.txt', 's\n');
    tree.link('works/src/link.txt', tree.path('elsewhere/secret.txt'));
    const edit = request({ files: [{ path: 'src/a.ts', op: 'write', before: 'x\n', after: 'y\n' }] });
    const rule = alwaysAllowRule(edit);
    assert.ok('rule' in rule);
    const text = addRuleToPolicy('{ "version": 1, "rules": [] }', rule.rule);
    const opts = { workspace: ws, home: tree.path('home'), dataRoot: tree.path('data'), userRules: [], restricted: false };
    assert.equal(ruleWouldNotAllow(edit, text, opts), undefined);
    assert.match(ruleWouldNotAllow(edit, text, { ...opts, restricted: true }) ?? '', /still ask/);
    const read = request({ kind: 'read', files: undefined, paths: ['src/link.txt'] });
    const readRule = alwaysAllowRule(read);
    assert.ok('rule' in readRule);
    assert.match(ruleWouldNotAllow(read, addRuleToPolicy('{ "version": 1, "defaults": { "read": "ask" }, "rules": [] }', readRule.rule), opts) ?? '', /still/);
  });

  it('is not offered for a command holding a variable or a substitution', () => {
    const part = (text: string) => ({ kind: 'command' as const, text, via: 'command', action: 'ask' as const, source: 'default' as const, reason: 'commands ask' });
    for (const cmd of ['make $TARGET', 'echo `date`', 'ls $(pwd)']) {
      const a = alwaysAllowRule(request({ kind: 'command', files: undefined, command: cmd, decision: { ...askDefault, parts: [part(cmd)] } }));
      assert.ok('unavailable' in a, cmd);
    }
  });
});

describe('large diffs', () => {
  it('says how many changed lines it leaves out, instead of a collapsed row', () => {
    const before = Array.from({ length: 600 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const after = Array.from({ length: 600 }, (_, i) => (i % 10 === 0 ? `LINE ${i}` : `line ${i}`)).join('\n') + '\n';
    const d = diffRows(before, after, 100);
    const last = d.rows.at(-1)!;
    assert.equal(last.kind, 'truncated');
    const shown = d.rows.filter((r) => r.kind === 'change').length;
    assert.equal(shown + (last.count ?? 0), 60, 'every changed line is either shown or counted');
    assert.equal(d.added, 60);
  });

  it('shows a large rewrite as old text replaced by new when the exact diff takes too long, and says so', () => {
    const rnd = (seed: number) => Array.from({ length: 30000 }, (_, i) => `${(i * 7919 + seed) % 104729}`).join('\n') + '\n';
    const d = diffRows(rnd(1), rnd(2));
    assert.ok(d.rows.length > 0);
    assert.equal(d.added, 30000);
    if (d.tooLarge) {
      assert.equal(d.removed, 30000);
      assert.equal(d.rows.at(-1)!.kind, 'truncated', 'rows beyond the limit are counted, not hidden');
    }
  });
});

describe('the approval panel HTML', () => {
  it('allows only its own nonce-tagged script and local styles and fonts', () => {
    const nonce = newNonce();
    const html = renderApprovalHtml({ cspSource: 'vscode-webview://abc', nonce, scriptUri: 'vscode-webview://abc/approval.js', styleUri: 'vscode-webview://abc/a.css', codiconsUri: 'vscode-webview://abc/codicon.css' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}'`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, new RegExp(`<script nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}" src=`));
    assert.notEqual(newNonce(), nonce);
  });
});

describe('messages from the webview', () => {
  it('accepts only well-formed messages of known types', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'answer', id: 'r1', nonce: 'n', action: 'allow', scope: 'session' }), { type: 'answer', id: 'r1', nonce: 'n', action: 'allow', scope: 'session' });
    assert.deepEqual(parseWebviewMessage({ type: 'answer', id: 'r1', nonce: 'n', action: 'deny', scope: 'once', message: '  use git stash  ' }), { type: 'answer', id: 'r1', nonce: 'n', action: 'deny', scope: 'once', message: 'use git stash' });
    for (const bad of [
      null,
      'answer',
      [],
      { type: 'answer', id: 'r1', nonce: 'n', action: 'allow' },
      { type: 'answer', id: 'r1', nonce: 'n', action: 'ALLOW', scope: 'once' },
      { type: 'answer', id: 'r1', nonce: 'n', action: 'deny', scope: 'always' },
      { type: 'answer', id: 1, nonce: 'n', action: 'allow', scope: 'once' },
      { type: 'answer', id: 'r1', nonce: 'n', action: 'allow', scope: 'once', message: 'x'.repeat(3000) },
      { type: 'answer', id: 'x'.repeat(100), nonce: 'n', action: 'allow', scope: 'once' },
      { type: 'openDiff', id: 'r1', nonce: 'n', file: -1 },
      { type: 'openDiff', id: 'r1', nonce: 'n', file: 1.5 },
      { type: 'addRule', rule: { action: 'allow', edit: ['**'] } },
      { type: '__proto__' },
    ]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.anything(), (v) => void parseWebviewMessage(v)));
  });
});

describe('the approval queue', () => {
  it('answers requests by id, oldest first, across folders', async () => {
    const q = new ApprovalQueue();
    let changes = 0;
    q.onDidChange(() => changes++);
    const a = q.askerFor('/w1', 'w1').ask(request({ id: 'a' }), new AbortController().signal);
    const b = q.askerFor('/w2', 'w2').ask(request({ id: 'b' }), new AbortController().signal);
    assert.deepEqual(q.pending.map((p) => [p.request.id, p.folderName]), [['a', 'w1'], ['b', 'w2']]);
    assert.equal(q.answer('b', { action: 'deny', by: 'person', message: 'no' }), true);
    assert.deepEqual(await b, { action: 'deny', by: 'person', message: 'no' });
    assert.equal(q.answer('b', { action: 'allow', by: 'person' }), false, 'an answered request cannot be answered again');
    assert.equal(q.answer('a', { action: 'allow', scope: 'once', by: 'person' }), true);
    assert.equal((await a).action, 'allow');
    assert.equal(q.pending.length, 0);
    assert.equal(changes, 4);
  });

  it('drops a request when its gate aborts it (timeout, or the hook went away), and when its folder closes', async () => {
    const q = new ApprovalQueue();
    const c = new AbortController();
    const p = q.askerFor('/w', 'w').ask(request({ id: 'x' }), c.signal);
    const other = q.askerFor('/v', 'v').ask(request({ id: 'y' }), new AbortController().signal);
    c.abort();
    assert.deepEqual(await p, { action: 'deny', by: 'cancelled' });
    assert.deepEqual(q.pending.map((e) => e.request.id), ['y']);
    q.cancelAll('/v');
    assert.deepEqual(await other, { action: 'deny', by: 'cancelled' });
    const aborted = new AbortController();
    aborted.abort();
    assert.deepEqual(await q.askerFor('/w', 'w').ask(request({ id: 'z' }), aborted.signal), { action: 'deny', by: 'cancelled' });
    assert.equal(q.pending.length, 0);
  });
});
