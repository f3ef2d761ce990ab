/**
 * Rollbacks and their undos as a person's actions: each goes to the audit log, and rolling back an
 * agent's session demotes that agent by one trust level (docs/design.md "Progressive trust"). Used by the
 * command line and the editor alike.
 *
 * Everything here runs under the workspace lock: finishing (or reverting) an operation a crash
 * interrupted, choosing what to roll back or undo, doing it, and writing what its commit implies.
 * The audit entry and the demotion live in other stores, so they follow the commit; each committed
 * operation is accounted for exactly once (an `accounted` note in its record, an audit entry looked
 * up by the operation's id, a demotion keyed by it), whichever process gets there after a crash.
 */
import type { AuditLog } from '../core/audit/auditLog';
import type { TrustStore } from '../core/trust/trustStore';
import { faultPoint } from '../core/history/faults';
import { collectGarbage, type GcReport } from '../core/history/gc';
import type { History } from '../core/history/history';
import { pendingOperations, readOperations, writeAccounted, type Operation } from '../core/history/operations';
import { ioProblem, operationReport, recoverInterrupted, rollbackSession, undoRollback, type RollbackReport } from '../core/history/rollback';

/** Where a person's actions are recorded. */
export interface Accountability {
  readonly audit: AuditLog;
  readonly trust: TrustStore;
  /** Who did it, for the log: `cli`, `editor`. */
  readonly via: string;
}

function paths(list: readonly { path: string }[]): string[] {
  return list.map((x) => x.path);
}

/** Writes the audit entry and the demotion a committed operation implies, once. */
function account(history: History, op: Operation, report: RollbackReport, acc: Accountability, lookUp: boolean): void {
  const session = history.sessions().find((s) => s.id === op.session);
  const who = session ? { agent: session.agent, agentSessionId: session.agentSessionId } : {};
  const reverted = op.commit?.status === 'reverted';
  if (op.kind === 'rollback' && !reverted) {
    // After a crash between this entry and the `accounted` note, the entry may already be there.
    const logged = lookUp && acc.audit.read().some((r) => r.type === 'rollback' && r.rollback === op.id && r.partial !== true);
    if (!logged) {
      faultPoint('account:audit');
      acc.audit.append({
        type: 'rollback',
        ...who,
        session: op.session,
        action: 'rollback',
        decidedBy: 'person',
        via: acc.via,
        rollback: op.id,
        restored: report.restored.length,
        removed: report.removed.length,
        recreated: report.recreated.length,
        conflicts: paths(report.conflicts),
        ...(op.intent?.force ? { forced: true } : {}),
        partial: false,
        ...(report.unrestorable.length ? { unrestorable: paths(report.unrestorable) } : {}),
        ...(report.notUndoable.length ? { notUndoable: paths(report.notUndoable) } : {}),
        ...(op.commit?.recovered ? { recovered: true } : {}),
      });
    }
    if (session) {
      faultPoint('account:demote');
      acc.trust.demote(session.agent, 'rollback', `session ${op.session} was rolled back (${op.id})`, new Date(), op.id);
    }
  } else {
    const logged = lookUp && acc.audit.read().some((r) => r.type === 'undo-rollback' && r.undo === op.id);
    if (!logged) {
      faultPoint('account:audit');
      acc.audit.append({
        type: 'undo-rollback',
        ...who,
        session: op.session,
        action: 'undo-rollback',
        decidedBy: 'person',
        via: acc.via,
        undo: op.id,
        restored: report.restored.length + report.recreated.length + report.removed.length,
        rollback: reverted ? op.id : op.reverses,
        complete: op.commit?.complete ?? false,
        ...(reverted ? { reverted: true } : {}),
        ...(report.conflicts.length ? { conflicts: paths(report.conflicts) } : {}),
        ...(op.commit?.recovered ? { recovered: true } : {}),
      });
    }
  }
  writeAccounted(history.dir, op.id);
}

/** Records an operation that failed in part (not committed): reported as partial, no demotion. */
function auditPartial(history: History, report: RollbackReport, acc: Accountability): void {
  const session = history.sessions().find((s) => s.id === report.session);
  faultPoint('account:partial');
  acc.audit.append({
    type: report.kind === 'undo' || report.reverted ? 'undo-rollback' : 'rollback',
    ...(session ? { agent: session.agent, agentSessionId: session.agentSessionId } : {}),
    session: report.session,
    action: report.kind === 'undo' || report.reverted ? 'undo-rollback' : 'rollback',
    decidedBy: 'person',
    via: acc.via,
    ...(report.kind === 'undo' || report.reverted ? { undo: report.undoId } : { rollback: report.undoId }),
    restored: report.restored.length,
    removed: report.removed.length,
    recreated: report.recreated.length,
    conflicts: paths(report.conflicts),
    partial: true,
    failed: report.failed,
    ...(report.recovered ? { recovered: true } : {}),
  });
}

