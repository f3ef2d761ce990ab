/**
 * Deciding without a gate (spec/cli.md "Hooks and the gate"): the hook process loads the policy and the
 * history itself. `allow` and `deny` stand; `ask` becomes the agent's own prompt where it has one, and
 * otherwise the `airlock.offline` choice (default deny). Allowed actions are recorded all the same.
 */
import { dirname, join } from 'node:path';
import type { Dialect, HookAnswer } from '../agents/types';
import { workspaceDataDir } from '../core/dataDir';
import { History } from '../core/history/history';
import type { Logger } from '../core/logger';
import { loadPolicy } from '../core/policy/loadPolicy';
import { AuditLog } from '../core/audit/auditLog';
import { TrustStore } from '../core/trust/trustStore';
import { readUserSettings } from '../core/userSettings';
import { auditDecision, handleHook } from './hookHandler';

/** Handles one payload in this process. */
export async function offlineHook(options: {
  payload: string;
  dialect: Dialect;
  event?: string;
  workspace: string;
  dataRoot: string;
  home: string;
  installDir: string;
  log: Logger;
}): Promise<HookAnswer> {
  const settings = readUserSettings(options.dataRoot);
  const workspaceDir = workspaceDataDir(options.dataRoot, options.workspace);
  const history = new History(workspaceDir, options.workspace, settings.history);
  const audit = new AuditLog(workspaceDir);
  let policy: ReturnType<typeof loadPolicy> | undefined;
  return handleHook(options.payload, options.dialect, options.event, {
    workspace: history.workspace,
    policy: () => (policy ??= loadPolicy({ workspace: options.workspace, home: options.home, dataRoot: options.dataRoot, installDir: dirname(options.installDir) })),
    history,
    trust: new TrustStore(workspaceDir, audit),
    approvalTimeoutMs: 0,
    offline: settings.offline,
    mode: 'offline',
    audit: (event) => auditDecision(audit, event, options.log),
    // Sandboxed commands start the same CLI this hook runs from.
    sandbox: { runner: { node: process.execPath, cli: join(options.installDir, 'cli.js'), ...(process.versions.electron ? { env: { ELECTRON_RUN_AS_NODE: '1' } } : {}) }, home: options.home, dataRoot: options.dataRoot },
    log: options.log,
  });
}
