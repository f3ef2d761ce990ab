/**
 * Shadow history on generated trees of 2,000 and 20,000 files (about 10 KB a file: text and binary, some
 * duplicates), against git on an identical copy (`git add -A && git commit -q`, the mechanism of the
 * shadow-git checkpoints other agents use) and against reading every byte once, all in the same run.
 * Then what an agent pays per command on that tree: the hook's before and after calls, through the gate
 * and without one, against a bare `node -e 0` pair. `AIRLOCK_BENCH_FILES=20000` runs one size.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceDataDir } from '../src/core/dataDir';
import { History } from '../src/core/history/history';
import { startGate, timeSpawn } from './gate';
import { figure, goal, n, percentile, section } from './report';

const SIZES = (process.env.AIRLOCK_BENCH_FILES ?? '2000,20000').split(',').map(Number);
const HOOK_RUNS = 7;
const CLI = join(__dirname, '..', 'dist', 'cli.js');

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'const let function return import export from class extends interface type async await if else for while switch case break continue new this null undefined true false value result error config options request response handler'.split(' ');

function generate(root: string, FILES: number): number {
  const random = mulberry32(20261126);
  let total = 0;
  const dupes: Buffer[] = [];
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, `pkg${i % 40}`, `mod${i % 13}`, i % 3 === 0 ? 'deep/er' : '');
    mkdirSync(dir, { recursive: true });
    const r = random();
    const size = r < 0.75 ? 200 + Math.floor(random() * 5800) : r < 0.992 ? 6000 + Math.floor(random() * 24000) : 100_000 + Math.floor(random() * 900_000);
    let buf: Buffer;
    if (i % 50 === 7 && dupes.length > 0) buf = dupes[Math.floor(random() * dupes.length)]!;
    else if (i % 7 === 0) {
      buf = Buffer.allocUnsafe(size);
      for (let k = 0; k < size; k += 4) buf.writeUInt32LE(Math.floor(random() * 4294967296), Math.min(k, size - 4));
    } else {
      const parts: string[] = [];
      let len = 0;
      while (len < size) {
        const line = `${'  '.repeat(Math.floor(random() * 4))}${Array.from({ length: 3 + Math.floor(random() * 8) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ')} ${Math.floor(random() * 100000)};\n`;
        parts.push(line);
        len += line.length;
      }
      buf = Buffer.from(parts.join('').slice(0, size));
    }
    if (dupes.length < 50 && i % 97 === 0) dupes.push(buf);
    writeFileSync(join(dir, `file${i}.${i % 7 === 0 ? 'bin' : 'ts'}`), buf);
    total += buf.length;
  }
  return total;
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

function du(dir: string): number {
  const out = execFileSync('du', ['-sk', dir], { encoding: 'utf8' });
  return Number(out.split('\t')[0]) * 1024;
}

function readAll(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '.git') total += readAll(p);
    } else total += readFileSync(p).length;
  }
  return total;
}

function cli(args: string[], cwd: string, env: Record<string, string>): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`airlock ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function git(args: string[], cwd: string): void {
  execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
}

function change(root: string, count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const changed: string[] = [];
  const dirs = readdirSync(root).filter((d) => d.startsWith('pkg'));
  while (changed.length < count) {
    const d = join(root, dirs[Math.floor(random() * dirs.length)]!, `mod${Math.floor(random() * 13)}`);
    const files = readdirSync(d).filter((f) => f.startsWith('file'));
    if (files.length === 0) continue;
    const f = join(d, files[Math.floor(random() * files.length)]!);
    if (changed.includes(f)) continue;
    writeFileSync(f, `changed ${changed.length} ${seed}\n`, { flag: 'a' });
    changed.push(f);
  }
  return changed;
}

/** One line of the summary table. */
interface Row {
  readonly figure: string;
  readonly airlock: number;
  readonly baseline: number;
  readonly baselineName: string;
  /** The most `airlock / baseline` may be; none for figures that only inform. */
  readonly goal?: number;
  readonly unit: 'ms' | 'MB';
}

const ROWS: { files: number; rows: Row[] }[] = [];


/**
 * An agent's command on this tree: `airlock hook claude` before it (a checkpoint) and after it (another,
 * and the attribution), timed together, against two bare `node -e 0` start-ups, interleaved.
 */
