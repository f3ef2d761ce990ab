/**
 * No text an agent controls reaches the approval popup unmarked: checked by the compiler (every such
 * field is a `Shown`, and the only plain strings are the ones listed below) and at run time (a request
 * hostile in every field it has yields a message without one hidden character in it).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Decision } from '../../../src/core/policy/types';
import type { ApprovalRequest } from '../../../src/engine/ask';
import { HIDDEN_CHAR } from '../../../src/shared/hiddenChars';
import type { HostMessage, Shown } from '../../../src/shared/protocol';
import { shownText } from '../../../src/shared/shown';
import { approvalTitle, approvalView } from '../../../src/ui/approval/approvalView';

/** The keys of plain `string` fields anywhere in T (outside `Shown` values). */
type StringKeys<T> = T extends Shown
  ? never
  : T extends readonly (infer U)[]
    ? StringKeys<U>
    : T extends object
      ? { [K in keyof T & string]-?: (string extends NonNullable<T[K]> ? K : never) | StringKeys<NonNullable<T[K]>> }[keyof T & string]
      : never;
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/**
 * The only plain strings the host sends: the request id and the render nonce (Airlock's random hex) and
 * the language of a file (from Airlock's own table). Adding another plain string field to the protocol
 * fails type-checking here: make it a `Shown`, or, if Airlock alone writes it, add it to this list.
 */
type PlainKeys = 'id' | 'nonce' | 'language';
const onlyAirlocksStringsArePlain: Equal<StringKeys<HostMessage>, PlainKeys> = true;
void onlyAirlocksStringsArePlain;

const dir = mkdtempSync(join(tmpdir(), 'al-proto-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every hidden character class, and a lookalike, in one string. */
const HOSTILE = '\u202Eevil\u2066\u2069\u200B\u0000\u001b[2J\u00A0\uFEFF\u{E0041}\u0435\r\n\t';

describe('the approval protocol', () => {
  it('carries no hidden character to the webview from a request hostile in every field', () => {
    mkdirSync(join(dir, '.vscode'), { recursive: true });
    writeFileSync(join(dir, '.env'), 'SECRET=1\n');
    const h = (s: string): string => `${s}${HOSTILE}`;
    const decision: Decision = {
      action: 'ask',
      source: 'workspace',
      reason: h('edits ask'),
      trustApplied: false,
      rule: { action: 'ask', selector: 'edit', pattern: h('src/**'), origin: 'workspace', index: 0, reason: h('why') } as unknown as NonNullable<Decision['rule']>,
      limit: { name: h('files'), value: 3, limit: 2 } as unknown as NonNullable<Decision['limit']>,
      parts: [{ kind: 'command', text: h('rm -rf'), via: h('xargs'), action: 'ask', source: 'default', reason: h('deletes') }],
    };
    const request: ApprovalRequest = {
      id: 'r1',
      agent: h('agent'),
      agentSessionId: h('s'),
      sessionId: 's',
      tool: h('Tool'),
      kind: 'edit',
      decision,
      files: [
        { path: h('src/a.js'), op: 'write', newPath: h('src/b.js'), before: h('one\n'), after: h('two\n'), approximate: h('approx') },
        { path: h('img.png'), op: 'write', binary: true },
        { path: '.\u0435nv', op: 'create', after: h('x') },
      ],
      command: h('echo'),
      cwd: h('/w'),
      paths: [h('p')],
      deadline: Date.now() + 1000,
      trust: 0,
      sandbox: h('sandboxed'),
      input: h('{"x":1}'),
    };
    const view = approvalView(request, { folderName: h('folder'), workspace: dir });
    const message: HostMessage = { type: 'show', nonce: 'n', request: view, queued: [{ id: 'r1', title: approvalTitle(request) }] };
    const json = JSON.stringify(message);
    // JSON escapes C0 controls itself; it leaves every other hidden character raw. None may be there.
    const found = [...json.matchAll(HIDDEN_CHAR)].map((m) => `U+${m[0].codePointAt(0)!.toString(16)}`);
    assert.deepEqual(found, []);
    const strings: string[] = [];
    JSON.parse(json, (_k, v: unknown) => (typeof v === 'string' && strings.push(v), v));
    for (const s of strings) assert.deepEqual([...s.matchAll(HIDDEN_CHAR)].filter((m) => m[0] !== '\n' && m[0] !== '\t'), [], JSON.stringify(s));
    // And the marks are there, where the person reads.
    assert.match(shownText(view.reason), /⟨U\+202E⟩/);
    assert.match(shownText(view.title), /⟨U\+202E⟩/);
    assert.ok(view.attention.some((a) => /looks like \.env, which exists/.test(shownText(a.text))), 'the lookalike of .env is named');
    assert.ok(view.leftOut.some((l) => /binary/.test(shownText(l.what))));
  });
});

describe('the editor\'s plain-text places (notifications, quick picks, trees, the status bar)', () => {
  it('mark hidden characters and lookalike letters in names and sentences', async () => {
    const { agentName, label, said } = await import('../../../src/ui/labels');
    assert.equal(agentName('claude'), 'Claude Code');
    assert.equal(agentName('ev\u202Eil'), 'ev⟨U+202E⟩il');
    assert.equal(label('my\u200Bproject'), 'my⟨U+200B⟩project');
    assert.match(label('.\u0435nv'), /⟨mixes Cyrillic and Latin letters; reads as "env"⟩/);
    assert.equal(said('cannot open /w/a\u2066b\u2069: EACCES'), 'cannot open /w/a⟨U+2066⟩b⟨U+2069⟩: EACCES');
  });
});
