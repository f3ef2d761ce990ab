/**
 * Tool calls between their pre- and post-event. The pre-event's decision is kept in a small file under
 * the history folder, keyed by agent, session and tool-call id: the post-event finds the recorded action
 * there, and the same call arriving through a second hook file (VS Code reads `.claude/` and
 * `.github/hooks/`) gets the same answer instead of a second question.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent, Verdict } from '../agents/types';
import type { DecidedBy } from './record';

/** A pre-event's decision, waiting for its post-event. */
export interface Pending {
  readonly actionId?: string;
  /** Who decided (a withdrawn or timed-out request is never replayed). */
  readonly by?: DecidedBy;
  readonly category: 'edit' | 'command' | 'read' | 'other';
  readonly kind: 'edit' | 'create' | 'delete' | 'rename';
  readonly paths: readonly string[];
  readonly time: number;
  readonly verdict: Verdict;
}

/** How long a decision is replayed for a call with an id, and for one without (matched by its input). */
export const PENDING_FRESH_MS = 120_000;
export const PENDING_FRESH_NO_ID_MS = 5_000;
/** Pending files of recorded actions older than this are removed: their post-event never came (the agent died). */
const PENDING_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Sweeps at most this often per process. */
const SWEEP_EVERY_MS = 10_000;

/** The key of a tool call: its id where the agent gives one, else its tool and input. */
export function pendingKey(event: AgentEvent): string {
  const id = event.toolUseId ?? `${event.tool}\0${JSON.stringify(event.toolInput ?? null)}`;
  return createHash('sha256').update(`${event.agent}\0${event.agentSessionId}\0${id}`).digest('hex').slice(0, 32);
}

/** The pending calls of one workspace's history folder. */
export class PendingCalls {
  private lastSweep = 0;

  constructor(private readonly historyDir: string) {}

  private file(key: string): string {
    return join(this.historyDir, 'pending', `${key}.json`);
  }

  read(key: string): Pending | undefined {
    try {
      return JSON.parse(readFileSync(this.file(key), 'utf8')) as Pending;
    } catch {
      return undefined;
    }
  }

  write(key: string, pending: Pending): void {
    mkdirSync(join(this.historyDir, 'pending'), { recursive: true, mode: 0o700 });
    writeFileSync(this.file(key), JSON.stringify(pending), { mode: 0o600 });
  }

  remove(key: string): void {
    rmSync(this.file(key), { force: true });
  }

  /**
   * Removes what no post-event will finish: a call with nothing recorded (denied, or not an edit or a
   * command) once its replay window has passed, and any call after a day. Best effort, and at most every
   * few seconds.
   */
  sweep(now = Date.now()): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    const dir = join(this.historyDir, 'pending');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      try {
        const age = now - statSync(p).mtimeMs;
        if (age < PENDING_FRESH_MS) continue;
        let finishable = false;
        try {
          finishable = age < PENDING_MAX_AGE_MS && (JSON.parse(readFileSync(p, 'utf8')) as Partial<Pending>).actionId !== undefined;
        } catch {
          finishable = false; // damaged: nothing can finish it
        }
        if (!finishable) rmSync(p, { force: true });
      } catch {
        // gone already
      }
    }
  }
}