async function hookPerCommand(ws: string, env: Record<string, string>, label: string): Promise<{ hook: number; bare: number }> {
  const fullEnv = { PATH: process.env.PATH ?? '', ...env };
  const payload = (event: string, i: number): string =>
    JSON.stringify({ session_id: `bench-${label}`, transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: event, tool_name: 'Bash', tool_input: { command: `touch bench-${label}-${i}.txt` }, tool_use_id: `toolu_${label}_${i}`, ...(event === 'PostToolUse' ? { tool_response: { stdout: '', stderr: '', interrupted: false } } : {}) });
  const hook: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < HOOK_RUNS; i++) {
    const b1 = await timeSpawn(['-e', '0'], '', fullEnv);
    const b2 = await timeSpawn(['-e', '0'], '', fullEnv);
    bare.push(b1.ms + b2.ms);
    const pre = await timeSpawn([CLI, 'hook', 'claude', '--workspace', ws], payload('PreToolUse', i), fullEnv);
    if (!pre.out.includes('"allow"')) throw new Error(`the hook (${label}) did not allow the command: ${pre.out}`);
    writeFileSync(join(ws, `bench-${label}-${i}.txt`), '');
    const post = await timeSpawn([CLI, 'hook', 'claude', '--workspace', ws], payload('PostToolUse', i), fullEnv);
    hook.push(pre.ms + post.ms);
  }
  hook.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  return { hook: percentile(hook, 50), bare: percentile(bare, 50) };
}

export async function runHistoryBench(): Promise<void> {
  for (const files of SIZES) await runOne(files);
  section('history: summary (each figure next to its baseline from the same run)');
  process.stdout.write('  | files | figure | Airlock | baseline | ratio | goal |\n  | --- | --- | --- | --- | --- | --- |\n');
  for (const { files, rows } of ROWS) {
    for (const r of rows) {
      const ratio = r.airlock / r.baseline;
      const v = (x: number): string => (r.unit === 'MB' ? `${n(x, 1)} MB` : `${n(x)} ms`);
      const target = r.goal === undefined ? '(a figure, no goal)' : `<= ${n(r.goal, 2)}x ${ratio <= r.goal ? 'MET' : 'NOT MET'}`;
      process.stdout.write(`  | ${n(files)} | ${r.figure} | ${v(r.airlock)} | ${v(r.baseline)} (${r.baselineName}) | ${n(ratio, 2)}x | ${target} |\n`);
    }
  }
}

