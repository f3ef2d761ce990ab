/**
 * Deciding without a gate (docs/cli.md "Hooks and the gate"): the hook process loads the policy and the
 * history itself. `allow` and `deny` stand; `ask` becomes the agent's own prompt where it has one, and
 * otherwise the `airlock.offline` choice (default deny). Allowed actions are recorded all the same.
 */
import { dirname } from 'node:path';
import { parseEvent } from '../agents/detect';
import type { Dialect, HookAnswer } from '../agents/types';
import type { Logger } from '../core/logger';
import type { LoadedPolicy } from '../core/policy/loadPolicy';
import { Backstop } from './backstop';
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
    backstop: new Backstop({ workspace: history.workspace, home: options.home, dir: ws.dir, log: options.log, audit: (event) => auditDecision(ws.audit, event, options.log), trust: ws.trust }),
    log: options.log,
  });
}

/**
 * Answers `airlock doctor`'s canary (agents/hookHealth.ts): parses it as the agent's payload, records a
 * `check` in the audit log (not a decision: nobody is denied anything, no trust moves) and answers deny
 * in the agent's own format, naming the nonce so that doctor knows this very hook answered.
 */
export function hookCheck(options: { payload: string; dialect: Dialect; event?: string; workspace: string; dataRoot: string; home: string; nonce: string; gate: string }): HookAnswer {
  const { adapter, event } = parseEvent(options.dialect, JSON.parse(options.payload) as Record<string, unknown>, options.event);
  const ws = openWorkspace({ workspace: options.workspace, dataRoot: options.dataRoot, home: options.home });
  const reason = `Airlock check ${options.nonce}: this ${event.agent} hook (${options.dialect}) works; ${options.gate}`;
  ws.audit.append({ type: 'check', check: 'hook', agent: event.agent, dialect: options.dialect, nonce: options.nonce, gate: options.gate, reason });
  return adapter.answer(event, { action: 'deny', reason });
}
