/**
 * Driving sandboxed commands exactly as an agent does: `airlock hook claude` answers a PreToolUse payload
 * with the command rewritten (`updatedInput`), the agent's shell runs that string with `bash -c`, and the
 * PostToolUse payload follows. The trees live outside /tmp (the sandbox has a private /tmp, which would
 * hide a home folder there and make "could not write" mean something else) and outside any repository
 * (a workspace whose .git an attack damaged must not lead git to an enclosing one).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { airlockAsync, type CliRun } from '../helpers/cli';

/** Where the trees go: not under /tmp, and not inside a git repository. */
export const TREES = process.env.AIRLOCK_TEST_TREES ?? join(homedir(), '.airlock-test-trees');

/** A tree outside /tmp, removed by `cleanup()`. */
export function hostTree(prefix: string): { root: string; path(...p: string[]): string; write(rel: string, content?: string): string; cleanup(): void } {
  const base = TREES;
  mkdirSync(base, { recursive: true });
  const enclosing = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: base, encoding: 'utf8' });
  if (enclosing.status === 0) throw new Error(`${base} is inside the git repository ${enclosing.stdout.trim()}; set AIRLOCK_TEST_TREES to a folder outside any repository (and outside /tmp)`);
  const root = realpathSync(mkdtempSync(join(base, prefix)));
  return {
    root,
    path: (...p) => join(root, ...p),
    write(rel, content = '') {
      const f = join(root, rel);
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, content);
      return f;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** What `airlock hook claude` answered for a Bash tool call. */
export interface HookDecision {
  readonly decision: string;
  readonly reason: string;
  /** The command the agent runs instead (absent when not rewritten). */
  readonly command?: string;
  readonly raw: CliRun;
}

let n = 0;

/** A Claude Code Bash payload. */
export function claudeBash(cwd: string, command: string, event: 'PreToolUse' | 'PostToolUse', id: string, session = 'sess-sbx'): string {
  return JSON.stringify({ session_id: session, transcript_path: '/t', cwd, permission_mode: 'default', hook_event_name: event, tool_name: 'Bash', tool_input: { command, description: 'd' }, tool_use_id: id, ...(event === 'PostToolUse' ? { tool_response: { stdout: '', stderr: '' } } : {}) });
}

/** Runs the pre-tool hook; returns the decision and the rewritten command. */
export async function preHook(ws: string, command: string, env: Record<string, string>, id = `toolu_h${++n}`, session?: string): Promise<HookDecision & { id: string }> {
  const raw = await airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: claudeBash(ws, command, 'PreToolUse', id, session) });
  let out: { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string; updatedInput?: { command?: string } } } = {};
  try {
    out = JSON.parse(raw.stdout) as typeof out;
  } catch {
    throw new Error(`the hook did not answer JSON: ${raw.stdout} ${raw.stderr}`);
  }
  const h = out.hookSpecificOutput ?? {};
  return { decision: h.permissionDecision ?? '', reason: h.permissionDecisionReason ?? '', ...(h.updatedInput?.command ? { command: h.updatedInput.command } : {}), raw, id };
}

/** Runs the post-tool hook; returns its raw answer. */
export function postHook(ws: string, command: string, env: Record<string, string>, id: string, session?: string): Promise<CliRun> {
  return airlockAsync(['hook', 'claude', '--workspace', ws], { cwd: ws, env, input: claudeBash(ws, command, 'PostToolUse', id, session) });
}

/** Runs a command line as the agent's shell does (`bash -c`), with a file open on descriptor 5 and 6. */
export function agentShell(command: string, options: { cwd: string; env: Record<string, string>; openFile?: string; timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((done) => {
    const t0 = Date.now();
    const prefix = options.openFile ? `exec 5<'${options.openFile}' 6<>'${options.openFile}'; ` : '';
    const p = spawn('/bin/bash', ['-c', `${prefix}${command}`], { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/**
 * Runs git on the host (as the person's own git would), in `cwd`. Never above the tree: a workspace whose
 * .git an attack broke must fail, not lead git to a repository around it.
 */
export function hostGit(cwd: string, args: readonly string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd, env: { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CEILING_DIRECTORIES: TREES }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The environment of an agent: a home, Airlock's data, PATH, and secrets that must never reach the sandbox. */
export function agentEnv(home: string, data: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AIRLOCK_HOME: data,
    GIT_CONFIG_NOSYSTEM: '1',
    GITHUB_TOKEN: 'ghp_SECRETSECRETSECRETSECRETSECRET01',
    AWS_SECRET_ACCESS_KEY: 'AWSSECRETVALUE-0000000000000001',
    MY_SERVICE_PASSWORD: 'hunter2-secret-value-0001',
    DATABASE_URL: 'postgres://app:dbsecret0001@db.internal:5432/app',
    INNOCENT_LOOKING: 'sk-ant-api03-SECRETSECRETSECRETSECRET0001',
    STRIPE_KEY: 'sk_live_SECRETSECRETSECRET0001',
    ...extra,
  };
}

/** The secret values {@link agentEnv} sets, to look for in what the sandbox saw. */
export const SECRET_VALUES = ['ghp_SECRETSECRETSECRETSECRETSECRET01', 'AWSSECRETVALUE-0000000000000001', 'hunter2-secret-value-0001', 'dbsecret0001', 'sk-ant-api03-SECRETSECRETSECRETSECRET0001', 'sk_live_SECRETSECRETSECRET0001'];
