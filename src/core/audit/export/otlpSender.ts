/**
 * Audit records as OpenTelemetry log records, with the OpenTelemetry JS SDK (sdk-logs) and its OTLP
 * exporters (HTTP/protobuf or HTTP/JSON). Shipped as its own bundle (dist/otlp.js), loaded only when
 * export is on: the hook and the editor never load it otherwise.
 *
 * The SDK builds each record (resource `service.name=airlock`, scope `airlock.audit`, attribute limits);
 * Airlock hands the batch to the exporter itself rather than through a BatchLogRecordProcessor, so it
 * knows which records the collector took and moves its on-disk cursor only past those.
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter as HttpJsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as HttpProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { AuditRecord } from '../auditLog';
import { EXPORT_SCHEMA_VERSION, exportAttributes, exportSeverity, exportSummary } from './exportSchema';

/** Where and how to send. Unset fields come from the standard `OTEL_EXPORTER_OTLP_*` variables. */
export interface OtlpOptions {
  /** The full logs URL (`…/v1/logs`). */
  readonly url?: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly serviceVersion?: string;
}

const SEVERITY: Readonly<Record<ReturnType<typeof exportSeverity>, { n: SeverityNumber; text: string }>> = {
  info: { n: SeverityNumber.INFO, text: 'INFO' },
  notice: { n: SeverityNumber.INFO2, text: 'NOTICE' },
  warning: { n: SeverityNumber.WARN, text: 'WARN' },
  error: { n: SeverityNumber.ERROR, text: 'ERROR' },
};

/** Builds the SDK's log records for audit records (one per record). */
export function toLogRecords(records: readonly AuditRecord[], workspace: string | undefined, serviceVersion = '0'): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'airlock', 'service.version': serviceVersion, 'airlock.schema.version': EXPORT_SCHEMA_VERSION }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
    logRecordLimits: { attributeValueLengthLimit: 8192 },
  });
  const logger = provider.getLogger('airlock.audit', String(EXPORT_SCHEMA_VERSION));
  for (const r of records) {
    const sev = SEVERITY[exportSeverity(r)];
    const time = Date.parse(r.time);
    logger.emit({
      eventName: `airlock.${r.type}`,
      timestamp: Number.isNaN(time) ? Date.now() : time,
      severityNumber: sev.n,
      severityText: sev.text,
      body: exportSummary(r),
      attributes: exportAttributes(r, workspace),
    });
  }
  const out = [...memory.getFinishedLogRecords()];
  memory.reset();
  return out;
}

/** The OTLP/JSON encoding of records: one ExportLogsServiceRequest (the body the HTTP/JSON exporter sends). */
export function otlpJson(records: readonly AuditRecord[], workspace?: string, serviceVersion?: string): string {
  return Buffer.from(JsonLogsSerializer.serializeRequest(toLogRecords(records, workspace, serviceVersion)) ?? new Uint8Array()).toString('utf8');
}

/** Sends batches of records; `send` resolves when the collector took them and rejects when it did not. */
export interface OtlpSender {
  send(records: readonly AuditRecord[], workspace?: string): Promise<void>;
  shutdown(): Promise<void>;
}

/** An OTLP sender with the SDK's exporter for the protocol. */
export function createOtlpSender(options: OtlpOptions): OtlpSender {
  const config = { ...(options.url ? { url: options.url } : {}), ...(options.headers ? { headers: { ...options.headers } } : {}), timeoutMillis: options.timeoutMs ?? 10_000 };
  const exporter: LogRecordExporter = options.protocol === 'http/json' ? new HttpJsonExporter(config) : new HttpProtoExporter(config);
  return {
    send(records, workspace) {
      const items = toLogRecords(records, workspace, options.serviceVersion);
      return new Promise<void>((resolve, reject) => {
        exporter.export(items, (result) => {
          if (result.code === ExportResultCode.SUCCESS) resolve();
          else reject(result.error ?? new Error('the OTLP endpoint did not take the records'));
        });
      });
    },
    shutdown: () => exporter.shutdown(),
  };
}