async function runOne(FILES: number): Promise<void> {
  section(`history: ${n(FILES)} files, checkpoint and rollback against git on an identical copy`);
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-bench-history-')));
  try {
    const ws = join(tmp, 'ws');
    const gitTree = join(tmp, 'git');
    const bytes = generate(ws, FILES);
    const env = { AIRLOCK_HOME: join(tmp, 'data'), HOME: join(tmp, 'home') };
    figure('tree', `${n(bytes / 1024 / 1024, 1)} MB`, `${n(FILES)} files`);

    // Baseline: read every byte once (page cache warm for both contenders afterwards).
    const read = time(() => readAll(ws));
    // Each contender runs twice on fresh copies, alternating, and the better run counts: this machine's
    // disk timing varies by a factor of two between runs (other work, discards after deletions).
    const gitFirstRuns: number[] = [];
    const firstRuns: number[] = [];
    for (let round = 0; round < 2; round++) {
      const g = join(tmp, `git${round}`);
      cpSync(ws, g, { recursive: true });
      git(['init', '-q'], g);
      // No background `git gc --auto` during the timed runs (it would take CPU from whoever runs next).
      git(['config', 'gc.auto', '0'], g);
      gitFirstRuns.push(
        time(() => {
          git(['add', '-A'], g);
          git(['commit', '-q', '-m', 'first'], g);
        }).ms,
      );
      if (round === 0) rmSync(g, { recursive: true, force: true, maxRetries: 5 });
      rmSync(join(tmp, 'data'), { recursive: true, force: true });
      firstRuns.push(time(() => JSON.parse(cli(['checkpoint', '--json'], ws, env)) as { files: number }).ms);
      if (round === 1) renameSync(g, gitTree);
    }
    const gitFirst = { ms: Math.min(...gitFirstRuns) };
    const first = { ms: Math.min(...firstRuns) };

    const gitIncRuns: number[] = [];
    const incRuns: number[] = [];
    let inc = { changed: 0 };
    for (let round = 0; round < 2; round++) {
      change(ws, 10, 1 + round);
      change(gitTree, 10, 1 + round);
      gitIncRuns.push(
        time(() => {
          git(['add', '-A'], gitTree);
          git(['commit', '-q', '-m', `inc ${round}`], gitTree);
        }).ms,
      );
      const r = time(() => JSON.parse(cli(['checkpoint', '--json'], ws, env)) as { changed: number });
      incRuns.push(r.ms);
      inc = r.value;
    }
    const gitInc = { ms: Math.min(...gitIncRuns) };
    const incMs = Math.min(...incRuns);
    const gitLooseSize = du(join(gitTree, '.git'));
    const storeSize = du(workspaceDataDir(env.AIRLOCK_HOME, ws));
    const gitGc = time(() => git(['gc', '-q'], gitTree));
    const gitSize = du(join(gitTree, '.git'));
    const airlockGc = time(() => cli(['gc', '--repack', '--json'], ws, env));
    const storeRepacked = du(workspaceDataDir(env.AIRLOCK_HOME, ws));

    // The gate in the editor keeps its history open: its checkpoint before each command starts warm.
    const h = new History(workspaceDataDir(env.AIRLOCK_HOME, ws), ws);
    await h.checkpoint();
    change(ws, 10, 5);
    change(gitTree, 10, 5);
    const gitInc2 = time(() => {
      git(['add', '-A'], gitTree);
      git(['commit', '-q', '-m', 'third'], gitTree);
    });
    const t0 = process.hrtime.bigint();
    const warm = await h.checkpoint();
    const warmMs = Number(process.hrtime.bigint() - t0) / 1e6;
    // A command in the gate: the checkpoint before it and the one after it, with its attribution.
    const pairRuns: number[] = [];
    const gitPairRuns: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t1 = process.hrtime.bigint();
      const cmd = await h.beginCommand({ agent: 'claude', agentSessionId: 'pair' }, { command: 'edit ten files' });
      change(ws, 10, 10 + round);
      await h.endCommand({ agent: 'claude', agentSessionId: 'pair' }, cmd);
      pairRuns.push(Number(process.hrtime.bigint() - t1) / 1e6);
      gitPairRuns.push(
        time(() => {
          git(['add', '-A'], gitTree);
          git(['commit', '-q', '--allow-empty', '-m', `before ${round}`], gitTree);
          change(gitTree, 10, 10 + round);
          git(['add', '-A'], gitTree);
          git(['commit', '-q', '-m', `after ${round}`], gitTree);
        }).ms,
      );
    }
    const pairMs = Math.min(...pairRuns);
    const gitPairMs = Math.min(...gitPairRuns);

    // A session that touched 1,000 files through one command, then its rollback (a real CLI process).
    const ref = { agent: 'claude', agentSessionId: 'bench' };
    const id = await h.beginCommand(ref, { command: 'bulk edit' });
    change(ws, 1000, 2);
    const recorded = await h.endCommand(ref, id);
    const rollback = time(() => JSON.parse(cli(['rollback', '--last', '--json'], ws, env)) as { restored: string[] });
    const storeAfterSession = du(workspaceDataDir(env.AIRLOCK_HOME, ws));

    figure('read every byte once (baseline)', `${n(read.ms)} ms`);
    figure('git add -A && commit: first', `${n(gitFirst.ms)} ms`, `(runs: ${gitFirstRuns.map((x) => n(x)).join(', ')})`);
    figure('airlock checkpoint: first', `${n(first.ms)} ms`, `(${n(first.ms / gitFirst.ms, 2)}x git, ${n(first.ms / read.ms, 2)}x reading; runs: ${firstRuns.map((x) => n(x)).join(', ')})`);
    figure('git add -A && commit: after 10 files changed', `${n(gitInc.ms)} ms`, `(runs: ${gitIncRuns.map((x) => n(x)).join(', ')})`);
    figure('airlock checkpoint: after 10 files changed', `${n(incMs)} ms`, `(${n(incMs / gitInc.ms, 2)}x git; ${inc.changed} changed; runs: ${incRuns.map((x) => n(x)).join(', ')})`);
    figure('git add -A && commit: 10 more files changed', `${n(gitInc2.ms)} ms`);
    figure('airlock checkpoint in the running gate (warm)', `${n(warmMs)} ms`, `(${n(warmMs / gitInc2.ms, 2)}x git; ${warm.changed} changed)`);
    figure('git: commit before and after 10 files changed', `${n(gitPairMs)} ms`, `(runs: ${gitPairRuns.map((x) => n(x)).join(', ')})`);
    figure('airlock: a command in the gate (both checkpoints)', `${n(pairMs)} ms`, `(${n(pairMs / gitPairMs, 2)}x git; runs: ${pairRuns.map((x) => n(x)).join(', ')})`);
    figure('airlock rollback of a 1,000-file session', `${n(rollback.ms)} ms`, `(${rollback.value.restored.length} restored of ${recorded.length} recorded)`);
    figure('.git on disk, loose objects (as committed)', `${n(gitLooseSize / 1024 / 1024, 1)} MB`);
    figure('airlock history, same history (as recorded)', `${n(storeSize / 1024 / 1024, 1)} MB`, `(${n(storeSize / gitLooseSize, 2)}x loose .git)`);
    figure('.git on disk after git gc (packed)', `${n(gitSize / 1024 / 1024, 1)} MB`, `(git gc took ${n(gitGc.ms)} ms)`);
    figure('airlock history after airlock gc --repack', `${n(storeRepacked / 1024 / 1024, 1)} MB`, `(${n(storeRepacked / gitSize, 2)}x packed .git; took ${n(airlockGc.ms)} ms)`);
    figure('airlock history after the 1,000-file session', `${n(storeAfterSession / 1024 / 1024, 1)} MB`, '(includes undo data of the rollback)');
    goal('first checkpoint no slower than git', first.ms <= gitFirst.ms);
    goal("incremental checkpoint no slower than git's incremental add and commit (CLI, cold start)", incMs <= gitInc.ms);
    goal("incremental checkpoint no slower than git's incremental add and commit (gate, warm)", warmMs <= gitInc2.ms);
    goal("store no larger than git's .git for the same history (loose, as committed)", storeSize <= gitLooseSize);
    goal("store no larger than git's .git for the same history (both packed: git gc, airlock gc --repack)", storeRepacked <= gitSize);
    process.stdout.write('  note: Airlock fsyncs every pack and snapshot it writes; git does not fsync loose objects by default.\n');

    // What an agent pays per command on this tree, through the hook: with the gate running, and alone.
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    writeFileSync(join(ws, '.vscode', 'airlock.json'), JSON.stringify({ version: 1, rules: [{ action: 'allow', command: ['touch bench-*'] }, { action: 'allow', edit: ['bench-*'] }] }));
    const runtime = await startGate(ws, env, 'deny');
    let viaGate: { hook: number; bare: number };
    try {
      viaGate = await hookPerCommand(ws, env, 'gate');
    } finally {
      await runtime.stop();
    }
    const alone = await hookPerCommand(ws, env, 'alone');
    figure('node -e 0, twice (baseline)', `${n(viaGate.bare)} ms`);
    figure('hook before and after a command, via the gate', `${n(viaGate.hook)} ms`, `(+${n(viaGate.hook - viaGate.bare)} ms over the baseline, ${n(viaGate.hook / viaGate.bare, 2)}x)`);
    figure('hook before and after a command, no gate', `${n(alone.hook)} ms`, `(+${n(alone.hook - alone.bare)} ms over the baseline, ${n(alone.hook / alone.bare, 2)}x)`);

    ROWS.push({
      files: FILES,
      rows: [
        { figure: 'first checkpoint (CLI)', airlock: first.ms, baseline: gitFirst.ms, baselineName: 'git add+commit', goal: 1, unit: 'ms' },
        { figure: 'checkpoint after 10 files changed (CLI)', airlock: incMs, baseline: gitInc.ms, baselineName: 'git add+commit', goal: 1, unit: 'ms' },
        { figure: 'the same in the running gate', airlock: warmMs, baseline: gitInc2.ms, baselineName: 'git add+commit', goal: 0.1, unit: 'ms' },
        { figure: 'a command in the gate (checkpoint before and after)', airlock: pairMs, baseline: gitPairMs, baselineName: 'two git commits', goal: 0.1, unit: 'ms' },
        { figure: 'store size, as recorded', airlock: storeSize / 1024 / 1024, baseline: gitLooseSize / 1024 / 1024, baselineName: '.git, loose', goal: 1, unit: 'MB' },
        { figure: 'hook before and after a command, via the gate', airlock: viaGate.hook, baseline: viaGate.bare, baselineName: 'node -e 0 twice', unit: 'ms' },
        { figure: 'hook before and after a command, no gate', airlock: alone.hook, baseline: alone.bare, baselineName: 'node -e 0 twice', unit: 'ms' },
      ],
    });
    statSync(ws);
  } finally {
    rmSync(tmp, { recursive: true, force: true, maxRetries: 5 });
  }
}
