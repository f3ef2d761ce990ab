/** Shared plumbing for the `airlock` command line (docs/cli.md): errors with exit codes, output, workspace lookup. */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { airlockHome } from '../core/dataDir';
import { openWorkspace, type OpenWorkspace } from '../engine/workspace';

/** A usage error: exit 64 with a one-line message. */
export class UsageError extends Error {}

/** Any other failure: exit 1 with a clear message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** What every command receives. */
export interface CliContext {
  readonly workspace: string;
  readonly json: boolean;
  readonly dataRoot: string;
  readonly workspaceDir: string;
  readonly home: string;
  readonly cwd: string;
  /** The workspace's stores (history, audit log, trust) and its policy, opened on first use. */
  readonly open: OpenWorkspace;
  /** Writes to stdout. */
  out(text: string): void;
  /** Writes to stderr. */
  err(text: string): void;
}

/** The nearest ancestor of `start` holding `.vscode/airlock.json` or `.git`, else `start` (docs/cli.md). */
export function findWorkspace(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, '.vscode', 'airlock.json')) || existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(start);
    dir = parent;
  }
}

/** Builds the context from the global options. */
export function createContext(options: { workspace?: string; json?: boolean }, io: { out(t: string): void; err(t: string): void }): CliContext {
  const cwd = process.cwd();
  let workspace: string;
  if (options.workspace !== undefined) {
    workspace = resolve(cwd, options.workspace);
    let ok = false;
    try {
      ok = statSync(workspace).isDirectory();
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`--workspace ${options.workspace}: no such directory`);
  } else {
    workspace = findWorkspace(cwd);
  }
  const dataRoot = airlockHome();
  const home = homedir();
  // The CLI runs from dist/ (bundled) or src/cli/ (tests): the package root is one folder up either way.
  const open = openWorkspace({ workspace, dataRoot, home, installDir: dirname(__dirname) });
  return {
    workspace,
    json: options.json === true,
    dataRoot,
    workspaceDir: open.dir,
    home,
    cwd,
    open,
    out: io.out,
    err: io.err,
  };
}

/** Prints one JSON document on stdout. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.out(`${JSON.stringify(value, null, 2)}\n`);
}
