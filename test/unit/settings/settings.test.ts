import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { DEFAULT_APPROVAL_TIMEOUT_SECONDS, MAX_APPROVAL_TIMEOUT_S, parseSettings, readUserSettings, USER_SETTINGS_FILE, writeUserSettings } from '../../../src/core/settings';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree();
after(() => tree.cleanup());

function config(values: Record<string, unknown>): { get(key: string): unknown } {
  return { get: (key) => values[key] };
}

describe('settings', () => {
  it('reads the mirror the editor writes back to exactly the settings it was written from', () => {
    const settings = parseSettings(config({ rules: [{ action: 'deny', edit: ['x'] }], 'history.maxFileSizeMB': 8, 'history.ignore': ['dist/**'], approvalTimeoutSeconds: 42, offline: 'allow' }));
    const root = tree.path('mirror');
    writeUserSettings(root, settings);
    assert.deepEqual(readUserSettings(root), settings);
    assert.equal(readUserSettings(root).approvalTimeoutSeconds, 42);
    assert.equal(readUserSettings(root).history.maxFileSize, 8 * 1024 * 1024);
  });

  it('falls back to defaults for values of the wrong type, and clamps the approval timeout', () => {
    const s = parseSettings(config({ rules: 'nope', approvalTimeoutSeconds: 99999, offline: 'maybe', 'history.maxFileSizeMB': -3 }));
    assert.deepEqual(s.rules, []);
    assert.equal(s.approvalTimeoutSeconds, MAX_APPROVAL_TIMEOUT_S);
    assert.equal(s.offline, 'deny');
    assert.equal(parseSettings(config({ approvalTimeoutSeconds: 1 })).approvalTimeoutSeconds, DEFAULT_APPROVAL_TIMEOUT_SECONDS);
  });

  it('gives the defaults for a missing or damaged mirror', () => {
    assert.equal(readUserSettings(tree.path('none')).approvalTimeoutSeconds, DEFAULT_APPROVAL_TIMEOUT_SECONDS);
    tree.write(`damaged/${USER_SETTINGS_FILE}`, '{ not json');
    assert.deepEqual(readUserSettings(tree.path('damaged')).rules, []);
    writeFileSync(tree.path('damaged', USER_SETTINGS_FILE), '[1,2]');
    assert.equal(readUserSettings(tree.path('damaged')).offline, 'deny');
  });
});
