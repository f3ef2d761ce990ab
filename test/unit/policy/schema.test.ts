import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'jsonc-parser';
import { parsePolicyText } from '../../../src/core/policy/policyFile';
import { RECOMMENDED_POLICY_TEXT } from '../../../src/core/policy/recommended';
import { SPEC_EXAMPLE_POLICY } from '../helpers/fixtures';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/airlock.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

describe('the JSON schema for .vscode/airlock.json', () => {
  it('accepts the recommended policy and the spec example', () => {
    for (const text of [RECOMMENDED_POLICY_TEXT, SPEC_EXAMPLE_POLICY]) {
      assert.equal(validate(parse(text)), true, JSON.stringify(validate.errors));
    }
  });

  const invalid: Record<string, unknown> = {
    'an unknown top-level key': { version: 1, rulez: [] },
    'a rule with two selectors': { version: 1, rules: [{ action: 'deny', edit: ['a'], command: ['b'] }] },
    'a rule with no selector': { version: 1, rules: [{ action: 'deny' }] },
    'a bad action': { version: 1, rules: [{ action: 'block', edit: ['a'] }] },
    'an unknown agent': { version: 1, rules: [{ action: 'deny', edit: ['a'], agents: ['claud'] }] },
    'a bad default': { version: 1, defaults: { edit: 'maybe' } },
    'a zero limit': { version: 1, limits: { maxFilesPerSession: 0 } },
    'a wrong version': { version: 2 },
  };
  for (const [what, doc] of Object.entries(invalid)) {
    it(`rejects ${what}, as the validator does`, () => {
      assert.equal(validate(doc), false);
      assert.ok(parsePolicyText(JSON.stringify(doc)).problems.some((p) => p.severity === 'error'));
    });
  }

  it('is the schema package.json registers for .vscode/airlock.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { contributes: { jsonValidation: { fileMatch: string; url: string }[] } };
    assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: '.vscode/airlock.json', url: './schemas/airlock.schema.json' }]);
  });
});
