/**
 * An OTLP/HTTP logs receiver on 127.0.0.1 for tests: decodes protobuf bodies with the code generated from
 * OpenTelemetry's official .proto files (shipped in @opentelemetry/otlp-transformer 0.52, installed as the
 * dev dependency `otlp-transformer-protos`), and JSON bodies as the OTLP JSON encoding. It can stop and
 * start again on the same port, as a collector that goes down and comes back.
 */
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);
interface Decoder {
  decode(b: Uint8Array): unknown;
  toObject(m: unknown, o: Record<string, unknown>): unknown;
}
const root = require('otlp-transformer-protos/build/src/generated/root.js') as { opentelemetry: { proto: { collector: { logs: { v1: { ExportLogsServiceRequest: Decoder } } } } } };
const REQUEST = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/** One received log record, flattened. */
export interface ReceivedLog {
  readonly resource: Record<string, unknown>;
  readonly scope: { name?: string; version?: string };
  readonly attributes: Record<string, unknown>;
  readonly body: unknown;
  readonly severityNumber: number;
  readonly severityText?: string;
  readonly eventName?: string;
  readonly timeUnixNano: string;
  readonly contentType: string;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}

function value(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  return undefined;
}
const attrs = (list: KeyValue[] | undefined): Record<string, unknown> => Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));

/** Flattens an ExportLogsServiceRequest (as a plain object, protobuf or JSON form) into records. */
export function flatten(request: { resourceLogs?: { resource?: { attributes?: KeyValue[] }; scopeLogs?: { scope?: { name?: string; version?: string }; logRecords?: { attributes?: KeyValue[]; body?: AnyValue; severityNumber?: number; severityText?: string; eventName?: string; timeUnixNano?: string | number }[] }[] }[] }, contentType: string): ReceivedLog[] {
  const out: ReceivedLog[] = [];
  for (const rl of request.resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const lr of sl.logRecords ?? []) {
        out.push({
          resource: attrs(rl.resource?.attributes),
          scope: { ...(sl.scope?.name ? { name: sl.scope.name } : {}), ...(sl.scope?.version ? { version: sl.scope.version } : {}) },
          attributes: attrs(lr.attributes),
          body: value(lr.body),
          severityNumber: Number(lr.severityNumber ?? 0),
          ...(lr.severityText ? { severityText: lr.severityText } : {}),
          ...(lr.eventName ? { eventName: lr.eventName } : {}),
          timeUnixNano: String(lr.timeUnixNano ?? ''),
          contentType,
        });
      }
    }
  }
  return out;
}

/** A receiver; `records` grows as requests arrive. */
export class OtlpReceiver {
  readonly records: ReceivedLog[] = [];
  requests = 0;
  private server: Server | undefined;
  port = 0;

  /** Starts listening (on `port`, or a free one the first time). */
  async start(port = this.port): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const type = String(req.headers['content-type'] ?? '');
        try {
          if (req.url !== '/v1/logs' || req.method !== 'POST') throw new Error(`unexpected ${req.method} ${req.url}`);
          const request = type.includes('json') ? (JSON.parse(body.toString('utf8')) as Parameters<typeof flatten>[0]) : (REQUEST.toObject(REQUEST.decode(body), { longs: String, defaults: false }) as Parameters<typeof flatten>[0]);
          this.records.push(...flatten(request, type));
          this.requests++;
          res.writeHead(200, { 'content-type': type.includes('json') ? 'application/json' : 'application/x-protobuf' });
          res.end(type.includes('json') ? '{}' : '');
        } catch (e) {
          res.writeHead(400);
          res.end(String(e));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and drops open connections (the collector goes down). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
