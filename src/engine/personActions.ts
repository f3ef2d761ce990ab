/**
 * Rollbacks and their undos as a person's actions: each goes to the audit log, and rolling back an
 * agent's session demotes that agent by one trust level (docs/design.md "Progressive trust"). Used by the
 * command line and the editor alike.
 */
import type { AuditLog } from '../core/audit/auditLog';
import type { TrustStore } from '../core/trust/trustStore';
import type { History } from '../core/history/history';
import { rollbackSession, undoRollback, type RollbackReport } from '../core/history/rollback';

/** Where a person's actions are recorded. */
export interface Accountability {
  readonly audit: AuditLog;
  readonly trust: TrustStore;
  /** Who did it, for the log: `cli`, `editor`. */
  readonly via: string;
}

/** Rolls a session back for a person; audits it and demotes the agent. */
export function rollbackForPerson(history: History, sessionId: string, options: { dryRun?: boolean; force?: boolean }, acc: Accountability): RollbackReport {
  const session = history.resolveSession(sessionId);
  const report = rollbackSession(history, session.id, options);
  if (report.dryRun) return report;
  acc.audit.append({
    type: 'rollback',
    agent: session.agent,
    session: session.id,
    agentSessionId: session.agentSessionId,
    action: 'rollback',
    decidedBy: 'person',
    via: acc.via,
    rollback: report.undoId,
    restored: report.restored.length,
    removed: report.removed.length,
    recreated: report.recreated.length,
    conflicts: report.conflicts.map((c) => c.path),
    ...(options.force ? { forced: true } : {}),
  });
  acc.trust.demote(session.agent, 'rollback', `session ${session.id} was rolled back`);
  return report;
}

/** Undoes a rollback for a person; audits it. */
export function undoForPerson(history: History, rollbackId: string | undefined, options: { dryRun?: boolean; force?: boolean }, acc: Accountability): RollbackReport {
  const report = undoRollback(history, rollbackId, options);
  if (report.dryRun) return report;
  const session = history.sessions().find((s) => s.id === report.session);
  acc.audit.append({
    type: 'undo-rollback',
    ...(session ? { agent: session.agent, agentSessionId: session.agentSessionId } : {}),
    session: report.session,
    action: 'undo-rollback',
    decidedBy: 'person',
    via: acc.via,
    undo: report.undoId,
    restored: report.restored.length + report.recreated.length + report.removed.length,
  });
  return report;
}
