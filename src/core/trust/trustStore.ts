/**
 * Progressive trust (docs/design.md "Progressive trust"): each agent has a level 0–3 per workspace, and a
 * record since its level last changed. When the record meets the bar (by default 50 actions over 3
 * sessions with no rollback, no denied attempt and no limit breached), Airlock offers the person a
 * promotion; it never promotes by itself. A rollback of the agent's session, an attempted denied action
 * or a breached limit demotes it by one level at once, with the reason. Every change goes to the audit log.
 *
 * The file lives in Airlock's data folder, which agents cannot change; updates from several processes
 * are serialized with a lock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomicFile';
import { acquireLock } from '../storage/lock';
import { isTrustLevel, TRUST_NAMES, type TrustLevel } from '../policy/types';
import { cachedLayer, MANAGED_NAME, managedTrustCap } from '../policy/managedPolicy';
import type { AuditLog } from '../audit/auditLog';

/** The file name in a workspace's data folder. */
export const TRUST_FILE = 'trust.json';

/** What an agent has done since its level last changed. */
export interface TrustRecord {
  readonly actions: number;
  readonly sessions: readonly string[];
  readonly rollbacks: number;
  readonly denied: number;
  readonly limitsBreached: number;
  readonly since: string;
}

/** One change of level. */
export interface TrustChange {
  readonly time: string;
  readonly from: TrustLevel;
  readonly to: TrustLevel;
  readonly reason: string;
  readonly by: 'person' | 'airlock';
}

/** An agent's trust in one workspace. */
export interface AgentTrust {
  readonly level: TrustLevel;
  readonly record: TrustRecord;
  readonly history: readonly TrustChange[];
  /** A promotion offered to the person and not yet answered. */
  readonly offer?: { readonly to: TrustLevel; readonly since: string };
  /** When the person last declined an offer (no new offer for a day). */
  readonly declined?: string;
  /** Keys of the last incidents counted (a rollback's id), so one incident never demotes twice. */
  readonly incidents?: readonly string[];
  /**
   * Set when the organisation's `lockTrust` holds the agent at the cap (its recorded level may be higher:
   * `level` is the capped level decisions use; the recorded one comes back if the cap is lifted).
   */
  readonly lockedAt?: TrustLevel;
}

/** A person asked for a trust level above the organisation's `lockTrust`. */
export class TrustCapError extends Error {
  constructor(
    readonly agent: string,
    readonly level: TrustLevel,
    readonly cap: TrustLevel,
    /** Managed files with errors: while one is broken, trust is held at its salvaged cap or 0. */
    broken: readonly string[] = [],
  ) {
    super(
      broken.length > 0
        ? `${MANAGED_NAME} has errors (${broken.join(', ')}), so every agent's trust is held at level ${cap} (${TRUST_NAMES[cap]}) until an administrator fixes it; ${agent} cannot be set to level ${level}`
        : `${MANAGED_NAME} caps every agent's trust at level ${cap} (${TRUST_NAMES[cap]}) with "lockTrust", so ${agent} cannot be set to level ${level}; an administrator changes the managed policy`,
    );
  }
}

/** What earns a promotion offer (setting `airlock.trust.promotion`). */
export interface PromotionBar {
  readonly actions: number;
  readonly sessions: number;
}

/** The default bar of docs/design.md. */
export const DEFAULT_PROMOTION_BAR: PromotionBar = Object.freeze({ actions: 50, sessions: 3 });

interface TrustFile {
  readonly version: 1;
  readonly agents: Record<string, AgentTrust>;
}

function fresh(now: Date): TrustRecord {
  return { actions: 0, sessions: [], rollbacks: 0, denied: 0, limitsBreached: 0, since: now.toISOString() };
}

function blank(now: Date): AgentTrust {
  return { level: 0, record: fresh(now), history: [] };
}

/** Reads and changes trust levels in one workspace. */
export class TrustStore {
  private readonly file: string;
  private readonly lockFile: string;

