import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeGlob, parsePolicyText, parseRuleList } from '../../../src/core/policy/policyFile';
import { RECOMMENDED_POLICY_TEXT, recommendedPolicy } from '../../../src/core/policy/recommended';

function errors(text: string): { message: string; line: number; column: number }[] {
  return parsePolicyText(text)
    .problems.filter((p) => p.severity === 'error')
    .map(({ message, line, column }) => ({ message, line, column }));
}

describe('policy file validation', () => {
  it('accepts the recommended policy without problems', () => {
    const parsed = parsePolicyText(RECOMMENDED_POLICY_TEXT);
    assert.deepEqual(parsed.problems, []);
    assert.ok(parsed.document);
    assert.ok(recommendedPolicy().rules.length >= 3);
  });

  it('reports a syntax error with its line and column', () => {
    const e = errors('{\n  "version": 1,\n  "rules": [\n    { "action": "deny" "edit": ["x"] }\n  ]\n}');
    assert.equal(e.length, 1);
    assert.match(e[0]!.message, /expected ","/);
    assert.equal(e[0]!.line, 4);
    assert.equal(e[0]!.column, 24);
  });

  it('accepts comments and trailing commas (JSONC)', () => {
    const parsed = parsePolicyText('{ // c\n "version": 1, /* block */ "rules": [ { "action": "allow", "edit": ["a"], }, ], }');
    assert.deepEqual(parsed.problems, []);
  });

  it('rejects an empty file and a file that is not an object', () => {
    assert.match(errors('')[0]!.message, /empty|expected a value/i);
    assert.match(errors('[]')[0]!.message, /must hold a JSON object/);
  });

  it('names unknown keys at every level, with the allowed ones', () => {
    const e = errors('{ "version": 1, "rulez": [], "defaults": { "edits": "ask" }, "rules": [ { "action": "deny", "edit": ["x"], "agent": ["claude"] } ] }');
    assert.deepEqual(
      e.map((x) => x.message.split(' in ')[0]),
      ['Unknown key "rulez"', 'Unknown key "edits"', 'Unknown key "agent"'],
    );
    assert.match(e[2]!.message, /Allowed keys: action, edit, read, command, agents, minTrust, reason/);
  });

  it('rejects a rule with no selector or with two selectors', () => {
    assert.match(errors('{ "version": 1, "rules": [ { "action": "deny" } ] }')[0]!.message, /has no selector/);
    assert.match(errors('{ "version": 1, "rules": [ { "action": "deny", "edit": ["a"], "command": ["b"] } ] }')[0]!.message, /exactly one selector, so split it into 2 rules/);
  });

  it('rejects a bad action and a missing action', () => {
    assert.match(errors('{ "version": 1, "rules": [ { "action": "block", "edit": ["a"] } ] }')[0]!.message, /must be "allow", "ask" or "deny", not "block"/);
    assert.match(errors('{ "version": 1, "rules": [ { "edit": ["a"] } ] }')[0]!.message, /has no "action"/);
  });

  it('rejects invalid globs with the reason', () => {
    assert.match(errors('{ "version": 1, "rules": [ { "action": "deny", "edit": [""] } ] }')[0]!.message, /empty glob/);
    assert.match(errors('{ "version": 1, "rules": [ { "action": "deny", "edit": ["src\\\\x"] } ] }')[0]!.message, /write paths with "\/"/);
    assert.deepEqual(errors('{ "version": 1, "rules": [ { "action": "deny", "edit": ["src/\\\\*.ts", "a\\\\{b\\\\}"] } ] }'), [], 'a backslash may escape a glob character');
    assert.match(errors('{ "version": 1, "rules": [ { "action": "deny", "edit": ["src\\\\\\\\x"] } ] }')[0]!.message, /write paths with "\/"/);
    assert.match(errors('{ "version": 1, "rules": [ { "action": "deny", "edit": ["../x"] } ] }')[0]!.message, /contains "\.\."/);
    assert.match(errors('{ "version": 1, "rules": [ { "action": "deny", "edit": [] } ] }')[0]!.message, /empty list/);
    assert.match(errors('{ "version": 1, "rules": [ { "action": "deny", "edit": [3] } ] }')[0]!.message, /must be a string/);
  });

  it('rejects minTrust on deny and ask rules, where it would do nothing', () => {
    assert.match(errors('{ "version": 1, "rules": [ { "action": "deny", "edit": ["a"], "minTrust": 2 } ] }')[0]!.message, /only applies to "allow" rules/);
    assert.match(errors('{ "version": 1, "rules": [ { "action": "allow", "edit": ["a"], "minTrust": 4 } ] }')[0]!.message, /0, 1, 2 or 3/);
  });

  it('rejects unknown agent ids instead of silently matching nothing', () => {
    assert.match(errors('{ "version": 1, "rules": [ { "action": "deny", "edit": ["a"], "agents": ["claud"] } ] }')[0]!.message, /Unknown agent "claud".*known agents are claude/);
  });

  it('rejects duplicate keys, which JSON would silently collapse', () => {
    assert.match(errors('{ "version": 1, "rules": [], "rules": [] }')[0]!.message, /Duplicate key "rules"/);
  });

  it('rejects bad defaults, limits and versions', () => {
    assert.match(errors('{ "version": 2 }')[0]!.message, /Unsupported policy version 2/);
    assert.match(errors('{ "version": 1, "defaults": { "edit": "maybe" } }')[0]!.message, /"defaults.edit" must be/);
    assert.match(errors('{ "version": 1, "limits": { "maxFilesPerSession": 0 } }')[0]!.message, /whole number of at least 1/);
    assert.match(errors('{ "version": 1, "limits": { "maxFilesPerSession": 2.5 } }')[0]!.message, /whole number/);
  });

  it('warns about a missing version and reads the file as version 1', () => {
    const parsed = parsePolicyText('{ "rules": [] }');
    assert.ok(parsed.document);
    assert.match(parsed.problems[0]!.message, /no "version"/);
    assert.equal(parsed.problems[0]!.severity, 'warning');
  });

  it('warns that a deny pattern without * matches only the bare command', () => {
    const parsed = parsePolicyText('{ "version": 1, "rules": [ { "action": "deny", "command": ["rm"] } ] }');
    assert.ok(parsed.document);
    assert.match(parsed.problems[0]!.message, /matches only the bare command "rm".*"rm \*"/);
  });

  it('returns no document while there is any error', () => {
    assert.equal(parsePolicyText('{ "version": 1, "rules": [ { "action": "allow", "edit": ["src/**"] }, { "action": "nope", "edit": ["x"] } ] }').document, undefined);
  });

  it('normalizes ./ prefixes and trailing slashes in globs', () => {
    assert.equal(normalizeGlob('./src/**'), 'src/**');
    assert.equal(normalizeGlob('build/'), 'build/**');
    const parsed = parsePolicyText('{ "version": 1, "rules": [ { "action": "deny", "edit": "./secrets/" } ] }');
    assert.deepEqual(parsed.document?.rules[0]?.patterns, ['secrets/**']);
  });

  it('records the line of each rule for messages', () => {
    const parsed = parsePolicyText('{\n "version": 1,\n "rules": [\n\n  { "action": "deny", "edit": ["a"] }\n ]\n}');
    assert.equal(parsed.document?.rules[0]?.line, 5);
  });

  it('refuses a policy file larger than 1 MiB', () => {
    assert.match(errors(`{"version":1,"x":"${'a'.repeat(1024 * 1024)}"}`)[0]!.message, /larger than 1024 KiB/);
  });

  it('validates personal rules from settings and keeps the valid ones', () => {
    const r = parseRuleList([{ action: 'deny', edit: ['a'] }, { action: 'allow' }]);
    assert.equal(r.rules.length, 1);
    assert.match(r.problems[0]!.message, /rule 2 of airlock.rules has no selector/);
    assert.match(parseRuleList('nope').problems[0]!.message, /must be a list/);
  });
});
