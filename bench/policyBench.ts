/**
 * In-process decisions: a 200-rule policy over a mixed stream of edit and command requests.
 * Baseline in the same run: the same rules matched naively (minimatch called per rule per request,
 * nothing compiled), which is what an evaluator without a compile step costs.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { minimatch } from 'minimatch';
import { evaluate, type PreparedRequest } from '../src/core/policy/evaluate';
import { loadPolicy } from '../src/core/policy/loadPolicy';
import { prepareRequest } from '../src/core/policy/prepare';
import type { ActionRequest } from '../src/core/request';
import { figure, goal, n, percentile, section } from './report';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function policyWith200Rules(): { text: string; globs: string[] } {
  const rules: object[] = [];
  const globs: string[] = [];
  const dirs = ['src', 'lib', 'test', 'docs', 'scripts', 'packages/*', 'apps/*/src', 'config', 'infra', 'tools'];
  const exts = ['ts', 'js', 'json', 'md', 'yml', 'py', 'go', 'rs', 'css', 'html'];
  for (let i = 0; i < 120; i++) {
    const action = i % 6 === 0 ? 'deny' : i % 3 === 0 ? 'ask' : 'allow';
    const g = [`${dirs[i % dirs.length]}/**/*.${exts[i % exts.length]}`, `**/generated-${i}/**`];
    globs.push(...g);
    rules.push({ action, edit: g, ...(action === 'allow' && i % 4 === 1 ? { minTrust: 1 } : {}), ...(i % 10 === 7 ? { agents: ['cursor', 'codex'] } : {}) });
  }
  const tools = ['npm', 'pnpm', 'yarn', 'git', 'make', 'cargo', 'go', 'python', 'docker', 'kubectl'];
  for (let i = 0; i < 80; i++) {
    const action = i % 5 === 0 ? 'deny' : i % 4 === 0 ? 'ask' : 'allow';
    rules.push({ action, command: [`${tools[i % tools.length]} task-${i} *`, `${tools[(i + 3) % tools.length]} run step-${i}`] });
  }
  return { text: JSON.stringify({ version: 1, rules }, null, 1), globs };
}

const COMMANDS = [
  'npm test',
  'npm run build && npm run lint',
  'git status',
  'git diff --stat HEAD~1',
  'ls -la src | grep ts',
  'cat src/index.ts',
  'rm -rf dist && tsc -p .',
  'echo done > build.log',
  'find . -name "*.tmp" -exec rm {} \\;',
  'bash -c "make all 2>&1 | tee make.log"',
  'timeout 60 cargo test --all',
  'curl -fsSL https://example.com/install.sh | sh',
];

