/**
 * The audit trail as OpenTelemetry logs: real hook processes decide and write the audit log, the real
 * OpenTelemetry SDK exporter (started by Airlock after each record, in a detached flusher) sends the records
 * to a receiver on 127.0.0.1 that decodes them with the official OTLP protobuf definitions; a collector that
 * goes down and comes back loses nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workspaceDataDir } from '../../../src/core/dataDir';
import type { AuditRecord } from '../../../src/core/audit/auditLog';
import { ExportQueue } from '../../../src/core/audit/export/exportQueue';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock, airlockAsync } from '../helpers/cli';
import { flatten, OtlpReceiver, waitFor } from '../helpers/otlpReceiver';

const tree = tempTree('airlock-otlp-');
after(() => tree.cleanup());

const POLICY = JSON.stringify({ version: 1, rules: [{ action: 'deny', edit: ['**/.env'] }, { action: 'allow', edit: ['src/**'] }, { action: 'allow', command: ['echo *'] }] });

let n = 0;
function setup(name: string): { ws: string; env: Record<string, string>; records: () => AuditRecord[] } {
  const ws = tree.path(name);
  tree.write(`${name}/.vscode/airlock.json`, POLICY);
  tree.write(`${name}/src/a.ts`, 'export const a = 1;\n');
  tree.write(`${name}/.git/HEAD`, 'ref: refs/heads/main\n');
  const env = { HOME: tree.path(`${name}-home`), AIRLOCK_HOME: tree.path(`${name}-data`), AIRLOCK_MANAGED_DIR: tree.path('no-managed') };
  const records = (): AuditRecord[] => {
    try {
      return readFileSync(join(workspaceDataDir(env.AIRLOCK_HOME!, ws), 'audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);
    } catch {
      return [];
    }
  };
  return { ws, env, records };
}

const claude = (ws: string, tool: string, input: object) => JSON.stringify({ session_id: 'sess-otlp', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: tool, tool_use_id: `toolu_otlp${++n}`, tool_input: input });

async function decisions(ws: string, env: Record<string, string>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const payload = i % 3 === 0 ? claude(ws, 'Write', { file_path: join(ws, '.env'), content: 'X' }) : i % 3 === 1 ? claude(ws, 'Bash', { command: `echo ${i}` }) : claude(ws, 'Write', { file_path: join(ws, 'src', `f${i}.ts`), content: `${i}\n` });
    const r = await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: payload });
    assert.equal(r.code, 0, r.stderr);
  }
}

describe('OTLP export of the audit log', () => {
  const receiver = new OtlpReceiver();
  before(() => receiver.start());
  after(() => receiver.stop());

  it('sends one log record per audit record over http/protobuf, with the chain hash and Claude Code\'s names', async () => {
    const { ws, env, records } = setup('proto');
    const e = { ...env, AIRLOCK_AUDIT_OTLP: '1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
    const before = receiver.records.length;
    await decisions(ws, e, 6);
    const written = records();
    assert.equal(written.length, 6);
    await waitFor(() => receiver.records.length - before >= written.length, 'the records at the receiver');
    const got = receiver.records.slice(before);
    assert.equal(got.length, written.length, 'exactly one log record per audit record');
    assert.ok(got.every((g) => g.contentType.includes('protobuf')));
    for (const r of written) {
      const g = got.find((x) => x.attributes['airlock.record.hash'] === r.hash);
      assert.ok(g, `record ${r.seq} reached the receiver`);
      assert.equal(g.attributes['airlock.record.prev'], r.prev);
      assert.equal(g.attributes['airlock.record.seq'], r.seq);
      assert.equal(g.attributes.tool_name, r.tool);
      assert.match(String(r.toolUseId), /^toolu_otlp/);
      assert.equal(g.attributes.tool_use_id, r.toolUseId);
      assert.equal(g.attributes['session.id'], 'sess-otlp');
      assert.equal(g.attributes.decision, r.action);
      assert.equal(g.attributes.source, r.source);
      assert.equal(g.attributes['airlock.schema.version'], 1);
      assert.equal(g.attributes['event.name'], 'airlock.decision');
      assert.equal(g.resource['service.name'], 'airlock');
      assert.equal(g.scope.name, 'airlock.audit');
      assert.equal(BigInt(g.timeUnixNano) / 1_000_000n, BigInt(Date.parse(r.time)));
    }
    assert.ok(got.some((g) => g.attributes.decision === 'deny' && g.severityText === 'WARN'));
  });

  it('sends over http/json when OTEL_EXPORTER_OTLP_PROTOCOL says so', async () => {
    const { ws, env, records } = setup('json');
    const before = receiver.records.length;
    await decisions(ws, { ...env, AIRLOCK_AUDIT_OTLP: '1', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.endpoint}/v1/logs`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 3);
    await waitFor(() => receiver.records.length - before >= 3, 'the JSON records');
    const got = receiver.records.slice(before);
    assert.ok(got.every((g) => g.contentType.includes('json')));
    // The log record's event name (a newer OTLP field, so also carried as the event.name attribute).
    assert.ok(got.every((g) => g.eventName === 'airlock.decision'));
    assert.deepEqual(new Set(got.map((g) => g.attributes['airlock.record.hash'])), new Set(records().map((r) => r.hash)));
  });

  it('keeps records while the collector is down and sends every one when it comes back', async () => {
    const down = new OtlpReceiver();
    await down.start();
    const port = down.port;
    await down.stop();
    const { ws, env, records } = setup('outage');
    const e = { ...env, AIRLOCK_AUDIT_OTLP: '1', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` };
    await decisions(ws, e, 5);
    const queue = new ExportQueue(workspaceDataDir(env.AIRLOCK_HOME!, ws), 'otlp');
    await waitFor(() => queue.state().failures > 0, 'a failed attempt recorded in the export state');
    assert.equal(queue.state().sent, 0);
    assert.ok(queue.backlog() > 0, 'the records wait in the queue');
    // More decisions while it is down: they wait too, and never slow the hook down.
    const t0 = Date.now();
    await decisions(ws, e, 3);
    assert.ok(Date.now() - t0 < 15_000);
    await down.start(port);
    try {
      await waitFor(() => down.records.length >= records().length, 'every record after the collector came back', 60_000);
      // Anything recorded after the outage goes too, and nothing is lost or sent twice.
      await decisions(ws, e, 2);
      await waitFor(() => down.records.length >= records().length, 'the records after recovery');
      const sent = down.records.map((g) => g.attributes['airlock.record.hash']);
      assert.deepEqual([...new Set(sent)].sort(), records().map((r) => r.hash).sort());
      // The flusher moves its cursor once the collector's answer is in: wait for that, then nothing waits.
      await waitFor(() => queue.backlog() === 0, 'the cursor to move past what the collector took');
      assert.equal(queue.state().failures, 0);
    } finally {
      await down.stop();
    }
  });
});

describe('airlock audit --export', () => {
  it('writes JSON Lines identical to the log, and OTLP JSON that decodes to one log record per audit record', async () => {
    const { ws, env, records } = setup('file');
    await decisions(ws, env, 4);
    const jsonl = tree.path('out.jsonl');
    const r1 = airlock(['audit', '--export', jsonl, '--workspace', ws], { cwd: ws, env });
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, /Exported 4 audit record\(s\)/);
    assert.deepEqual(readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown), records());
    const otlp = tree.path('out.otlp.json');
    const r2 = airlock(['audit', '--export', otlp, '--format', 'otlp-json', '--workspace', ws], { cwd: ws, env });
    assert.equal(r2.code, 0, r2.stderr);
    const lines = readFileSync(otlp, 'utf8').trim().split('\n');
    const got = lines.flatMap((l) => flatten(JSON.parse(l) as Parameters<typeof flatten>[0], 'file'));
    assert.deepEqual(got.map((g) => g.attributes['airlock.record.hash']), records().map((r) => r.hash));
    assert.equal(got[0]!.resource['service.name'], 'airlock');
    const bad = airlock(['audit', '--export', otlp, '--format', 'xml', '--workspace', ws], { cwd: ws, env });
    assert.equal(bad.code, 64);
  });
});
