import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyReplacements, applyUnified, changedLines } from '../../../src/core/edits/applyEdits';
import { parseV4APatch } from '../../../src/core/edits/v4aPatch';

describe('computing the new content of an edit', () => {
  it('applies string replacements in order, honouring replace-all', () => {
    assert.deepEqual(applyReplacements('a b a', [{ oldString: 'a', newString: 'x' }]), { content: 'x b a' });
    assert.deepEqual(applyReplacements('a b a', [{ oldString: 'a', newString: 'x', replaceAll: true }]), { content: 'x b x' });
    assert.match((applyReplacements('abc', [{ oldString: 'zzz', newString: 'y' }]) as { error: string }).error, /not in the file/);
  });

  it('matches patch hunks that differ only in trailing white space', () => {
    assert.deepEqual(applyReplacements('one  \ntwo\n', [{ oldString: 'one\ntwo', newString: 'ONE\ntwo' }]), { content: 'ONE\ntwo\n' });
  });

  it('inserts after a line number', () => {
    assert.deepEqual(applyReplacements('a\nb\n', [{ oldString: '', newString: 'new', anchor: 'line:1' }]), { content: 'a\nnew\nb\n' });
  });

  it('parses V4A patches: update with context and anchor, add, delete, move', () => {
    const ops = parseV4APatch('*** Begin Patch\n*** Update File: src/a.ts\n*** Move to: src/b.ts\n@@ function f()\n const x = 1;\n-return x;\n+return x + 1;\n*** Add File: n.txt\n+hello\n+world\n*** Delete File: old.txt\n*** End Patch\n');
    assert.deepEqual(ops, [
      { type: 'update', path: 'src/a.ts', moveTo: 'src/b.ts', hunks: [{ anchor: 'function f()', oldText: 'const x = 1;\nreturn x;', newText: 'const x = 1;\nreturn x + 1;' }] },
      { type: 'add', path: 'n.txt', content: 'hello\nworld\n' },
      { type: 'delete', path: 'old.txt' },
    ]);
    const hunk = (ops[0] as { hunks: { oldText: string; newText: string; anchor: string }[] }).hunks[0]!;
    const r = applyReplacements('function f() {\n  const x = 1;\n  return x;\n}\n'.replace(/^ {2}/gm, ''), [{ oldString: hunk.oldText, newString: hunk.newText, anchor: hunk.anchor }]);
    assert.deepEqual(r, { content: 'function f() {\nconst x = 1;\nreturn x + 1;\n}\n' });
  });

  it('refuses malformed V4A patches with the reason', () => {
    assert.throws(() => parseV4APatch('*** Begin Patch\n*** Frobnicate: x\n*** End Patch'), /not a patch operation/);
    assert.throws(() => parseV4APatch('just text'), /Begin Patch/);
    assert.throws(() => parseV4APatch('*** Begin Patch\n*** Add File: a\nno plus\n*** End Patch'), /does not start with "\+"/);
  });

  it('applies unified diffs with the diff library', () => {
    const patch = '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n';
    assert.deepEqual(applyUnified('one\ntwo\n', patch), { content: 'one\nTWO\n' });
    assert.ok('error' in applyUnified('other\n', patch));
  });

  it('counts changed lines', () => {
    assert.equal(changedLines('a\nb\nc', 'a\nB\nc'), 2);
    assert.equal(changedLines('', 'a\nb'), 3);
    assert.equal(changedLines('same', 'same'), 0);
  });
});