  /**
   * @param cap the organisation's trust cap now (`lockTrust` of the managed policy); read on every use, so a
   * deployed cap holds at once.
   */
  constructor(
    workspaceDir: string,
    private readonly audit?: AuditLog,
    private readonly bar: PromotionBar = DEFAULT_PROMOTION_BAR,
    private readonly cap: () => TrustLevel | undefined = () => managedTrustCap(),
  ) {
    this.file = join(workspaceDir, TRUST_FILE);
    this.lockFile = join(workspaceDir, 'locks', 'trust.lock');
  }

  private read(): TrustFile {
    try {
      const raw = JSON.parse(readFileSync(this.file, 'utf8')) as TrustFile;
      if (raw && typeof raw === 'object' && raw.agents && typeof raw.agents === 'object') {
        // Anything but a valid level reads as 0: a damaged file never raises trust.
        for (const a of Object.values(raw.agents)) if (!isTrustLevel(a.level)) (a as { level: TrustLevel }).level = 0;
        return raw;
      }
    } catch {
      // missing or damaged: everyone starts at 0
    }
    return { version: 1, agents: {} };
  }

  /** Every agent seen in this workspace (levels capped by the organisation's `lockTrust`). */
  all(): Readonly<Record<string, AgentTrust>> {
    const cap = this.cap();
    return Object.fromEntries(Object.entries(this.read().agents).map(([a, t]) => [a, capped(t, cap)]));
  }

  /** One agent (level 0 and an empty record if never seen), its level capped by the organisation's `lockTrust`. */
  get(agent: string, now = new Date()): AgentTrust {
    return capped(this.read().agents[agent] ?? blank(now), this.cap());
  }

  /** The level decisions use. */
  level(agent: string): TrustLevel {
    return this.get(agent).level;
  }

  private update(agent: string, change: (current: AgentTrust) => AgentTrust): AgentTrust {
    const lock = acquireLock(this.lockFile, { what: 'updating trust', timeoutMs: 10_000, staleMs: 30_000 });
    try {
      const file = this.read();
      const next = change(file.agents[agent] ?? blank(new Date()));
      writeFileAtomic(this.file, `${JSON.stringify({ version: 1, agents: { ...file.agents, [agent]: next } }, null, 2)}\n`);
      return next;
    } finally {
      lock.release();
    }
  }

  private withOffer(t: AgentTrust, now: Date): AgentTrust {
    if (t.level >= 3 || t.offer) return t;
    const cap = this.cap();
    // Nothing above the organisation's cap is ever offered.
    if (cap !== undefined && t.level >= cap) return t;
    if (t.declined && now.getTime() - Date.parse(t.declined) < 24 * 3600_000) return t;
    const clean = t.record.rollbacks === 0 && t.record.denied === 0 && t.record.limitsBreached === 0;
    if (!clean || t.record.actions < this.bar.actions || t.record.sessions.length < this.bar.sessions) return t;
    const to = (t.level + 1) as TrustLevel;
    return { ...t, offer: { to, since: now.toISOString() } };
  }

  /** Counts an allowed action toward the agent's record; returns a promotion offer when one is due. */
  recordAction(agent: string, session: string, now = new Date()): AgentTrust['offer'] | undefined {
    let offered: AgentTrust['offer'] | undefined;
    this.update(agent, (t) => {
      const sessions = t.record.sessions.includes(session) ? t.record.sessions : [...t.record.sessions, session].slice(-100);
      const next = this.withOffer({ ...t, record: { ...t.record, actions: t.record.actions + 1, sessions } }, now);
      if (next.offer && !t.offer) {
        offered = next.offer;
        this.audit?.append({ type: 'promotion-offer', agent, reason: `${agent} has ${next.record.actions} actions over ${next.record.sessions.length} sessions with no rollback, denial or breached limit since ${next.record.since}`, to: next.offer.to });
      }
      return next;
    });
    return offered;
  }

