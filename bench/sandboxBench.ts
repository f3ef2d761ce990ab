/**
 * The sandbox's start-up cost per command: the same command run as the agent's shell runs it, once
 * unsandboxed (`bash -c 'CMD'`) and once as the hook rewrites it (`bash -c 'node cli.js sandbox … -- CMD'`),
 * interleaved so that machine noise hits both alike. Also the parts: a bare Node.js start (the floor of
 * any launcher written in Node), bubblewrap alone, and the launcher's own work beyond both. In a git
 * repository with the default protections, as an agent would run it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sandboxAvailability, which } from '../src/core/sandbox/backends';
import { buildProfile } from '../src/core/sandbox/profile';
import { sandboxedCommand } from '../src/core/sandbox/rewrite';
import { resolveSandbox } from '../src/core/sandbox/sandboxPolicy';
import { figure, goal, n, percentile, section } from './report';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const RUNS = Number(process.env.AIRLOCK_BENCH_SANDBOX_RUNS ?? 30);

function time(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`${cmd} ${args.join(' ').slice(0, 120)} exited ${code}: ${err.slice(0, 400)}`))));
  });
}

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

export async function runSandboxBench(): Promise<void> {
  section('sandbox start-up per command (bubblewrap, default protections)');
  const available = sandboxAvailability();
  if (!available.available) {
    figure('skipped', 'no sandbox', available.reason);
    return;
  }
  // Outside /tmp (private in the sandbox) and outside any repository.
  const base = join(homedir(), '.airlock-bench');
  mkdirSync(base, { recursive: true });
  const tmp = realpathSync(mkdtempSync(join(base, 'sbx-')));
  try {
    const ws = join(tmp, 'ws');
    mkdirSync(ws, { recursive: true });
    spawnSync('git', ['init', '-q', ws]);
    writeFileSync(join(ws, 'a.txt'), 'a\n');
    const env = { PATH: process.env.PATH ?? '', HOME: homedir(), AIRLOCK_HOME: join(tmp, 'data') };
    const profile = buildProfile(resolveSandbox(undefined, false), { workspace: ws, home: homedir(), dataRoot: env.AIRLOCK_HOME });
    const bwrap = which('bwrap')!;
    for (const [label, cmd] of [['true', 'true'], ['git status', 'git status --short']] as const) {
      const rewritten = sandboxedCommand(cmd, profile, { node: process.execPath, cli: CLI });
      const plain: number[] = [];
      const sandboxed: number[] = [];
      const node: number[] = [];
      const bw: number[] = [];
      for (let i = 0; i < 3; i++) {
        await time('/bin/bash', ['-c', cmd], ws, env);
        await time('/bin/bash', ['-c', rewritten], ws, env);
      }
      for (let i = 0; i < RUNS; i++) {
        plain.push(await time('/bin/bash', ['-c', cmd], ws, env));
        sandboxed.push(await time('/bin/bash', ['-c', rewritten], ws, env));
        if (label === 'true') {
          node.push(await time(process.execPath, ['-e', '0'], ws, env));
          bw.push(await time(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-user', '--unshare-pid', '--unshare-net', '--die-with-parent', '--', '/bin/true'], ws, env));
        }
      }
      const added = median(sandboxed) - median(plain);
      figure(`${label}: unsandboxed (median of ${RUNS})`, `${n(median(plain), 1)} ms`);
      figure(`${label}: sandboxed (median)`, `${n(median(sandboxed), 1)} ms`, `p90 ${n(percentile([...sandboxed].sort((a, b) => a - b), 90), 1)} ms`);
      figure(`${label}: added by the sandbox`, `${n(added, 1)} ms`);
      if (label === 'true') {
        figure('  of which: a bare Node.js start (node -e 0)', `${n(median(node), 1)} ms`, 'the floor of a launcher in Node.js');
        figure('  of which: bubblewrap alone', `${n(median(bw), 1)} ms`);
        figure("  the rest: Airlock's launcher (protections, seccomp, checks)", `${n(added - median(node) - median(bw), 1)} ms`);
        goal('under 50 ms added per command', added < 50);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
