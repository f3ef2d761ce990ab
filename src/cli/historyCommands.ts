/** `airlock checkpoint | sessions | show | rollback | undo-rollback | gc` (docs/cli.md). */
import { UnknownSessionError, type History, type SessionSummary } from '../core/history/history';
import { diffStates, sessionActions } from '../core/history/inspect';
import { AlreadyRolledBackError, HistoryWriteError, InterruptedOperationError, interruptedOperations, ioProblem, NothingToUndoError, type RollbackReport } from '../core/history/rollback';
import { gcForPerson, recoverForPerson, rollbackForPerson, undoForPerson, type Accountability } from '../engine/personActions';
import { CliError, printJson, UsageError, type CliContext } from './cliSupport';
import { agentAbove } from './personOnly';

/**
 * Opens the workspace's history with the person's settings. Nothing is changed here: an interrupted
 * rollback or undo is finished (or reverted) by `rollback`, `undo-rollback` or `gc`, under the
 * workspace lock; other commands say that one is waiting.
 */
export function openHistory(ctx: CliContext, options: { quiet?: boolean } = {}): History {
  const history = ctx.open.history;
  if (!options.quiet) {
    for (const op of interruptedOperations(history)) {
      ctx.err(op.kind === 'rollback' ? `airlock: the rollback ${op.id} of session ${op.session} was interrupted; \`airlock rollback --last\` finishes it, \`airlock undo-rollback\` reverts it\n` : `airlock: the undo ${op.id} was interrupted; \`airlock undo-rollback\` finishes it\n`);
    }
  }
  return history;
}

/** Turns the history's refusals into clear command-line errors. */
function refusals<T>(run: () => T, retry: string): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof NothingToUndoError || e instanceof AlreadyRolledBackError || e instanceof InterruptedOperationError || e instanceof HistoryWriteError || e instanceof UnknownSessionError) throw new CliError(e.message);
    // A full disk or a permission problem on Airlock's own data (its lock, its records): said plainly.
    if (typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!)) throw new CliError(`Airlock could not do it: ${ioProblem(e, retry)}`);
    throw e;
  }
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
  // Fields are only ever added here (docs/cli.md): scripts read the earlier ones.
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
    partial: r.partial,
    notUndoable: r.notUndoable.map((c) => c.path),
    notUndoableDetails: r.notUndoable,
    recovered: r.recovered,
    reverted: r.reverted,
    damagedRecords: r.damagedRecords,
    ...(r.reverses ? { reverses: r.reverses } : {}),
    ...(r.hint ? { hint: r.hint } : {}),
  };
  if (r.recovered && !r.dryRun) ctx.err(`airlock: ${r.reverted ? 'reverted' : 'finished'} ${r.kind === 'undo' && !r.reverted ? 'the undo' : 'the rollback'} ${r.undoId} of session ${r.session}, which was interrupted\n`);
  if (ctx.json) {
    printJson(ctx, json);
    return;
  }
  const verb = r.dryRun ? 'would' : '';
  const line = (label: string, list: readonly string[]): void => {
    if (list.length > 0) ctx.out(`${label} (${list.length}):\n${list.map((p) => `  ${p}\n`).join('')}`);
  };
  const title = r.reverted ? 'Revert of the interrupted rollback' : what;
  ctx.out(`${r.dryRun ? 'Dry run: ' : ''}${title} of session ${r.session}${r.partial ? ': NOT FINISHED' : ''}\n`);
  line(`${verb ? 'Would restore' : 'Restored'}`, r.restored);
  line(`${verb ? 'Would remove' : 'Removed'}`, r.removed);
  line(`${verb ? 'Would recreate' : 'Recreated'}`, r.recreated);
  if (r.restored.length + r.removed.length + r.recreated.length === 0 && !r.partial) ctx.out('Nothing to change.\n');
  for (const c of r.conflicts) ctx.out(`Conflict, left alone: ${c.path}: ${c.reason}\n`);
  for (const c of r.unrestorable) ctx.out(`Cannot restore ${c.path}: ${c.reason}\n`);
  for (const c of r.notUndoable) ctx.out(`Cannot be undone: ${c.path}: ${c.reason}\n`);
  for (const c of r.failed) ctx.out(`Failed: ${c.path}: ${c.reason}\n`);
  if (r.damagedRecords > 0) ctx.out(`warning: ${r.damagedRecords} damaged journal record(s) of this session were skipped; the files they concerned are left alone\n`);
  if (r.conflicts.length > 0 && !r.partial) {
    // Never promise an undo that cannot be done: content Airlock cannot keep is not coming back.
    const unkept = r.conflicts.some((c) => /cannot be kept|did not keep|not kept/.test(c.reason));
    ctx.out(`Run again with --force to overwrite the conflicting files too (${r.kind === 'undo' ? 'the files are saved first' : 'the rollback can be undone'}${unkept ? ', except for files whose content Airlock cannot keep' : ''}).\n`);
  }
  if (r.partial) {
    ctx.out(`Not finished: ${r.hint ?? 'some files could not be written'}.\n`);
    if (r.kind === 'rollback' && !r.reverted && r.undoId) ctx.out(`The session is not marked rolled back. To put back what was changed instead: airlock undo-rollback ${r.undoId}\n`);
  } else if (r.undoId && r.kind === 'rollback' && !r.reverted && !r.dryRun) {
    ctx.out(`Undo with: airlock undo-rollback ${r.undoId}${r.notUndoable.length ? ` (except the ${r.notUndoable.length} file(s) above that cannot be undone)` : ''}\n`);
  }
}

