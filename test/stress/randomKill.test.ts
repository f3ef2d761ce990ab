/**
 * Stress (not part of `npm test`; `npm run test:stress` runs it): a real `airlock rollback` or
 * `airlock undo-rollback` is killed with SIGKILL at a random moment, at least 300 times
 * (AIRLOCK_STRESS_ITERATIONS). After every kill, as in the deterministic sweep of
 * test/integration/history/crash.test.ts: no file holds anything but its content before or after the
 * session; a person's edit made after the kill survives the next command, which finishes the
 * operation; one audit entry and one demotion per rollback; undo (or rolling back again) works.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { tempTree } from '../unit/helpers/fixtures';
import { assertAccountedOnce, assertBeforeOrAfter, buildFixture, cli, copyOf, personEdits, runChild, treeWithoutTemps, withPersonEdit, type Copy, type Fixture } from '../integration/helpers/rollbackFixture';

const ITERATIONS = Math.max(300, Number(process.env.AIRLOCK_STRESS_ITERATIONS ?? 300));

describe('random kills', () => {
  const tree = tempTree('airlock-stress-');
  let fx: Fixture;
  let rolled: Copy;
  const span = { rollback: 0, undo: 0 };

  before(async () => {
    fx = await buildFixture(tree.path('fixture'));
    rolled = copyOf(fx, tree.path('bases'));
    assert.equal((await cli(rolled, ['rollback', '--last', '--json'])).code, 0);
    // How long a whole run takes here: kills are spread over it (and a little past it).
    for (const kind of ['rollback', 'undo'] as const) {
      const t0 = Date.now();
      const r = await runChild(copyOf(kind === 'rollback' ? fx : rolled, tree.path('t')), kind === 'rollback' ? ['rollback', '--last', '--json'] : ['undo-rollback', '--json']);
      assert.equal(r.code, 0, r.stderr);
      span[kind] = Date.now() - t0;
    }
  });
  after(() => tree.cleanup());

  it(`${ITERATIONS} random kills of rollbacks and undos lose nothing`, async () => {
    const outcomes = { killed: 0, finished: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const kind = i % 3 === 2 ? 'undo' : 'rollback';
      const ms = Math.floor(Math.random() * span[kind] * 1.2);
      const where = `${kind} killed after ${ms} ms (iteration ${i})`;
      const copy = copyOf(kind === 'rollback' ? fx : rolled, tree.path('runs'));
      const r = await runChild(copy, kind === 'rollback' ? ['rollback', '--last', '--json'] : ['undo-rollback', '--json'], {}, ms);
      if (r.signal === 'SIGKILL') outcomes.killed++;
      else outcomes.finished++;
      assertBeforeOrAfter(copy.ws, fx, where);
      personEdits(copy);
      if (kind === 'rollback') {
        const next = await cli(copy, ['rollback', '--last', '--json']);
        assert.ok(next.code === 0 || /no session to roll back/.test(next.stderr), `${where}: ${next.stderr}`);
        assert.deepEqual(treeWithoutTemps(copy.ws), withPersonEdit(fx.beforeTree), `${where}: finished, and the person's edit survived`);
        assertAccountedOnce(copy, where, { rollbacks: 1 });
        const undo = await cli(copy, ['undo-rollback', '--json']);
        assert.equal(undo.code, 0, `${where}: ${undo.stderr}`);
        assert.deepEqual(treeWithoutTemps(copy.ws), withPersonEdit(fx.afterTree), `${where}: undo works`);
      } else {
        const next = await cli(copy, ['undo-rollback', '--json']);
        assert.ok(next.code === 0 || /no rollback to undo/.test(next.stderr), `${where}: ${next.stderr}`);
        assert.deepEqual(treeWithoutTemps(copy.ws), withPersonEdit(fx.afterTree), `${where}: finished, and the person's edit survived`);
        assertAccountedOnce(copy, where, { rollbacks: 1, undos: 1 });
      }
      rmSync(copy.ws, { recursive: true, force: true });
    }
    // Most runs must really have been cut short, or this proves little.
    assert.ok(outcomes.killed > ITERATIONS / 2, JSON.stringify(outcomes));
    process.stdout.write(`# random kills: ${JSON.stringify(outcomes)}\n`);
  });
});
