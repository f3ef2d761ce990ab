/**
 * A running gate for one workspace: the server, the decision handler, the policy (reloaded when it
 * changes), the shadow history kept open (its index stays warm between requests) and the person to ask.
 * Hosted by the extension and by `airlock serve`.
 */
import { homedir } from 'node:os';
import { readUserSettings } from '../core/userSettings';
import type { SandboxRunner } from '../core/sandbox/rewrite';
import { workspaceDataDir } from '../core/dataDir';
import { History } from '../core/history/history';
import type { Logger } from '../core/logger';
import type { LoadedPolicy } from '../core/policy/loadPolicy';
import { AuditLog } from '../core/audit/auditLog';
import { TrustStore } from '../core/trust/trustStore';
import type { Dialect } from '../agents/types';
import type { TrustLevel } from '../core/policy/types';
import type { Asker } from './approvals';
import { GateServer } from './gateServer';
import { auditDecision, handleHook, SessionAllows, type AuditEvent, type HookContext } from './hookHandler';

/** Options of {@link GateRuntime}. */
export interface GateRuntimeOptions {
  readonly workspace: string;
  readonly dataRoot: string;
  readonly policy: () => LoadedPolicy;
  readonly asker: Asker;
  readonly log: Logger;
  /** How long an approval waits; a function is read at each request (the editor's setting may change). */
  readonly approvalTimeoutMs: number | (() => number);
  /** Told when an agent earns a promotion offer. */
  readonly onPromotionOffer?: (agent: string, to: TrustLevel) => void;
  /** Told after every decision (the editor refreshes its views). */
  readonly onDecision?: (event: AuditEvent) => void;
  /**
   * How sandboxed commands start Airlock's CLI; without it, commands the policy sandboxes are asked
   * about. A function is called only when a command is first sandboxed (finding it may probe PATH).
   */
  readonly sandboxRunner?: SandboxRunner | (() => SandboxRunner);
  readonly home?: string;
}

function lazySandbox(runner: SandboxRunner | (() => SandboxRunner), home: string, dataRoot: string): { readonly runner: SandboxRunner; readonly home: string; readonly dataRoot: string } {
  let found: SandboxRunner | undefined;
  return {
    get runner() {
      return (found ??= typeof runner === 'function' ? runner() : runner);
    },
    home,
    dataRoot,
  };
}

/** One workspace's gate, ready to start. */
export class GateRuntime {
  readonly server: GateServer;
  readonly history: History;
  readonly workspaceDir: string;
  readonly audit: AuditLog;
  readonly trust: TrustStore;
  private readonly context: HookContext;

  constructor(options: GateRuntimeOptions) {
    this.workspaceDir = workspaceDataDir(options.dataRoot, options.workspace);
    this.history = new History(this.workspaceDir, options.workspace, readUserSettings(options.dataRoot).history);
    this.audit = new AuditLog(this.workspaceDir);
    this.trust = new TrustStore(this.workspaceDir, this.audit);
    this.context = {
      workspace: this.history.workspace,
      policy: options.policy,
      history: this.history,
      trust: this.trust,
      asker: options.asker,
      get approvalTimeoutMs() {
        const t = options.approvalTimeoutMs;
        return typeof t === 'function' ? t() : t;
      },
      offline: 'deny',
      mode: 'gate',
      sessionAllows: new SessionAllows(),
      inflight: new Map(),
      audit: (event) => {
        auditDecision(this.audit, event, options.log);
        options.onDecision?.(event);
      },
      ...(options.onPromotionOffer ? { onPromotionOffer: options.onPromotionOffer } : {}),
      ...(options.sandboxRunner ? { sandbox: lazySandbox(options.sandboxRunner, options.home ?? homedir(), options.dataRoot) } : {}),
      log: options.log,
    };
    this.server = new GateServer({
      workspaceDir: this.workspaceDir,
      workspace: options.workspace,
      log: options.log,
      handle: (request, signal) => handleHook(request.payload, request.dialect as Dialect, request.event, this.context, signal),
    });
  }

  /** Handles one payload in process (tests and benchmarks use this; hooks come through the socket). */
  handle(payload: string, dialect: Dialect, event?: string) {
    return handleHook(payload, dialect, event, this.context);
  }

  start(): Promise<void> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
