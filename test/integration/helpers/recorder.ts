/**
 * A separate process that records one agent session through the History API, as a hook process does.
 * Usage: node --import tsx recorder.ts PLAN.json   (plan: { data, workspace, agent, session, seed, ops })
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { History } from '../../../src/core/history/history';

type Op = { edit: string; content: string } | { create: string; content: string } | { delete: string } | { rename: [string, string] } | { command: string };

interface Plan {
  readonly data: string;
  readonly workspace: string;
  readonly agent: string;
  readonly session: string;
  readonly seed: number;
  readonly ops: readonly Op[];
  /** Written when this process is ready; it then waits for `go` to exist, so that all start together. */
  readonly ready?: string;
  readonly go?: string;
}

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Plan;
const h = new History(plan.data, plan.workspace);
const ref = { agent: plan.agent, agentSessionId: plan.session };
let seed = plan.seed;
const random = (): number => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};
const pause = (): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.floor(random() * 15));
};

async function main(): Promise<void> {
  if (plan.ready && plan.go) {
    writeFileSync(plan.ready, '');
    for (let i = 0; i < 3000 && !existsSync(plan.go); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  for (const op of plan.ops) {
    pause();
    if ('command' in op) {
      const id = await h.beginCommand(ref, { command: op.command });
      pause();
      execFileSync('/bin/sh', ['-c', op.command], { cwd: plan.workspace, stdio: 'ignore' });
      await h.endCommand(ref, id);
    } else if ('rename' in op) {
      const id = h.beginEdit(ref, { kind: 'rename', paths: op.rename });
      renameSync(join(plan.workspace, op.rename[0]), join(plan.workspace, op.rename[1]));
      pause();
      h.endEdit(ref, id, op.rename, true, 'rename');
    } else {
      const path = 'edit' in op ? op.edit : 'create' in op ? op.create : op.delete;
      const kind = 'edit' in op ? 'edit' : 'create' in op ? 'create' : 'delete';
      const id = h.beginEdit(ref, { kind, paths: [path] });
      pause();
      if (kind === 'delete') unlinkSync(join(plan.workspace, path));
      else {
        mkdirSync(dirname(join(plan.workspace, path)), { recursive: true });
        writeFileSync(join(plan.workspace, path), (op as { content: string }).content);
      }
      h.endEdit(ref, id, [path], true, kind);
    }
  }
  h.endSession(ref);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
