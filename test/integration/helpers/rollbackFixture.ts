/**
 * A workspace with one recorded agent session, copied afresh for every kill: the shared ground of the
 * fault-point sweeps (test/integration/history/crash.test.ts) and the random-kill loop (test/stress).
 *
 * The session changes every kind of thing a rollback puts back: file contents, a mode, a created
 * symlink, created files in a created folder, a deleted file, a removed folder with a file in it.
 * The agent starts at trust level 2, so one demotion (to 1) is visible.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog, type AuditRecord } from '../../../src/core/audit/auditLog';
import { workspaceDataDir } from '../../../src/core/dataDir';
import { History } from '../../../src/core/history/history';
import { TrustStore } from '../../../src/core/trust/trustStore';
import { main } from '../../../src/main';
import { snapshotTree } from '../../unit/helpers/treeSnapshot';
import { CLI } from './cli';

/** The file a person edits right after each kill. */
export const PERSON_FILE = 'd/f1.txt';
export const PERSON_CONTENT = "the person's edit, made after the crash\n";

/** One copy of the fixture: a workspace and Airlock's data for it. */
export interface Copy {
  readonly ws: string;
  /** AIRLOCK_HOME. */
  readonly home: string;
  /** This workspace's data folder. */
  readonly data: string;
}

/** The fixture as built once. */
export interface Fixture extends Copy {
  readonly beforeTree: Record<string, string>;
  readonly afterTree: Record<string, string>;
  readonly sessionId: string;
}

const TEMP = /(^|\/)\.[^/]+\.\d+\.[0-9a-f]{8}\.tmp$/;

