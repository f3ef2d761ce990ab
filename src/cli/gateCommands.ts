/** `airlock serve`, `airlock install`, `airlock uninstall` and `airlock doctor` (docs/cli.md). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { POLICY_FILE, type LoadedPolicy } from '../core/policy/loadPolicy';
import { AGENT_CONFIGS, expectedEvents, extensionsDirOf, gatingEvents, INSTALL_TARGETS, installedHooks, installHooks, parseHookCommand, readLauncher, uninstallHooks, type InstallTarget } from '../core/install/hookConfigs';
import { skipReasons, type SkipReason } from '../core/install/agentTrust';
import { AuditReader } from '../core/audit/auditReader';
import { armCanary, canaryPayload, disarmCanary, readAnswer, runHookCommand } from '../agents/hookHealth';
import type { Dialect } from '../agents/types';
import { AGENT_NAMES } from '../shared/ids';
import { managedStamp } from '../core/policy/managedPolicy';
import { callGate, isServerMessage } from '../gate/gateClient';
import { GateBusyError } from '../gate/gateServer';
import { GateRuntime } from '../gate/gateRuntime';
import { Backstop } from '../engine/backstop';
import { socketPathFor, tokenPathFor } from '../gate/protocol';
import { sandboxAvailability } from '../core/sandbox/backends';
import { damagedOperationRecords, interruptedOperations } from '../core/history/rollback';
import { describeContainment } from '../core/sandbox/containment';
import { CliError, printJson, UsageError, type CliContext } from './cliSupport';
import { visible } from '../shared/shown';
import { TerminalAsker } from './terminalAsker';
import { agentAbove } from './personOnly';
import { installManagedCommand, teamsDoctorChecks } from './managedInstall';
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

/** A person changed hook configurations here on purpose: the backstop takes them as they are now. */
function acceptProtected(ctx: CliContext, files: readonly string[]): void {
  try {
    new Backstop({ workspace: ctx.workspace, home: ctx.home, dir: ctx.workspaceDir, log: { trace() {}, debug() {}, info() {}, warn() {}, error() {} } }).accept(files);
  } catch (e) {
    ctx.err(`airlock: note: could not record the change for the after-the-fact check (${(e as Error).message})\n`);
  }
}

