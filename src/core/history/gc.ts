/**
 * Retention and garbage collection (`airlock gc`). Removes ended sessions older than the retention
 * period (and, while the history is over its size limit, the oldest ended sessions), stale snapshots of
 * commands that never finished, and old checkpoint and rollback records; then repacks, keeping every
 * object still needed by the current index, a remaining session, an open command, or an undo.
 * Runs under the collector lock: no hook is recording while objects are removed. With `repack`, every
 * pack is rewritten at a higher compression level (like `git gc` packing loose objects).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FileState } from './fileState';
import { REPACK_LEVEL } from './objectStore';
import type { History } from './history';
import type { JournalRecord } from './journal';
import { faultPoint } from './faults';
import { operationsDir, readOperations } from './operations';
import { recoverInterrupted } from './rollback';
import { parseIndex, type WorkspaceIndex } from './scan';

/** What a collection removed. */
export interface GcReport {
  readonly dryRun: boolean;
  readonly sessionsRemoved: readonly string[];
  readonly snapshotsRemoved: number;
  readonly checkpointsRemoved: number;
  readonly rollbacksRemoved: number;
  readonly objectsBefore: number;
  readonly objectsAfter: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Objects that failed verification while repacking (they were unusable anyway). */
  readonly corrupt: readonly string[];
  /** Packs whose damaged index was rebuilt from the pack itself. */
  readonly indexesRebuilt: readonly { pack: string; objects: number; dropped: number }[];
}

const DAY = 24 * 3600_000;
/** A session with no end record and activity in the last day is live: never collected. */
const LIVE_MS = DAY;

