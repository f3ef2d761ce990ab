/**
 * Tests that run inside VS Code's extension host, against the extension as loaded from the project
 * folder: run by code-server here (test/e2e/vscode/inHost.test.ts) and by @vscode/test-electron in a
 * desktop VS Code where it can be downloaded (`npm run test:vscode`). Requests come from real
 * `airlock hook` processes; the person's answer is given through the approval queue, the one fake.
 *
 * VS Code's test contract: export `run()`, reject on failure. The extension host exits 0 either way in
 * code-server, so the results are also written to $AIRLOCK_E2E_RESULTS, which the runner reads.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AirlockTestApi } from '../../../../src/ui/testApi';

interface Result {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const results: Result[] = [];

async function test(name: string, body: () => Promise<void> | void): Promise<void> {
  const t0 = Date.now();
  try {
    await body();
    results.push({ name, ok: true, ms: Date.now() - t0 });
  } catch (e) {
    results.push({ name, ok: false, ms: Date.now() - t0, error: (e as Error).stack ?? String(e) });
  }
}

function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs the extension's own CLI as a hook, the way an agent runs it. */
function hook(extensionPath: string, workspace: string, payload: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env, ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) };
    const p = spawn(process.execPath, [join(extensionPath, 'dist', 'cli.js'), 'hook', 'claude', '--workspace', workspace], { cwd: workspace, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => done({ code, stdout, stderr }));
    p.stdin.end(payload);
  });
}

function decisionOf(stdout: string): string | undefined {
  return (JSON.parse(stdout) as { hookSpecificOutput?: { permissionDecision?: string } }).hookSpecificOutput?.permissionDecision;
}

export async function run(): Promise<void> {
  const out = process.env.AIRLOCK_E2E_RESULTS;
  let fatal: string | undefined;
  let ok = false;
  try {
    const ext = vscode.extensions.getExtension<AirlockTestApi | undefined>('airlock-dev.airlock');
    const folder = vscode.workspace.workspaceFolders?.[0];
    check(ext, 'the Airlock extension is installed');
    check(folder, 'a workspace folder is open');
    const api = await ext.activate();
    check(api, 'the extension returns its test API under the test runner');
    const ws = folder.uri.fsPath;

    await test('activates and registers every command it contributes', async () => {
      const all = new Set(await vscode.commands.getCommands(true));
      const contributed = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
      const missing = contributed.filter((c) => !all.has(c));
      check(missing.length === 0, `commands not registered: ${missing.join(', ')}`);
    });

    await test('serves a gate for the workspace folder', async () => {
      const gate = await until('the gate to serve', () => api.gates().find((g) => g.state === 'serving'));
      check(gate.folder === ws, `the gate serves ${gate.folder}`);
    });

    await test('puts a request from a real hook process in the approval queue, and the answer reaches the hook', async () => {
      mkdirSync(join(ws, 'src'), { recursive: true });
      const file = join(ws, 'src', 'inhost.ts');
      const payload = JSON.stringify({ session_id: 'inhost-1', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: file, content: 'export const x = 1;\n' }, tool_use_id: 'toolu_inhost_1' });
      const answered = hook(ext.extensionPath, ws, payload);
      const pending = await until('the request to be queued', () => api.pending()[0]);
      check(pending.kind === 'edit' && pending.files?.[0]?.after === 'export const x = 1;\n', 'the queued request carries the proposed content');
      check(api.answer(pending.id, { action: 'allow', scope: 'once', by: 'person' }), 'the request could be answered');
      const r = await answered;
      check(r.code === 0 && decisionOf(r.stdout) === 'allow', `the hook answered ${r.stdout} ${r.stderr}`);
    });

    await test('a denial reaches the hook with its message', async () => {
      const payload = JSON.stringify({ session_id: 'inhost-1', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm publish --dry-run' }, tool_use_id: 'toolu_inhost_2' });
      const answered = hook(ext.extensionPath, ws, payload);
      const pending = await until('the command to be queued', () => api.pending()[0]);
      api.answer(pending.id, { action: 'deny', by: 'person', message: 'no publishing' });
      const r = await answered;
      check(decisionOf(r.stdout) === 'deny' && r.stdout.includes('no publishing'), `the hook answered ${r.stdout}`);
    });

    await test('lists the session in the sessions view', async () => {
      check(api.sessionAgents().includes('claude'), 'a Claude Code session is listed');
    });
  } catch (e) {
    fatal = (e as Error).stack ?? String(e);
  } finally {
    const passed = results.filter((r) => r.ok).length;
    const summary = { ok: !fatal && passed === results.length && results.length > 0, passed, failed: results.length - passed, tests: results, ...(fatal ? { fatal } : {}) };
    if (out) {
      writeFileSync(`${out}.tmp`, JSON.stringify(summary, null, 2));
      renameSync(`${out}.tmp`, out);
    }
    ok = summary.ok;
  }
  if (!ok) throw new Error(`in-host tests failed: ${fatal ?? results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`).join('\n')}`);
}