/** `airlock install AGENT` (`--managed [--write]`: the machine-wide configuration, cli/managedInstall.ts) */
export function installCommand(ctx: CliContext, agent: string, options: { managed?: boolean; write?: boolean } = {}): number {
  if (options.write && !options.managed) throw new UsageError('--write goes with --managed');
  if (options.managed) return installManagedCommand(ctx, agent, { write: options.write === true, cli: cliScriptPath() });
  const t = target(agent);
  let result;
  try {
    result = installHooks(t, ctx.workspace, { node: process.execPath, cli: cliScriptPath(), dataRoot: ctx.dataRoot });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  acceptProtected(ctx, [result.file]);
  // Agents that skip a workspace's hooks until a person trusts them do so silently: say so now.
  const skipped = skipReasons(t, ctx.workspace, { home: ctx.home, env: process.env });
  if (ctx.json) printJson(ctx, { ...result, skipped });
  else {
    ctx.out(`${result.changed ? 'Installed' : 'Already installed:'} Airlock's hooks for ${t} in ${result.file}\n`);
    for (const n of result.notes) ctx.out(`note: ${n}\n`);
    for (const r of skipped) ctx.out(`warning: ${TARGET_NAMES[t]} will not run them yet: ${r.reason}\n    fix: ${r.fix}\n`);
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
  acceptProtected(ctx, [result.file]);
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
    // The organisation's policy is read on every decision path: a change to it reloads like the workspace file.
    now += `#${managedStamp()}`;
    if (!loaded || now !== stamp) {
      loaded = ctx.open.loadPolicy();
      stamp = now;
      for (const p of loaded.problems) ctx.err(`airlock: ${p.severity}: ${loaded.file}:${p.line}:${p.column}: ${p.message}\n`);
      for (const f of loaded.managed.files) for (const p of f.problems) ctx.err(`airlock: ${p.severity}: ${f.path}:${p.line}:${p.column}: ${p.message}\n`);
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

  // Hooks, per agent: installed, started and answering, and not skipped by the agent.
  const agents = await agentReports(ctx);
  for (const a of agents) {
    if (a.status === 'not-installed' && !a.error) continue;
    add({ name: `hooks: ${a.agent}`, status: a.status === 'guarded' ? 'ok' : 'fail', message: a.message, ...(a.fix ? { fix: a.fix } : {}) });
  }
  if (agents.every((a) => a.status === 'not-installed')) add({ name: 'hooks', status: 'warn', message: 'no agent hooks are installed in this workspace', fix: 'run `airlock install claude` (or vscode, copilot-cli, cursor, gemini, codex)' });

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
      const pending = interruptedOperations(history).length > 0;
      const badIndexes = history.objects.damagedIndexes();
      const badRecords = damagedOperationRecords(history);
      if (bad.length > 0) add({ name: 'history', status: 'fail', message: `${bad.length} saved object(s) are damaged (${bad.slice(0, 3).join(', ')})`, fix: 'those versions cannot be restored; `airlock gc` drops them' });
      else if (badIndexes.length > 0) add({ name: 'history', status: 'fail', message: `${badIndexes.length} pack index(es) are damaged (${badIndexes[0]!.reason})`, fix: 'run `airlock gc`: it rebuilds them from their packs' });
      else if (badRecords.length > 0) add({ name: 'history', status: 'fail', message: `${badRecords.length} rollback record(s) are damaged (${badRecords[0]!.id}: ${badRecords[0]!.reason}); they cannot be undone` });
      else if (damaged > 0) add({ name: 'history', status: 'warn', message: `${damaged} damaged journal line(s) are skipped` });
      else add({ name: 'history', status: pending ? 'warn' : 'ok', message: `${history.objects.count()} objects in ${packs.length} pack(s), ${verified} verified, ${history.sessions().length} session(s)${pending ? '; a rollback was interrupted: `airlock rollback --last` finishes it, `airlock undo-rollback` reverts it' : ''}` });
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

  // The organisation: its Airlock policy, lockdowns where workspace hooks do nothing, the audit export.
  for (const c of teamsDoctorChecks(ctx, loaded)) add(c);

  // Sandbox: whether commands are contained here, and how each protection and limit is enforced.
  const sandbox = loaded.compiled.sandbox;
  const available = sandboxAvailability();
  const containment = describeContainment(sandbox, available);
  if (containment.contained) {
    add({ name: 'sandbox', status: 'ok', message: `${containment.summary}, ${containment.trust}` });
    for (const a of containment.aspects) {
      const by = a.by === 'kernel' ? 'the kernel' : a.by === 'launcher' ? "Airlock's launcher" : 'nothing';
      add({ name: `sandbox: ${a.name}`, status: a.by === 'none' ? 'warn' : 'ok', message: `${a.how} (enforced by ${by})`, ...(a.by === 'none' ? { fix: a.name === 'Unix sockets' && sandbox.network === 'host' ? 'set "sandbox.network" to "none" or a list of hosts' : 'run agents on x86-64, AArch64 or RISC-V 64 for the seccomp filter' } : {}) });
    }
  } else if (!sandbox.enabled) {
    add({ name: 'sandbox', status: 'warn', message: `${containment.summary}, ${containment.trust}`, fix: 'remove "enabled": false from the "sandbox" section of .vscode/airlock.json' });
  } else {
    // Commands still pass (uncontained): a failure only where the person's own policy asked for the sandbox.
    add({ name: 'sandbox', status: sandbox.required && loaded.state === 'file' ? 'fail' : 'warn', message: `${containment.summary}, ${containment.trust}`, ...(!available.available ? { fix: available.fix } : {}) });
  }

  const failed = checks.some((c) => c.status === 'fail');
  if (ctx.json) printJson(ctx, { ok: !failed, workspace: ctx.workspace, checks, agents });
  else {
    for (const c of checks) ctx.out(`${c.status === 'ok' ? '✓' : c.status === 'warn' ? '!' : '✗'} ${c.name}: ${c.message}${c.fix && c.status !== 'ok' ? `\n    fix: ${c.fix}` : ''}\n`);
    printAgents(ctx, agents);
    ctx.out(failed ? '\nSome checks failed; see the fixes above.\n' : '\nAirlock looks healthy.\n');
  }
  return failed ? 1 : 0;
}

/** The agent each install target is for (`vscode` is Copilot's agent in VS Code). */
const TARGET_NAMES: Readonly<Record<InstallTarget, string>> = {
  claude: AGENT_NAMES.claude,
  vscode: AGENT_NAMES.copilot,
  'copilot-cli': AGENT_NAMES['copilot-cli'],
  cursor: AGENT_NAMES.cursor,
  gemini: AGENT_NAMES.gemini,
  codex: AGENT_NAMES.codex,
};

/** What doctor found for one agent (`airlock doctor --json`, `agents`). */
export interface AgentReport {
  readonly agent: InstallTarget;
  readonly name: string;
  /**
   * `guarded`: its hooks are installed, start, answer, and the agent runs them. `skipped`: installed and
   * working, but the agent will not run them (see `skipped`). `broken`: installed but they would not
   * start or not block. `not-installed`.
   */
  readonly status: 'guarded' | 'skipped' | 'broken' | 'not-installed';
  readonly file: string;
  readonly message: string;
  /** The exact step that fixes it. */
  readonly fix?: string;
  readonly skipped?: readonly SkipReason[];
  /** The canary run: how long the hook took, what it answered, and whether the audit log has its check. */
  readonly canary?: { readonly ms: number; readonly answered: boolean; readonly audited: boolean; readonly gate?: string };
  readonly error?: string;
}

function exists(p: string | undefined): boolean {
  return p !== undefined && existsSync(p);
}

/** Why a hook command Airlock wrote could not start, or undefined when everything it needs is there. */
function cannotStart(command: string): string | undefined {
  const parsed = parseHookCommand(command);
  if (!parsed) return 'it is not a command Airlock wrote';
  if (parsed.launcher) {
    if (!existsSync(parsed.launcher)) return `its launcher ${parsed.launcher} is missing`;
    const l = readLauncher(parsed.launcher);
    if (!l) return `its launcher ${parsed.launcher} cannot be read`;
    const ext = l.extensions ?? extensionsDirOf(l.cli);
    const cliFound = exists(l.cli) || (ext !== undefined && existsSync(ext) && readdirSync(ext).some((d) => d.startsWith('airlock-dev.airlock-') && existsSync(join(ext, d, 'dist', 'cli.js'))));
    if (!cliFound) return `the Airlock CLI its launcher runs (${l.cli}) is gone`;
    return undefined;
  }
  if (!exists(parsed.node)) return `the Node.js it names (${parsed.node ?? '?'}) does not exist`;
  if (!exists(parsed.cli)) return `the Airlock CLI it names (${parsed.cli ?? '?'}) does not exist`;
  return undefined;
}

/** Checks each agent's hooks end to end (installed, able to start, failing closed, answering a canary, not skipped). */
export async function agentReports(ctx: CliContext): Promise<AgentReport[]> {
  const reports: AgentReport[] = [];
  for (const agent of INSTALL_TARGETS) {
    const name = TARGET_NAMES[agent];
    const found = installedHooks(agent, ctx.workspace);
    const base = { agent, name, file: found.file };
    const reinstall = `run \`airlock install ${agent}\` in ${ctx.workspace}`;
    if (found.error) {
      reports.push({ ...base, status: 'broken', message: found.error, fix: `fix ${found.file}, then ${reinstall}`, error: found.error });
      continue;
    }
    const events = Object.keys(found.events);
    if (events.length === 0) {
      reports.push({ ...base, status: 'not-installed', message: `no Airlock hooks in ${AGENT_CONFIGS[agent].file}`, fix: reinstall });
      continue;
    }
    const missing = expectedEvents(agent).filter((e) => !events.includes(e));
    const commands = Object.values(found.events).flat();
    const broken = commands.map((c) => ({ c, why: cannotStart(c) })).find((x) => x.why !== undefined);
    const gating = gatingEvents(agent).flatMap((e) => found.events[e] ?? []);
    const failsOpen = gating.filter((c) => !parseHookCommand(c)?.failsClosed);
    if (broken) {
      const closed = parseHookCommand(broken.c)?.failsClosed === true;
      reports.push({ ...base, status: 'broken', message: `the hook command points at a Node.js or CLI that does not exist: ${broken.why}; ${closed ? `${name} blocks every tool call until it is fixed` : `${name} may run tool calls unchecked`}`, fix: reinstall });
      continue;
    }
    if (missing.length > 0 || (failsOpen.length > 0 && process.platform !== 'win32')) {
      const why = missing.length > 0 ? `missing for ${missing.join(', ')}` : 'installed by an older Airlock: if the hook cannot start, the tool call goes through unchecked';
      reports.push({ ...base, status: 'broken', message: `hooks in ${found.file} are ${why}`, fix: reinstall });
      continue;
    }
    // The canary: the first gating command, run as the agent runs it.
    const command = gating[0] ?? commands[0]!;
    const nonce = armCanary(ctx.workspaceDir);
    let canary: AgentReport['canary'];
    let problem: string | undefined;
    try {
      const run = await runHookCommand(command, canaryPayload(agent as Dialect, ctx.workspace, nonce), { cwd: ctx.workspace, timeoutMs: 30_000 });
      const answer = readAnswer(run.stdout, run.code, run.stderr);
      const answered = answer.decision === 'deny' && (answer.reason ?? '').includes(nonce) && run.code === 0;
      const audited = new AuditReader(ctx.open.audit.file).records().some((r) => r.type === 'check' && r.nonce === nonce);
      const gate = /; ((?:a|no) gate .*)$/.exec(answer.reason ?? '')?.[1];
      canary = { ms: run.ms, answered, audited, ...(gate ? { gate } : {}) };
      if (!answered) problem = `the hook ran but did not answer as ${name} needs (exit ${run.code}${run.stderr.trim() ? `: ${run.stderr.trim().slice(0, 200)}` : ''}${run.stdout.trim() ? `; answered ${run.stdout.trim().slice(0, 200)}` : ''})`;
      else if (!audited) problem = 'the hook answered but its check is not in the audit log';
    } finally {
      disarmCanary(ctx.workspaceDir);
    }
    if (problem) {
      reports.push({ ...base, status: 'broken', message: problem, fix: `${reinstall}; if that does not help, run the hook with AIRLOCK_DEBUG=1 to see why`, ...(canary ? { canary } : {}) });
      continue;
    }
    const skipped = skipReasons(agent, ctx.workspace, { home: ctx.home, env: process.env });
    if (skipped.length > 0) {
      reports.push({ ...base, status: 'skipped', message: `installed in ${found.file} and working, but ${name} skips them: ${skipped.map((r) => r.reason).join('; ')}`, fix: skipped.map((r) => r.fix).join('; then '), skipped, ...(canary ? { canary } : {}) });
      continue;
    }
    reports.push({ ...base, status: 'guarded', message: `guarded: hooks in ${found.file} answered a check in ${canary?.ms ?? '?'} ms${canary?.gate ? ` (${canary.gate})` : ''}`, ...(canary ? { canary } : {}) });
  }
  return reports;
}

function printAgents(ctx: CliContext, agents: readonly AgentReport[]): void {
  ctx.out('\nAgents:\n');
  for (const a of agents) {
    const label = a.status === 'guarded' ? 'guarded' : a.status === 'skipped' ? 'installed but skipped' : a.status === 'broken' ? 'installed but broken' : 'not installed';
    ctx.out(`  ${a.status === 'guarded' ? '✓' : a.status === 'not-installed' ? '-' : '✗'} ${a.name}: ${label}${a.status === 'skipped' ? ` (${(a.skipped ?? []).map((r) => r.reason).join('; ')})` : ''}\n`);
    if (a.fix && a.status !== 'guarded') ctx.out(`      fix: ${a.fix}\n`);
  }
}