function hashesOf(state: FileState | undefined, into: Set<string>): void {
  if (state && state.type === 'file' && 'hash' in state) into.add(state.hash);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Removes a folder in two steps: an atomic rename to a dot name (after which nothing reads it as a
 * session or a record), then the removal, which the next collection finishes if it is interrupted.
 */
function removeDir(parent: string, name: string): void {
  const trash = join(parent, `.trash-${name}-${randomBytes(3).toString('hex')}`);
  faultPoint('gc:trash');
  try {
    renameSync(join(parent, name), trash);
  } catch {
    return; // already gone
  }
  faultPoint('gc:rm-trash');
  rmSync(trash, { recursive: true, force: true });
}

function emptyTrash(parent: string): void {
  for (const name of listDir(parent)) {
    if (!name.startsWith('.trash-')) continue;
    faultPoint('gc:rm-trash');
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function ageMs(file: string, now: number): number {
  try {
    return now - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Collects garbage in one workspace's history. */
export function collectGarbage(history: History, options: { dryRun?: boolean; now?: number; repack?: boolean } = {}): GcReport {
  const now = options.now ?? Date.now();
  const dryRun = options.dryRun === true;
  const retention = history.options.retentionDays * DAY;
  const workspaceLock = history.lockWorkspace('garbage collection');
  const collector = dryRun ? undefined : history.storeLock.collector();
  try {
    const sessionsDir = join(history.dir, 'sessions');
    const indexesRebuilt: { pack: string; objects: number; dropped: number }[] = [];
    if (!dryRun) {
      recoverInterrupted(history);
      emptyTrash(sessionsDir);
      emptyTrash(operationsDir(history.dir));
      // A damaged pack index is rebuilt from its pack (every object verified) before anything is collected.
      for (const { pack } of history.objects.damagedIndexes()) {
        try {
          indexesRebuilt.push({ pack, ...history.objects.rebuildIndex(pack) });
        } catch {
          // the pack itself is unreadable: it stays, reported by `airlock doctor`
        }
      }
    }
    const objectsBefore = history.objects.count();
    const bytesBefore = history.objects.diskUsage();

    // Sessions: age, liveness, and the objects each one holds.
    const sessions = listDir(sessionsDir).filter((id) => !id.startsWith('.')).map((id) => {
      const { records } = history.records(id);
      let last = 0;
      let ended = false;
      const objects = new Set<string>();
      for (const r of records as JournalRecord[]) {
        last = Math.max(last, r.time);
        if (r.t === 'session-end') ended = true;
        if (r.t === 'begin' || r.t === 'end') {
          for (const f of r.files ?? []) {
            hashesOf(f.before, objects);
            hashesOf(f.after, objects);
          }
        }
      }
      if (last === 0) last = now - ageMs(join(sessionsDir, id), now);
      const live = !ended && now - last < LIVE_MS;
      return { id, last, live, objects };
    });
    const removed = new Set<string>();
    for (const s of sessions) if (!s.live && now - s.last > retention) removed.add(s.id);

    // Over the size limit: drop the oldest ended sessions until what remains fits.
    const sizes = objectSizes(history);
    const liveBytes = (): number => {
      const keep = new Set<string>();
      for (const s of sessions) if (!removed.has(s.id)) for (const h of s.objects) keep.add(h);
      let total = 0;
      for (const h of keep) total += sizes.get(h) ?? 0;
      return total;
    };
    const candidates = sessions.filter((s) => !s.live && !removed.has(s.id)).sort((a, b) => a.last - b.last);
    while (candidates.length > 0 && liveBytes() > history.options.maxTotalSize * 0.9) removed.add(candidates.shift()!.id);

    // Snapshots of commands that never finished, old checkpoint and rollback records.
    const snapshotsDir = join(history.dir, 'snapshots');
    const staleSnapshots = listDir(snapshotsDir).filter((f) => ageMs(join(snapshotsDir, f), now) > DAY);
    const checkpointsDir = join(history.dir, 'checkpoints');
    const oldCheckpoints = listDir(checkpointsDir).filter((f) => ageMs(join(checkpointsDir, f), now) > retention);
    const { operations } = readOperations(history.dir, { intents: true });
    // A rollback record stays as long as its session does: its undo data is what undo-rollback needs.
    // One that is not committed, or whose audit entry is still owed, always stays.
    const present = new Set(sessions.map((x) => x.id));
    const oldRollbacks = operations.filter((r) => r.commit && (r.accounted || r.legacy) && (removed.has(r.session) || (!present.has(r.session) && now - r.time > retention)));

    if (dryRun) {
      return {
        dryRun,
        sessionsRemoved: [...removed],
        snapshotsRemoved: staleSnapshots.length,
        checkpointsRemoved: oldCheckpoints.length,
        rollbacksRemoved: oldRollbacks.length,
        objectsBefore,
        objectsAfter: objectsBefore,
        bytesBefore,
        bytesAfter: bytesBefore,
        corrupt: [],
        indexesRebuilt: [],
      };
    }

    // Each removal is one atomic step, and repeatable: a collection cut short is finished by the next.
    for (const id of removed) removeDir(sessionsDir, id);
    for (const f of staleSnapshots) {
      faultPoint('gc:snapshot');
      rmSync(join(snapshotsDir, f), { force: true });
    }
    for (const f of oldCheckpoints) {
      faultPoint('gc:checkpoint');
      rmSync(join(checkpointsDir, f), { force: true });
    }
    for (const r of oldRollbacks) {
      if (r.legacy) {
        faultPoint('gc:rollback-record');
        rmSync(join(operationsDir(history.dir), `${r.id}.json`), { force: true });
      } else removeDir(operationsDir(history.dir), r.id);
    }

    // Everything still needed.
    const live = new Set<string>();
    for (const s of sessions) if (!removed.has(s.id)) for (const h of s.objects) live.add(h);
    for (const r of operations) {
      if (oldRollbacks.includes(r)) continue;
      for (const step of r.intent?.steps ?? []) {
        hashesOf(step.target, live);
        hashesOf(step.undo, live);
      }
    }
    const addIndex = (index: WorkspaceIndex | undefined): void => {
      for (const e of Object.values(index?.files ?? {})) if (e.h) live.add(e.h);
    };
    addIndex(history.readIndex());
    for (const f of listDir(snapshotsDir)) {
      try {
        addIndex(parseIndex(readFileSync(join(snapshotsDir, f), 'utf8')));
      } catch {
        // a damaged snapshot holds nothing to keep
      }
    }
    for (const f of listDir(checkpointsDir)) {
      const cp = readGz<{ changes?: { before?: FileState; after?: FileState }[] }>(join(checkpointsDir, f));
      for (const c of cp?.changes ?? []) {
        hashesOf(c.before, live);
        hashesOf(c.after, live);
      }
    }

    const corrupt = repack(history, live, options.repack === true);
    history.objects.removeUnpublished(3600_000);
    return {
      dryRun,
      sessionsRemoved: [...removed],
      snapshotsRemoved: staleSnapshots.length,
      checkpointsRemoved: oldCheckpoints.length,
      rollbacksRemoved: oldRollbacks.length,
      objectsBefore,
      objectsAfter: history.objects.count(),
      bytesBefore,
      bytesAfter: history.objects.diskUsage(),
      corrupt,
      indexesRebuilt,
    };
  } finally {
    collector?.release();
    workspaceLock.release();
  }
}

function readGz<T>(file: string): T | undefined {
  try {
    const buf = readFileSync(file);
    return JSON.parse((file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

function objectSizes(history: History): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const pack of history.objects.packs()) {
    let size = 0;
    try {
      size = statSync(join(history.objects.dir, 'packs', `${pack}.pack`)).size;
    } catch {
      continue;
    }
    const objects = history.objects.packObjects(pack);
    for (const h of objects) sizes.set(h, size / Math.max(1, objects.length));
  }
  return sizes;
}

/**
 * Rewrites the packs so that only live objects remain: packs that are entirely live and not small stay
 * as they are; the live objects of the others are copied (verified) into one new pack, then the old
 * packs are removed.
 */
function repack(history: History, live: ReadonlySet<string>, all: boolean): string[] {
  const packs = history.objects.packs();
  const SMALL = 1024 * 1024;
  const rewrite: string[] = [];
  for (const pack of packs) {
    const objects = history.objects.packObjects(pack);
    const allLive = objects.every((h) => live.has(h));
    let size = 0;
    try {
      size = statSync(join(history.objects.dir, 'packs', `${pack}.pack`)).size;
    } catch {
      size = 0;
    }
    if (all || !allLive || (size < SMALL && packs.length > 8)) rewrite.push(pack);
  }
  if (rewrite.length === 0) return [];
  const corrupt: string[] = [];
  // A full repack recompresses at git's pack level: smaller, slower, and done rarely.
  const writer = history.objects.writer(all ? REPACK_LEVEL : undefined);
  const copied = new Set<string>();
  for (const pack of rewrite) {
    for (const h of history.objects.packObjects(pack)) {
      if (!live.has(h) || copied.has(h)) continue;
      try {
        const data = history.objects.read(h);
        writer.add(data, true);
        copied.add(h);
      } catch {
        corrupt.push(h);
      }
    }
  }
  // The new pack is published before any old one goes, so a live object is always somewhere.
  faultPoint('gc:pack');
  writer.commit();
  for (const pack of rewrite) history.objects.removePack(pack);
  return corrupt;
}
