/** `airlock serve`, `airlock install`, `airlock uninstall` and `airlock doctor` (docs/cli.md). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { POLICY_FILE, type LoadedPolicy } from '../core/policy/loadPolicy';
import { expectedEvents, INSTALL_TARGETS, installedHooks, installHooks, uninstallHooks, type InstallTarget } from '../core/install/hookConfigs';
import { callGate, isServerMessage } from '../gate/gateClient';
import { GateBusyError } from '../gate/gateServer';
import { GateRuntime } from '../gate/gateRuntime';
import { socketPathFor, tokenPathFor } from '../gate/protocol';
import { sandboxAvailability } from '../core/sandbox/backends';
import { CliError, printJson, UsageError, type CliContext } from './cliSupport';
import { visible } from '../shared/shown';
import { TerminalAsker } from './terminalAsker';
import { agentAbove } from './personOnly';
import type { Asker } from '../engine/ask';

/** The installed CLI script hooks should run: dist/cli.js next to this bundle. */
export function cliScriptPath(): string {
  const candidates = [join(__dirname, 'cli.js'), join(__dirname, '..', '..', 'dist', 'cli.js'), resolve(process.argv[1] ?? '')];
  for (const c of candidates) if (c.endsWith('cli.js') && existsSync(c)) return c;
  throw new CliError('cannot find Airlock\'s dist/cli.js to point the hooks at; run `npm run build` first');
}

function target(agent: string): InstallTarget {
  if (!(INSTALL_TARGETS as readonly string[]).includes(agent)) throw new UsageError(`unknown agent "${agent}"; agents: ${INSTALL_TARGETS.join(', ')}`);
  return agent as InstallTarget;
}