/** Builds the fixture in `dir`. */
export async function buildFixture(dir: string): Promise<Fixture> {
  const ws = join(dir, 'ws');
  const home = join(dir, 'home');
  mkdirSync(join(ws, 'd'), { recursive: true });
  mkdirSync(join(ws, 'olddir'), { recursive: true });
  for (let i = 0; i < 4; i++) writeFileSync(join(ws, 'd', `f${i}.txt`), `original ${i}\n`.repeat(1 + i));
  writeFileSync(join(ws, 'gone.txt'), 'deleted by the session\n');
  writeFileSync(join(ws, 'olddir', 'x.txt'), 'in a folder the session removes\n');
  writeFileSync(join(ws, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(ws, 'run.sh'), 0o755);
  writeFileSync(join(ws, 'keep.txt'), 'nobody touches this\n');
  const data = workspaceDataDir(home, ws);
  const h = new History(data, ws);
  await h.checkpoint();
  new TrustStore(data, new AuditLog(data)).set('claude', 2);
  const beforeTree = snapshotTree(ws);
  const ref = { agent: 'claude', agentSessionId: 'kill-session' };
  const script = 'for f in d/f*.txt; do printf "changed $f\\n" >> "$f"; done; rm gone.txt; rm -r olddir; chmod -x run.sh; ln -s keep.txt link; mkdir -p made/deep && echo one > made/n1.txt && echo two > made/deep/n2.txt';
  const id = await h.beginCommand(ref, { command: script });
  execFileSync('/bin/sh', ['-c', script], { cwd: ws });
  await h.endCommand(ref, id);
  h.endSession(ref);
  return { ws, home, data, beforeTree, afterTree: snapshotTree(ws), sessionId: h.sessions()[0]!.id };
}

let copies = 0;

/** A fresh copy of `from` (workspace and data) under `dir`, with the data where Airlock looks for it. */
export function copyOf(from: Copy, dir: string): Copy {
  const target = join(dir, `c${copies++}`);
  mkdirSync(target, { recursive: true });
  const ws = join(target, 'ws');
  const home = join(target, 'home');
  cpSync(from.ws, ws, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  cpSync(from.home, home, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  // The data folder is keyed by the workspace's real path; journals hold workspace-relative paths.
  const data = workspaceDataDir(home, ws);
  renameSync(join(home, from.data.slice(from.home.length + 1)), data);
  return { ws, home, data };
}

/** Runs the command line in this process (the same code as `airlock`), for the commands after a kill. */
export async function cli(copy: Copy, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  process.env.AIRLOCK_HOME = copy.home;
  const code = await main([...args, '--workspace', copy.ws], { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** Runs `airlock ARGS` as a real process; with `fault`, it must die of SIGKILL at that point. Returns the signal. */
export function runChild(copy: Copy, args: readonly string[], env: Record<string, string> = {}, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--workspace', copy.ws], { cwd: copy.ws, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: copy.home, AIRLOCK_HOME: copy.home, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), killAfterMs) : undefined;
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

/** The fault points a run passes, in order, as `NAME:N` (N-th passage of NAME). */
export async function tracePoints(copy: Copy, args: readonly string[], traceFile: string): Promise<string[]> {
  const r = await runChild(copy, args, { AIRLOCK_FAULT_TRACE: traceFile });
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  const seen = new Map<string, number>();
  return readFileSync(traceFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((name) => {
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      return `${name}:${n}`;
    });
}

/**
 * The points to kill at: every one with `all` (the stress run), else the first and the last passage
 * of each distinct point (npm test), which covers every kind of write at both ends of the run.
 */
export function pick(points: readonly string[], all: boolean): string[] {
  if (all) return [...points];
  const byName = new Map<string, string[]>();
  for (const p of points) {
    const name = p.slice(0, p.lastIndexOf(':'));
    byName.set(name, [...(byName.get(name) ?? []), p]);
  }
  return [...byName.values()].flatMap((list) => [...new Set([list[0]!, list[list.length - 1]!])]);
}

/** The tree without Airlock's temporary files. */
export function treeWithoutTemps(ws: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotTree(ws)).filter(([p]) => !TEMP.test(p)));
}

/**
 * After a kill: every path holds its content before or after the session (or is absent where one of
 * those is absent); nothing holds anything else, nothing is half-written.
 */
export function assertBeforeOrAfter(ws: string, fx: Fixture, where: string): void {
  const now = treeWithoutTemps(ws);
  for (const [path, value] of Object.entries(now)) {
    assert.ok(value === fx.beforeTree[path] || value === fx.afterTree[path], `${where}: ${path} holds neither its content before nor after the session: ${value.slice(0, 60)}`);
  }
  for (const path of new Set([...Object.keys(fx.beforeTree), ...Object.keys(fx.afterTree)])) {
    if (!(path in now)) assert.ok(!(path in fx.beforeTree) || !(path in fx.afterTree), `${where}: ${path} is gone, though it exists both before and after the session`);
  }
}

/** `tree` with the person's edit in place. */
export function withPersonEdit(tree: Record<string, string>): Record<string, string> {
  return { ...tree, [PERSON_FILE]: `file 644 ${Buffer.from(PERSON_CONTENT).toString('base64')}` };
}

/** Makes the person's edit (after a kill, before the next command). */
export function personEdits(copy: Copy): void {
  writeFileSync(join(copy.ws, PERSON_FILE), PERSON_CONTENT);
  chmodSync(join(copy.ws, PERSON_FILE), 0o644);
}

/** The audit records of a copy. */
export function auditOf(copy: Copy): AuditRecord[] {
  return new AuditLog(copy.data).read();
}

/** Asserts exactly one completed rollback (and one undo, when `undos`) in the audit log, one demotion, and a verifiable chain. */
export function assertAccountedOnce(copy: Copy, where: string, expect: { rollbacks: number; undos?: number }): void {
  const audit = new AuditLog(copy.data);
  const records = audit.read();
  const rollbacks = records.filter((r) => r.type === 'rollback' && r.partial !== true);
  assert.equal(rollbacks.length, expect.rollbacks, `${where}: rollback audit entries: ${JSON.stringify(rollbacks.map((r) => r.rollback))}`);
  if (expect.undos !== undefined) assert.equal(records.filter((r) => r.type === 'undo-rollback' && r.partial !== true).length, expect.undos, `${where}: undo audit entries`);
  const trust = new TrustStore(copy.data).get('claude');
  assert.equal(trust.level, 2 - Math.min(expect.rollbacks, 2), `${where}: demoted once per rollback`);
  assert.equal(records.filter((r) => r.type === 'trust' && r.decidedBy === 'airlock').length, Math.min(expect.rollbacks, 2), `${where}: one demotion entry per rollback`);
  const verified = audit.verify();
  assert.ok(verified.ok, `${where}: audit chain: ${JSON.stringify(verified.problem)}`);
}
