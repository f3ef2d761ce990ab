/**
 * The `airlock` command line (docs/cli.md). Exit codes: 0 success, 64 usage error (one line on stderr),
 * 1 any other failure (a clear message, never a stack trace unless AIRLOCK_DEBUG=1).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { auditCommand, exportFlushCommand, trustCommand } from './cli/auditCommands';
import { checkCommand } from './cli/checkCommand';
import { doctorCommand, installCommand, serveCommand, uninstallCommand } from './cli/gateCommands';
import { hookCli } from './hook';
import { checkpointCommand, gcCommand, rollbackCommand, sessionsCommand, showCommand, undoRollbackCommand } from './cli/historyCommands';
import { CliError, createContext, UsageError, type CliContext } from './cli/cliSupport';
import { sandboxBridgeCommand, sandboxCommand } from './cli/sandboxCommand';

type Options = NonNullable<ParseArgsConfig['options']>;

interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  readonly options: Options;
  readonly positionals?: { readonly min: number; readonly max: number };
  run(ctx: CliContext, values: Record<string, string | boolean | undefined>, positionals: string[]): number | Promise<number>;
}

const GLOBAL_OPTIONS: Options = {
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const COMMANDS: Record<string, CommandSpec> = {
  hook: {
    usage: 'airlock hook DIALECT [--workspace DIR] [--event NAME]',
    summary: 'Read one agent hook payload on stdin, decide, and answer in that agent\'s format (run by agents).',
    options: { event: { type: 'string' } },
    positionals: { min: 1, max: 1 },
    run: (_ctx, _v, p) => hookCli([p[0]!, ...process.argv.slice(3).filter((a) => a !== p[0])]),
  },
  check: {
    usage: 'airlock check (--edit PATH | --read PATH | --command CMD) [--agent ID] [--json]',
    summary: 'Decide one action as a hook would for that agent now, without doing or recording anything.',
    options: { edit: { type: 'string' }, read: { type: 'string' }, command: { type: 'string' }, agent: { type: 'string' } },
    run: (ctx, v) =>
      checkCommand(ctx, {
        ...(typeof v.edit === 'string' ? { edit: v.edit } : {}),
        ...(typeof v.read === 'string' ? { read: v.read } : {}),
        ...(typeof v.command === 'string' ? { command: v.command } : {}),
        ...(typeof v.agent === 'string' ? { agent: v.agent } : {}),
      }),
  },
  checkpoint: {
    usage: 'airlock checkpoint [--json]',
    summary: 'Record the current state of the workspace in the shadow history (incremental).',
    options: {},
    run: (ctx) => checkpointCommand(ctx),
  },
  sessions: {
    usage: 'airlock sessions [--json]',
    summary: 'List agent sessions, newest first.',
    options: {},
    run: (ctx) => sessionsCommand(ctx),
  },
  show: {
    usage: 'airlock show SESSION [--json]',
    summary: 'The actions of one session and the files each touched, with diffs.',
    options: {},
    positionals: { min: 1, max: 1 },
    run: (ctx, _v, p) => showCommand(ctx, p[0]!),
  },
  rollback: {
    usage: 'airlock rollback (SESSION | --last) [--dry-run] [--force] [--json]',
    summary: 'Restore every file a session touched to its state before the session; it can be undone.',
    options: { last: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } },
    positionals: { min: 0, max: 1 },
    run: (ctx, v, p) => rollbackCommand(ctx, p[0], { last: v.last === true, dryRun: v['dry-run'] === true, force: v.force === true }),
  },
  'undo-rollback': {
    usage: 'airlock undo-rollback [UNDO_ID] [--dry-run] [--force] [--json]',
    summary: 'Reverse the last (or the named) rollback.',
    options: { 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } },
    positionals: { min: 0, max: 1 },
    run: (ctx, v, p) => undoRollbackCommand(ctx, p[0], { dryRun: v['dry-run'] === true, force: v.force === true }),
  },
  audit: {
    usage: 'airlock audit [--verify] [--since ISO] [--agent ID] [--session ID] [--export FILE [--format jsonl|otlp-json]] [--json]',
    summary: 'Print the audit log; --verify recomputes its hash chain and names the first broken record; --export writes it to FILE as JSON Lines or OTLP JSON.',
    options: { verify: { type: 'boolean' }, since: { type: 'string' }, agent: { type: 'string' }, session: { type: 'string' }, export: { type: 'string' }, format: { type: 'string' } },
    run: (ctx, v) =>
      auditCommand(ctx, {
        verify: v.verify === true,
        ...(typeof v.export === 'string' ? { export: v.export } : {}),
        ...(typeof v.format === 'string' ? { format: v.format } : {}),
        ...(typeof v.since === 'string' ? { since: v.since } : {}),
        ...(typeof v.agent === 'string' ? { agent: v.agent } : {}),
        ...(typeof v.session === 'string' ? { session: v.session } : {}),
      }),
  },
  trust: {
    usage: 'airlock trust [AGENT] [--set LEVEL] [--json]',
    summary: "Show each agent's trust level and record; --set changes it (a person's action, audited).",
    options: { set: { type: 'string' } },
    positionals: { min: 0, max: 1 },
    run: (ctx, v, p) => trustCommand(ctx, p[0], typeof v.set === 'string' ? v.set : undefined),
  },
  install: {
    usage: 'airlock install AGENT [--managed [--write]] [--json]',
    summary: "Add Airlock's hooks to an agent's configuration for this workspace (claude, vscode, copilot-cli, cursor, gemini, codex); --managed prints the machine-wide configuration for every workspace (Claude Code: a managed-settings.d/ file), --write writes it (as root).",
    options: { managed: { type: 'boolean' }, write: { type: 'boolean' } },
    positionals: { min: 1, max: 1 },
    run: (ctx, v, p) => installCommand(ctx, p[0]!, { managed: v.managed === true, write: v.write === true }),
  },
  uninstall: {
    usage: 'airlock uninstall AGENT [--json]',
    summary: "Remove Airlock's hooks from an agent's configuration, keeping everything else.",
    options: {},
    positionals: { min: 1, max: 1 },
    run: (ctx, _v, p) => uninstallCommand(ctx, p[0]!),
  },
  serve: {
    usage: 'airlock serve [--stdin-answers]',
    summary: 'Host the approval gate without VS Code: requests that need a person are asked on this terminal (--stdin-answers: read the answers from standard input, for scripts).',
    options: { 'stdin-answers': { type: 'boolean' } },
    run: (ctx, v) => serveCommand(ctx, { stdinAnswers: v['stdin-answers'] === true }),
  },
  doctor: {
    usage: 'airlock doctor [--json]',
    summary: 'Check the policy, the installed hooks, the gate and the history store, and say what to fix.',
    options: {},
    run: (ctx) => doctorCommand(ctx),
  },
  sandbox: {
    usage: 'airlock sandbox --profile PROFILE -- COMMAND',
    summary: 'Run one command in the OS sandbox (hooks rewrite allowed commands to this when the policy enables the sandbox).',
    options: { profile: { type: 'string' } },
    positionals: { min: 1, max: 1 },
    run: (_ctx, v, p) => sandboxCommand(typeof v.profile === 'string' ? v.profile : undefined, p[0]!),
  },
  'sandbox-bridge': {
    usage: 'airlock sandbox-bridge -- COMMAND [ARGS…]',
    summary: 'Inside the sandbox: the network bridge to the allow-list proxy (started by airlock sandbox).',
    options: {},
    positionals: { min: 1, max: 100_000 },
    run: (_ctx, _v, p) => sandboxBridgeCommand(p),
  },
  'export-flush': {
    usage: 'airlock export-flush [--workspace DIR]',
    summary: 'Internal: send the audit records waiting for the OTLP and syslog exports (started by Airlock after records are written).',
    options: {},
    run: (ctx) => exportFlushCommand(ctx),
  },
  gc: {
    usage: 'airlock gc [--dry-run] [--repack] [--json]',
    summary: 'Remove history older than the retention period (and beyond the size limit), keeping what live sessions and undos need; --repack also recompresses everything.',
    options: { 'dry-run': { type: 'boolean' }, repack: { type: 'boolean' } },
    run: (ctx, v) => gcCommand(ctx, { dryRun: v['dry-run'] === true, repack: v.repack === true }),
  },
};

function helpText(): string {
  const lines = [
    'airlock: one permission layer for every AI coding agent',
    '',
    'Usage: airlock COMMAND [options]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`),
    '',
    'Global options:',
    '  --workspace DIR  the workspace (default: nearest ancestor with .vscode/airlock.json or .git)',
    '  --json           machine-readable output on stdout',
    '  --help           this help',
    '',
  ];
  return lines.join('\n');
}

/** Runs the command line and returns the exit code. */
export async function main(argv: readonly string[], io = { out: (t: string) => void process.stdout.write(t), err: (t: string) => void process.stderr.write(t) }): Promise<number> {
  try {
    const name = argv.find((a) => !a.startsWith('-'));
    if (!name) {
      if (argv.includes('--help') || argv.includes('-h')) {
        io.out(helpText());
        return 0;
      }
      throw new UsageError('no command given; run `airlock --help` for the list');
    }
    const spec = COMMANDS[name];
    if (!spec) throw new UsageError(`unknown command "${name}"; run \`airlock --help\` for the list`);
    const rest = [...argv];
    rest.splice(argv.indexOf(name), 1);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...spec.options }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message.split('\n')[0]}; usage: ${spec.usage}`);
    }
    const values = parsed.values as Record<string, string | boolean | undefined>;
    if (values.help) {
      io.out(`Usage: ${spec.usage}\n${spec.summary}\n`);
      return 0;
    }
    const { min, max } = spec.positionals ?? { min: 0, max: 0 };
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new UsageError(`wrong number of arguments; usage: ${spec.usage}`);
    }
    const ctx = createContext({ ...(typeof values.workspace === 'string' ? { workspace: values.workspace } : {}), json: values.json === true }, io);
    return await spec.run(ctx, values, parsed.positionals);
  } catch (e) {
    if (process.env.AIRLOCK_DEBUG === '1') io.err(`${(e as Error).stack ?? String(e)}\n`);
    if (e instanceof UsageError) {
      io.err(`airlock: ${e.message}\n`);
      return 64;
    }
    if (e instanceof CliError) {
      io.err(`airlock: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`airlock: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
}

export { hookCheck, offlineHook } from './engine/offline';
