/**
 * Crash safety: `airlock rollback` (a real process) is killed with SIGKILL at chosen points of its
 * work (after the n-th file, right after journaling) and at random moments. After every kill, no file
 * is half-written (each holds its before- or after-session content, or is absent where one of those
 * is), the next `airlock` run finishes the rollback, the tree is exactly as before the session, and
 * undo-rollback brings back exactly the session's result.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workspaceDataDir } from '../../../src/core/dataDir';
import { History } from '../../../src/core/history/history';
import { tempTree } from '../../unit/helpers/fixtures';
import { snapshotTree } from '../../unit/helpers/treeSnapshot';
import { airlock, CLI } from '../helpers/cli';

const FILES = 300;

describe('crash during rollback', () => {
  const tree = tempTree('airlock-crash-');
  let beforeTree: Record<string, string>;
  let afterTree: Record<string, string>;
  let n = 0;

  before(async () => {
    const ws = tree.path('fixture', 'ws');
    const data = tree.path('fixture', 'data');
    for (let i = 0; i < FILES; i++) {
      mkdirSync(join(ws, `d${i % 10}`), { recursive: true });
      writeFileSync(join(ws, `d${i % 10}`, `f${i}.txt`), `original content of file ${i}\n`.repeat(1 + (i % 7)));
    }
    writeFileSync(join(ws, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
    const h = new History(join(data, 'workspaces', 'fixed'), ws);
    await h.checkpoint();
    beforeTree = snapshotTree(ws);
    const ref = { agent: 'claude', agentSessionId: 'crash-session' };
    const script = 'for f in d*/f*.txt; do printf "changed $f\\n" >> "$f"; done; rm d1/*; mkdir -p made && for i in $(seq 1 60); do echo new > made/n$i.txt; done; printf x > big.bin';
    const id = await h.beginCommand(ref, { command: script });
    execFileSync('/bin/sh', ['-c', script], { cwd: ws });
    await h.endCommand(ref, id);
    afterTree = snapshotTree(ws);
  });
  after(() => tree.cleanup());

  /** A fresh copy of the fixture (workspace and data), with the history where the CLI looks for it. */
  function copy(): { ws: string; env: Record<string, string> } {
    const dir = tree.path(`run${n++}`);
    cpSync(tree.path('fixture'), dir, { recursive: true });
    const ws = join(dir, 'ws');
    // The CLI keys the data folder by the workspace's real path; journals hold workspace-relative paths.
    renameSync(join(dir, 'data', 'workspaces', 'fixed'), workspaceDataDir(join(dir, 'data'), ws));
    return { ws, env: { HOME: tree.path('home'), AIRLOCK_HOME: join(dir, 'data') } };
  }

  function assertNoHalfFiles(ws: string): void {
    const now = snapshotTree(ws);
    for (const [path, value] of Object.entries(now)) {
      // Airlock's own temporary files (`.name.PID.RANDOM.tmp`) are not the file; recovery removes them,
      // which the exact comparison after recovery checks.
      if (/(^|\/)\.[^/]+\.\d+\.[0-9a-f]{8}\.tmp$/.test(path)) continue;
      assert.ok(value === beforeTree[path] || value === afterTree[path], `${path} holds neither its old nor its new content: ${value.slice(0, 80)}`);
    }
  }

  function killAt(env: Record<string, string>, ws: string): Promise<number | null> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, 'rollback', '--last', '--json'], { cwd: ws, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
      child.on('exit', (code, signal) => resolve(signal === 'SIGKILL' ? null : code));
    });
  }

  async function crashThenRecover(fault: { env?: string; afterMs?: number }): Promise<void> {
    const { ws, env } = copy();
    const runEnv = { ...env, ...(fault.env ? { AIRLOCK_FAULT: fault.env } : {}) };
    let outcome: number | null;
    if (fault.afterMs !== undefined) {
      const child = spawn(process.execPath, [CLI, 'rollback', '--last', '--json'], { cwd: ws, env: { PATH: process.env.PATH ?? '', ...runEnv }, stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), fault.afterMs);
      outcome = await new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal === 'SIGKILL' ? null : code)));
      clearTimeout(timer);
    } else {
      outcome = await killAt(runEnv, ws);
      assert.equal(outcome, null, 'the fault point killed the process');
    }
    assertNoHalfFiles(ws);
    // The next run of any history command finishes (or, if the kill came before journaling, leaves untouched) the rollback.
    const listed = airlock(['sessions', '--json'], { cwd: ws, env });
    assert.equal(listed.code, 0, listed.stderr);
    const rolledBack = (JSON.parse(listed.stdout) as { rolledBack: boolean }[])[0]!.rolledBack;
    if (!rolledBack) {
      // Killed before the plan was journaled: nothing was changed, and rolling back again works.
      assert.deepEqual(snapshotTree(ws), afterTree);
      const again = airlock(['rollback', '--last', '--json'], { cwd: ws, env });
      assert.equal(again.code, 0, again.stderr);
    }
    assert.deepEqual(snapshotTree(ws), beforeTree, 'the rollback is complete');
    const undo = airlock(['undo-rollback', '--json'], { cwd: ws, env });
    assert.equal(undo.code, 0, undo.stderr);
    assert.deepEqual(snapshotTree(ws), afterTree, 'undo-rollback restores the session result');
    rmSync(join(ws, '..'), { recursive: true, force: true });
  }

  for (const point of ['rollback-journaled', 'writes:1', 'writes:2', 'writes:57', 'writes:150', 'writes:299', 'writes:359']) {
    it(`recovers when killed at ${point}`, () => crashThenRecover({ env: point }));
  }
  for (let k = 0; k < 8; k++) {
    const ms = 60 + Math.floor(Math.random() * 600);
    it(`recovers when killed at a random moment (${ms} ms)`, () => crashThenRecover({ afterMs: ms }));
  }
});