/**
 * Accounts for one operation this process just ran (or recovered). A failure to write the audit
 * entry does not undo the rollback: it is said in the report, and the next rollback, undo or gc
 * writes what is owed.
 */
function settle(history: History, report: RollbackReport, acc: Accountability, lookUp: boolean): RollbackReport {
  try {
    if (report.partial) {
      auditPartial(history, report, acc);
      return report;
    }
    const op = readOperations(history.dir, { intents: true }).operations.find((o) => o.id === report.undoId);
    if (op?.commit && !op.accounted && !op.legacy) account(history, op, report, acc, lookUp);
    return report;
  } catch (e) {
    return { ...report, hint: `the audit log or trust record could not be written (${ioProblem(e, 'airlock gc')}); it is written by the next rollback, undo or gc` };
  }
}

/** Accounts for committed operations whose accounting a crash cut short. */
function settleOwed(history: History, acc: Accountability): void {
  if (!readOperations(history.dir).operations.some((o) => o.commit && !o.accounted && !o.legacy)) return;
  for (const op of readOperations(history.dir, { intents: true }).operations) {
    if (!op.commit || op.accounted || op.legacy) continue;
    const report = operationReport(history, op.id);
    if (report) account(history, op, report, acc, true);
  }
}

/**
 * Finishes (or reverts) operations a crash or a failure interrupted, under the workspace lock, and
 * writes the audit entries and demotions they, and any committed operation still owed, imply.
 */
export function recoverForPerson(history: History, acc: Accountability, mode: 'finish' | 'revert-rollbacks' = 'finish'): RollbackReport[] {
  if (!readOperations(history.dir).operations.some((o) => !o.commit || (!o.accounted && !o.legacy)) && !pendingOperations(history.dir).length) return [];
  const lock = history.lockWorkspace('finishing an interrupted rollback');
  try {
    const reports = recoverInterrupted(history, mode).map((r) => settle(history, r, acc, true));
    settleOwed(history, acc);
    return reports;
  } finally {
    lock.release();
  }
}

/**
 * Rolls a session back for a person; audits it and demotes the agent. With `last`, the person asked
 * for "the last session": an interrupted rollback finished here answers that.
 */
export function rollbackForPerson(history: History, sessionId: string, options: { dryRun?: boolean; force?: boolean; last?: boolean }, acc: Accountability): RollbackReport {
  const lock = history.lockWorkspace('a rollback');
  try {
    const session = history.resolveSession(sessionId);
    if (!options.dryRun) {
      const recovered = recoverForPerson(history, acc);
      const mine = recovered.find((r) => r.kind === 'rollback' && !r.reverted && r.session === session.id) ?? (options.last ? recovered.find((r) => r.kind === 'rollback' && !r.reverted) : undefined);
      if (mine) return mine;
    }
    const report = rollbackSession(history, session.id, { ...(options.dryRun ? { dryRun: true } : {}), ...(options.force ? { force: true } : {}) });
    if (report.dryRun) return report;
    return settle(history, report, acc, report.recovered);
  } finally {
    lock.release();
  }
}

/** Undoes a rollback for a person (or reverts an interrupted one); audits it. */
export function undoForPerson(history: History, rollbackId: string | undefined, options: { dryRun?: boolean; force?: boolean }, acc: Accountability): RollbackReport {
  const lock = history.lockWorkspace('undoing a rollback');
  try {
    if (!options.dryRun) {
      const recovered = recoverForPerson(history, acc, 'revert-rollbacks');
      const answered = recovered.find((r) => !r.partial && (!rollbackId || (r.reverses ?? '').startsWith(rollbackId) || (r.undoId ?? '').startsWith(rollbackId)));
      if (answered) return answered;
    }
    const report = undoRollback(history, rollbackId, options);
    if (report.dryRun) return report;
    return settle(history, report, acc, report.recovered);
  } finally {
    lock.release();
  }
}

/** `airlock gc` for a person: finishes what was interrupted (accounted for), then collects. */
export function gcForPerson(history: History, options: { dryRun?: boolean; repack?: boolean }, acc: Accountability): GcReport {
  const lock = history.lockWorkspace('garbage collection');
  try {
    if (!options.dryRun) recoverForPerson(history, acc);
    return collectGarbage(history, options);
  } finally {
    lock.release();
  }
}
