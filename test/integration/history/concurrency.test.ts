/**
 * Several processes record sessions in one workspace at once (edit tools and shell commands, interleaved
 * at random); afterwards every session rolls back exactly its own changes, in any order, and every
 * rollback can be undone.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { History } from '../../../src/core/history/history';
import { rollbackSession, undoRollback } from '../../../src/core/history/rollback';
import { tempTree } from '../../unit/helpers/fixtures';
import { snapshotTree } from '../../unit/helpers/treeSnapshot';

const AGENTS = 4;
const RECORDER = new URL('../helpers/recorder.ts', import.meta.url).pathname;

function run(planFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RECORDER, planFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`recorder exited ${code}: ${err}`))));
  });
}

function planFor(i: number, round: number): unknown[] {
  const d = `agent${i}`;
  return [
    { edit: `${d}/f0.txt`, content: `edited by ${i} in ${round}\n` },
    { command: `printf 'cmd ${i}\\n' >> ${d}/f1.txt && rm ${d}/f2.txt` },
    { create: `${d}/new/deep/n${round}.txt`, content: `new ${i}` },
    { command: `mkdir -p ${d}/made && mv ${d}/f3.txt ${d}/made/f3-moved.txt && chmod +x ${d}/f4.txt` },
    { edit: `${d}/f5.txt`, content: '' },
    { rename: [`${d}/f6.txt`, `${d}/f6-renamed.txt`] },
    { delete: `${d}/f7.txt` },
    { command: `ln -s f0.txt ${d}/link && printf '\\000\\001\\377' > ${d}/bin.dat` },
    { edit: `${d}/f8.txt`, content: `second edit ${round}\n`.repeat(50) },
    { command: `sed -i 's/original/changed/' ${d}/f9.txt` },
  ];
}

describe('several processes recording at once', () => {
  const tree = tempTree('airlock-conc-');
  after(() => tree.cleanup());

  for (const round of [1, 2, 3]) {
    it(`round ${round}: ${AGENTS} sessions recorded concurrently each roll back exactly`, async () => {
      const ws = tree.path(`ws${round}`);
      const data = tree.path(`data${round}`);
      for (let i = 0; i < AGENTS; i++) {
        for (let f = 0; f < 10; f++) {
          mkdirSync(join(ws, `agent${i}`), { recursive: true });
          writeFileSync(join(ws, `agent${i}`, `f${f}.txt`), `original ${i}/${f}\n`);
        }
      }
      writeFileSync(join(ws, 'shared.txt'), 'nobody touches this\n');
      const h = new History(data, ws);
      await h.checkpoint();
      const before = snapshotTree(ws);

      const plans = Array.from({ length: AGENTS }, (_, i) => {
        const file = tree.path(`plan-${round}-${i}.json`);
        writeFileSync(file, JSON.stringify({ data, workspace: ws, agent: i % 2 ? 'claude' : 'cursor', session: `r${round}-s${i}`, seed: round * 100 + i, ops: planFor(i, round), ready: tree.path(`ready-${round}-${i}`), go: tree.path(`go-${round}`) }));
        return file;
      });
      // Every recorder starts its session only when all of them are up (a process start takes a varying
      // time on a loaded machine), so that the sessions really run at once.
      const running = Promise.all(plans.map(run));
      running.catch(() => undefined); // awaited below; a recorder that fails early must not go unhandled meanwhile
      for (let t = 0; t < 600 && !plans.every((_, i) => existsSync(tree.path(`ready-${round}-${i}`))); t++) await new Promise((r) => setTimeout(r, 50));
      writeFileSync(tree.path(`go-${round}`), '');
      await running;
      const afterAll = snapshotTree(ws);
      const sessions = h.sessions();
      assert.equal(sessions.length, AGENTS);
      // The sessions really ran at the same time: every session's first record precedes every session's last.
      const spans = sessions.map((s) => {
        const times = h.records(s.id).records.map((r) => r.time);
        return [Math.min(...times), Math.max(...times)] as const;
      });
      assert.ok(Math.max(...spans.map((x) => x[0])) < Math.min(...spans.map((x) => x[1])), `sessions did not overlap: ${JSON.stringify(spans)}`);

      // Roll back in a scrambled order; after each, exactly that agent's folder is back to its original.
      const order = [2, 0, 3, 1].map((k) => sessions[k]!);
      const expectNow = { ...afterAll };
      for (const s of order) {
        const agentDir = `agent${Number(s.agentSessionId.split('-s')[1])}`;
        const report = rollbackSession(h, s.id);
        assert.deepEqual(report.conflicts, [], `session ${s.agentSessionId} has no conflicts`);
        assert.deepEqual(report.failed, []);
        for (const k of Object.keys(expectNow)) if (k === agentDir || k.startsWith(`${agentDir}/`)) delete expectNow[k];
        for (const [k, v] of Object.entries(before)) if (k === `${agentDir}/` || k.startsWith(`${agentDir}/`)) expectNow[k] = v;
        assert.deepEqual(snapshotTree(ws), expectNow, `after rolling back ${s.agentSessionId}`);
      }
      assert.deepEqual(snapshotTree(ws), before);
      for (let k = 0; k < AGENTS; k++) undoRollback(h);
      assert.deepEqual(snapshotTree(ws), afterAll);
    });
  }
});
