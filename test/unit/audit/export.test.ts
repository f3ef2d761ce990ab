import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { AuditLog, type AuditRecord } from '../../../src/core/audit/auditLog';
import { auditExportConfig } from '../../../src/core/audit/export/exportConfig';
import { flushAuditExport } from '../../../src/core/audit/export/exportFlush';
import { ExportQueue } from '../../../src/core/audit/export/exportQueue';
import { exportAttributes } from '../../../src/core/audit/export/exportSchema';
import { parseSyslogTarget } from '../../../src/core/audit/export/syslog';
import { auditSettingsFrom } from '../../../src/core/settings';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree('airlock-export-');
after(() => tree.cleanup());
let n = 0;
function log(count: number): { dir: string; log: AuditLog; records: AuditRecord[] } {
  const dir = tree.path(`w${n++}`);
  const l = new AuditLog(dir);
  const records = Array.from({ length: count }, (_, i) => l.append({ type: 'decision', agent: 'claude', tool: 'Bash', action: i % 2 ? 'allow' : 'deny', reason: `r${i}`, toolUseId: `t${i}`, agentSessionId: 's', rule: { origin: 'managed', index: 0 } }));
  return { dir, log: l, records };
}

describe('the exported form of a record (schema 1)', () => {
  it("uses Claude Code's names where they mean the same and airlock.* for the rest, with the chain", () => {
    const { records } = log(1);
    const a = exportAttributes(records[0]!, '/ws');
    assert.equal(a['airlock.schema.version'], 1);
    assert.equal(a.tool_name, 'Bash');
    assert.equal(a.tool_use_id, 't0');
    assert.equal(a['session.id'], 's');
    assert.equal(a.decision, 'deny');
    assert.equal(a['airlock.record.hash'], records[0]!.hash);
    assert.equal(a['airlock.record.prev'], '');
    assert.equal(a['airlock.rule'], '{"origin":"managed","index":0}');
    assert.equal(a['airlock.workspace'], '/ws');
    assert.ok(Object.keys(a).every((k) => ['tool_name', 'tool_use_id', 'session.id', 'decision', 'source', 'event.name'].includes(k) || k.startsWith('airlock.')));
  });
});

