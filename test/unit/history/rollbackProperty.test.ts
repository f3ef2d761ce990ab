/**
 * Property: for any session of random actions (edits by tools and changes by real shell commands:
 * create, modify, delete, rename, chmod, binary, empty, nested, symlinks), rolling it back returns the
 * tree exactly to where it was, and undoing the rollback returns it exactly to where the session left it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { History } from '../../../src/core/history/history';
import { rollbackSession, undoRollback } from '../../../src/core/history/rollback';
import { tempTree } from '../helpers/fixtures';
import { snapshotTree } from '../helpers/treeSnapshot';

type Op =
  | { op: 'write'; pick: number; content: Uint8Array; viaCommand: boolean }
  | { op: 'create'; dir: number; name: string; content: Uint8Array; viaCommand: boolean }
  | { op: 'delete'; pick: number; viaCommand: boolean }
  | { op: 'rename'; pick: number; name: string; viaCommand: boolean }
  | { op: 'chmod'; pick: number; exec: boolean }
  | { op: 'symlink'; pick: number; name: string }
  | { op: 'mkdirs'; dir: number; name: string }
  | { op: 'rmtree'; dir: number };

const name = fc.constantFrom('a', 'b', 'c.txt', 'd.bin', 'e', '.hidden', 'sp ace', 'ünï');
const content = fc.oneof(
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), pick: fc.nat(), content, viaCommand: fc.boolean() }),
  fc.record({ op: fc.constant('create' as const), dir: fc.nat(), name, content, viaCommand: fc.boolean() }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat(), viaCommand: fc.boolean() }),
  fc.record({ op: fc.constant('rename' as const), pick: fc.nat(), name, viaCommand: fc.boolean() }),
  fc.record({ op: fc.constant('chmod' as const), pick: fc.nat(), exec: fc.boolean() }),
  fc.record({ op: fc.constant('symlink' as const), pick: fc.nat(), name }),
  fc.record({ op: fc.constant('mkdirs' as const), dir: fc.nat(), name }),
  fc.record({ op: fc.constant('rmtree' as const), dir: fc.nat() }),
);

function listFiles(ws: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const n of readdirSync(rel ? join(ws, rel) : ws).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(join(ws, r));
      if (st.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out;
}

function listDirs(ws: string): string[] {
  const out = [''];
  const walk = (rel: string): void => {
    for (const n of readdirSync(rel ? join(ws, rel) : ws).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      if (lstatSync(join(ws, r)).isDirectory() && !lstatSync(join(ws, r)).isSymbolicLink()) {
        out.push(r);
        walk(r);
      }
    }
  };
  walk('');
  return out;
}

const sh = (ws: string, script: string): void => {
  execFileSync('/bin/sh', ['-c', script], { cwd: ws, stdio: 'ignore' });
};
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** A printf format that writes exactly these bytes (octal escapes: no quoting or NUL trouble). */
const bytes = (b: Uint8Array): string => `'${[...b].map((x) => `\\${x.toString(8).padStart(3, '0')}`).join('')}'`;

