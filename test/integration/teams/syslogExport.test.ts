/**
 * The audit trail to syslog: a real rsyslog (Debian's package, see scripts/setup.sh), started here on private
 * ports and a private config, receives every record over UDP, TCP and a Unix stream socket; the test reads
 * them back from the file rsyslog writes and checks each against the audit log, chain hash included.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditRecord } from '../../../src/core/audit/auditLog';
import { formatSyslog } from '../../../src/core/audit/export/syslog';
import { workspaceDataDir } from '../../../src/core/dataDir';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlockAsync } from '../helpers/cli';
import { waitFor } from '../helpers/otlpReceiver';

const tree = tempTree('airlock-syslog-');
const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Parses the structured data rsyslog kept (`%structured-data%`): `[id k="v" …]` with RFC 5424 escapes. */
function parseSd(sd: string): { id: string; params: Record<string, string> } {
  const m = /^\[(\S+)/.exec(sd);
  assert.ok(m, `structured data: ${sd}`);
  const params: Record<string, string> = {};
  const re = / ([^=\s\]"]+)="((?:[^"\\]|\\.)*)"/g;
  for (const p of sd.slice(m[0].length).matchAll(re)) params[p[1]!] = p[2]!.replace(/\\(["\\\]])/g, '$1');
  return { id: m[1]!, params };
}

let rsyslog: ChildProcess | undefined;
let why = '';
const dir = tree.path('rsyslog');
const out = join(dir, 'out.log');
const sock = join(dir, 'airlock.sock');
let udp = 0;
let tcp = 0;

before(async () => {
  if (!RSYSLOGD) {
    why = 'rsyslogd is not installed (scripts/setup.sh installs Debian\'s rsyslog)';
    return;
  }
  udp = await freePort();
  tcp = await freePort();
  tree.write('rsyslog/.keep', '');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(
    conf,
    [
      `global(workDirectory="${dir}")`,
      'module(load="imudp")',
      'module(load="imtcp")',
      'module(load="imptcp")',
      `input(type="imudp" address="127.0.0.1" port="${udp}")`,
      `input(type="imtcp" address="127.0.0.1" port="${tcp}")`,
      `input(type="imptcp" path="${sock}")`,
      'template(name="airlockT" type="string" string="%app-name%\\t%msgid%\\t%pri%\\t%hostname%\\t%structured-data%\\t%msg%\\n")',
      `if $app-name == "airlock" then { action(type="omfile" file="${out}" template="airlockT") }`,
      '',
    ].join('\n'),
  );
  const check = spawnSync(RSYSLOGD, ['-N1', '-f', conf], { encoding: 'utf8' });
  if (check.status !== 0) {
    why = `rsyslogd rejects the test configuration: ${(check.stderr || check.stdout).trim().slice(0, 300)}`;
    return;
  }
  rsyslog = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(dir, 'rsyslog.pid')], { stdio: 'ignore' });
  try {
    await waitFor(() => existsSync(sock), 'rsyslog\'s socket', 10_000);
    await new Promise<void>((resolve, reject) => {
      const c = connect(tcp, '127.0.0.1', () => (c.end(), resolve()));
      c.once('error', reject);
    });
  } catch (e) {
    why = `rsyslogd did not start: ${(e as Error).message}`;
    rsyslog.kill();
    rsyslog = undefined;
  }
});
after(() => {
  rsyslog?.kill('SIGTERM');
  tree.cleanup();
});

const POLICY = JSON.stringify({ version: 1, rules: [{ action: 'deny', edit: ['**/.env'] }, { action: 'allow', command: ['echo *'] }] });
let n = 0;

interface Line {
  app: string;
  msgid: string;
  pri: number;
  sd: { id: string; params: Record<string, string> };
  msg: string;
}

function lines(): Line[] {
  if (!existsSync(out)) return [];
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [app, msgid, pri, , sd, ...msg] = l.split('\t');
      return { app: app!, msgid: msgid!, pri: Number(pri), sd: parseSd(sd!), msg: msg.join('\t') };
    });
}

for (const transport of ['udp', 'tcp', 'unix'] as const) {
  describe(`syslog export over ${transport}`, () => {
    it('delivers one RFC 5424 message per audit record, with its fields and chain hash as structured data', async (t) => {
      if (!rsyslog) return t.skip(`skipped: ${why}`);
      const name = `ws-${transport}`;
      const ws = tree.path(name);
      tree.write(`${name}/.vscode/airlock.json`, POLICY);
      tree.write(`${name}/.git/HEAD`, 'x\n');
      const target = transport === 'unix' ? `unix:${sock}` : `${transport}://127.0.0.1:${transport === 'udp' ? udp : tcp}`;
      const env = { HOME: tree.path(`${name}-home`), AIRLOCK_HOME: tree.path(`${name}-data`), AIRLOCK_AUDIT_SYSLOG: target, AIRLOCK_MANAGED_DIR: tree.path('none') };
      const payloads = [
        { tool_name: 'Write', tool_input: { file_path: join(ws, '.env'), content: 'X' } },
        // Characters structured data must escape: `"`, `\` and `]`.
        { tool_name: 'Bash', tool_input: { command: `echo "a]b\\\\c" ${transport}` } },
        { tool_name: 'Bash', tool_input: { command: 'echo héllo ✓' } },
      ];
      for (const p of payloads) {
        const r = await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: JSON.stringify({ session_id: `s-${transport}`, transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_use_id: `toolu_s${++n}`, ...p }) });
        assert.equal(r.code, 0, r.stderr);
      }
      const records = readFileSync(join(workspaceDataDir(env.AIRLOCK_HOME, ws), 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
      const mine = (): Line[] => lines().filter((l) => l.sd.params['session.id'] === `s-${transport}`);
      await waitFor(() => mine().length >= records.length, `${records.length} messages in rsyslog's file`);
      const got = mine();
      assert.equal(got.length, records.length);
      for (const r of records) {
        const l = got.find((x) => x.sd.params['airlock.record.hash'] === r.hash);
        assert.ok(l, `record ${r.seq} reached rsyslog`);
        assert.equal(l.app, 'airlock');
        assert.equal(l.msgid, 'decision');
        assert.equal(l.sd.id, 'airlock@32473');
        assert.equal(l.sd.params['airlock.record.prev'], r.prev);
        assert.equal(l.sd.params['airlock.record.seq'], String(r.seq));
        assert.equal(l.sd.params.tool_name, r.tool);
        assert.equal(l.sd.params.tool_use_id, r.toolUseId);
        assert.equal(l.sd.params.decision, r.action);
        assert.equal(l.sd.params['airlock.target'], r.target);
        assert.equal(l.sd.params['airlock.reason'], r.reason);
        assert.equal(l.pri, 13 * 8 + (r.action === 'deny' ? 4 : 6));
      }
      assert.ok(got.some((l) => l.sd.params['airlock.target']?.includes('a]b\\\\c')), 'escaped characters come back as they were');
      assert.ok(got.some((l) => l.msg.includes('héllo ✓')), 'UTF-8 text arrives intact');
    });
  });
}

describe('the syslog message format', () => {
  it('is RFC 5424: version 1, app-name airlock, the record type as msgid, escaped structured data, a UTF-8 BOM before the text', () => {
    const r = { type: 'decision', seq: 3, time: '2026-12-01T10:00:00.000Z', prev: 'p', hash: 'h', agent: 'claude', tool: 'Bash', action: 'deny', reason: 'x "y" ] \\ z\nnext' } as AuditRecord;
    const m = formatSyslog(r, { host: 'box 1', workspace: '/w' });
    assert.match(m, /^<108>1 2026-12-01T10:00:00\.000Z box1 airlock - decision \[airlock@32473 airlock\.schema\.version="1" /);
    assert.match(m, / airlock\.reason="x \\"y\\" \\] \\\\ z\nnext"/);
    assert.match(m, /\] \uFEFFDENY/);
    assert.doesNotMatch(m.slice(m.indexOf('\uFEFF')), /\n/, 'the message text is one line');
  });
});
