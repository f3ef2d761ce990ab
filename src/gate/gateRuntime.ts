/**
 * A running gate for one workspace: the server, the decision handler, the policy (reloaded when it
 * changes), the shadow history kept open (its index stays warm between requests) and the person to ask.
 * Hosted by the extension and by `airlock serve`.
 */
import { homedir } from 'node:os';
import type { SandboxRunner } from '../core/sandbox/rewrite';
import type { AuditLog } from '../core/audit/auditLog';
import type { History } from '../core/history/history';
import type { Logger } from '../core/logger';
import type { LoadedPolicy } from '../core/policy/loadPolicy';
import type { TrustStore } from '../core/trust/trustStore';
import type { Dialect } from '../agents/types';
import type { TrustLevel } from '../core/policy/types';
import { SessionAllows, type Asker } from '../engine/ask';
import { Backstop, type BackstopReport } from '../engine/backstop';
import { handleHook, type HookContext } from '../engine/handleEvent';
import { auditDecision, type AuditEvent } from '../engine/record';
import type { SandboxEnv } from '../engine/sandboxPlan';
import { openWorkspace } from '../engine/workspace';
import { GateServer } from './gateServer';

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
  /** Told when protected files an agent changed were restored (the editor notifies the person). */
  readonly onBackstop?: (report: BackstopReport) => void;
  /** How often the gate checks the protected files while an agent action is under way (ms). */
  readonly backstopIntervalMs?: number;
}

function lazySandbox(runner: SandboxRunner | (() => SandboxRunner), home: string, dataRoot: string): SandboxEnv {
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
  /** The after-the-fact check of the protected files. */
  readonly backstop: Backstop;
  private readonly context: HookContext;
  private sweepTimer: ReturnType<typeof setInterval> | undefined;
  private readonly sweepMs: number;

  constructor(options: GateRuntimeOptions) {
    const ws = openWorkspace({ workspace: options.workspace, dataRoot: options.dataRoot, home: options.home ?? homedir() });
    this.workspaceDir = ws.dir;
    this.history = ws.history;
    this.audit = ws.audit;
    this.trust = ws.trust;
    this.sweepMs = options.backstopIntervalMs ?? 2000;
    this.backstop = new Backstop({
      workspace: this.history.workspace,
      home: options.home ?? homedir(),
      dir: ws.dir,
      log: options.log,
      audit: (event) => {
        auditDecision(this.audit, event, options.log);
        options.onDecision?.(event);
      },
      trust: this.trust,
      ...(options.onBackstop ? { onReport: options.onBackstop } : {}),
    });
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
      backstop: this.backstop,
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

  async start(): Promise<void> {
    await this.server.start();
    // The gate's own check, for tools that never report back: cheap (a stat per protected file), and
    // only while an agent action is being watched.
    this.sweepTimer = setInterval(() => this.sweep(), this.sweepMs);
    this.sweepTimer.unref();
  }

  /** Checks the protected files now (the periodic check; tests call it directly). */
  sweep(): BackstopReport | undefined {
    try {
      return this.backstop.sweep();
    } catch (e) {
      this.context.log.error(`[backstop] the periodic check failed: ${(e as Error).message}`);
      return undefined;
    }
  }

  stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    return this.server.stop();
  }
}