/** Applies one op to the real tree, recording it as an agent action (edit tool or shell command). */
async function apply(h: History, ref: { agent: string; agentSessionId: string }, ws: string, o: Op): Promise<void> {
  const files = listFiles(ws);
  const dirs = listDirs(ws);
  const pickFile = (n: number): string | undefined => (files.length ? files[n % files.length] : undefined);
  const pickDir = (n: number): string => dirs[n % dirs.length]!;
  const join2 = (d: string, n: string): string => (d ? `${d}/${n}` : n);
  const command = async (script: string): Promise<void> => {
    const id = await h.beginCommand(ref, { command: script });
    try {
      sh(ws, script);
    } catch {
      // a failing command still had its effects recorded
    }
    await h.endCommand(ref, id);
  };
  const edit = (kind: 'edit' | 'create' | 'delete' | 'rename', paths: string[], run: () => void): void => {
    const id = h.beginEdit(ref, { kind, paths });
    run();
    h.endEdit(ref, id, paths, true, kind);
  };
  switch (o.op) {
    case 'write': {
      const f = pickFile(o.pick);
      if (!f || lstatSync(join(ws, f)).isSymbolicLink() && !existsSync(join(ws, f))) return;
      if (o.viaCommand) await command(`printf ${bytes(o.content)} > ${q(f)}`);
      else edit('edit', [f], () => writeFileSync(join(ws, f), o.content));
      return;
    }
    case 'create': {
      const p = join2(pickDir(o.dir), `n-${o.name}`);
      if (existsSync(join(ws, p)) || lstatExists(join(ws, p))) return;
      if (o.viaCommand) await command(`printf ${bytes(o.content)} > ${q(p)}`);
      else edit('create', [p], () => writeFileSync(join(ws, p), o.content));
      return;
    }
    case 'delete': {
      const f = pickFile(o.pick);
      if (!f) return;
      if (o.viaCommand) await command(`rm -f ${q(f)}`);
      else edit('delete', [f], () => unlinkSync(join(ws, f)));
      return;
    }
    case 'rename': {
      const f = pickFile(o.pick);
      if (!f) return;
      const to = join2(dirname(f) === '.' ? '' : dirname(f), `r-${o.name}`);
      if (lstatExists(join(ws, to))) return;
      if (o.viaCommand) await command(`mv ${q(f)} ${q(to)}`);
      else {
        const id = h.beginEdit(ref, { kind: 'rename', paths: [f, to] });
        renameSync(join(ws, f), join(ws, to));
        h.endEdit(ref, id, [f, to], true, 'rename');
      }
      return;
    }
    case 'chmod': {
      const f = pickFile(o.pick);
      if (!f || lstatSync(join(ws, f)).isSymbolicLink()) return;
      await command(`chmod ${o.exec ? '+x' : '-x'} ${q(f)}`);
      return;
    }
    case 'symlink': {
      const f = pickFile(o.pick);
      const p = join2(dirname(f ?? 'x') === '.' ? '' : dirname(f ?? 'x'), `l-${o.name}`);
      if (lstatExists(join(ws, p))) return;
      await command(`ln -s ${q(f ? f.split('/').pop()! : 'dangling-target')} ${q(p)}`);
      return;
    }
    case 'mkdirs': {
      const p = join2(pickDir(o.dir), `m-${o.name}/deep`);
      if (lstatExists(join(ws, p))) return;
      await command(`mkdir -p ${q(p)} && printf nested > ${q(`${p}/leaf`)}`);
      return;
    }
    case 'rmtree': {
      const d = pickDir(o.dir);
      if (!d) return;
      await command(`rm -rf ${q(d)}`);
      return;
    }
  }
}

function lstatExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function seedTree(ws: string, seed: number): void {
  const files: Record<string, Uint8Array | string> = {
    'readme.md': `# project ${seed}\n`,
    'src/index.ts': 'export const x = 1;\n',
    'src/lib/util.ts': 'export function f() {}\n',
    'src/lib/deep/er/most.ts': 'deep\n',
    'bin/tool.sh': '#!/bin/sh\necho hi\n',
    'assets/logo.bin': new Uint8Array([0, 255, 1, 254, seed & 255]),
    'empty.txt': '',
  };
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, p)), { recursive: true });
    writeFileSync(join(ws, p), c);
  }
  chmodSync(join(ws, 'bin/tool.sh'), 0o755);
  mkdirSync(join(ws, 'empty-dir'));
  symlinkSync('index.ts', join(ws, 'src/alias.ts'));
}

describe('rollback (property-based)', () => {
  const tree = tempTree('airlock-prop-');
  after(() => tree.cleanup());
  let run = 0;

  it('restores the tree exactly, and undo-rollback restores the session result exactly (500 random sessions)', async () => {
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const n = run++;
        const ws = tree.path(`ws${n}`);
        mkdirSync(ws);
        seedTree(ws, n);
        const h = new History(tree.path(`data${n}`), ws);
        await h.checkpoint();
        const before = snapshotTree(ws);
        const ref = { agent: 'claude', agentSessionId: `prop-${n}` };
        h.session(ref);
        for (const o of ops) await apply(h, ref, ws, o);
        const afterSession = snapshotTree(ws);
        if (JSON.stringify(afterSession) !== JSON.stringify(before)) nonTrivial++;
        const sessionId = h.sessions()[0]!.id;
        const report = rollbackSession(h, sessionId);
        assert.deepEqual(report.conflicts, [], 'no conflicts: nobody else changed the tree');
        assert.deepEqual(report.failed, []);
        assert.deepEqual(snapshotTree(ws), before, `rollback of ${JSON.stringify(ops)}`);
        assert.equal(h.sessions()[0]!.rolledBack, true);
        const undo = undoRollback(h);
        assert.deepEqual(undo.conflicts, []);
        assert.deepEqual(snapshotTree(ws), afterSession, `undo of ${JSON.stringify(ops)}`);
        assert.equal(h.sessions()[0]!.rolledBack, false);
        rmSync(ws, { recursive: true, force: true });
        rmSync(tree.path(`data${n}`), { recursive: true, force: true });
      }),
      { numRuns: 500, seed: 20261126 },
    );
    assert.ok(nonTrivial > 400, `only ${nonTrivial} of 500 sessions changed anything`);
  });
});
