import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AuditLog, recordHash, type AuditRecord } from '../../../src/core/audit/auditLog';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree('airlock-audit-');
after(() => tree.cleanup());
let n = 0;

function logWith(count: number): AuditLog {
  const log = new AuditLog(tree.path(`w${n++}`));
  for (let i = 1; i <= count; i++) log.append({ type: 'decision', agent: 'claude', target: `file${i}.ts`, action: i % 3 ? 'allow' : 'deny', decidedBy: 'policy', reason: `reason ${i}` });
  return log;
}

function lines(log: AuditLog): string[] {
  return readFileSync(log.file, 'utf8').split('\n').filter(Boolean);
}

function rewrite(log: AuditLog, next: string[]): void {
  writeFileSync(log.file, `${next.join('\n')}\n`);
}

describe('audit log', () => {
  it('chains every record to the one before and verifies', () => {
    const log = logWith(10);
    const records = log.read();
    assert.equal(records.length, 10);
    assert.equal(records[0]!.prev, '');
    for (let i = 1; i < 10; i++) assert.equal(records[i]!.prev, records[i - 1]!.hash);
    assert.deepEqual(log.verify(), { ok: true, records: 10, incomplete: [] });
  });

  it('detects an edited record and names it', () => {
    const log = logWith(10);
    const l = lines(log);
    l[4] = l[4]!.replace('"action":"allow"', '"action":"deny"');
    rewrite(log, l);
    const v = log.verify();
    assert.equal(v.ok, false);
    assert.equal(v.problem!.seq, 5);
    assert.match(v.problem!.message, /record 5 was changed after it was written/);
  });

  it('detects an edited record whose hash was recomputed, at the next record', () => {
    const log = logWith(10);
    const l = lines(log);
    const r = JSON.parse(l[4]!) as AuditRecord;
    const { hash: _h, ...rest } = { ...r, action: 'deny' };
    l[4] = JSON.stringify({ ...rest, hash: recordHash(rest) });
    rewrite(log, l);
    const v = log.verify();
    assert.equal(v.problem!.seq, 6);
    assert.match(v.problem!.message, /does not follow the record before it/);
  });

  it('detects a deleted record', () => {
    const log = logWith(10);
    const l = lines(log);
    l.splice(3, 1);
    rewrite(log, l);
    const v = log.verify();
    assert.equal(v.ok, false);
    assert.match(v.problem!.message, /1 record\(s\) before it were removed/);
  });

  it('detects an inserted record (a copy of another)', () => {
    const log = logWith(10);
    const l = lines(log);
    l.splice(6, 0, l[2]!);
    rewrite(log, l);
    assert.match(log.verify().problem!.message, /reordered or inserted/);
  });

  it('detects an inserted line that is not a record', () => {
    const log = logWith(5);
    const l = lines(log);
    l.splice(2, 0, 'garbage');
    rewrite(log, l);
    assert.match(log.verify().problem!.message, /not a record/);
  });

  it('detects reordered records', () => {
    const log = logWith(10);
    const l = lines(log);
    [l[3], l[4]] = [l[4]!, l[3]!];
    rewrite(log, l);
    assert.equal(log.verify().ok, false);
  });

  it('detects records cut off the end, and a forged last record', () => {
    const log = logWith(10);
    const l = lines(log);
    rewrite(log, l.slice(0, 8));
    assert.match(log.verify().problem!.message, /ends at record 8, but record 10 was written: records were cut off the end/);
    const forged = JSON.parse(l[9]!) as AuditRecord;
    const { hash: _h, ...rest } = { ...forged, reason: 'forged' };
    rewrite(log, [...l.slice(0, 9), JSON.stringify({ ...rest, hash: recordHash(rest) })]);
    assert.match(log.verify().problem!.message, /the last record 10 is not the one that was written/);
  });

  it('detects a record forged by a process that bypassed the log (no valid chain link)', () => {
    const log = logWith(4);
    const fake = { type: 'trust', agent: 'claude', from: 0, to: 3, seq: 5, time: new Date().toISOString(), prev: 'f'.repeat(64) };
    appendFileSync(log.file, `${JSON.stringify({ ...fake, hash: recordHash(fake) })}\n`);
    assert.match(log.verify().problem!.message, /record 5 does not follow the record before it/);
  });

  it('survives a writer killed mid-line: later records stay verifiable, and the gap is recorded', () => {
    const log = logWith(3);
    appendFileSync(log.file, '{"type":"decision","agent":"claude","tar');
    log.append({ type: 'decision', agent: 'claude', target: 'after.ts', action: 'allow', decidedBy: 'policy', reason: 'after the crash' });
    const v = log.verify();
    assert.equal(v.ok, true, JSON.stringify(v));
    assert.deepEqual(v.incomplete, [4]);
    const records = log.read();
    assert.equal(records.at(-2)!.type, 'recovered');
    assert.equal(records.at(-1)!.target, 'after.ts');
  });

  it('keeps the chain intact with several processes writing at once', async () => {
    const dir = tree.path('concurrent');
    const writer = new URL('../../integration/helpers/auditWriter.ts', import.meta.url).pathname;
    await Promise.all(
      [0, 1, 2, 3].map(
        (i) =>
          new Promise<void>((resolve, reject) => {
            const c = spawn(process.execPath, ['--import', 'tsx', writer, dir, `p${i}`, '40'], { stdio: 'ignore' });
            c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${i} exited ${code}`))));
          }),
      ),
    );
    const log = new AuditLog(dir);
    const v = log.verify();
    assert.equal(v.ok, true, JSON.stringify(v.problem));
    assert.equal(v.records, 160);
    assert.deepEqual(log.read().map((r) => r.seq), Array.from({ length: 160 }, (_, i) => i + 1));
  });

  it('treats a missing log as empty and a damaged head as a problem', () => {
    const log = new AuditLog(tree.path('empty'));
    assert.deepEqual(log.verify(), { ok: true, records: 0, incomplete: [] });
    const l2 = logWith(2);
    writeFileSync(join(l2.file, '..', 'audit.head'), 'nonsense');
    assert.match(l2.verify().problem!.message, /head file is damaged/);
    rmSync(join(l2.file, '..', 'audit.head'));
  });
});
