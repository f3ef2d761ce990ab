import * as vscode from 'vscode';
import type { SessionSummary } from '../../core/history/history';
import { rollbackForPerson, undoForPerson, type Accountability } from '../../engine/personActions';
import { NothingToUndoError, previewRollback, rollbackRecords, type RollbackPlan, type RollbackReport } from '../../core/history/rollback';
import { historyUri, journalFileUri } from '../views/historyContentProvider';
import type { Logger } from '../../core/logger';
import type { GateHost } from '../folders/gateHost';
import type { FolderList } from '../folders/workspaceFolders';
import { agentName, label, said, shortTime } from '../labels';
import type { SessionNode } from '../views/sessionsView';

/** What rolling back needs: the folders' histories, the log, and a way to refresh the views. */
export interface RollbackDeps {
  readonly folders: FolderList;
  readonly log: Logger;
  refresh(): void;
}

function accountability(host: GateHost): Accountability {
  return { audit: host.runtime.audit, trust: host.runtime.trust, via: 'editor' };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One sentence on what a rollback did. */
export function summarizeReport(r: RollbackReport, verb = 'restored'): string {
  const parts = [r.restored.length ? `${plural(r.restored.length, 'file')} ${verb}` : '', r.removed.length ? `${r.removed.length} removed` : '', r.recreated.length ? `${r.recreated.length} recreated` : ''].filter(Boolean);
  const left = [r.conflicts.length ? `${plural(r.conflicts.length, 'conflict')} left alone` : '', r.unrestorable.length ? `${r.unrestorable.length} not restorable` : '', r.failed.length ? `${r.failed.length} failed` : ''].filter(Boolean);
  return `${parts.length ? parts.join(', ') : 'no file needed changing'}${left.length ? `; ${left.join(', ')}` : ''}`;
}

/** Lets the person pick a session that can be rolled back, newest first. */
async function pickSession(folders: FolderList): Promise<{ host: GateHost; session: SessionSummary } | undefined> {
  const items: (vscode.QuickPickItem & { host?: GateHost; session?: SessionSummary })[] = [];
  const multi = folders.hosts.length > 1;
  for (const host of folders.hosts) {
    for (const session of host.runtime.history.sessions()) {
      if (session.rolledBack || session.files === 0) continue;
      items.push({
        label: `${agentName(session.agent)} · ${shortTime(session.started)}`,
        description: `${plural(session.files, 'file')}${session.linesChanged ? `, ${plural(session.linesChanged, 'line')}` : ''}, ${plural(session.actions, 'action')}${session.ended ? '' : ' · active'}${multi ? ` · ${label(host.folder.name)}` : ''}`,
        detail: `session ${label(session.id)}`,
        host,
        session,
      });
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Airlock: no agent session has changed files that could be rolled back.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Roll Back Agent Session', placeHolder: 'Pick the session whose changes to undo', matchOnDetail: true });
  return picked?.host && picked.session ? { host: picked.host, session: picked.session } : undefined;
}

/** Closes the preview tab `previewChanges` opened (its "after rollback" side is stale once the rollback ran). */
async function closePreview(title: string | undefined): Promise<void> {
  if (!title) return;
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === title);
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
}

/**
 * Opens a multi-file diff of what the rollback would do (each file now, and after the rollback); returns
 * its tab's title. Both sides carry the file's own path: VS Code marks an entry as renamed when they
 * differ.
 */
async function previewChanges(host: GateHost, session: SessionSummary, plan: RollbackPlan, conflicts: number): Promise<string | undefined> {
  const key = host.folder.uri.toString();
  const resources = plan.steps.map((s) => {
    const file = journalFileUri(host.folder.uri, s.path);
    return [file, s.action === 'recreate' ? historyUri(key, file.path, { type: 'missing' }, 'now') : file, historyUri(key, file.path, s.target, 'after rollback')] as const;
  });
  if (resources.length > 0) {
    const title = `Roll back ${agentName(session.agent)} · ${shortTime(session.started)} (preview${conflicts ? `; ${plural(conflicts, 'file')} changed since, shown as overwriting them would leave them` : ''})`;
    await vscode.commands.executeCommand('vscode.changes', title, resources);
    return title;
  }
  return undefined;
}

/** "Airlock: Roll Back Agent Session…": pick, preview every file's diff and the conflicts, confirm, roll back, offer Undo. */
export async function rollbackSessionCommand(deps: RollbackDeps, node?: SessionNode): Promise<void> {
  const target = node?.type === 'session' ? { host: node.host, session: node.session } : await pickSession(deps.folders);
  if (!target) return;
  const { host, session } = target;
  // Conflicting files are in the preview too (what overwriting them would do), so nothing the person
  // may choose to overwrite goes unseen.
  const withConflicts = previewRollback(host.runtime.history, session.id, { force: true });
  let plan = previewRollback(host.runtime.history, session.id, { force: false });
  const previewTitle = await previewChanges(host, session, withConflicts, plan.conflicts.length);
  const name = `${agentName(session.agent)}'s session from ${shortTime(session.started)}`;
  if (session.ended === null) {
    const go = await vscode.window.showWarningMessage(`${agentName(session.agent)}'s session is still active.`, { modal: true, detail: 'The agent may still be changing files. Stop it first, or roll back what it did so far.' }, 'Continue');
    if (go !== 'Continue') return;
  }
  if (plan.steps.length === 0 && plan.conflicts.length === 0) {
    void vscode.window.showInformationMessage(`Airlock: ${name} left nothing to roll back: every file it touched is already as it was before.${plan.unrestorable.length ? ` ${plural(plan.unrestorable.length, 'file')} could not be restored (content not kept).` : ''}`);
    return;
  }
  const lines = [
    plan.restored.length ? `${plural(plan.restored.length, 'file')} ${plan.restored.length === 1 ? 'goes back to what it' : 'go back to what they'} held before the session.` : '',
    plan.removed.length ? `${plural(plan.removed.length, 'file')} the session created ${plan.removed.length === 1 ? 'is' : 'are'} removed.` : '',
    plan.recreated.length ? `${plural(plan.recreated.length, 'file')} the session deleted ${plan.recreated.length === 1 ? 'is' : 'are'} recreated.` : '',
    plan.conflicts.length ? `${plural(plan.conflicts.length, 'file')} changed since the session and will be left alone: ${plan.conflicts.slice(0, 5).map((c) => label(c.path)).join(', ')}${plan.conflicts.length > 5 ? ', …' : ''}.` : '',
    plan.unrestorable.length ? `${plural(plan.unrestorable.length, 'file')} cannot be restored (content not kept): ${plan.unrestorable.slice(0, 3).map((c) => label(c.path)).join(', ')}.` : '',
    withConflicts.notUndoable.length ? `${plural(withConflicts.notUndoable.length, 'file')} cannot be kept (too large or unreadable): overwriting ${withConflicts.notUndoable.length === 1 ? 'it' : 'them'} could not be undone: ${withConflicts.notUndoable.slice(0, 3).map((c) => label(c.path)).join(', ')}.` : '',
    withConflicts.notUndoable.length ? 'The preview shows each change. You can undo the rollback afterwards, except overwriting those.' : 'The preview shows each change. You can undo the rollback afterwards.',
  ].filter(Boolean);
  const rollBack = 'Roll Back';
  const overwrite = 'Roll Back and Overwrite Conflicts';
  const choices = plan.conflicts.length > 0 ? (plan.steps.length > 0 ? [rollBack, overwrite] : [overwrite]) : [rollBack];
  const answer = await vscode.window.showWarningMessage(`Roll back ${name}?`, { modal: true, detail: lines.join('\n') }, ...choices);
  if (!answer) return;
  const force = answer === overwrite;
  if (force) plan = previewRollback(host.runtime.history, session.id, { force: true });
  let report: RollbackReport;
  try {
    report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Airlock: rolling back ${plural(plan.steps.length, 'file')}…` }, async () => rollbackForPerson(host.runtime.history, session.id, { force }, accountability(host)));
  } catch (e) {
    deps.log.error(`[rollback] ${session.id}: ${(e as Error).stack ?? String(e)}`);
    void vscode.window.showErrorMessage(`Airlock could not roll back ${name}: ${said((e as Error).message)}. Files already restored stay restored, and the rollback finishes on the next attempt.`);
    deps.refresh();
    return;
  }
  deps.refresh();
  await closePreview(previewTitle);
  for (const f of report.failed) deps.log.warn(`[rollback] ${f.path}: ${f.reason}`);
  if (report.partial) {
    // Not committed: the session is not rolled back and the agent not demoted; a retry finishes it,
    // and undo puts back what was changed.
    const putBack = 'Put Back What Changed';
    const picked = await vscode.window.showWarningMessage(`Rolled back ${name} in part: ${summarizeReport(report)}. Not finished: ${said(report.hint ?? 'some files could not be written')}. Roll Back again to finish it.`, putBack);
    if (picked === putBack && report.undoId) await undoRollbackCommand(deps, { host, id: report.undoId });
    return;
  }
  const trust = host.runtime.trust.get(session.agent);
  const message = `Rolled back ${name}: ${summarizeReport(report)}. ${agentName(session.agent)} is now at trust level ${trust.level}.${report.notUndoable.length ? ` ${plural(report.notUndoable.length, 'file')} cannot be undone (content not kept).` : ''}`;
  const undo = 'Undo';
  const picked = await vscode.window.showInformationMessage(message, undo);
  if (picked === undo && report.undoId) await undoRollbackCommand(deps, { host, id: report.undoId });
}

/** "Airlock: Undo Last Rollback" (or the one just made, from its notification). */
export async function undoRollbackCommand(deps: Omit<RollbackDeps, 'log'>, which?: { host: GateHost; id: string }): Promise<void> {
  let target = which;
  if (!target) {
    const candidates = deps.folders.hosts.flatMap((host) => rollbackRecords(host.runtime.history).filter((r) => r.kind === 'rollback' && r.status === 'done').map((r) => ({ host, record: r })));
    const last = candidates.sort((a, b) => b.record.time - a.record.time)[0];
    if (!last) {
      void vscode.window.showInformationMessage('Airlock: there is no rollback to undo.');
      return;
    }
    const session = last.host.runtime.history.sessions().find((s) => s.id === last.record.session);
    const what = session ? `the rollback of ${agentName(session.agent)}'s session from ${shortTime(session.started)}` : `rollback ${last.record.id}`;
    const ok = await vscode.window.showWarningMessage(`Undo ${what}?`, { modal: true, detail: `${plural(last.record.steps.length, 'file')} ${last.record.steps.length === 1 ? 'goes back to what it' : 'go back to what they'} held just before the rollback (${new Date(last.record.time).toLocaleString()}).` }, 'Undo Rollback');
    if (!ok) return;
    target = { host: last.host, id: last.record.id };
  }
  try {
    let force = false;
    const dry = undoForPerson(target.host.runtime.history, target.id, { dryRun: true }, accountability(target.host));
    if (dry.conflicts.length > 0) {
      const overwrite = 'Undo and Overwrite Them';
      const keep = 'Undo the Rest';
      const choice = await vscode.window.showWarningMessage(`${plural(dry.conflicts.length, 'file')} changed since the rollback.`, { modal: true, detail: `${dry.conflicts.slice(0, 8).map((c) => label(c.path)).join('\n')}${dry.conflicts.length > 8 ? '\n…' : ''}\n\nUndoing would overwrite those changes. You can also undo the rest and leave these files alone (the rollback then stays open, so you can finish it later).` }, overwrite, keep);
      if (!choice) return;
      force = choice === overwrite;
    }
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Airlock: undoing the rollback…' }, async () => undoForPerson(target.host.runtime.history, target.id, { force }, accountability(target.host)));
    const left = report.conflicts.length + report.failed.length;
    if (left > 0) void vscode.window.showWarningMessage(`Undid the rollback in part: ${summarizeReport(report, 'put back')}.${report.hint ? ` ${said(report.hint)}.` : ''} Run "Airlock: Undo Last Rollback" again to finish it.`);
    else void vscode.window.showInformationMessage(`Undid the rollback: ${summarizeReport(report, 'put back')}.`);
  } catch (e) {
    if (e instanceof NothingToUndoError) void vscode.window.showInformationMessage(`Airlock: ${said(e.message)}`);
    else void vscode.window.showErrorMessage(`Airlock could not undo the rollback: ${said((e as Error).message)}`);
  }
  deps.refresh();
}
