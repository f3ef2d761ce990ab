/**
 * The backstop (spec/policy.md, "What may pass without a person", last paragraph): after the fact, and
 * whatever any agent or analysis did, the protected files are as they were before each agent action.
 *
 * Every edit or command an agent announces (allowed, asked or denied: an agent may ignore a deny) opens a
 * watch window with the protected files' state at that moment. The window closes at the tool's post event;
 * where none arrives, at the next event of the same session, at the session's end, or by the gate's
 * periodic check once the window's time is up (a command's time limit). Whenever the protected files are
 * checked and differ from their last accepted state:
 * - while windows are open, the change is the agents': it is restored at once (protectedFiles.ts says
 *   exactly what can be), recorded in the audit log as a denied attempt of each agent with an open window
 *   (which demotes it), told to the person (log and notification) and, where the dialect can carry it,
 *   to the agent in its post-tool answer;
 * - with no window open, it is a person's (an editor, `git remote add`, `airlock install`): accepted,
 *   and logged. (So a process an unsandboxed command leaves running is watched only until the command's
 *   post event; inside the sandbox nothing outlives the command.)
 *
 * The state lives in the workspace's data folder, so that the gate and hook processes share it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { AgentEvent } from '../agents/types';
import type { Logger } from '../core/logger';
import { acquireLock } from '../core/storage/lock';
import { writeFileAtomic } from '../core/storage/atomicFile';
import { realPath } from '../core/storage/realPath';
import { BlobStore, compare, restore, snapshot, trackedPaths, type Change, type Snapshot } from '../core/sandbox/protectedFiles';
import { Quarantine } from '../core/sandbox/quarantine';
import type { AuditEvent } from './record';

/** One agent action being watched. */
interface Window {
  readonly key: string;
  readonly agent: string;
  readonly agentSessionId: string;
  readonly session: string;
  readonly tool: string;
  readonly opened: number;
  /** After this the periodic check closes it. */
  readonly expires: number;
}

interface State {
  readonly v: 1;
  baseline: Snapshot;
  windows: Window[];
}

/** What the backstop found and did, for the person, the agent and the audit log. */
export interface BackstopReport {
  /** The agents whose windows were open, who are held responsible. */
  readonly agents: readonly { readonly agent: string; readonly agentSessionId: string; readonly session: string; readonly tool: string }[];
  readonly changes: readonly { readonly path: string; readonly detail: string }[];
  readonly restored: readonly string[];
  readonly notRestored: readonly string[];
  readonly quarantine?: string;
  /** One paragraph for the person and the agent. */
  readonly message: string;
}

/** What the backstop needs from its host. */
export interface BackstopOptions {
  readonly workspace: string;
  readonly home: string;
  /** The workspace's data folder. */
  readonly dir: string;
  readonly log: Logger;
  readonly audit?: (event: AuditEvent) => void;
  readonly trust?: { demote(agent: string, why: 'denied', detail: string): unknown };
  /** Told every time protected files were restored (the editor shows a notification; `airlock serve` prints). */
  readonly onReport?: (report: BackstopReport) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => number;
}

const EDIT_WINDOW_MS = 60_000;

/** The after-the-fact check of the protected files for one workspace. */
export class Backstop {
  private readonly stateFile: string;
  private readonly blobs: BlobStore;
  private readonly now: () => number;

  private readonly o: BackstopOptions;

  constructor(options: BackstopOptions) {
    // One spelling of the workspace for every process sharing the state (the gate, hooks, the CLI).
    this.o = { ...options, workspace: realPath(options.workspace), home: realPath(options.home) };
    const dir = join(options.dir, 'backstop');
    this.stateFile = join(dir, 'state.json');
    this.blobs = new BlobStore(join(dir, 'blobs'));
    this.now = options.now ?? Date.now;
  }

  /**
   * Before deciding an event: checks the protected files (changes are the open windows' agents'), and
   * closes the earlier windows of this event's session (an agent that moved on has finished them).
   */
  settle(event: AgentEvent, session: string, options: { readonly endSession?: boolean } = {}): BackstopReport | undefined {
    return this.locked((state) => {
      const report = this.check(state);
      const key = windowKey(event);
      // A tool that neither edits nor runs anything (a read, a search) may run beside a command still
      // running: it checks, but does not end that command's watch.
      const moves = event.action.category === 'edit' || event.action.category === 'command';
      state.windows = state.windows.filter((w) => !(w.session === session && (options.endSession || (moves && w.key !== key))));
      return report;
    });
  }

