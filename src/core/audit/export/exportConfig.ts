/**
 * Which audit exports are on, and where they go (docs/cli.md "For teams", docs/audit-export.md):
 * `AIRLOCK_AUDIT_OTLP=1` or the setting `airlock.audit.otlp` turns OTLP on; the endpoint, protocol and
 * headers are the standard `OTEL_EXPORTER_OTLP_*` variables unless the settings name them.
 * `AIRLOCK_AUDIT_SYSLOG` or `airlock.audit.syslog` names the syslog target.
 */
import type { AuditSettings } from '../../settings';
import { parseSyslogTarget, type SyslogTarget } from './syslog';

/** The exports in force. */
export interface AuditExportConfig {
  readonly otlp?: { readonly url?: string; readonly protocol: 'http/protobuf' | 'http/json' };
  readonly syslog?: SyslogTarget;
  /** What is configured but cannot work, in words (doctor shows them; nothing is sent for them). */
  readonly problems: readonly string[];
}

/** Reads the configuration; never throws. */
export function auditExportConfig(settings: AuditSettings | undefined, env: NodeJS.ProcessEnv = process.env): AuditExportConfig {
  const problems: string[] = [];
  let otlp: AuditExportConfig['otlp'];
  const on = (v: string | undefined): boolean => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
  if (on(env.AIRLOCK_AUDIT_OTLP) || settings?.otlp === true) {
    const protocol = (settings?.otlpProtocol || env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf').trim();
    if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
      problems.push(`OTLP protocol "${protocol}" is not supported: Airlock sends http/protobuf or http/json (set OTEL_EXPORTER_OTLP_PROTOCOL)`);
    } else {
      let url: string | undefined;
      const base = settings?.otlpEndpoint;
      if (base) {
        try {
          const u = new URL(base);
          if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
          url = u.pathname.endsWith('/v1/logs') ? u.toString() : `${u.toString().replace(/\/+$/, '')}/v1/logs`;
        } catch {
          problems.push(`airlock.audit.otlpEndpoint "${base}" is not an http(s) URL`);
        }
      }
      if (!problems.length) otlp = { protocol, ...(url ? { url } : {}) };
    }
  }
  let syslog: SyslogTarget | undefined;
  const target = env.AIRLOCK_AUDIT_SYSLOG?.trim() || settings?.syslog;
  if (target) {
    try {
      syslog = parseSyslogTarget(target);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { ...(otlp ? { otlp } : {}), ...(syslog ? { syslog } : {}), problems };
}

/** True when some export is on. */
export function exportsOn(config: AuditExportConfig): boolean {
  return config.otlp !== undefined || config.syslog !== undefined;
}