  /**
   * Demotes by one level (never below 0) because of what the agent did, and restarts its record.
   * At level 0 the incident is still counted (it delays any promotion). With `key` (a rollback's id),
   * an incident already counted is not counted again, so a demotion repeated after a crash is a no-op.
   */
  demote(agent: string, why: 'rollback' | 'denied' | 'limit', detail: string, now = new Date(), key?: string): AgentTrust {
    const cap = this.cap();
    return this.update(agent, (stored) => {
      if (key !== undefined && stored.incidents?.includes(key)) return stored;
      // Demotion is felt from the level the agent works at: the capped one.
      const t = cap !== undefined && stored.level > cap ? { ...stored, level: cap } : stored;
      const incidents = key !== undefined ? { incidents: [...(t.incidents ?? []), key].slice(-100) } : t.incidents ? { incidents: t.incidents } : {};
      const record = { ...t.record, rollbacks: t.record.rollbacks + (why === 'rollback' ? 1 : 0), denied: t.record.denied + (why === 'denied' ? 1 : 0), limitsBreached: t.record.limitsBreached + (why === 'limit' ? 1 : 0) };
      if (t.level === 0) {
        const { offer: _o, ...rest } = t;
        return { ...rest, record, ...incidents };
      }
      const to = (t.level - 1) as TrustLevel;
      const reason = `${why === 'rollback' ? 'a session was rolled back' : why === 'denied' ? 'it attempted a denied action' : 'it breached a limit'}: ${detail}`;
      const change: TrustChange = { time: now.toISOString(), from: t.level, to, reason, by: 'airlock' };
      // With a key, the entry may already be there (written just before a crash cut this update short).
      const logged = key !== undefined && this.audit?.read().some((r) => r.type === 'trust' && r.incident === key);
      if (!logged) this.audit?.append({ type: 'trust', agent, from: t.level, to, reason, decidedBy: 'airlock', ...(key !== undefined ? { incident: key } : {}) });
      return { level: to, record: fresh(now), history: [...t.history, change].slice(-50), ...incidents };
    });
  }

  /** A person sets the level (the CLI's `--set`, the editor's "Set Agent Trust…", accepting an offer). */
  set(agent: string, level: TrustLevel, reason = 'set by a person', now = new Date()): AgentTrust {
    const cap = this.cap();
    if (cap !== undefined && level > cap) throw new TrustCapError(agent, level, cap, cachedLayer().broken);
    return this.update(agent, (t) => {
      if (t.level === level) {
        const { offer: _o, ...rest } = t;
        return rest;
      }
      const change: TrustChange = { time: now.toISOString(), from: t.level, to: level, reason, by: 'person' };
      this.audit?.append({ type: 'trust', agent, from: t.level, to: level, reason, decidedBy: 'person' });
      return { level, record: fresh(now), history: [...t.history, change].slice(-50) };
    });
  }

  /** The person declines an offered promotion; no new offer for a day. */
  decline(agent: string, now = new Date()): void {
    this.update(agent, (t) => {
      const { offer: _o, ...rest } = t;
      this.audit?.append({ type: 'trust', agent, from: t.level, to: t.level, reason: 'the person declined a promotion', decidedBy: 'person' });
      return { ...rest, declined: now.toISOString() };
    });
  }
}

function capped(t: AgentTrust, cap: TrustLevel | undefined): AgentTrust {
  if (cap === undefined) return t;
  const { offer, ...rest } = t;
  const keepOffer = offer && offer.to <= cap ? { offer } : {};
  return t.level >= cap ? { ...rest, ...keepOffer, level: cap, lockedAt: cap } : { ...rest, ...keepOffer };
}

/** One line describing an agent's trust, for the CLI and the status bar. */
export function describeTrust(agent: string, t: AgentTrust, bar: PromotionBar = DEFAULT_PROMOTION_BAR): string {
  const r = t.record;
  const incidents = r.rollbacks + r.denied + r.limitsBreached;
  const progress = t.lockedAt !== undefined ? `held at level ${t.lockedAt} by ${MANAGED_NAME} ("lockTrust")` : t.level >= 3 ? 'highest level' : t.offer ? `promotion to level ${t.offer.to} offered` : incidents > 0 ? `${incidents} incident(s) since ${r.since.slice(0, 10)}: no promotion until a clean record` : `${r.actions}/${bar.actions} actions, ${r.sessions.length}/${bar.sessions} sessions toward level ${t.level + 1}`;
  return `${agent}: level ${t.level} (${TRUST_NAMES[t.level]}); ${progress}`;
}