  /** Opens the watch window of an edit or command about to be answered (its state now is its "before"). */
  open(event: AgentEvent, session: string, options: { readonly timeoutMs?: number }): BackstopReport | undefined {
    return this.locked((state) => {
      const report = this.check(state);
      const key = windowKey(event);
      const now = this.now();
      state.windows = state.windows.filter((w) => w.key !== key);
      state.windows.push({ key, agent: event.agent, agentSessionId: event.agentSessionId, session, tool: event.tool, opened: now, expires: now + (options.timeoutMs ?? EDIT_WINDOW_MS) });
      return report;
    });
  }

  /** At the tool's post event: checks, then closes its window. */
  finish(event: AgentEvent): BackstopReport | undefined {
    return this.locked((state) => {
      const key = windowKey(event);
      // Agents without a call id report the post event with the input they ran (rewritten for the
      // sandbox): then the oldest open window of the same session and tool is this one.
      const mine = state.windows.find((w) => w.key === key) ?? (event.toolUseId ? undefined : state.windows.find((w) => w.agent === event.agent && w.agentSessionId === event.agentSessionId && w.tool === event.tool));
      if (!mine) {
        // A post event with no window: the tool was never announced (or by another process): check anyway.
        return this.check(state);
      }
      const report = this.check(state);
      state.windows = state.windows.filter((w) => w !== mine);
      return report;
    });
  }

  /** The gate's periodic check: only while windows are open; expired ones close after it. */
  sweep(): BackstopReport | undefined {
    let hasWindows = true;
    try {
      hasWindows = (JSON.parse(readFileSync(this.stateFile, 'utf8')) as State).windows.length > 0;
    } catch {
      hasWindows = false;
    }
    if (!hasWindows) return undefined;
    return this.locked((state) => {
      const report = this.check(state);
      const now = this.now();
      state.windows = state.windows.filter((w) => w.expires > now);
      return report;
    });
  }

  /**
   * Accepts protected files as they are now: a change a person made on purpose (saved in the editor,
   * `airlock install`, "Always allow"). With `paths`, only those (and what is below them); without, all.
   */
  accept(paths?: readonly string[]): void {
    this.locked((state) => {
      const now = snapshot(trackedPaths(this.o.workspace, this.o.home, this.o.env), state.baseline, this.blobs);
      if (!paths) {
        state.baseline = now;
        return undefined;
      }
      const real = paths.map((q) => join(realPath(dirname(q)), basename(q)));
      const covered = (p: string): boolean => real.some((q) => p === q || p.startsWith(`${q}/`));
      for (const p of new Set([...Object.keys(now), ...Object.keys(state.baseline)])) {
        if (!covered(p)) continue;
        if (now[p]) state.baseline[p] = now[p]!;
        else delete state.baseline[p];
      }
      return undefined;
    });
  }

  /** True while some agent action is being watched (the gate checks periodically then). */
  get watching(): boolean {
    try {
      return (JSON.parse(readFileSync(this.stateFile, 'utf8')) as State).windows.length > 0;
    } catch {
      return false;
    }
  }

  private locked<T>(fn: (state: State) => T): T {
    mkdirSync(join(this.o.dir, 'backstop'), { recursive: true, mode: 0o700 });
    const lock = acquireLock(join(this.o.dir, 'backstop', 'lock'), { what: 'checking protected files', timeoutMs: 10_000, staleMs: 30_000 });
    try {
      const state = this.read();
      const out = fn(state);
      writeFileAtomic(this.stateFile, JSON.stringify(state), { fsync: false });
      return out;
    } finally {
      lock.release();
    }
  }

  private read(): State {
    try {
      const s = JSON.parse(readFileSync(this.stateFile, 'utf8')) as State;
      if (s.v === 1 && s.baseline && Array.isArray(s.windows)) return s;
    } catch {
      // first use, or damaged: start from the files as they are
    }
    const state: State = { v: 1, baseline: {}, windows: [] };
    state.baseline = snapshot(trackedPaths(this.o.workspace, this.o.home, this.o.env), {}, this.blobs);
    return state;
  }

