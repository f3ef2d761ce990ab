/**
 * Deciding without a gate (docs/cli.md "Hooks and the gate"): the hook process loads the policy and the
 * history itself. `allow` and `deny` stand; `ask` becomes the agent's own prompt where it has one, and
 * otherwise the `airlock.offline` choice (default deny). Allowed actions are recorded all the same.
 */
import { dirname } from 'node:path';
import type { Dialect, HookAnswer } from '../agents/types';
import type { Logger } from '../core/logger';
import type { LoadedPolicy } from '../core/policy/loadPolicy';
import { handleHook } from './handleEvent';
import { auditDecision } from './record';
import { cliSandboxEnv } from './sandboxPlan';
import { openWorkspace } from './workspace';

/** Handles one payload in this process. */
export async function offlineHook(options: {
  payload: string;
  dialect: Dialect;
  event?: string;
  workspace: string;
  dataRoot: string;
  home: string;
  /** The folder of the running CLI bundle (dist/). */
  installDir: string;
  log: Logger;
}): Promise<HookAnswer> {
  const ws = openWorkspace({ workspace: options.workspace, dataRoot: options.dataRoot, home: options.home, installDir: dirname(options.installDir) });
  const history = ws.history;
  let policy: LoadedPolicy | undefined;
  return handleHook(options.payload, options.dialect, options.event, {
    workspace: history.workspace,
    policy: () => (policy ??= ws.loadPolicy()),
    history,
    trust: ws.trust,
    approvalTimeoutMs: 0,
    offline: ws.settings.offline,
    mode: 'offline',
    audit: (event) => auditDecision(ws.audit, event, options.log),
    // Sandboxed commands start the same CLI this hook runs from.
    sandbox: cliSandboxEnv(options.installDir, options.home, options.dataRoot),
    log: options.log,
  });
}
