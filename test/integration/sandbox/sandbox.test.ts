/**
 * Sandboxed commands with real bubblewrap: every command goes through the full rewrite (the string an
 * agent's shell runs: `node dist/cli.js sandbox --profile … -- '…'`), is run by a real shell, and is
 * checked by what it could and could not do. Measured limits are printed as test diagnostics.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sandboxAvailability } from '../../../src/core/sandbox/backends';
import { buildProfile } from '../../../src/core/sandbox/profile';
import { sandboxedCommand } from '../../../src/core/sandbox/rewrite';
import { resolveSandbox } from '../../../src/core/sandbox/sandboxPolicy';
import type { SandboxSpec } from '../../../src/core/policy/types';
import { tempTree } from '../../unit/helpers/fixtures';
import { airlock, airlockAsync, CLI } from '../helpers/cli';
import type { ApprovalRequest } from '../../../src/engine/ask';
import { GateRuntime } from '../../../src/gate/gateRuntime';
import { loadPolicy } from '../../../src/core/policy/loadPolicy';

const available = sandboxAvailability();
const skip = !available.available && !process.env.CI ? `no sandbox here: ${available.reason}` : false;

const tree = tempTree('airlock-sbx-');
const ws = tree.path('ws');
const home = tree.path('home');
const data = tree.path('data');
const outside = tree.path('outside');
after(() => tree.cleanup());

function rewritten(command: string, spec: SandboxSpec = {}): string {
  const profile = buildProfile(resolveSandbox({ enabled: true, ...spec }, false), { workspace: ws, home, dataRoot: data });
  return sandboxedCommand(command, profile, { node: process.execPath, cli: CLI });
}

/** Runs a rewritten command the way an agent's shell does. */
function run(command: string, spec: SandboxSpec = {}, options: { shell?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((done) => {
    const t0 = Date.now();
    const p = spawn(options.shell ?? '/bin/bash', ['-c', rewritten(command, spec)], { cwd: ws, env: { ...process.env, HOME: home, ...options.env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

describe('a sandboxed command', { skip, concurrency: false }, () => {
  let server: Server;
  let port = 0;
  before(async () => {
    if (!available.available) throw new Error(`no sandbox: ${available.reason} (${available.fix})`);
    mkdirSync(join(ws, '.git', 'hooks'), { recursive: true });
    tree.write('ws/src/app.js', 'console.log("app ran");\n');
    tree.write('ws/.vscode/airlock.json', '{ "version": 1 }\n');
    tree.write('home/.ssh/id_ed25519', 'PRIVATE KEY\n');
    tree.write('home/.aws/credentials', '[default]\naws_secret_access_key=SECRET\n');
    tree.write('home/.netrc', 'machine example.com password SECRET\n');
    tree.write('data/workspaces/x/gate.token', 'TOKEN\n');
    mkdirSync(outside, { recursive: true });
    server = createServer((_q, r) => r.end('REACHED\n'));
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', () => r()));
    port = (server.address() as { port: number }).port;
  });
  after(() => server?.close());

  it('works normally inside the workspace: files, node, git', async () => {
    const r = await run('echo built > out.txt && node src/app.js && mkdir -p dist && cp out.txt dist/ && mkdir -p proj && cd proj && git init -q && cp ../out.txt . && git add out.txt && git -c user.email=a@example.com -c user.name=A commit -qm first && git log --oneline | wc -l && echo tmp > /tmp/t && cat /tmp/t');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /app ran\n1\ntmp\n/);
    assert.equal(readFileSync(join(ws, 'dist', 'out.txt'), 'utf8'), 'built\n');
  });

  it('cannot write outside the writable paths, nor files in the workspace that would run code later', async () => {
    const r = await run(`echo x > ${outside}/f; echo x > ${home}/.bashrc; echo x > /etc/airlock-probe; echo x > .git/hooks/pre-commit; echo x >> .vscode/airlock.json; echo done`);
    assert.match(r.stdout, /done/);
    // What counts is the real file system afterwards (here the test's outside folders live under /tmp, which is
    // private inside the sandbox, so some writes land in the sandbox's own throwaway /tmp).
    assert.match(r.stderr, /\/etc\/airlock-probe: Read-only file system/);
    assert.match(r.stderr, /pre-commit: Read-only file system/);
    assert.ok(!existsSync(join(outside, 'f')) && !existsSync(join(home, '.bashrc')) && !existsSync('/etc/airlock-probe') && !existsSync(join(ws, '.git/hooks/pre-commit')));
    assert.equal(readFileSync(join(ws, '.vscode/airlock.json'), 'utf8'), '{ "version": 1 }\n');
    const extra = await run(`echo x > ${outside}/f && echo wrote`, { writable: [outside] });
    assert.equal(extra.stdout, 'wrote\n', 'a folder listed in "writable" is writable');
  });

  it('cannot read denied paths, Airlock\'s data, or credentials in the environment', async () => {
    tree.write('ws/secrets/key.pem', 'KEY\n');
    const r = await run(`cat ${home}/.ssh/id_ed25519; ls -A ${home}/.ssh | wc -l; cat ${home}/.aws/credentials; cat ${home}/.netrc; cat ${data}/workspaces/x/gate.token; cat secrets/key.pem; echo "token=[$GITHUB_TOKEN]"`, { denyRead: ['secrets'] }, { env: { GITHUB_TOKEN: 'ghp_leak' } });
    assert.doesNotMatch(r.stdout + r.stderr, /PRIVATE KEY|SECRET|TOKEN\n|KEY\n|ghp_leak/);
    assert.match(r.stdout, /^0\n/m, '~/.ssh looks empty');
    assert.match(r.stdout, /token=\[\]/);
  });

  it('cannot reach a server on 127.0.0.1 when network is none, and can with "host"', async () => {
    const none = await run(`curl -sS -m 3 http://127.0.0.1:${port}/ || node -e "require('http').get('http://127.0.0.1:${port}',r=>r.pipe(process.stdout)).on('error',e=>{console.log(e.code);process.exit(3)})"`);
    assert.doesNotMatch(none.stdout, /REACHED/);
    assert.match(none.stdout, /ECONNREFUSED|ENETUNREACH/);
    const host = await run(`curl -sS -m 3 http://127.0.0.1:${port}/`, { network: 'host' });
    assert.equal(host.stdout, 'REACHED\n');
  });

  it('reaches only the allow-listed hosts through the proxy', async () => {
    const r = await run(`curl -sS -m 5 http://127.0.0.2:${port}/; curl -sS -m 5 http://127.0.0.3:${port}/; echo`, { network: ['127.0.0.2'] });
    assert.match(r.stdout, /^REACHED\n/);
    assert.match(r.stdout, /127\.0\.0\.3 is not in the policy's sandbox\.network allow-list/);
    assert.match(r.stderr, /refused network access to 127\.0\.0\.3/);
  });

  it('is stopped at the memory limit', async (t) => {
    const r = await run('python3 -u -c "\nb=[]\nfor i in range(200):\n  b.append(bytearray(10*1024*1024)); print((i+1)*10, flush=True)"', { limits: { memoryMB: 256 } });
    const reached = Math.max(0, ...r.stdout.trim().split('\n').map(Number).filter(Number.isFinite));
    t.diagnostic(`memoryMB 256: the allocation loop reached ${reached} MB, exit ${r.code}; ${r.stderr.trim().split('\n').pop()}`);
    assert.notEqual(r.code, 0);
    assert.ok(reached < 256 && reached >= 100, `stopped at ${reached} MB`);
    assert.match(r.stderr, /memory|MemoryError/);
  });

  it('is stopped at the time limit, background processes included', async (t) => {
    const r = await run('sleep 100 & sleep 60; echo never', { limits: { timeoutSeconds: 2 } });
    t.diagnostic(`timeoutSeconds 2: stopped after ${r.ms} ms with exit ${r.code}`);
    assert.equal(r.code, 124);
    assert.ok(r.ms < 10_000);
    assert.doesNotMatch(r.stdout, /never/);
    assert.match(r.stderr, /ran longer than 2 s/);
    assert.equal(spawnSync('pgrep', ['-f', 'sleep 100']).status, 1, 'nothing is left running');
  });

  it('is stopped at the CPU limit', async (t) => {
    const r = await run('python3 -c "while True: pass"', { limits: { cpuSeconds: 1, timeoutSeconds: 60 } });
    t.diagnostic(`cpuSeconds 1: a busy loop was killed after ${r.ms} ms of wall time, exit ${r.code}`);
    assert.equal(r.code, 137);
    assert.ok(r.ms < 20_000);
    assert.match(r.stderr, /CPU time/);
  });

  it('is held at the process limit', async (t) => {
    const r = await run('ok=0; for i in $(seq 1 60); do (sleep 3 &) 2>/dev/null && ok=$((ok+1)); done; sleep 0.5; ps -e --no-headers | wc -l', { limits: { processes: 20, timeoutSeconds: 30 } });
    const running = Number(r.stdout.trim().split('\n').pop());
    t.diagnostic(`processes 20: ${running} processes were running in the sandbox after 60 attempts to start one (exit ${r.code})`);
    assert.ok(running <= 21, `${running} processes`);
  });

  it('passes at most outputMB of output back, then stops the command', async (t) => {
    const r = await run('yes airlock', { limits: { outputMB: 1, timeoutSeconds: 30 } });
    t.diagnostic(`outputMB 1: ${r.stdout.length} bytes passed back, exit ${r.code} after ${r.ms} ms`);
    assert.equal(r.stdout.length, 1024 * 1024);
    assert.match(r.stderr, /more than 1 MB of output/);
  });

  it('holds the memory and process limits for an ordinary user too (rlimits, no cgroup)', async (t) => {
    // As root Airlock uses cgroups; an ordinary user gets RLIMIT_AS and RLIMIT_NPROC. Run as `nobody` to check those.
    if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) return t.skip('needs root and setpriv to switch to an ordinary user');
    spawnSync('chmod', ['-R', 'a+rwX', tree.root]);
    spawnSync('chmod', ['a+x', tree.root.split('/').slice(0, -1).join('/') || '/']);
    const asNobody = (command: string, spec: SandboxSpec) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const p = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '/bin/bash', '-c', rewritten(command, spec)], { cwd: ws, env: { ...process.env, HOME: home } });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('close', (code) => done({ code, stdout, stderr }));
      });
    const mem = await asNobody('python3 -u -c "\nb=[]\nfor i in range(200):\n  b.append(bytearray(10*1024*1024)); print((i+1)*10, flush=True)"', { limits: { memoryMB: 256 } });
    const reached = Math.max(0, ...mem.stdout.trim().split('\n').map(Number).filter(Number.isFinite));
    t.diagnostic(`as nobody, memoryMB 256 (address space): the allocation loop reached ${reached} MB, exit ${mem.code}`);
    assert.ok(reached < 256, `reached ${reached} MB`);
    assert.match(mem.stderr, /MemoryError/);
    const procs = await asNobody('for i in $(seq 1 60); do (sleep 3 &) 2>/dev/null; done; sleep 0.5; ps -e --no-headers | wc -l', { limits: { processes: 20, timeoutSeconds: 30 } });
    const running = Number(procs.stdout.trim().split('\n').pop());
    t.diagnostic(`as nobody, processes 20 (RLIMIT_NPROC): ${running} processes were running after 60 attempts`);
    assert.ok(running <= 21, `${running} processes`);
  });

  it('hands the sandboxed shell exactly the original command, whatever it holds', async () => {
    // BASH_ENV runs before the command: it records what bash was given and stops, so nothing runs.
    // Only the shell inside the sandbox records (bwrap sets AIRLOCK_SANDBOX there); the agent's own bash, which also
    // reads BASH_ENV, runs the rewritten line as usual.
    tree.write('ws/capture.sh', '[ "$AIRLOCK_SANDBOX" = 1 ] || return 0\nprintf %s "$BASH_EXECUTION_STRING" > "$CAPTURE_FILE"; exit 0\n');
    const canary = join(outside, 'PWNED');
    mkdirSync(tree.path('captures'), { recursive: true });
    const hostile = [
      `'; touch ${canary}; '`,
      `"; touch ${canary}; "`,
      `$(touch ${canary})`,
      `\`touch ${canary}\``,
      "it's 'quoted' \\'twice\\'",
      "'\\''",
      'a\nb\r\nc\td\v\f',
      '${IFS}$HOME $0 $@ !! !$ ^a^b',
      "$'\\x27'",
      '-x',
      '+O',
      '--version',
      '-',
      '--',
      ' ',
      'ünïcödé \u202e\u200b\ufeff 🙂',
      'echo \u001b[31mred\u007f',
      `cat <<'EOF'\n'\nEOF`,
      "'".repeat(500),
      'x'.repeat(50_000),
    ];
    const random = fc.sample(fc.string({ unit: fc.oneof(fc.constantFrom(...`'"\\$\`!;&|<>(){}[]*?~# \n\t-+=%`.split('')), fc.constantFrom('a', 'b', 'é', '😀')), minLength: 1, maxLength: 60 }), { numRuns: 40, seed: 20261126 });
    for (const [i, original] of [...hostile, ...random].entries()) {
      const captured = tree.path('captures', `capture-${i}.txt`);
      for (const shell of ['/bin/bash', '/bin/sh']) {
        const r = await run(original, { writable: [tree.path('captures')] }, { shell, env: { BASH_ENV: join(ws, 'capture.sh'), CAPTURE_FILE: captured } });
        assert.equal(r.code, 0, `${JSON.stringify(original.slice(0, 80))} via ${shell}: ${r.stderr}`);
        assert.equal(readFileSync(captured, 'utf8'), original, `${JSON.stringify(original.slice(0, 80))} arrives unchanged through ${shell}`);
      }
    }
    assert.ok(!existsSync(canary), 'nothing in a command ran outside the sandbox');
  });
});

describe('hooks with the sandbox enabled', { skip }, () => {
  const hws = tree.path('hws');
  const env = (extra: Record<string, string> = {}) => ({ HOME: home, AIRLOCK_HOME: tree.path('hdata'), ...extra });
  before(() => {
    tree.write('hws/.vscode/airlock.json', JSON.stringify({ version: 1, rules: [{ action: 'allow', command: ['echo *', 'node *'] }, { action: 'allow', edit: ['inside.txt'] }, { action: 'allow', command: ['ls *'], sandbox: false }, { action: 'deny', read: ['**/.env', '**/.env.*'] }], sandbox: { enabled: true, limits: { timeoutSeconds: 30 } } }));
    mkdirSync(outside, { recursive: true });
  });
  let n = 0;
  const claude = (command: string, event = 'PreToolUse', id = `toolu_sb_${++n}`) => JSON.stringify({ session_id: `s${n}`, transcript_path: '/t', cwd: hws, permission_mode: 'default', hook_event_name: event, tool_name: 'Bash', tool_input: { command, description: 'd', timeout: 60000 }, tool_use_id: id });
  /** Runs the pre-tool hook, then reports the tool done (as the agent would), and returns the pre answer. */
  const hook = async (dialect: string, pre: string, post?: string, extra: Record<string, string> = {}, args: string[] = []) => {
    const r = await airlockAsync(['hook', dialect, '--workspace', hws, ...args], { cwd: hws, env: env(extra), input: pre });
    if (post) await airlockAsync(['hook', dialect, '--workspace', hws], { cwd: hws, env: env(extra), input: post });
    return r;
  };
  const claudePair = (command: string, extra: Record<string, string> = {}) => {
    const id = `toolu_sb_${++n}`;
    return hook('claude', claude(command, 'PreToolUse', id), claude(command, 'PostToolUse', id), extra);
  };
  const out = (stdout: string) => (JSON.parse(stdout) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string; updatedInput?: { command: string; description?: string; timeout?: number } } }).hookSpecificOutput;

  it('answers allow with the command rewritten to run sandboxed, and the rewritten command is contained', async () => {
    // The policy allows `node *`; what this node program writes is only known when it runs.
    const command = `node -e "require('fs').writeFileSync(process.argv[1], 'x')" ${outside}/escaped; echo hi > inside.txt`;
    const r = await airlockAsync(['hook', 'claude', '--workspace', hws], { cwd: hws, env: env(), input: claude(command, 'PreToolUse', 'toolu_sb_escape') });
    const o = out(r.stdout);
    assert.equal(o.permissionDecision, 'allow');
    assert.match(o.permissionDecisionReason, /runs in Airlock's sandbox/);
    assert.equal(o.updatedInput?.description, 'd', 'the rest of the tool input is kept');
    assert.equal(o.updatedInput?.timeout, 60000);
    assert.match(o.updatedInput!.command, / sandbox --profile [A-Za-z0-9_-]+ -- /);
    const ran = spawnSync('/bin/bash', ['-c', o.updatedInput!.command], { cwd: hws, env: { ...process.env, HOME: home }, encoding: 'utf8' });
    assert.ok(!existsSync(join(outside, 'escaped')), ran.stderr);
    assert.match(ran.stderr, /ENOENT|EROFS/);
    assert.equal(readFileSync(join(hws, 'inside.txt'), 'utf8'), 'hi\n');
    await airlockAsync(['hook', 'claude', '--workspace', hws], { cwd: hws, env: env(), input: claude(command, 'PostToolUse', 'toolu_sb_escape') });
  });

  it('hides the workspace files the policy denies reading from the programs it runs', async () => {
    tree.write('hws/.env', 'KEY=secret-value\n');
    tree.write('hws/.env.local', 'LOCAL=secret-local\n');
    tree.write('hws/notes.txt', 'visible\n');
    const command = `node -e "for (const f of ['.env', '.env.local', 'notes.txt']) { try { console.log(f, require('fs').readFileSync(f, 'utf8').trim()) } catch (e) { console.log(f, e.code) } }"`;
    const id = 'toolu_sb_secrets';
    const r = await airlockAsync(['hook', 'claude', '--workspace', hws], { cwd: hws, env: env(), input: claude(command, 'PreToolUse', id) });
    const o = out(r.stdout);
    assert.equal(o.permissionDecision, 'allow', o.permissionDecisionReason);
    const ran = spawnSync('/bin/bash', ['-c', o.updatedInput!.command], { cwd: hws, env: { ...process.env, HOME: home }, encoding: 'utf8' });
    await airlockAsync(['hook', 'claude', '--workspace', hws], { cwd: hws, env: env(), input: claude(command, 'PostToolUse', id) });
    assert.doesNotMatch(ran.stdout, /secret-value|secret-local/, 'no denied file is readable inside the sandbox');
    assert.match(ran.stdout, /^\.env E[A-Z]+$/m, ran.stdout + ran.stderr);
    assert.match(ran.stdout, /^\.env\.local E[A-Z]+$/m);
    assert.match(ran.stdout, /^notes\.txt visible$/m, 'other files stay readable');
    assert.equal(readFileSync(join(hws, '.env'), 'utf8'), 'KEY=secret-value\n', 'the file itself is untouched');
  });

  it('lets a rule run its commands outside the sandbox', async () => {
    const r = await claudePair('ls -la');
    assert.equal(out(r.stdout).permissionDecision, 'allow');
    assert.equal(out(r.stdout).updatedInput, undefined);
  });

  it('runs what a rule allows uncontained, and says so, when no sandbox is available; a rule that demands the sandbox asks', async () => {
    const r = await claudePair('echo hello', { AIRLOCK_SANDBOX_DISABLE: '1' });
    assert.equal(out(r.stdout).permissionDecision, 'allow');
    assert.match(out(r.stdout).permissionDecisionReason, /WITHOUT Airlock's sandbox, uncontained: the sandbox is switched off/);
    assert.equal(out(r.stdout).updatedInput, undefined);
    tree.write('hws/.vscode/airlock.json', JSON.stringify({ version: 1, rules: [{ action: 'allow', command: ['echo *'], sandbox: true }], sandbox: { enabled: true } }));
    const r2 = await claudePair('echo hello', { AIRLOCK_SANDBOX_DISABLE: '1' });
    assert.equal(out(r2.stdout).permissionDecision, 'ask');
    assert.match(out(r2.stdout).permissionDecisionReason, /its rule runs it only inside the sandbox, but the sandbox is switched off/);
  });

  it('tells the person in the approval popup that a command will run sandboxed', async () => {
    tree.write('hws/.vscode/airlock.json', JSON.stringify({ version: 1, rules: [{ action: 'ask', command: ['npm publish*'] }], sandbox: { enabled: true } }));
    const seen: ApprovalRequest[] = [];
    const gate = new GateRuntime({ workspace: hws, dataRoot: tree.path('hdata'), home, policy: () => loadPolicy({ workspace: hws, home, dataRoot: tree.path('hdata') }), asker: { ask: async (r) => (seen.push(r), { action: 'allow', by: 'person' }) }, log: { trace() {}, debug() {}, info() {}, warn() {}, error() {} }, approvalTimeoutMs: 10_000, sandboxRunner: { node: process.execPath, cli: CLI } });
    const answer = await gate.handle(claude('npm publish --dry-run', 'PreToolUse', 'toolu_popup'), 'claude');
    // The tool reports back, which ends the backstop's watch of this call (the person edits the policy next).
    await gate.handle(claude('npm publish --dry-run', 'PostToolUse', 'toolu_popup'), 'claude');
    assert.match(seen[0]?.sandbox ?? '', /runs in Airlock's sandbox: writes only to the workspace/);
    assert.match(out(answer.stdout).updatedInput?.command ?? '', / sandbox --profile /, 'allowed by the person, it runs sandboxed');
  });

  it('is reported by airlock doctor', () => {
    const r = airlock(['doctor', '--json'], { cwd: hws, env: env() });
    const check = (JSON.parse(r.stdout) as { checks: { name: string; status: string; message: string }[] }).checks.find((c) => c.name === 'sandbox');
    assert.equal(check?.status, 'ok', r.stdout);
    assert.match(check!.message, /commands that pass without a person run in the sandbox: bubblewrap .*may pass by trust at level 2/);
    const checks = (JSON.parse(r.stdout) as { checks: { name: string; status: string; message: string }[] }).checks;
    assert.match(checks.find((c) => c.name === 'sandbox: Unix sockets')?.message ?? '', /seccomp refuses socket\(AF_UNIX\).*enforced by the kernel/);
    assert.match(checks.find((c) => c.name === 'sandbox: protected files')?.message ?? '', /bound read-only.*placeholders/);
    const off = airlock(['doctor', '--json'], { cwd: hws, env: env({ AIRLOCK_SANDBOX_DISABLE: '1' }) });
    const offCheck = (JSON.parse(off.stdout) as { checks: { name: string; status: string; message: string; fix?: string }[] }).checks.find((c) => c.name === 'sandbox');
    assert.equal(offCheck?.status, 'fail', 'the policy wants a sandbox and there is none');
    assert.match(offCheck!.message, /commands run uncontained, so commands that run code .* pass by trust only at level 3/);
  });

  it('rewrites in each agent\'s own format, and runs Cursor\'s commands uncontained, saying so (its shell hook cannot rewrite)', async () => {
    tree.write('hws/.vscode/airlock.json', JSON.stringify({ version: 1, rules: [{ action: 'allow', command: ['echo *'] }], sandbox: { enabled: true } }));
    const gemini = await airlockAsync(['hook', 'gemini', '--workspace', hws], { cwd: hws, env: env(), input: JSON.stringify({ session_id: 'g', cwd: hws, hook_event_name: 'BeforeTool', timestamp: 't', tool_name: 'run_shell_command', tool_input: { command: 'echo hi', dir_path: '.' } }) });
    assert.match((JSON.parse(gemini.stdout) as { hookSpecificOutput?: { tool_input: { command: string } } }).hookSpecificOutput?.tool_input.command ?? gemini.stdout, / sandbox --profile /);
    const copilot = await airlockAsync(['hook', 'copilot-cli', '--workspace', hws, '--event', 'preToolUse'], { cwd: hws, env: env(), input: JSON.stringify({ timestamp: 1, cwd: hws, toolName: 'bash', toolArgs: JSON.stringify({ command: 'echo hi' }) }) });
    assert.match((JSON.parse(copilot.stdout) as { modifiedArgs: { command: string } }).modifiedArgs.command, / sandbox --profile /);
    const codex = await airlockAsync(['hook', 'codex', '--workspace', hws], { cwd: hws, env: env(), input: JSON.stringify({ session_id: 'x', turn_id: 't', cwd: hws, hook_event_name: 'PreToolUse', model: 'm', permission_mode: 'default', tool_name: 'Bash', tool_input: { command: 'echo hi' }, tool_use_id: 'c1' }) });
    assert.match(out(codex.stdout).updatedInput!.command, / sandbox --profile /);
    const cursor = await airlockAsync(['hook', 'cursor', '--workspace', hws], { cwd: hws, env: env(), input: JSON.stringify({ hook_event_name: 'beforeShellExecution', conversation_id: 'c', generation_id: 'g', workspace_roots: [hws], command: 'echo hi', cwd: hws }) });
    const c = JSON.parse(cursor.stdout) as { permission: string; agent_message: string };
    assert.equal(c.permission, 'allow', 'an allow rule passes it as its author chose; there is no sandbox for Cursor');
    assert.match(c.agent_message, /WITHOUT Airlock's sandbox, uncontained: Cursor's shell hook cannot change the command/);
  });
});
