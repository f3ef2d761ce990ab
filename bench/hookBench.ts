/**
 * The hook round trip an agent pays on every tool call: spawn `airlock hook claude`, connect to the
 * gate, decide, answer. Against a bare `node -e 0` start-up measured in the same run, interleaved so
 * that machine noise hits both alike.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedHooks, installHooks } from '../src/core/install/hookConfigs';
import { startGate, timeSpawn } from './gate';
import { figure, goal, n, percentile, section } from './report';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const RUNS = Number(process.env.AIRLOCK_BENCH_HOOK_RUNS ?? 60);


export async function runHookBench(): Promise<void> {
  section('hook round trip: spawn, connect to the gate, decide, answer');
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-bench-hook-')));
  const ws = join(tmp, 'ws');
  mkdirSync(join(ws, '.git'), { recursive: true });
  mkdirSync(join(ws, 'src'));
  writeFileSync(join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
  const env = { PATH: process.env.PATH ?? '', HOME: join(tmp, 'home'), AIRLOCK_HOME: join(tmp, 'data') };
  const runtime = await startGate(ws, env, 'allow');
  try {
    const payload = (i: number): string =>
      JSON.stringify({ session_id: 'bench', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: join(ws, 'src', 'a.ts') }, tool_use_id: `toolu_${i}` });
    const hook: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 5; i++) {
      await timeSpawn(['-e', '0'], '', env);
      await timeSpawn([CLI, 'hook', 'claude', '--workspace', ws], payload(-i - 1), env);
    }
    for (let i = 0; i < RUNS; i++) {
      bare.push((await timeSpawn(['-e', '0'], '', env)).ms);
      const r = await timeSpawn([CLI, 'hook', 'claude', '--workspace', ws], payload(i), env);
      if (!r.out.includes('"allow"')) throw new Error(`the hook did not allow: ${r.out}`);
      hook.push(r.ms);
    }
    if (runtime.server.requests < RUNS) throw new Error(`only ${runtime.server.requests} hook calls reached the gate`);
    hook.sort((a, b) => a - b);
    bare.sort((a, b) => a - b);
    const ratio50 = percentile(hook, 50) / percentile(bare, 50);
    const ratio95 = percentile(hook, 95) / percentile(bare, 95);
    figure('node -e 0: p50 / p95', `${n(percentile(bare, 50), 1)} / ${n(percentile(bare, 95), 1)} ms`);
    figure('airlock hook via the gate: p50 / p95', `${n(percentile(hook, 50), 1)} / ${n(percentile(hook, 95), 1)} ms`, `(${n(ratio50, 2)}x / ${n(ratio95, 2)}x node)`);
    figure('runs', n(RUNS), `(${runtime.server.requests} answered by the gate)`);
    goal('hook round trip at most 1.25 times a bare Node start-up (p50)', ratio50 <= 1.25);
    goal('hook round trip at most 1.5 times a bare Node start-up (p95)', ratio95 <= 1.5);

    // What an agent really runs: the installed command (its shell, the stable launcher, the fail-closed
    // fallback), against the same shell running a bare Node start-up.
    installHooks('claude', ws, { node: process.execPath, cli: CLI, dataRoot: env.AIRLOCK_HOME });
    const installed = installedHooks('claude', ws).events.PreToolUse![0]!;
    const viaShell: number[] = [];
    const bareShell: number[] = [];
    const bareCommand = `${process.execPath} -e 0`;
    for (let i = 0; i < RUNS; i++) {
      bareShell.push((await timeSpawn(['-c', bareCommand], '', env, '/bin/sh')).ms);
      const r = await timeSpawn(['-c', installed], payload(RUNS + i), env, '/bin/sh');
      if (!r.out.includes('"allow"')) throw new Error(`the installed hook did not allow: ${r.out}`);
      viaShell.push(r.ms);
    }
    viaShell.sort((a, b) => a - b);
    bareShell.sort((a, b) => a - b);
    const shell50 = percentile(viaShell, 50) / percentile(bareShell, 50);
    const shell95 = percentile(viaShell, 95) / percentile(bareShell, 95);
    figure('sh -c "node -e 0": p50 / p95', `${n(percentile(bareShell, 50), 1)} / ${n(percentile(bareShell, 95), 1)} ms`);
    figure('the installed hook command: p50 / p95', `${n(percentile(viaShell, 50), 1)} / ${n(percentile(viaShell, 95), 1)} ms`, `(${n(shell50, 2)}x / ${n(shell95, 2)}x)`);
    goal('the installed command (launcher, fallback) at most 1.5 times a bare Node start-up from the same shell (p50)', shell50 <= 1.5);

    // No gate (no editor, no \`airlock serve\`): the hook loads the engine and decides alone.
    await runtime.stop();
    const alone: number[] = [];
    const bareAlone: number[] = [];
    for (let i = 0; i < Math.ceil(RUNS / 3); i++) {
      bareAlone.push((await timeSpawn(['-e', '0'], '', env)).ms);
      const r = await timeSpawn([CLI, 'hook', 'claude', '--workspace', ws], payload(3 * RUNS + i), env);
      if (!r.out.includes('"allow"')) throw new Error(`the hook without a gate did not allow: ${r.out}`);
      alone.push(r.ms);
    }
    alone.sort((a, b) => a - b);
    bareAlone.sort((a, b) => a - b);
    figure('airlock hook without a gate: p50 / p95', `${n(percentile(alone, 50), 1)} / ${n(percentile(alone, 95), 1)} ms`, `(${n(percentile(alone, 50) / percentile(bareAlone, 50), 2)}x node; it loads the engine and decides alone)`);
  } finally {
    await runtime.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