describe('the export configuration', () => {
  const settings = auditSettingsFrom({});
  it('turns OTLP on from AIRLOCK_AUDIT_OTLP or the setting, with the standard protocol variable', () => {
    assert.equal(auditExportConfig(settings, {}).otlp, undefined);
    assert.deepEqual(auditExportConfig(settings, { AIRLOCK_AUDIT_OTLP: '1' }).otlp, { protocol: 'http/protobuf' });
    assert.deepEqual(auditExportConfig(settings, { AIRLOCK_AUDIT_OTLP: 'true', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).otlp, { protocol: 'http/json' });
    assert.deepEqual(auditExportConfig(auditSettingsFrom({ otlp: true, otlpEndpoint: 'https://collector.example:4318/' }), {}).otlp, { protocol: 'http/protobuf', url: 'https://collector.example:4318/v1/logs' });
  });
  it('says what cannot work instead of sending nothing silently', () => {
    assert.match(auditExportConfig(settings, { AIRLOCK_AUDIT_OTLP: '1', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).problems[0]!, /grpc.*not supported/);
    assert.match(auditExportConfig(settings, { AIRLOCK_AUDIT_SYSLOG: 'syslog.example:514' }).problems[0]!, /udp:\/\/HOST:PORT/);
    assert.deepEqual(parseSyslogTarget('tcp://[::1]:6514'), { transport: 'tcp', host: '::1', port: 6514 });
    assert.deepEqual(parseSyslogTarget('unix:/run/x.sock'), { transport: 'unix', path: '/run/x.sock' });
    assert.throws(() => parseSyslogTarget('udp://h:70000'), /port/);
  });
});

describe('the export queue (a cursor over the audit log)', () => {
  it('moves only past what the receiver took, so a failed batch is sent again', () => {
    const { dir, records } = log(5);
    const q = new ExportQueue(dir, 'syslog');
    const b = q.next(3);
    assert.deepEqual(b.records.map((r) => r.seq), [1, 2, 3]);
    q.failed(new Error('down'));
    assert.deepEqual(q.next(3).records.map((r) => r.seq), [1, 2, 3], 'nothing moved');
    assert.equal(q.state().failures, 1);
    q.taken(b);
    assert.deepEqual(q.next(10).records.map((r) => r.hash), records.slice(3).map((r) => r.hash));
    assert.equal(q.state().failures, 0);
    assert.equal(q.state().seq, 3);
  });

  it('skips a line a crashed writer left incomplete, and never reads a line still being written', () => {
    const { dir, log: l } = log(2);
    appendFileSync(l.file, '{"type":"decision","seq":3,"ha');
    const q = new ExportQueue(dir, 'otlp');
    assert.deepEqual(q.next().records.map((r) => r.seq), [1, 2]);
    l.append({ type: 'decision', reason: 'after the crash' });
    const all = q.next().records;
    assert.deepEqual(all.map((r) => r.type), ['decision', 'decision', 'recovered', 'decision']);
  });

  it('keeps at most its bound waiting, skipping the oldest and saying so', () => {
    const { dir, records } = log(50);
    const bytes = (r: AuditRecord): number => Buffer.byteLength(JSON.stringify(r)) + 1;
    const bound = bytes(records[0]!) * 10;
    const q = new ExportQueue(dir, 'otlp', bound);
    const b = q.next(1000);
    const kept = b.records.reduce((s, r) => s + bytes(r), 0);
    assert.ok(kept <= bound && kept > bound - bytes(records.at(-1)!), `${kept} bytes kept for a bound of ${bound}`);
    assert.equal(b.records.at(-1)!.seq, 50, 'the newest are kept');
    assert.ok((q.state().skippedBytes ?? 0) > bound * 3, "the skipped bytes are recorded");
  });

  it('starts over on a log that was replaced by a shorter one', () => {
    const { dir, log: l } = log(3);
    const q = new ExportQueue(dir, 'otlp');
    q.taken(q.next());
    writeFileSync(l.file, '');
    l.append({ type: 'decision', reason: 'new log' });
    assert.equal(q.next().records.length, 1);
  });
});

describe('flushing', () => {
  it('sends every waiting record to a real TCP syslog receiver and stops when nothing more comes', async () => {
    const { dir, records } = log(7);
    const got: string[] = [];
    const server = createServer((s: Socket) => s.on('data', (d) => got.push(d.toString('utf8'))));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const ran = await flushAuditExport(dir, auditExportConfig(undefined, { AIRLOCK_AUDIT_SYSLOG: `tcp://127.0.0.1:${port}` }), { timing: { lingerMs: 100 } });
      assert.equal(ran, true);
      // The receiver reads on its own schedule: wait until the last record is in (or fail after 10 s).
      for (const deadline = Date.now() + 10_000; !got.join('').includes(records.at(-1)!.hash) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      const text = got.join('');
      for (const r of records) assert.ok(text.includes(`airlock.record.hash="${r.hash}"`));
      // Octet-counted frames: "LEN <…>1 …".
      assert.match(text, /^\d+ <\d+>1 /);
      assert.equal(new ExportQueue(dir, 'syslog').backlog(), 0);
    } finally {
      server.close();
    }
  });

  it('gives up on a receiver that stays down, keeping every record and a retry time', async () => {
    const { dir } = log(3);
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    await flushAuditExport(dir, auditExportConfig(undefined, { AIRLOCK_AUDIT_SYSLOG: `tcp://127.0.0.1:${port}` }), { timing: { lingerMs: 50, giveUpMs: 1200 } });
    const q = new ExportQueue(dir, 'syslog');
    assert.ok(q.state().failures >= 1);
    assert.ok((q.state().retryAt ?? 0) > 0);
    assert.match(q.state().lastError ?? '', /ECONNREFUSED/);
    assert.equal(q.next().records.length, 3);
  });

  it('lets one flusher at a time work on a workspace', async () => {
    const { dir } = log(1);
    const config = auditExportConfig(undefined, { AIRLOCK_AUDIT_SYSLOG: 'udp://127.0.0.1:9' });
    const [a, b] = await Promise.all([flushAuditExport(dir, config, { timing: { lingerMs: 300 } }), new Promise<boolean>((r) => setTimeout(() => r(flushAuditExport(dir, config, { timing: { lingerMs: 10 } })), 50))]);
    assert.equal(a, true);
    assert.equal(b, false);
  });
});