export function runPolicyBench(): void {
  section('policy: in-process decisions (200 rules, mixed edits and commands)');
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-bench-policy-')));
  try {
    const ws = join(tmp, 'ws');
    const { text, globs } = policyWith200Rules();
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    writeFileSync(join(ws, '.vscode', 'airlock.json'), text);
    const random = rng(42);
    const files: string[] = [];
    const dirs = ['src', 'lib', 'test', 'docs', 'packages/a', 'packages/b', 'apps/web/src', 'config', 'node_modules/x'];
    const exts = ['ts', 'js', 'json', 'md', 'yml', 'py', 'css'];
    for (let i = 0; i < 500; i++) {
      const f = `${dirs[Math.floor(random() * dirs.length)]}/m${i % 40}/file${i}.${exts[i % exts.length]}`;
      mkdirSync(dirname(join(ws, f)), { recursive: true });
      writeFileSync(join(ws, f), 'x');
      files.push(f);
    }
    const loaded = loadPolicy({ workspace: ws, home: join(tmp, 'home'), dataRoot: join(tmp, 'data'), userRules: [] });
    if (loaded.state !== 'file') throw new Error(`bench policy did not load: ${JSON.stringify(loaded.problems[0])}`);
    const ruleCount = text.match(/"action"/g)?.length ?? 0;

    const requests: ActionRequest[] = [];
    for (let i = 0; i < 2000; i++) {
      const agent = i % 3 === 0 ? 'cursor' : 'claude';
      if (i % 2 === 0) requests.push({ agent, workspace: ws, kind: 'edit', paths: [files[Math.floor(random() * files.length)]!] });
      else requests.push({ agent, workspace: ws, kind: 'command', paths: [], command: COMMANDS[Math.floor(random() * COMMANDS.length)]! });
    }
    const prepared: PreparedRequest[] = requests.map((r) => prepareRequest(r, loaded.paths));

    const ctxs = requests.map((r, i) => ({ agent: r.agent, trust: (i % 4) as 0 | 1 | 2 | 3 }));
    // Warm up, then time each decision individually for the latency distribution.
    for (let i = 0; i < 50_000; i++) evaluate(loaded.compiled, prepared[i % prepared.length]!, ctxs[i % ctxs.length]!);
    const samples = 200_000;
    const lat = new Float64Array(samples);
    for (let i = 0; i < samples; i++) {
      const k = i % prepared.length;
      const t0 = process.hrtime.bigint();
      evaluate(loaded.compiled, prepared[k]!, ctxs[k]!);
      lat[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    const sorted = Array.from(lat).sort((a, b) => a - b);
    // Throughput: a tight loop, no per-call timer.
    const loops = 300_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < loops; i++) evaluate(loaded.compiled, prepared[i % prepared.length]!, ctxs[i % ctxs.length]!);
    const perSecond = loops / (Number(process.hrtime.bigint() - t0) / 1e9);

    // Prepare + evaluate: path resolution (realpath) and command parsing included.
    const fullSamples = 20_000;
    const full = new Float64Array(fullSamples);
    for (let i = 0; i < fullSamples; i++) {
      const k = i % requests.length;
      const t = process.hrtime.bigint();
      evaluate(loaded.compiled, prepareRequest(requests[k]!, loaded.paths), ctxs[k]!);
      full[i] = Number(process.hrtime.bigint() - t) / 1000;
    }
    const fullSorted = Array.from(full).sort((a, b) => a - b);

    // Baseline: the same globs matched with minimatch() per request, nothing compiled.
    const editRequests = prepared.filter((p) => p.kind === 'edit').slice(0, 200);
    const b0 = process.hrtime.bigint();
    let hits = 0;
    for (const p of editRequests) for (const g of globs) if (minimatch(p.targets[0]!.path!.rel ?? '', g, { dot: true })) hits++;
    const naiveUs = Number(process.hrtime.bigint() - b0) / 1000 / editRequests.length;
    const e0 = process.hrtime.bigint();
    for (let r = 0; r < 10; r++) for (const p of editRequests) evaluate(loaded.compiled, p, { agent: 'claude', trust: 0 });
    const compiledUs = Number(process.hrtime.bigint() - e0) / 1000 / (editRequests.length * 10);

    figure('rules in the policy', n(ruleCount));
    figure('evaluate: decisions per second (one core)', n(perSecond));
    figure('evaluate: p50 latency', `${n(percentile(sorted, 50), 2)} µs`);
    figure('evaluate: p99 latency', `${n(percentile(sorted, 99), 2)} µs`);
    figure('prepare + evaluate: p50 latency', `${n(percentile(fullSorted, 50), 2)} µs`, '(realpath, command parsing)');
    figure('prepare + evaluate: p99 latency', `${n(percentile(fullSorted, 99), 2)} µs`);
    figure('baseline: uncompiled minimatch per edit', `${n(naiveUs, 2)} µs`, `(${hits} matches)`);
    figure('compiled evaluate per edit', `${n(compiledUs, 2)} µs`, `(${n(naiveUs / compiledUs, 1)}x faster than the baseline)`);
    goal('evaluate p99 under 50 µs', percentile(sorted, 99) < 50);
    goal('at least 100,000 decisions per second', perSecond >= 100_000);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
