/** `airlock checkpoint | sessions | show | rollback | undo-rollback | gc` (docs/cli.md). */
import { collectGarbage } from '../core/history/gc';
import { UnknownSessionError, type History, type SessionSummary } from '../core/history/history';
import { diffStates, sessionActions } from '../core/history/inspect';
import { NothingToUndoError, recoverInterrupted, type RollbackReport } from '../core/history/rollback';
import { rollbackForPerson, undoForPerson, type Accountability } from '../engine/personActions';
import { CliError, printJson, UsageError, type CliContext } from './cliSupport';
import { agentAbove } from './personOnly';

/** Opens the workspace's history with the person's settings, finishing any interrupted rollback first. */
export function openHistory(ctx: CliContext): History {
  const history = ctx.open.history;
  const finished = recoverInterrupted(history);
  for (const id of finished) ctx.err(`airlock: finished rollback ${id}, which was interrupted\n`);
  return history;
}

function accountability(ctx: CliContext): Accountability {
  return { audit: ctx.open.audit, trust: ctx.open.trust, via: 'cli' };
}

function resolve(history: History, id: string): SessionSummary {
  try {
    return history.resolveSession(id);
  } catch (e) {
    if (e instanceof UnknownSessionError) throw new CliError(e.message);
    throw e;
  }
}

/** `airlock checkpoint` */
export async function checkpointCommand(ctx: CliContext): Promise<number> {
  const info = await openHistory(ctx).checkpoint();
  if (ctx.json) printJson(ctx, { checkpoint: info.checkpoint, files: info.files, changed: info.changed, ms: info.ms, unsaved: info.unsaved });
  else {
    ctx.out(`Checkpoint ${info.checkpoint}: ${info.files} files, ${info.changed} changed, ${info.ms} ms\n`);
    if (info.unsaved.length > 0) ctx.out(`Not kept (too large or unreadable): ${info.unsaved.slice(0, 10).join(', ')}${info.unsaved.length > 10 ? ` and ${info.unsaved.length - 10} more` : ''}\n`);
  }
  return 0;
}

function when(iso: string | null): string {
  return iso ? iso.replace('T', ' ').slice(0, 19) : '-';
}

/** `airlock sessions` */
export function sessionsCommand(ctx: CliContext): number {
  const sessions = openHistory(ctx).sessions();
  if (ctx.json) {
    printJson(ctx, sessions.map(({ id, agent, agentSessionId, started, ended, files, actions, rolledBack }) => ({ id, agent, agentSessionId, started, ended, files, actions, rolledBack })));
    return 0;
  }
  if (sessions.length === 0) {
    ctx.out('No agent sessions recorded in this workspace yet.\n');
    return 0;
  }
  const rows = [['ID', 'AGENT', 'STARTED', 'ENDED', 'FILES', 'ACTIONS', 'ROLLED BACK'], ...sessions.map((s) => [s.id, s.agent, when(s.started), when(s.ended), String(s.files), String(s.actions), s.rolledBack ? 'yes' : 'no'])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) ctx.out(`${r.map((c, i) => (i >= 4 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()}\n`);
  return 0;
}

/** `airlock show SESSION` */
export function showCommand(ctx: CliContext, id: string): number {
  const history = openHistory(ctx);
  const session = resolve(history, id);
  const { damaged, actions } = sessionActions(history, session.id);
  const detailed = actions.map((a) => ({
    ...a,
    files: a.files.map((f) => ({ ...f, ...diffStates(history, f.path, f.before, f.after) })),
  }));
  if (ctx.json) {
    printJson(ctx, { ...session, damagedRecords: damaged, actions: detailed });
    return 0;
  }
  ctx.out(`Session ${session.id}  ${session.agent} (${session.agentSessionId})\n`);
  ctx.out(`Started ${when(session.started)}, ended ${when(session.ended)}; ${session.actions} actions, ${session.files} files${session.rolledBack ? '; rolled back' : ''}\n`);
  if (damaged > 0) ctx.out(`warning: ${damaged} damaged journal record(s) were skipped\n`);
  for (const a of detailed) {
    ctx.out(`\n== ${when(a.time)}  ${a.kind}${a.tool ? ` (${a.tool})` : ''}${a.command ? `: ${a.command}` : ''}${a.ended ? '' : '  [did not report finishing]'}\n`);
    if (a.files.length === 0) ctx.out('   no files changed\n');
    for (const f of a.files) {
      ctx.out(`-- ${f.path}${f.note ? `  (${f.note})` : ''}\n`);
      if (f.diff) ctx.out(f.diff.split('\n').slice(2).join('\n').replace(/\n?$/, '\n'));
    }
  }
  return 0;
}

