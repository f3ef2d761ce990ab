/**
 * Audit records as syslog messages (RFC 5424), to `udp://HOST:PORT`, `tcp://HOST:PORT` (octet-counted
 * framing, RFC 6587) or `unix:PATH` (a stream socket, as rsyslog's imptcp `path=` or syslog-ng's
 * `unix-stream()` listen; Node.js cannot send to a datagram socket such as /dev/log, so for the local
 * daemon use its UDP or TCP input). One message per record: app-name `airlock`, msgid the record type,
 * structured data `[airlock@32473 …]` carrying the record's fields and its chain hash.
 */
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import type { AuditRecord } from '../auditLog';
import { exportAttributes, exportSeverity, exportSummary } from './exportSchema';

/**
 * The SD-ID of Airlock's structured data. RFC 5424 wants `name@<enterprise number>` for names IANA did not
 * register; Airlock has no number of its own, so it uses 32473, the number reserved for documentation
 * (RFC 5612). Consumers match on the `airlock@` prefix.
 */
export const SYSLOG_SD_ID = 'airlock@32473';

/** Facility 13, "log audit". */
const FACILITY = 13;
const SEVERITY = { error: 3, warning: 4, notice: 5, info: 6 } as const;

/** A parsed syslog target. */
export type SyslogTarget = { readonly transport: 'udp' | 'tcp'; readonly host: string; readonly port: number } | { readonly transport: 'unix'; readonly path: string };

/** Reads `udp://HOST:PORT`, `tcp://HOST:PORT` or `unix:PATH`; throws with what is wrong. */
export function parseSyslogTarget(text: string): SyslogTarget {
  const t = text.trim();
  if (t.startsWith('unix:')) {
    const path = t.slice(5).replace(/^\/\/(?=\/)/, '');
    if (!path.startsWith('/')) throw new Error(`syslog target ${text}: unix: needs an absolute socket path, as in unix:/run/airlock-syslog.sock`);
    return { transport: 'unix', path };
  }
  const m = /^(udp|tcp):\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(t);
  if (!m) throw new Error(`syslog target ${text}: write udp://HOST:PORT, tcp://HOST:PORT or unix:/PATH`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`syslog target ${text}: the port must be 1 to 65535`);
  return { transport: m[1] as 'udp' | 'tcp', host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

const MAX_VALUE = 1024;
const MAX_MSG = 2048;

/** A PARAM-NAME (RFC 5424 §6.3.3): printable US-ASCII except `=`, space, `]`, `"`; at most 32 characters. */
function paramName(name: string): string {
  return name.replace(/[^\x21-\x7e]|[=\]"]/g, '_').slice(0, 32);
}

/** A PARAM-VALUE: `"`, `\` and `]` escaped with a backslash; long values are cut, saying so. */
function paramValue(value: string | number | boolean): string {
  let v = String(value);
  if (v.length > MAX_VALUE) v = `${v.slice(0, MAX_VALUE)}…(${v.length - MAX_VALUE} more characters)`;
  return v.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

function header(text: string, max: number): string {
  const v = text.replace(/[^\x21-\x7e]/g, '');
  return v.length === 0 ? '-' : v.slice(0, max);
}

/** One RFC 5424 message for a record (without transport framing). */
export function formatSyslog(r: AuditRecord, options: { workspace?: string; host?: string } = {}): string {
  const pri = FACILITY * 8 + SEVERITY[exportSeverity(r)];
  const attrs = exportAttributes(r, options.workspace);
  const sd = `[${SYSLOG_SD_ID}${Object.entries(attrs)
    .map(([k, v]) => ` ${paramName(k)}="${paramValue(v)}"`)
    .join('')}]`;
  let msg = exportSummary(r).replace(/[\r\n]+/g, ' ');
  if (msg.length > MAX_MSG) msg = `${msg.slice(0, MAX_MSG)}…`;
  const time = typeof r.time === 'string' && /^\d{4}-\d\d-\d\dT/.test(r.time) ? r.time : new Date().toISOString();
  // The BOM marks the message as UTF-8 (RFC 5424 §6.4).
  return `<${pri}>1 ${time} ${header(options.host ?? hostname(), 255)} airlock - ${header(r.type, 32)} ${sd} \uFEFF${msg}`;
}

/** Sends messages to one target; rejects when they could not all be handed over. */
export interface SyslogSender {
  send(messages: readonly string[]): Promise<void>;
  close(): void;
}

/** A sender for `target`. Each `send` opens its own connection (a flush sends batches seconds apart). */
export function syslogSender(target: SyslogTarget, timeoutMs = 10_000): SyslogSender {
  if (target.transport === 'udp') {
    return {
      async send(messages) {
        const socket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
        try {
          for (const m of messages) {
            await new Promise<void>((resolve, reject) => socket.send(Buffer.from(m, 'utf8'), target.port, target.host, (e) => (e ? reject(e) : resolve())));
          }
        } finally {
          socket.close();
        }
      },
      close() {},
    };
  }
  return {
    send(messages) {
      return new Promise<void>((resolve, reject) => {
        const socket: Socket = target.transport === 'unix' ? connect(target.path) : connect(target.port, target.host);
        const timer = setTimeout(() => socket.destroy(new Error(`the syslog server did not take the records within ${timeoutMs} ms`)), timeoutMs);
        socket.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        socket.once('connect', () => {
          // Octet counting (RFC 6587 §3.4.1): a message may hold new lines.
          const frames = messages.map((m) => {
            const b = Buffer.from(m, 'utf8');
            return Buffer.concat([Buffer.from(`${b.length} `), b]);
          });
          socket.end(Buffer.concat(frames), () => {
            clearTimeout(timer);
            resolve();
          });
        });
      });
    },
    close() {},
  };
}
