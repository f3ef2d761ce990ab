/**
 * A scan skips the ignore test for paths the previous scan kept when every rule above them is unchanged.
 * Whatever happens to the rules in between (a .gitignore edited, added, removed or made unreadable, the
 * configured patterns changed), an incremental scan must keep exactly the files a fresh scan keeps.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ObjectStore } from '../../../src/core/history/objectStore';
import { parseIndex, scanWorkspace, serializeIndex, type ScanOptions, type WorkspaceIndex } from '../../../src/core/history/scan';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree('airlock-scan-ignores-');
after(() => tree.cleanup());

const FILES = ['a.ts', 'a.log', 'keep.log', 'src/b.ts', 'src/b.log', 'src/gen/c.ts', 'src/gen/d.log', 'lib/e.ts', 'lib/tmp/f.ts', 'tmp/g.ts'];
const DIRS = ['', 'src', 'src/gen', 'lib'];
const PATTERNS = ['*.log', '!keep.log', 'gen/', 'tmp/', '/a.ts', 'b.*', '!b.ts', 'f.ts', '*.ts', '!*.ts', 'c.ts'];

type Step =
  | { kind: 'gitignore'; dir: string; patterns: string[] }
  | { kind: 'remove-gitignore'; dir: string }
  | { kind: 'unreadable-gitignore'; dir: string }
  | { kind: 'configured'; patterns: string[] }
  | { kind: 'add-file'; path: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('gitignore' as const), dir: fc.constantFrom(...DIRS), patterns: fc.subarray(PATTERNS) }),
  fc.record({ kind: fc.constant('remove-gitignore' as const), dir: fc.constantFrom(...DIRS) }),
  fc.record({ kind: fc.constant('unreadable-gitignore' as const), dir: fc.constantFrom(...DIRS) }),
  fc.record({ kind: fc.constant('configured' as const), patterns: fc.subarray(PATTERNS, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('add-file' as const), path: fc.constantFrom(...FILES, 'src/new.log', 'lib/tmp/new.ts', 'x/y/z.ts') }),
);

let run = 0;

describe('incremental scans and ignore rules', () => {
  it('keep exactly the files a fresh scan keeps, whatever happens to the rules between scans', async () => {
    const asRoot = process.getuid?.() === 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.boolean(), async (steps, useGitignore) => {
        const ws = tree.path(`ws${run}`);
        const store = new ObjectStore(tree.path(`store${run++}`));
        for (const f of FILES) {
          mkdirSync(join(ws, dirname(f)), { recursive: true });
          writeFileSync(join(ws, f), f);
        }
        let options: ScanOptions = { maxFileSize: 1 << 20, ignore: [], useGitignore, maxNewBytes: 1 << 30 };
        const scan = async (previous: WorkspaceIndex | undefined): Promise<WorkspaceIndex> => {
          const pack = store.writer();
          const r = await scanWorkspace(ws, previous, pack, options);
          pack.commit();
          return r.index;
        };
        // Through the index file, as the CLI reads it.
        let index = parseIndex(serializeIndex(await scan(undefined)))!;
        for (const s of steps) {
          const gi = join(ws, s.kind === 'configured' || s.kind === 'add-file' ? '' : s.dir, '.gitignore');
          if (s.kind === 'gitignore') writeFileSync(gi, `${s.patterns.join('\n')}\n`);
          else if (s.kind === 'remove-gitignore') rmSync(gi, { force: true });
          else if (s.kind === 'unreadable-gitignore') {
            if (asRoot) continue; // root reads every file: no unreadable .gitignore to make
            writeFileSync(gi, 'a.ts\n*.ts\n');
            chmodSync(gi, 0o000);
          } else if (s.kind === 'configured') options = { ...options, ignore: s.patterns };
          else {
            mkdirSync(join(ws, dirname(s.path)), { recursive: true });
            writeFileSync(join(ws, s.path), s.path);
          }
          const incremental = await scan(index);
          const fresh = await scan(undefined);
          assert.deepEqual(Object.keys(incremental.files).sort(), Object.keys(fresh.files).sort(), `after ${JSON.stringify(s)}`);
          assert.deepEqual(incremental.dirs, fresh.dirs, `folders after ${JSON.stringify(s)}`);
          assert.deepEqual(incremental.ignores, fresh.ignores);
          index = parseIndex(serializeIndex(incremental))!;
        }
      }),
      { numRuns: 120 },
    );
  });

  it('reads an index written before rule hashes existed, testing every path', async () => {
    const ws = tree.path('old');
    const store = new ObjectStore(tree.path('old-store'));
    for (const f of FILES) {
      mkdirSync(join(ws, dirname(f)), { recursive: true });
      writeFileSync(join(ws, f), f);
    }
    const options: ScanOptions = { maxFileSize: 1 << 20, ignore: [], useGitignore: true, maxNewBytes: 1 << 30 };
    const pack = store.writer();
    const first = await scanWorkspace(ws, undefined, pack, options);
    const old = JSON.parse(serializeIndex(first.index)) as Record<string, unknown>;
    delete old.ignores;
    const previous = parseIndex(JSON.stringify(old))!;
    assert.equal(previous.ignores, undefined);
    writeFileSync(join(ws, '.gitignore'), '*.ts\n');
    const next = await scanWorkspace(ws, previous, pack, options);
    pack.commit();
    assert.deepEqual(Object.keys(next.index.files).sort(), ['.gitignore', 'a.log', 'keep.log', 'src/b.log', 'src/gen/d.log']);
    assert.deepEqual(next.changes.map((c) => `${c.path}:${c.after.type}`).sort(), ['.gitignore:file', 'a.ts:missing', 'lib/e.ts:missing', 'lib/tmp/f.ts:missing', 'src/b.ts:missing', 'src/gen/c.ts:missing', 'tmp/g.ts:missing']);
  });
});