/** `airlock install AGENT` */
export function installCommand(ctx: CliContext, agent: string): number {
  const t = target(agent);
  let result;
  try {
    result = installHooks(t, ctx.workspace, { node: process.execPath, cli: cliScriptPath(), dataRoot: ctx.dataRoot });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (ctx.json) printJson(ctx, result);
  else {
    ctx.out(`${result.changed ? 'Installed' : 'Already installed:'} Airlock's hooks for ${t} in ${result.file}\n`);
    for (const n of result.notes) ctx.out(`note: ${n}\n`);
    ctx.out('Run `airlock doctor` to check the installation, and start a gate (VS Code with Airlock, or `airlock serve`) to approve actions.\n');
  }
  return 0;
}

/** `airlock uninstall AGENT` */
export function uninstallCommand(ctx: CliContext, agent: string): number {
  const above = agentAbove();
  if (above) throw new CliError(`removing Airlock's hooks is a person's action, and this process runs under ${above}; run it in your own terminal`);
  const t = target(agent);
  let result;
  try {
    result = uninstallHooks(t, ctx.workspace);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (ctx.json) printJson(ctx, result);
  else ctx.out(result.changed ? `Removed Airlock's hooks for ${t} from ${result.file}${result.removedFile ? ' (the file held nothing else and was removed)' : ''}\n` : `Airlock's hooks for ${t} were not installed in ${result.file}\n`);
  return 0;
}

/** `airlock serve`: hosts the gate, asking on this terminal. */
export async function serveCommand(ctx: CliContext, options: { stdinAnswers?: boolean } = {}): Promise<number> {
  const settings = ctx.open.settings;
  // Answers come from a person at this terminal: not from an agent, and not from a pipe unless a person's
  // script says so (--stdin-answers).
  const agent = agentAbove();
  if (agent) throw new CliError(`airlock serve answers approvals, which is a person's action, and this process runs under ${agent}; run it in your own terminal, or open the workspace in VS Code`);
  const answersFrom = process.stdin.isTTY ? 'terminal' : options.stdinAnswers ? 'stdin' : undefined;
  let loaded: LoadedPolicy | undefined;
  let stamp = '';
  const policyFile = join(ctx.workspace, POLICY_FILE);
  const policy = (): LoadedPolicy => {
    let now = 'none';
    try {
      const st = statSync(policyFile);
      now = `${st.mtimeMs}:${st.size}`;
    } catch {
      now = 'none';
    }
    if (!loaded || now !== stamp) {
      loaded = ctx.open.loadPolicy();
      stamp = now;
      for (const p of loaded.problems) ctx.err(`airlock: ${p.severity}: ${loaded.file}:${p.line}:${p.column}: ${p.message}\n`);
    }
    return loaded;
  };
  const asker: Asker = answersFrom ? new TerminalAsker(process.stdin, process.stdout, ctx.workspace) : { ask: async () => ({ action: 'deny', by: 'person', message: 'airlock serve has no terminal to ask on (its input is not a terminal), so it denied the request' }) };
  const log = {
    trace() {},
    debug() {},
    info() {},
    // Log lines can quote an agent's paths and commands: marked like the prompt, so no escape sequence reaches the terminal.
    warn: (m: string) => ctx.err(`${visible(m, { kind: 'code' })}\n`),
    error: (m: string) => ctx.err(`${visible(m, { kind: 'code' })}\n`),
  };
  const runtime = new GateRuntime({ workspace: ctx.workspace, dataRoot: ctx.dataRoot, policy, asker, log, approvalTimeoutMs: settings.approvalTimeoutSeconds * 1000, sandboxRunner: { node: process.execPath, cli: cliScriptPath() }, home: ctx.home });
  try {
    await runtime.start();
  } catch (e) {
    if (e instanceof GateBusyError) throw new CliError(`${e.message}; stop it first (or use it: hooks already reach it)`);
    throw e;
  }
  policy();
  ctx.out(`Airlock gate serving ${ctx.workspace}\n${answersFrom ? 'Waiting for agents; requests that need you are asked here.' : 'Its input is not a terminal: requests that need a person are denied (pass --stdin-answers to answer through standard input from a script).'} Ctrl-C stops.\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  if (asker instanceof TerminalAsker) asker.close();
  await runtime.stop();
  ctx.out(`Gate stopped after ${runtime.server.requests} request(s).\n`);
  return 0;
}

interface Check {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly message: string;
  readonly fix?: string;
}

function modeOf(p: string): number | undefined {
  try {
    return statSync(p).mode & 0o777;
  } catch {
    return undefined;
  }
}

/** `airlock doctor`: checks the installation and says what to fix. */
export async function doctorCommand(ctx: CliContext): Promise<number> {
  const checks: Check[] = [];
  const add = (c: Check): void => void checks.push(c);

  // Policy
  const loaded = ctx.open.loadPolicy();
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (loaded.state === 'invalid') add({ name: 'policy', status: 'fail', message: `${POLICY_FILE} has ${errors.length} error(s): ${errors.map((p) => `${p.line}:${p.column} ${p.message}`).join('; ')}`, fix: 'fix the file; until then every action asks' });
  else if (loaded.state === 'recommended') add({ name: 'policy', status: 'ok', message: `no ${POLICY_FILE}: the recommended policy applies`, fix: 'run "Airlock: Open Policy" in VS Code to make it your own' });
  else add({ name: 'policy', status: loaded.problems.length ? 'warn' : 'ok', message: `${POLICY_FILE} is valid${loaded.problems.length ? ` with ${loaded.problems.length} warning(s): ${loaded.problems.map((p) => p.message).join('; ')}` : ''}` });
  if (loaded.userProblems.some((p) => p.severity === 'error')) add({ name: 'personal rules', status: 'fail', message: `airlock.rules has errors: ${loaded.userProblems.map((p) => p.message).join('; ')}`, fix: 'fix the airlock.rules user setting; until then every action asks' });

  // Hooks
  let anyInstalled = false;
  for (const agent of INSTALL_TARGETS) {
    const found = installedHooks(agent, ctx.workspace);
    if (found.error) {
      add({ name: `hooks: ${agent}`, status: 'fail', message: found.error, fix: `fix ${found.file}` });
      continue;
    }
    const events = Object.keys(found.events);
    if (events.length === 0) continue;
    anyInstalled = true;
    const missing = expectedEvents(agent).filter((e) => !events.includes(e));
    const commands = Object.values(found.events).flat();
    const broken = commands.filter((c) => {
      const m = /^(?:[A-Z_]+=\S+ )*('([^']+)'|(\S+)) ('([^']+)'|(\S+)) hook /.exec(c);
      const node = m?.[2] ?? m?.[3];
      const cli = m?.[5] ?? m?.[6];
      return !node || !cli || !existsSync(node) || !existsSync(cli);
    });
    if (broken.length > 0) add({ name: `hooks: ${agent}`, status: 'fail', message: `the hook command points at a Node.js or CLI that does not exist: ${broken[0]}`, fix: `run \`airlock install ${agent}\` again` });
    else if (missing.length > 0) add({ name: `hooks: ${agent}`, status: 'warn', message: `installed in ${found.file} but missing for ${missing.join(', ')}`, fix: `run \`airlock install ${agent}\` again` });
    else {
      // Run the installed command with a session-end payload: proves the hook starts and answers.
      const probe = spawnSync('/bin/sh', ['-c', commands[0]!], { input: '{}', encoding: 'utf8', timeout: 20_000 });
      const answered = probe.status === 0 || (probe.stdout ?? '').includes('deny');
      add({ name: `hooks: ${agent}`, status: answered ? 'ok' : 'fail', message: answered ? `installed in ${found.file} and the hook runs` : `the hook did not run: ${(probe.stderr || probe.error?.message || '').trim().slice(0, 200)}`, ...(answered ? {} : { fix: `run \`airlock install ${agent}\` again` }) });
      if (agent === 'codex') add({ name: 'hooks: codex trust', status: 'warn', message: 'Codex only runs hooks you trusted', fix: 'approve Airlock\'s hooks in Codex with /hooks' });
    }
  }
  if (!anyInstalled) add({ name: 'hooks', status: 'warn', message: 'no agent hooks are installed in this workspace', fix: 'run `airlock install claude` (or vscode, copilot-cli, cursor, gemini, codex)' });

  // Gate
  const ping = await callGate(ctx.workspaceDir, { type: 'ping' }, 3000);
  if (isServerMessage(ping) && ping.type === 'pong') add({ name: 'gate', status: 'ok', message: `a gate is running (process ${ping.pid}) at ${socketPathFor(ctx.workspaceDir)}` });
  else if (isServerMessage(ping)) add({ name: 'gate', status: 'fail', message: `the gate answered with an error: ${ping.type === 'error' ? ping.message : ping.type}`, fix: 'restart VS Code or `airlock serve`' });
  else add({ name: 'gate', status: 'warn', message: `no gate is running (${ping.message}): hooks decide alone, and what needs a person is ${ctx.open.settings.offline === 'allow' ? 'allowed' : "denied unless the agent can ask you itself"}`, fix: 'open the workspace in VS Code with Airlock, or run `airlock serve`' });
  const tokenMode = modeOf(tokenPathFor(ctx.workspaceDir));
  if (tokenMode !== undefined && (tokenMode & 0o077) !== 0) add({ name: 'gate token', status: 'fail', message: `the gate token is readable by others (mode ${tokenMode.toString(8)})`, fix: `chmod 600 ${tokenPathFor(ctx.workspaceDir)}` });

  // Data folder and history store
  const dataMode = modeOf(ctx.workspaceDir);
  if (dataMode !== undefined && (dataMode & 0o077) !== 0) add({ name: 'data folder', status: 'warn', message: `${ctx.workspaceDir} is readable by other users (mode ${dataMode.toString(8)})`, fix: `chmod 700 ${ctx.workspaceDir}` });
  if (existsSync(join(ctx.workspaceDir, 'history'))) {
    try {
      const history = ctx.open.history;
      const packs = history.objects.packs();
      let verified = 0;
      const bad: string[] = [];
      for (const pack of packs.slice(-20)) {
        for (const h of history.objects.packObjects(pack).slice(0, 10)) {
          try {
            history.objects.read(h);
            verified++;
          } catch {
            bad.push(h.slice(0, 12));
          }
        }
      }
      const damaged = history.sessions().reduce((n, s) => n + history.records(s.id).damaged, 0);
      const pending = existsSync(join(history.dir, 'rollbacks', 'active'));
      if (bad.length > 0) add({ name: 'history', status: 'fail', message: `${bad.length} saved object(s) are damaged (${bad.slice(0, 3).join(', ')})`, fix: 'those versions cannot be restored; `airlock gc` drops them' });
      else if (damaged > 0) add({ name: 'history', status: 'warn', message: `${damaged} damaged journal line(s) are skipped` });
      else add({ name: 'history', status: pending ? 'warn' : 'ok', message: `${history.objects.count()} objects in ${packs.length} pack(s), ${verified} verified, ${history.sessions().length} session(s)${pending ? '; an interrupted rollback will be finished by the next airlock command' : ''}` });
    } catch (e) {
      add({ name: 'history', status: 'fail', message: `the history cannot be opened: ${(e as Error).message}` });
    }
  } else add({ name: 'history', status: 'ok', message: 'nothing recorded yet' });
  // Leftover from an unusual shutdown: pending snapshots of commands that never ended.
  try {
    const snaps = readdirSync(join(ctx.workspaceDir, 'history', 'snapshots')).length;
    if (snaps > 0) add({ name: 'open commands', status: 'warn', message: `${snaps} command(s) never reported finishing; their changes are recorded when they do, or flagged at rollback` });
  } catch {
    // none
  }

  // Sandbox
  const sandbox = loaded.compiled.sandbox;
  const available = sandboxAvailability();
  const wanted = sandbox.enabled || loaded.compiled.rules.command.allow.some((r) => r.spec.sandbox === true) || loaded.compiled.rules.command.ask.some((r) => r.spec.sandbox === true);
  if (available.available) {
    const root = (process.getuid?.() ?? 1) === 0;
    const cgroup = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes') && existsSync('/sys/fs/cgroup/pids/cgroup.procs');
    const limits = process.platform !== 'linux' ? 'limits through ulimit' : cgroup && root ? 'memory and process limits through cgroups' : root ? 'memory as address space per process; the process limit is not enforced for root without a writable cgroup' : 'memory as address space per process, processes through RLIMIT_NPROC';
    add({ name: 'sandbox', status: 'ok', message: `${available.detail} works (${limits})${wanted ? '; the policy sandboxes commands' : '; the policy does not enable it ("sandbox": { "enabled": true })'}` });
  } else {
    add({ name: 'sandbox', status: wanted ? 'fail' : 'warn', message: `no sandbox: ${available.reason}; commands run uncontained, so commands that run code (tests, builds, scripts) pass by trust only at level 3 and ask at level 2`, fix: available.fix });
  }

  const failed = checks.some((c) => c.status === 'fail');
  if (ctx.json) printJson(ctx, { ok: !failed, workspace: ctx.workspace, checks });
  else {
    for (const c of checks) ctx.out(`${c.status === 'ok' ? '✓' : c.status === 'warn' ? '!' : '✗'} ${c.name}: ${c.message}${c.fix && c.status !== 'ok' ? `\n    fix: ${c.fix}` : ''}\n`);
    ctx.out(failed ? '\nSome checks failed; see the fixes above.\n' : '\nAirlock looks healthy.\n');
  }
  return failed ? 1 : 0;
}
