/**
 * The shadow history of one workspace (docs/design.md "Shadow history"): checkpoints, agent sessions and
 * their actions, and the API the gate calls around every allowed action:
 * - before an edit, {@link History.beginEdit} saves the current content of the files it will change;
 *   after it, {@link History.endEdit} records what they became;
 * - before a command, {@link History.beginCommand} takes a checkpoint; after it, {@link History.endCommand}
 *   attributes everything that changed meanwhile to that command.
 *
 * Layout of `<workspace data>/history/`: `objects/` (packs), `index.json` (the last scan, a stat cache),
 * `snapshots/` (full listings taken before running commands), `checkpoints/`, `sessions/<id>/`
 * (`meta.json`, `journal.jsonl`), `rollbacks/<id>/` (intent and commit records, see operations.ts),
 * `locks/`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fsyncDir, writeFileAtomic } from '../storage/atomicFile';
import { realPath } from '../storage/realPath';
import { captureState, sameState, type FileState } from './fileState';
import { appendRecord, readJournal, type ActionKind, type FileChange, type JournalRecord } from './journal';
import { acquireLock, acquireLockAsync, lockOwnerWhat, StoreLock, type Lock } from '../storage/lock';
import { ObjectStore } from './objectStore';
import { rolledBackSessions } from './operations';
import { entryState, isIgnored, parseIndex, scanWorkspace, serializeIndex, type Change, type WorkspaceIndex } from './scan';

/** Limits and rules of the history (settings `airlock.history.*`). */
export interface HistoryOptions {
  /** Files larger than this (bytes) are recorded as not restorable. */
  readonly maxFileSize: number;
  /** The most this workspace's history may hold on disk (bytes). */
  readonly maxTotalSize: number;
  /** Ended sessions older than this are removed by garbage collection. */
  readonly retentionDays: number;
  /** Extra ignore patterns (gitignore syntax). */
  readonly ignore: readonly string[];
  /** Honour the workspace's `.gitignore` files. */
  readonly useGitignore: boolean;
}

/** The defaults of {@link HistoryOptions}. */
export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = Object.freeze({
  maxFileSize: 20 * 1024 * 1024,
  maxTotalSize: 2 * 1024 * 1024 * 1024,
  retentionDays: 30,
  ignore: [],
  useGitignore: true,
});

/** Identifies an agent session. */
export interface SessionRef {
  readonly agent: string;
  readonly agentSessionId: string;
}

/** What `airlock checkpoint` reports (docs/cli.md). */
export interface CheckpointInfo {
  readonly checkpoint: string;
  readonly files: number;
  readonly changed: number;
  readonly ms: number;
  /** Files whose content was not kept (too large, unreadable, over the workspace limit). */
  readonly unsaved: readonly string[];
}

/** One session, as `airlock sessions` lists it (docs/cli.md). */
export interface SessionSummary {
  readonly id: string;
  readonly agent: string;
  readonly agentSessionId: string;
  readonly started: string;
  readonly ended: string | null;
  readonly files: number;
  readonly actions: number;
  readonly rolledBack: boolean;
  /** Lines added plus removed over the session (text files), for the sessions view. */
  readonly linesChanged?: number;
}

interface SessionMeta {
  readonly id: string;
  readonly agent: string;
  readonly agentSessionId: string;
  readonly started: number;
}

/** Thrown for a session id that does not name exactly one session. */
export class UnknownSessionError extends Error {}

/** The session id of an agent session: stable, so every hook process of that session finds the same one. */
export function sessionIdFor(ref: SessionRef): string {
  return createHash('sha256').update(`${ref.agent}\0${ref.agentSessionId}`).digest('hex').slice(0, 12);
}

function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** The shadow history of one workspace. */
export class History {
  readonly dir: string;
  readonly objects: ObjectStore;
  readonly storeLock: StoreLock;
  private readonly lockFile: string;
  /** The workspace lock while this object holds it (rollback, undo and recovery nest inside one another). */
  private held: { lock: Lock; depth: number } | undefined;
  private cachedIndex: { stamp: string; index: WorkspaceIndex } | undefined;
  /** Snapshots of the commands this object began, so that ending them need not read them back. */
  private readonly openSnapshots = new Map<string, WorkspaceIndex>();

  readonly workspace: string;

