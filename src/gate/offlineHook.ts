/**
 * Deciding without a gate (spec/cli.md "Hooks and the gate"): the hook process loads the policy and the
 * history itself. `allow` and `deny` stand; `ask` becomes the agent's own prompt where it has one, and
 * otherwise the `airlock.offline` choice (default deny). Allowed actions are recorded all the same.
 */
import { dirname } from 'node:path';
import type { Dialect, HookAnswer } from '../agents/types';
import { workspaceDataDir } from '../core/dataDir';
import { History } from '../core/history/history';
import type { Logger } from '../core/logger';
import { loadPolicy } from '../core/policy/loadPolicy';
import { readTrustLevel } from '../core/trust/trustLevels';
import { readUserSettings } from '../core/userSettings';
import { handleHook, type AuditEvent } from './hookHandler';

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
  audit?: (event: AuditEvent) => void;
  onDenied?: (agent: string, why: 'denied' | 'limit') => void;
}): Promise<HookAnswer> {
  const settings = readUserSettings(options.dataRoot);
  const workspaceDir = workspaceDataDir(options.dataRoot, options.workspace);
  const history = new History(workspaceDir, options.workspace, settings.history);
  let policy: ReturnType<typeof loadPolicy> | undefined;
  return handleHook(options.payload, options.dialect, options.event, {
    workspace: history.workspace,
    policy: () => (policy ??= loadPolicy({ workspace: options.workspace, home: options.home, dataRoot: options.dataRoot, installDir: dirname(options.installDir) })),
    history,
    trust: (agent) => readTrustLevel(workspaceDir, agent),
    approvalTimeoutMs: 0,
    offline: settings.offline,
    mode: 'offline',
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.onDenied ? { onDenied: options.onDenied } : {}),
    log: options.log,
  });
}
