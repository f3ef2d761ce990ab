/**
 * Proving an installed hook works, end to end: `airlock doctor` runs the hook command exactly as the
 * agent would (its shell, its stdin, its answer format) with a canary payload in that agent's format.
 * The hook recognises the canary only with the nonce doctor wrote to the workspace's data folder a moment
 * before; it then parses it like any payload, records a `check` in the audit log (not a decision, so no
 * agent is denied anything and no trust moves) and answers `deny`, so that nothing could ever run on a
 * canary's account. Doctor reads the answer as the agent would and finds the audit record.
 */
import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/storage/atomicFile';
import type { Dialect } from './types';

/** The tool name canaries carry (no agent has a tool of that name). */
export const CANARY_TOOL = 'airlock_doctor_check';
/** How long a canary nonce is accepted after doctor wrote it. */
const CANARY_TTL_MS = 120_000;

function nonceFile(workspaceDir: string): string {
  return join(workspaceDir, 'hook-check.json');
}

/** Writes a fresh nonce for canaries (readable only by the user); returns it. */
export function armCanary(workspaceDir: string): string {
  const nonce = randomBytes(12).toString('hex');
  mkdirSync(workspaceDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(nonceFile(workspaceDir), JSON.stringify({ nonce, expires: Date.now() + CANARY_TTL_MS }), { mode: 0o600 });
  return nonce;
}

/** Removes the nonce once doctor is done. */
export function disarmCanary(workspaceDir: string): void {
  rmSync(nonceFile(workspaceDir), { force: true });
}

/**
 * The nonce of a canary payload, when the payload is one and its nonce is the one doctor armed (and not
 * expired); undefined otherwise (the payload is then decided like any other).
 */
export function canaryNonce(payload: string, workspaceDir: string): string | undefined {
  if (!payload.includes('"airlock_canary"')) return undefined;
  let given: unknown;
  try {
    given = (JSON.parse(payload) as Record<string, unknown>).airlock_canary;
  } catch {
    return undefined;
  }
  if (typeof given !== 'string') return undefined;
  let armed: { nonce?: unknown; expires?: unknown };
  try {
    armed = JSON.parse(readFileSync(nonceFile(workspaceDir), 'utf8')) as { nonce?: unknown; expires?: unknown };
  } catch {
    return undefined;
  }
  if (typeof armed.nonce !== 'string' || typeof armed.expires !== 'number' || armed.expires < Date.now()) return undefined;
  const a = Buffer.from(given);
  const b = Buffer.from(armed.nonce);
  return a.length === b.length && timingSafeEqual(a, b) ? given : undefined;
}

/** A pre-tool canary payload in each agent's own format. */
export function canaryPayload(dialect: Dialect, workspace: string, nonce: string): string {
  const sessionId = `airlock-doctor-${nonce.slice(0, 8)}`;
  const input = { nonce };
  const common = { airlock_canary: nonce };
  switch (dialect) {
    case 'claude':
      return JSON.stringify({ session_id: sessionId, transcript_path: '', cwd: workspace, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: CANARY_TOOL, tool_input: input, tool_use_id: `check_${nonce}`, ...common });
    case 'vscode':
      return JSON.stringify({ timestamp: new Date().toISOString(), hookEventName: 'PreToolUse', sessionId, cwd: workspace, tool_name: CANARY_TOOL, tool_input: input, tool_use_id: `check_${nonce}`, ...common });
    case 'copilot-cli':
      return JSON.stringify({ sessionId, timestamp: Date.now(), cwd: workspace, toolName: CANARY_TOOL, toolArgs: input, ...common });
    case 'cursor':
      return JSON.stringify({ hook_event_name: 'preToolUse', conversation_id: sessionId, generation_id: `check_${nonce}`, workspace_roots: [workspace], tool_name: CANARY_TOOL, tool_input: input, ...common });
    case 'gemini':
      return JSON.stringify({ session_id: sessionId, transcript_path: '', cwd: workspace, hook_event_name: 'BeforeTool', timestamp: new Date().toISOString(), tool_name: CANARY_TOOL, tool_input: input, ...common });
    case 'codex':
      return JSON.stringify({ session_id: sessionId, turn_id: `check_${nonce}`, transcript_path: null, cwd: workspace, hook_event_name: 'PreToolUse', model: 'airlock-doctor', permission_mode: 'default', tool_name: CANARY_TOOL, tool_input: input, tool_use_id: `check_${nonce}`, ...common });
  }
}

/** The decision and reason an agent would read from a hook's output (its stdout and exit code). */
export function readAnswer(stdout: string, exitCode: number | null, stderr = ''): { decision?: string; reason?: string } {
  if (exitCode === 2) return { decision: 'deny', reason: stderr.trim() };
  if (exitCode !== 0) return {};
  const text = stdout.trim();
  if (text === '') return { decision: 'none' };
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const h = (j.hookSpecificOutput ?? {}) as Record<string, unknown>;
    const decision = h.permissionDecision ?? j.permissionDecision ?? j.permission ?? j.decision;
    const reason = h.permissionDecisionReason ?? j.permissionDecisionReason ?? j.reason ?? j.user_message;
    return { ...(typeof decision === 'string' ? { decision } : {}), ...(typeof reason === 'string' ? { reason } : {}) };
  } catch {
    return {};
  }
}

/** Runs an installed hook command as an agent would: a POSIX shell, the payload on stdin. */
export function runHookCommand(command: string, payload: string, options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const windows = process.platform === 'win32';
    const child = spawn(windows ? process.env.ComSpec ?? 'cmd.exe' : '/bin/sh', windows ? ['/d', '/s', '/c', command] : ['-c', command], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], windowsVerbatimArguments: windows });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${e.message}`, ms: Date.now() - t0 });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
    child.stdin.on('error', () => {
      // a hook that exits early does not read its stdin
    });
    child.stdin.end(payload);
  });
}
