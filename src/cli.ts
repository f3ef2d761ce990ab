/**
 * The `airlock` command line (spec/cli.md). Exit codes: 0 success, 64 usage error (one line on stderr),
 * 1 any other failure (a clear message, never a stack trace unless AIRLOCK_DEBUG=1).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { checkCommand } from './cli/checkCommand';
import { CliError, createContext, UsageError, type CliContext } from './cli/cliSupport';

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

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