/**
 * Before refusing, finishes what a crash left owed (an interrupted operation, an audit entry or a
 * demotion that did not get written), as every rollback does.
 */
function settleFirst(ctx: CliContext, history: History, dryRun: boolean | undefined): void {
  if (dryRun) return;
  for (const r of recoverForPerson(history, accountability(ctx))) {
    ctx.err(`airlock: ${r.partial ? 'could not finish' : r.reverted ? 'reverted' : 'finished'} the interrupted ${r.kind === 'undo' ? 'undo' : 'rollback'} ${r.undoId} of session ${r.session}${r.partial && r.hint ? `: ${r.hint}` : ''}\n`);
  }
}

/** `airlock rollback (SESSION | --last) [--dry-run] [--force]` */
export function rollbackCommand(ctx: CliContext, id: string | undefined, options: { last?: boolean; dryRun?: boolean; force?: boolean }): number {
  if ((id === undefined) === (options.last !== true)) throw new UsageError('rollback needs a SESSION or --last, not both');
  const history = openHistory(ctx, { quiet: true });
  let session: SessionSummary;
  if (options.last) {
    // "The last session": the one whose rollback was interrupted, if any (a retry finishes it), else
    // the newest session not rolled back. Chosen before taking the lock, so that of two rollbacks
    // started at once, the second finds its session rolled back and says so.
    const all = history.sessions();
    const interrupted = interruptedOperations(history).find((op) => op.kind === 'rollback');
    const candidate = (interrupted && all.find((s) => s.id === interrupted.session)) ?? all.find((s) => !s.rolledBack);
    if (!candidate) {
      refusals(() => settleFirst(ctx, history, options.dryRun), 'airlock rollback --last');
      throw new CliError('There is no session to roll back (`airlock sessions` lists them).');
    }
    session = candidate;
  } else {
    session = resolve(history, id!);
    if (session.rolledBack && !options.dryRun) {
      refusals(() => settleFirst(ctx, history, options.dryRun), 'airlock rollback --last');
      throw new CliError(`Session ${session.id} is already rolled back; \`airlock undo-rollback\` reverses that.`);
    }
  }
  const report = refusals(() => rollbackForPerson(history, session.id, { ...(options.dryRun ? { dryRun: true } : {}), ...(options.force ? { force: true } : {}), ...(options.last ? { last: true } : {}) }, accountability(ctx)), 'airlock rollback --last');
  printReport(ctx, report, 'Rollback');
  return report.failed.length > 0 ? 1 : 0;
}

/** `airlock undo-rollback [UNDO_ID]` */
export function undoRollbackCommand(ctx: CliContext, id: string | undefined, options: { dryRun?: boolean; force?: boolean }): number {
  const agent = agentAbove();
  if (agent) throw new CliError(`undoing a rollback brings back changes a person rolled back, and this process runs under ${agent}; a person does that in the editor or their own terminal`);
  const history = openHistory(ctx, { quiet: true });
  const report = refusals(() => undoForPerson(history, id, { ...(options.dryRun ? { dryRun: true } : {}), ...(options.force ? { force: true } : {}) }, accountability(ctx)), 'airlock undo-rollback');
  printReport(ctx, report, 'Undo of the rollback');
  return report.failed.length > 0 ? 1 : 0;
}

/** `airlock gc [--dry-run] [--repack]` */
export function gcCommand(ctx: CliContext, options: { dryRun?: boolean; repack?: boolean }): number {
  const history = openHistory(ctx, { quiet: options.dryRun !== true });
  const report = refusals(() => gcForPerson(history, { ...(options.dryRun ? { dryRun: true } : {}), ...(options.repack ? { repack: true } : {}) }, accountability(ctx)), 'airlock gc');
  if (ctx.json) printJson(ctx, report);
  else {
    const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
    ctx.out(`${report.dryRun ? 'Dry run: would remove' : 'Removed'} ${report.sessionsRemoved.length} session(s), ${report.snapshotsRemoved} stale snapshot(s), ${report.checkpointsRemoved} checkpoint record(s), ${report.rollbacksRemoved} rollback record(s).\n`);
    if (!report.dryRun) ctx.out(`Objects ${report.objectsBefore} => ${report.objectsAfter}; store ${mb(report.bytesBefore)} => ${mb(report.bytesAfter)}.\n`);
    for (const r of report.indexesRebuilt) ctx.out(`Rebuilt the damaged index of pack ${r.pack} from the pack: ${r.objects} object(s)${r.dropped ? `, ${r.dropped} damaged one(s) dropped` : ''}.\n`);
    if (report.corrupt.length > 0) ctx.out(`warning: ${report.corrupt.length} damaged object(s) were dropped.\n`);
  }
  return 0;
}