function printReport(ctx: CliContext, r: RollbackReport, what: string): void {
  const json = {
    session: r.session,
    restored: r.restored,
    removed: r.removed,
    recreated: r.recreated,
    conflicts: r.conflicts.map((c) => c.path),
    undoId: r.undoId,
    dryRun: r.dryRun,
    conflictDetails: r.conflicts,
    unrestorable: r.unrestorable.map((c) => c.path),
    unrestorableDetails: r.unrestorable,
    failed: r.failed,
    removedDirs: r.removedDirs,
  };
  if (ctx.json) {
    printJson(ctx, json);
    return;
  }
  const verb = r.dryRun ? 'would' : '';
  const line = (label: string, list: readonly string[]): void => {
    if (list.length > 0) ctx.out(`${label} (${list.length}):\n${list.map((p) => `  ${p}\n`).join('')}`);
  };
  ctx.out(`${r.dryRun ? 'Dry run: ' : ''}${what} of session ${r.session}\n`);
  line(`${verb ? 'Would restore' : 'Restored'}`, r.restored);
  line(`${verb ? 'Would remove' : 'Removed'}`, r.removed);
  line(`${verb ? 'Would recreate' : 'Recreated'}`, r.recreated);
  if (r.restored.length + r.removed.length + r.recreated.length === 0) ctx.out('Nothing to change.\n');
  for (const c of r.conflicts) ctx.out(`Conflict, left alone: ${c.path}: ${c.reason}\n`);
  for (const c of r.unrestorable) ctx.out(`Cannot restore ${c.path}: ${c.reason}\n`);
  for (const c of r.failed) ctx.out(`Failed: ${c.path}: ${c.reason}\n`);
  if (r.conflicts.length > 0) ctx.out('Run again with --force to overwrite the conflicting files too (the rollback can be undone).\n');
  if (r.undoId) ctx.out(`Undo with: airlock undo-rollback ${r.undoId}\n`);
}

/** `airlock rollback (SESSION | --last) [--dry-run] [--force]` */
export function rollbackCommand(ctx: CliContext, id: string | undefined, options: { last?: boolean; dryRun?: boolean; force?: boolean }): number {
  if ((id === undefined) === (options.last !== true)) throw new UsageError('rollback needs a SESSION or --last, not both');
  const history = openHistory(ctx);
  let session: SessionSummary;
  if (options.last) {
    const candidate = history.sessions().find((s) => !s.rolledBack);
    if (!candidate) throw new CliError('There is no session to roll back (`airlock sessions` lists them).');
    session = candidate;
  } else {
    session = resolve(history, id!);
    if (session.rolledBack) throw new CliError(`Session ${session.id} is already rolled back; \`airlock undo-rollback\` reverses that.`);
  }
  const report = rollbackForPerson(history, session.id, { ...(options.dryRun ? { dryRun: true } : {}), ...(options.force ? { force: true } : {}) }, accountability(ctx));
  printReport(ctx, report, 'Rollback');
  return report.failed.length > 0 ? 1 : 0;
}

/** `airlock undo-rollback [UNDO_ID]` */
export function undoRollbackCommand(ctx: CliContext, id: string | undefined, options: { dryRun?: boolean; force?: boolean }): number {
  const agent = agentAbove();
  if (agent) throw new CliError(`undoing a rollback brings back changes a person rolled back, and this process runs under ${agent}; a person does that in the editor or their own terminal`);
  const history = openHistory(ctx);
  let report: RollbackReport;
  try {
    report = undoForPerson(history, id, { ...(options.dryRun ? { dryRun: true } : {}), ...(options.force ? { force: true } : {}) }, accountability(ctx));
  } catch (e) {
    if (e instanceof NothingToUndoError) throw new CliError(e.message);
    throw e;
  }
  printReport(ctx, report, 'Undo of the rollback');
  return report.failed.length > 0 ? 1 : 0;
}

/** `airlock gc [--dry-run] [--repack]` */
export function gcCommand(ctx: CliContext, options: { dryRun?: boolean; repack?: boolean }): number {
  const report = collectGarbage(openHistory(ctx), { ...(options.dryRun ? { dryRun: true } : {}), ...(options.repack ? { repack: true } : {}) });
  if (ctx.json) printJson(ctx, report);
  else {
    const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
    ctx.out(`${report.dryRun ? 'Dry run: would remove' : 'Removed'} ${report.sessionsRemoved.length} session(s), ${report.snapshotsRemoved} stale snapshot(s), ${report.checkpointsRemoved} checkpoint record(s), ${report.rollbacksRemoved} rollback record(s).\n`);
    if (!report.dryRun) ctx.out(`Objects ${report.objectsBefore} => ${report.objectsAfter}; store ${mb(report.bytesBefore)} => ${mb(report.bytesAfter)}.\n`);
    if (report.corrupt.length > 0) ctx.out(`warning: ${report.corrupt.length} damaged object(s) were dropped.\n`);
  }
  return 0;
}
