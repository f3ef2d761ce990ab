/** The audit trail of decisions, as the engine reports them. */
import type { AuditLog } from '../core/audit/auditLog';
import type { Logger } from '../core/logger';

/** Who or what settled a decision. */
/** (`backstop`: protected files an agent changed were found after the fact and restored.) */
export type DecidedBy = 'policy' | 'person' | 'timeout' | 'cancelled' | 'offline' | 'session' | 'error' | 'passthrough' | 'backstop';

/** One line of the audit trail, as the engine reports it. */
export interface AuditEvent {
  readonly type: 'decision';
  readonly agent: string;
  readonly agentSessionId: string;
  readonly session: string;
  readonly tool: string;
  /** The agent's id for the tool call, where its hook sends one (exported as `tool_use_id`). */
  readonly toolUseId?: string;
  readonly kind: string;
  readonly target: string;
  readonly action: 'allow' | 'deny' | 'ask' | 'none';
  readonly decidedBy: DecidedBy;
  readonly source?: string;
  readonly rule?: unknown;
  readonly reason: string;
  /** Which condition for passing without a person failed: understood, reversible or contained. */
  readonly failed?: string;
}

/** Writes a decision to the audit log; an audit failure is logged, and never turns a deny into an allow. */
export function auditDecision(log: AuditLog, event: AuditEvent, logger: Logger): void {
  try {
    log.append({ ...event });
  } catch (e) {
    logger.error(`[audit] could not write the audit log: ${(e as Error).message}`);
  }
}