  constructor(
    dataDir: string,
    workspace: string,
    readonly options: HistoryOptions = DEFAULT_HISTORY_OPTIONS,
  ) {
    // Paths are recorded relative to the workspace's real path, however the workspace was opened.
    this.workspace = realPath(workspace);
    this.dir = join(dataDir, 'history');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.objects = new ObjectStore(join(this.dir, 'objects'));
    this.storeLock = new StoreLock(join(this.dir, 'locks'));
    this.lockFile = join(this.dir, 'locks', 'workspace.lock');
  }

  // -------------------------------------------------------------------------------------------------------
  // Paths

  /** The journal path of `p`: workspace-relative with `/` when inside, absolute otherwise. */
  relPath(p: string): string {
    const abs = isAbsolute(p) ? p : join(this.workspace, p);
    const rel = relative(this.workspace, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return abs;
    return rel.split(sep).join('/');
  }

  /** The absolute path of a journal path. */
  absPath(p: string): string {
    return isAbsolute(p) ? p : join(this.workspace, ...p.split('/'));
  }

  /**
   * Takes the workspace lock (one checkpoint, rollback, undo or recovery at a time). Re-entrant for
   * this object, so a rollback can finish an interrupted one under the same lock.
   */
  lockWorkspace(what: string): Lock {
    if (this.held) this.held.depth++;
    else this.held = { lock: acquireLock(this.lockFile, { what, timeoutMs: 120_000 }), depth: 1 };
    let released = false;
    return {
      release: () => {
        if (released || !this.held) return;
        released = true;
        if (--this.held.depth === 0) {
          const { lock } = this.held;
          this.held = undefined;
          lock.release();
        }
      },
    };
  }

  // -------------------------------------------------------------------------------------------------------
  // Index and checkpoints

  /**
   * The last scan (the stat cache). A long-lived process (the gate in the editor) keeps it in memory and
   * re-reads it only when another process wrote a newer one. A missing or damaged index only costs a
   * full re-read of the workspace.
   */
  readIndex(): WorkspaceIndex | undefined {
    const file = join(this.dir, 'index.json');
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return undefined;
    }
    if (this.cachedIndex && this.cachedIndex.stamp === stamp) return this.cachedIndex.index;
    const index = readIndexFile(file);
    this.cachedIndex = index ? { stamp, index } : undefined;
    return index;
  }

  /**
   * Writes the index file (atomically). It is a cache: a power cut that loses it costs one full re-read,
   * so it is flushed to disk only when it also serves as a command's snapshot (`durable`).
   */
  private writeIndex(index: WorkspaceIndex, durable: boolean): void {
    const file = join(this.dir, 'index.json');
    writeFileAtomic(file, serializeIndex(index), { fsync: durable });
    try {
      const st = statSync(file);
      this.cachedIndex = { stamp: `${st.mtimeMs}:${st.size}:${st.ino}`, index };
    } catch {
      this.cachedIndex = undefined;
    }
  }

  /** Bytes the history may still add before it reaches its limit. */
  private quotaLeft(): number {
    return Math.max(0, this.options.maxTotalSize - this.objects.diskUsage());
  }

  /**
   * Scans the workspace under the workspace lock, saving new content; returns the scan and the new index.
   * With `snapshot`, also keeps the new index under that name (a command's snapshot): the index file is
   * written whole and never changed afterwards, so a hard link to it is the snapshot, at no cost.
   */
  private async scan(snapshot?: string): Promise<{ index: WorkspaceIndex; changes: readonly Change[]; files: number; unsaved: readonly string[]; first: boolean }> {
    const lock = await acquireLockAsync(this.lockFile, { what: 'a checkpoint', timeoutMs: 120_000 });
    const writer = this.storeLock.writer();
    try {
      const previous = this.readIndex();
      const pack = this.objects.writer();
      try {
        const result = await scanWorkspace(this.workspace, previous, pack, { ...this.options, maxNewBytes: this.quotaLeft() });
        pack.commit();
        // Nothing changed and nothing was re-read: the index on disk is still exact (a snapshot needs the
        // scan's own time, so it is written anyway).
        if (snapshot || !previous || result.changes.length > 0 || result.read > 0 || result.files !== Object.keys(previous.files).length || (result.index.dirs ?? []).join('\n') !== (previous.dirs ?? []).join('\n')) {
          this.writeIndex(result.index, snapshot !== undefined);
        }
        if (snapshot) this.keepSnapshot(snapshot, result.index);
        return { index: result.index, changes: result.changes, files: result.files, unsaved: result.unsaved, first: previous === undefined };
      } catch (e) {
        pack.abort();
        throw e;
      }
    } finally {
      writer.release();
      lock.release();
    }
  }

