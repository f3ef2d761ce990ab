/**
 * What the audit export costs a decision: decisions on the gate's path (decide, audit, answer), in
 * process, with the export off and on (OTLP to a receiver in another process, and syslog over UDP),
 * interleaved in rounds so that machine noise hits both alike. The export runs in a detached flusher
 * process; the figures show what is left on the decision path (starting it, reading its state).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportQueue } from '../src/core/audit/export/exportQueue';
import { loadPolicy } from '../src/core/policy/loadPolicy';
import { GateRuntime } from '../src/gate/gateRuntime';
import { figure, goal, n, percentile, section } from './report';

const ROUNDS = Number(process.env.AIRLOCK_BENCH_EXPORT_ROUNDS ?? 20);
const PER_ROUND = 100;

/** A minimal OTLP/HTTP receiver in its own process: answers 200 and counts requests. */
function receiver(): Promise<{ child: ChildProcess; port: number }> {
  const code = `const http=require('http');const s=http.createServer((q,r)=>{q.resume();q.on('end',()=>{r.writeHead(200,{'content-type':'application/x-protobuf'});r.end();});});s.listen(0,'127.0.0.1',()=>process.stdout.write(String(s.address().port)+'\\n'));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
    child.once('error', reject);
  });
}

export async function runExportBench(): Promise<void> {
  section('audit export: decisions on the gate path with the export off and on');
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'airlock-bench-export-')));
  const { child, port } = await receiver();
  const saved = { ...process.env };
  const runtimes: GateRuntime[] = [];
  try {
    const make = (name: string): GateRuntime => {
      const ws = join(tmp, name);
      mkdirSync(join(ws, '.git'), { recursive: true });
      mkdirSync(join(ws, 'src'));
      writeFileSync(join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
      const dataRoot = join(tmp, `${name}-data`);
      const p = loadPolicy({ workspace: ws, home: join(tmp, 'home'), dataRoot });
      const r = new GateRuntime({ workspace: ws, dataRoot, home: join(tmp, 'home'), policy: () => p, asker: { ask: async () => ({ action: 'allow', by: 'person' }) }, log: { trace() {}, debug() {}, info() {}, warn() {}, error() {} }, approvalTimeoutMs: 10_000 });
      runtimes.push(r);
      return r;
    };
    // The export configuration is read from the environment when a workspace writes its first record.
    delete process.env.AIRLOCK_AUDIT_OTLP;
    delete process.env.AIRLOCK_AUDIT_SYSLOG;
    const off = make('off');
    await off.handle(payload(off, -1), 'claude');
    process.env.AIRLOCK_AUDIT_OTLP = '1';
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    process.env.AIRLOCK_AUDIT_SYSLOG = 'udp://127.0.0.1:9';
    const on = make('on');
    await on.handle(payload(on, -1), 'claude');
    const times: Record<'off' | 'on', number[]> = { off: [], on: [] };
    let i = 0;
    const t0: Record<'off' | 'on', number> = { off: 0, on: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, r] of [['off', off], ['on', on]] as const) {
        const start = process.hrtime.bigint();
        for (let k = 0; k < PER_ROUND; k++) {
          const s = process.hrtime.bigint();
          const answer = await r.handle(payload(r, i++), 'claude');
          if (!answer.stdout.includes('allow')) throw new Error(`not allowed: ${answer.stdout}`);
          times[name].push(Number(process.hrtime.bigint() - s) / 1e6);
        }
        t0[name] += Number(process.hrtime.bigint() - start) / 1e6;
      }
    }
    for (const k of ['off', 'on'] as const) times[k].sort((a, b) => a - b);
    const rate = (k: 'off' | 'on'): number => (times[k].length / t0[k]) * 1000;
    figure('export off: decisions/s', n(rate('off')), `p50 ${n(percentile(times.off, 50), 3)} ms, p99 ${n(percentile(times.off, 99), 3)} ms`);
    figure('export on (OTLP + syslog): decisions/s', n(rate('on')), `p50 ${n(percentile(times.on, 50), 3)} ms, p99 ${n(percentile(times.on, 99), 3)} ms`);
    // The flusher runs in its own process: wait for it to send what was recorded, to show it did.
    const q = new ExportQueue(on.workspaceDir, 'otlp');
    const deadline = Date.now() + 60_000;
    while (q.backlog() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    figure('records sent by OTLP during the run', n(q.state().sent), `(${n(times.on.length + 1)} written; ${q.backlog() === 0 ? 'none waiting' : `${n(q.backlog())} bytes still waiting`})`);
    const p99 = percentile(times.on, 99) / percentile(times.off, 99);
    figure('p99 on / off', `${n(p99, 2)}x`);
    goal('no measurable change in p99 decision latency (within 10%, or 0.1 ms)', p99 <= 1.1 || percentile(times.on, 99) - percentile(times.off, 99) <= 0.1);
  } finally {
    for (const r of runtimes) await r.stop().catch(() => undefined);
    child.kill();
    process.env = saved;
    rmSync(tmp, { recursive: true, force: true });
  }
}

function payload(r: GateRuntime, i: number): string {
  const ws = r.history.workspace;
  return JSON.stringify({ session_id: 'bench', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: join(ws, 'src', 'a.ts') }, tool_use_id: `toolu_${i}` });
}