  /** Compares with the baseline; restores and reports what open windows' agents changed; accepts the rest. */
  private check(state: State): BackstopReport | undefined {
    const tracked = trackedPaths(this.o.workspace, this.o.home, this.o.env);
    // Paths of the baseline that are no longer tracked (a hooks path that changed) are still compared.
    const all = [...tracked, ...Object.keys(state.baseline).filter((p) => !tracked.some((t) => t.path === p || p.startsWith(`${t.path}/`))).map((p) => ({ path: p, kind: 'file' as const, semantic: 'bytes' as const }))];
    const now = snapshot(all, state.baseline, this.blobs);
    const changes = compare(all, state.baseline, now, this.blobs);
    if (changes.length === 0) {
      state.baseline = now;
      return undefined;
    }
    const risky = changes.filter((c) => c.risky);
    const open = state.windows;
    if (risky.length === 0 || open.length === 0) {
      if (risky.length) this.o.log.warn(`[backstop] protected files changed while no agent action was under way; taken as a person's change: ${risky.map((c) => `${this.rel(c.path)} (${c.detail})`).join(', ')}`);
      state.baseline = now;
      return undefined;
    }
    const q = new Quarantine(join(this.o.dir, 'backstop'), this.o.workspace);
    const result = restore(risky, { workspace: this.o.workspace, home: this.o.home }, this.blobs, q);
    // The restored state becomes the baseline (harmless changes stay as they are).
    state.baseline = snapshot(all, now, this.blobs);
    const agents = dedupe(open.map((w) => ({ agent: w.agent, agentSessionId: w.agentSessionId, session: w.session, tool: w.tool })));
    const report = this.report(risky, result, agents, q);
    for (const a of agents) {
      this.o.audit?.({ type: 'decision', agent: a.agent, agentSessionId: a.agentSessionId, session: a.session, tool: a.tool, kind: 'protected', target: risky.map((c) => this.rel(c.path)).join(', '), action: 'deny', decidedBy: 'backstop', source: 'builtin', reason: report.message });
      this.o.trust?.demote(a.agent, 'denied', `changed protected files: ${risky.map((c) => this.rel(c.path)).join(', ')}`);
    }
    this.o.log.warn(`[backstop] ${report.message}`);
    this.o.onReport?.(report);
    return report;
  }

  private rel(p: string): string {
    const r = relative(this.o.workspace, p);
    if (!r.startsWith('..')) return r;
    const h = relative(this.o.home, p);
    return h.startsWith('..') ? p : `~/${h}`;
  }

  private report(risky: readonly Change[], result: ReturnType<typeof restore>, agents: BackstopReport['agents'], q: Quarantine): BackstopReport {
    const who = [...new Set(agents.map((a) => a.agent))].join(' and ');
    const what = risky.map((c) => `${this.rel(c.path)} (${c.detail})`).join(', ');
    const parts = [`Airlock restored protected files that changed while ${who} was acting: ${what}.`];
    if (result.notRestored.length) parts.push(`Not restored: ${result.notRestored.map((n) => n.replace(this.o.workspace + '/', '')).join('; ')}.`);
    if (q.used) parts.push(`The changed versions are kept in ${q.dir}.`);
    parts.push('Agents may not change git internals, hook configurations or the policy; this counts as a denied attempt.');
    return { agents, changes: risky.map((c) => ({ path: c.path, detail: c.detail })), restored: result.restored, notRestored: result.notRestored, ...(q.used ? { quarantine: q.dir } : {}), message: parts.join(' ') };
  }
}

function dedupe<T extends { agent: string; agentSessionId: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = `${x.agent}\0${x.agentSessionId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A window's key: the tool call's id, or for agents without one, its session, tool and input. */
function windowKey(event: AgentEvent): string {
  if (event.toolUseId) return `${event.agent}:${event.agentSessionId}:${event.toolUseId}`;
  let input = '';
  try {
    input = JSON.stringify(event.toolInput) ?? '';
  } catch {
    input = '';
  }
  return `${event.agent}:${event.agentSessionId}:${event.tool}:${input.length > 256 ? input.slice(0, 256) : input}`;
}

/** How long a command's window stays open without a post event: its time limit, and half a minute more. */
export function commandWindowMs(timeoutSeconds: number): number {
  return timeoutSeconds * 1000 + 30_000;
}