  /** Keeps `index` (just written as the index file, under the workspace lock) as snapshot `name`. */
  private keepSnapshot(name: string, index: WorkspaceIndex): void {
    const file = join(this.dir, 'snapshots', `${name}.json`);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      linkSync(join(this.dir, 'index.json'), file);
      fsyncDir(dirname(file));
    } catch {
      // No hard links on this file system: write it out.
      writeFileAtomic(file, serializeIndex(index));
    }
    this.openSnapshots.set(name, index);
    // Commands that never ended (their agent went away) are read back from disk if they ever end.
    if (this.openSnapshots.size > 16) this.openSnapshots.delete(this.openSnapshots.keys().next().value!);
  }

  /** Records the current state of the workspace (incremental). */
  async checkpoint(): Promise<CheckpointInfo> {
    const t0 = Date.now();
    const { index, changes, files, unsaved, first } = await this.scan();
    const id = newId('cp');
    const record = { id, time: index.time, files, changed: first ? files : changes.length, first, changes: first ? [] : changes };
    writeFileAtomic(join(this.dir, 'checkpoints', `${id}.json.gz`), gzipSync(JSON.stringify(record), { level: 1 }));
    return { checkpoint: id, files, changed: record.changed, ms: Date.now() - t0, unsaved };
  }

  // -------------------------------------------------------------------------------------------------------
  // Sessions

  private sessionDir(id: string): string {
    return join(this.dir, 'sessions', id);
  }

  private journalFile(id: string): string {
    return join(this.sessionDir(id), 'journal.jsonl');
  }

  /** The session of an agent session, created on first use. */
  session(ref: SessionRef): string {
    const id = sessionIdFor(ref);
    const metaFile = join(this.sessionDir(id), 'meta.json');
    if (!existsSync(metaFile)) {
      mkdirSync(this.sessionDir(id), { recursive: true, mode: 0o700 });
      const meta: SessionMeta = { id, agent: ref.agent, agentSessionId: ref.agentSessionId, started: Date.now() };
      try {
        // The first process of a session writes its meta; the others find it.
        writeFileAtomicExclusive(metaFile, JSON.stringify(meta));
      } catch {
        // written by a concurrent hook of the same session
      }
    }
    return id;
  }

  private append(sessionId: string, record: JournalRecord): void {
    appendRecord(this.journalFile(sessionId), record);
  }

  /**
   * Before an allowed edit (or create, delete, rename): saves the current state of each path.
   * Returns the action id to pass to {@link endEdit}.
   */
  beginEdit(ref: SessionRef, action: { kind: Exclude<ActionKind, 'command'>; paths: readonly string[]; tool?: string; decision?: { action: string; source: string; reason: string }; lines?: number }): string {
    const sessionId = this.session(ref);
    const id = newId('a');
    const writer = this.storeLock.writer();
    try {
      const pack = this.objects.writer();
      const files: FileChange[] = [];
      const newDirs = new Set<string>();
      for (const p of action.paths) {
        const abs = this.actualPath(p, action.kind);
        const rel = this.relPath(abs);
        files.push({ path: rel, before: captureState(abs, pack, this.options) });
        for (const d of this.missingDirs(abs)) newDirs.add(d);
      }
      pack.commit();
      this.append(sessionId, {
        t: 'begin',
        id,
        time: Date.now(),
        kind: action.kind,
        paths: files.map((f) => f.path),
        files,
        ...(newDirs.size > 0 ? { newDirs: [...newDirs] } : {}),
        ...(action.tool ? { tool: action.tool } : {}),
        ...(action.decision ? { decision: action.decision } : {}),
        ...(action.lines !== undefined ? { lines: action.lines } : {}),
      });
    } finally {
      writer.release();
    }
    return id;
  }

  /**
   * The file an action really changes. Writing through a symlink changes its target, so edits and
   * creates follow the link; deleting or renaming acts on the link itself, so only its folder is resolved.
   */
  private actualPath(p: string, kind: ActionKind): string {
    const abs = isAbsolute(p) ? p : join(this.workspace, p);
    if (kind === 'delete' || kind === 'rename') return join(realPath(dirname(abs)), basename(abs));
    return realPath(abs);
  }

  /** After the edit: records what each path became. */
  endEdit(ref: SessionRef, actionId: string, paths: readonly string[], ok = true, kind: ActionKind = 'edit'): void {
    const sessionId = this.session(ref);
    const writer = this.storeLock.writer();
    try {
      const pack = this.objects.writer();
      const files = paths.map((p) => {
        const abs = this.actualPath(p, kind);
        return { path: this.relPath(abs), after: captureState(abs, pack, this.options) };
      });
      pack.commit();
      this.append(sessionId, { t: 'end', id: actionId, time: Date.now(), ok, files });
    } finally {
      writer.release();
    }
  }

  /** Folders above `abs` (inside the workspace) that do not exist yet, outermost first. */
  private missingDirs(abs: string): string[] {
    const out: string[] = [];
    let dir = dirname(abs);
    while (dir !== this.workspace && dir.startsWith(this.workspace + sep)) {
      try {
        lstatSync(dir);
        break;
      } catch {
        out.unshift(this.relPath(dir));
      }
      dir = dirname(dir);
    }
    return out;
  }

  /**
   * Records an edit the agent only reported after it happened (Cursor's `afterFileEdit`), with the
   * content it had before, as reconstructed by the caller.
   */
  recordAfterTheFact(ref: SessionRef, path: string, before: string, tool: string): void {
    const sessionId = this.session(ref);
    const id = newId('a');
    const abs = this.actualPath(path, 'edit');
    const writer = this.storeLock.writer();
    try {
      const pack = this.objects.writer();
      const st = statSync(abs);
      const beforeState: FileState = { type: 'file', hash: pack.add(Buffer.from(before)), size: Buffer.byteLength(before), mode: st.mode & 0o7777 };
      const after = captureState(abs, pack, this.options);
      pack.commit();
      const rel = this.relPath(abs);
      const time = Date.now();
      this.append(sessionId, { t: 'begin', id, time, kind: 'edit', paths: [rel], files: [{ path: rel, before: beforeState }], tool });
      this.append(sessionId, { t: 'end', id, time, ok: true, files: [{ path: rel, after }] });
    } finally {
      writer.release();
    }
  }

  /** Before an allowed command: takes a checkpoint and keeps it as this command's snapshot. */
  async beginCommand(ref: SessionRef, action: { command: string; cwd?: string; tool?: string; decision?: { action: string; source: string; reason: string } }): Promise<string> {
    const sessionId = this.session(ref);
    const id = newId('a');
    await this.takeCommandSlot(id);
    const snapshot = id;
    await this.scan(snapshot);
    this.append(sessionId, {
      t: 'begin',
      id,
      time: Date.now(),
      kind: 'command',
      paths: [],
      command: action.command,
      snapshot,
      ...(action.cwd ? { cwd: action.cwd } : {}),
      ...(action.tool ? { tool: action.tool } : {}),
      ...(action.decision ? { decision: action.decision } : {}),
    });
    return id;
  }

  /** After the command: scans again and attributes every change since its snapshot to it. */
  async endCommand(ref: SessionRef, actionId: string, ok = true): Promise<readonly FileChange[]> {
    const sessionId = this.session(ref);
    const snapshotFile = join(this.dir, 'snapshots', `${actionId}.json`);
    // The copy in memory stands for the file only while the file exists: garbage collection removes the
    // snapshots of commands that never ended (and stops keeping their content) after a day.
    const kept = this.openSnapshots.get(actionId);
    this.openSnapshots.delete(actionId);
    const before = kept && existsSync(snapshotFile) ? kept : readIndexFile(snapshotFile);
    const { index } = await this.scan();
    const files: FileChange[] = [];
    let newDirs: string[] = [];
    let removedDirs: string[] = [];
    if (before) {
      const paths = new Set([...Object.keys(before.files), ...Object.keys(index.files)]);
      for (const p of [...paths].sort()) {
        const b = entryState(before.files[p]);
        const a = entryState(index.files[p]);
        if (!sameState(b, a)) files.push({ path: p, before: b, after: a });
      }
      const beforeDirs = new Set(before.dirs ?? []);
      const afterDirs = this.listDirs(index);
      newDirs = afterDirs.filter((d) => !beforeDirs.has(d));
      const afterSet = new Set(afterDirs);
      removedDirs = [...beforeDirs].filter((d) => !afterSet.has(d));
    }
    // Files other sessions' edit tools touched while this command ran are theirs, not this command's
    // (their own journals record them; counting them here too would roll them back twice).
    const theirs = this.pathsEditedByOthers(sessionId, this.snapshotTime(before));
    const own = files.filter((f) => !theirs.has(f.path));
    files.length = 0;
    files.push(...own);
    const overlapping = this.otherSnapshots(actionId);
    this.append(sessionId, {
      t: 'end',
      id: actionId,
      time: Date.now(),
      ok: ok && before !== undefined,
      files,
      ...(newDirs.length ? { newDirs } : {}),
      ...(removedDirs.length ? { removedDirs } : {}),
      ...(overlapping ? { overlapping: true } : {}),
    });
    rmSync(snapshotFile, { force: true });
    this.releaseCommandSlot(actionId);
    return files;
  }

  /**
   * Commands of different sessions in one workspace run one at a time for a moment: a command waits up
   * to 3 s for another to finish, so that every change is attributed to the command that made it. A
   * command running longer than a minute (a dev server) no longer holds others back; changes made while
   * two commands ran at once are flagged, and a rollback leaves them for the person to decide.
   */
  private async takeCommandSlot(actionId: string): Promise<void> {
    try {
      await acquireLockAsync(join(this.dir, 'locks', 'command.lock'), { what: actionId, timeoutMs: 3000, staleMs: 60_000, checkPid: false });
    } catch {
      // Another command is still running: go ahead; the overlap is flagged when this one ends.
    }
  }

  private releaseCommandSlot(actionId: string): void {
    const file = join(this.dir, 'locks', 'command.lock');
    if (lockOwnerWhat(file) === actionId) rmSync(file, { force: true });
  }

  private snapshotTime(snapshot: WorkspaceIndex | undefined): number {
    return snapshot?.time ?? Date.now();
  }

  /** Paths that edit tools of other sessions began or finished changing since `since`. */
  private pathsEditedByOthers(sessionId: string, since: number): Set<string> {
    const out = new Set<string>();
    for (const id of readdirSafe(join(this.dir, 'sessions'))) {
      if (id === sessionId) continue;
      try {
        if (statSync(this.journalFile(id)).mtimeMs < since - 1000) continue;
      } catch {
        continue;
      }
      const { records } = this.records(id);
      const edits = new Map<string, Extract<JournalRecord, { t: 'begin' }>>();
      const ended = new Set<string>();
      for (const r of records) {
        if (r.t === 'begin' && r.kind !== 'command') {
          edits.set(r.id, r);
          if (r.time >= since) for (const f of r.files ?? []) out.add(f.path);
        } else if (r.t === 'end' && edits.has(r.id)) {
          ended.add(r.id);
          if (r.time >= since) for (const f of r.files) out.add(f.path);
        }
      }
      // An edit that began before this command and has not finished yet may be writing right now.
      for (const [aid, b] of edits) if (!ended.has(aid) && Date.now() - b.time < 10 * 60_000) for (const f of b.files ?? []) out.add(f.path);
    }
    return out;
  }

  /** True when another command's snapshot is open (it ran at the same time as this one). */
  private otherSnapshots(actionId: string): boolean {
    try {
      // A snapshot left open for more than 10 minutes belongs to a hook that never reported back, not to a running command.
      return readdirSync(join(this.dir, 'snapshots')).some((f) => f !== `${actionId}.json` && f.endsWith('.json') && Date.now() - statSync(join(this.dir, 'snapshots', f)).mtimeMs < 10 * 60_000);
    } catch {
      return false;
    }
  }

  /** Every folder the scan saw (older indexes without a folder list: the folders holding files). */
  private listDirs(index: WorkspaceIndex): string[] {
    if (index.dirs) return [...index.dirs];
    const dirs = new Set<string>();
    for (const p of Object.keys(index.files)) {
      let i = p.lastIndexOf('/');
      while (i > 0) {
        const d = p.slice(0, i);
        if (dirs.has(d)) break;
        dirs.add(d);
        i = d.lastIndexOf('/');
      }
    }
    return [...dirs].sort();
  }

  /** Marks a session as ended. */
  endSession(ref: SessionRef): void {
    const id = sessionIdFor(ref);
    if (existsSync(this.sessionDir(id))) this.append(id, { t: 'session-end', time: Date.now() });
  }

  /** The records of a session's journal, and where damaged lines were skipped. */
  records(sessionId: string): { records: JournalRecord[]; damaged: number; damagedAt: number[] } {
    return readJournal(this.journalFile(sessionId));
  }

  /** The sessions rolled back now, derived from committed rollback records alone. */
  rolledBackSessions(): Set<string> {
    return rolledBackSessions(this.dir);
  }

  private meta(id: string): SessionMeta | undefined {
    try {
      return JSON.parse(readFileSync(join(this.sessionDir(id), 'meta.json'), 'utf8')) as SessionMeta;
    } catch {
      return undefined;
    }
  }

  /** Every session, newest first. */
  sessions(): SessionSummary[] {
    let ids: string[];
    try {
      ids = readdirSync(join(this.dir, 'sessions'));
    } catch {
      return [];
    }
    const out: SessionSummary[] = [];
    const rolledBack = this.rolledBackSessions();
    for (const id of ids) {
      // Dot folders are sessions being removed by garbage collection.
      if (id.startsWith('.')) continue;
      const meta = this.meta(id);
      if (!meta) continue;
      out.push(this.summarize(meta, rolledBack.has(id)));
    }
    return out.sort((a, b) => (a.started < b.started ? 1 : a.started > b.started ? -1 : a.id < b.id ? 1 : -1));
  }

  private summarize(meta: SessionMeta, rolledBack: boolean): SessionSummary {
    const { records } = this.records(meta.id);
    const files = new Set<string>();
    let actions = 0;
    let lines = 0;
    let ended: number | null = null;
    let last = meta.started;
    for (const r of records) {
      last = Math.max(last, r.time);
      if (r.t === 'begin') {
        actions++;
        lines += r.lines ?? 0;
        for (const f of r.files ?? []) files.add(f.path);
      } else if (r.t === 'end') {
        for (const f of r.files) files.add(f.path);
      } else if (r.t === 'session-end') ended = r.time;
      // 'rolled-back' and 'rollback-undone' records of earlier versions are not trusted: the state is
      // derived from the committed rollback records.
    }
    return {
      id: meta.id,
      agent: meta.agent,
      agentSessionId: meta.agentSessionId,
      started: new Date(meta.started).toISOString(),
      ended: ended === null ? null : new Date(ended).toISOString(),
      files: files.size,
      actions,
      rolledBack,
      linesChanged: lines,
    };
  }

  /** What a session has used of its limits so far (files, lines, commands, recent actions). */
  usage(ref: SessionRef, now = Date.now()): { files: Set<string>; changedLines: number; commands: number; recentActions: number[]; recentCommands: number[] } {
    const id = sessionIdFor(ref);
    const files = new Set<string>();
    let changedLines = 0;
    let commands = 0;
    const recentActions: number[] = [];
    const recentCommands: number[] = [];
    for (const r of this.records(id).records) {
      if (r.t === 'begin') {
        if (now - r.time < 60_000) recentActions.push(r.time);
        if (r.kind === 'command') {
          commands++;
          if (now - r.time < 60_000) recentCommands.push(r.time);
        }
        changedLines += r.lines ?? 0;
        for (const f of r.files ?? []) files.add(f.path);
      } else if (r.t === 'end') {
        for (const f of r.files) files.add(f.path);
      }
    }
    return { files, changedLines, commands, recentActions, recentCommands };
  }

  /** Finds a session by id or unique id prefix. */
  resolveSession(idOrPrefix: string): SessionSummary {
    const all = this.sessions();
    const exact = all.find((s) => s.id === idOrPrefix);
    if (exact) return exact;
    const matches = all.filter((s) => s.id.startsWith(idOrPrefix) || s.agentSessionId === idOrPrefix);
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw new UnknownSessionError(`No session ${JSON.stringify(idOrPrefix)}; \`airlock sessions\` lists them.`);
    throw new UnknownSessionError(`${JSON.stringify(idOrPrefix)} matches ${matches.length} sessions; give more of the id.`);
  }

  /** True when `rel` is excluded from scans (changes made there by commands are not recorded). */
  isIgnored(rel: string): boolean {
    return isIgnored(this.workspace, rel, this.options);
  }

  /** The last file state of every path a session recorded, for views. */
  lastState(sessionId: string, path: string): FileState | undefined {
    const { records } = this.records(sessionId);
    let state: FileState | undefined;
    for (const r of records) {
      if (r.t !== 'begin' && r.t !== 'end') continue;
      for (const f of r.files ?? []) if (f.path === path && f.after) state = f.after;
    }
    return state;
  }
}

function readIndexFile(file: string): WorkspaceIndex | undefined {
  try {
    return parseIndex(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function writeFileAtomicExclusive(file: string, data: string): void {
  if (existsSync(file)) throw new Error('exists');
  writeFileAtomic(file, data);
}
