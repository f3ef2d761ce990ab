/**
 * `airlock sandbox --profile P -- COMMAND`, `airlock sandbox-bridge -- ARGV…` and `airlock sandbox-cleanup
 * STATE` (dist/sandbox.js): what
 * every sandboxed command line runs, so it is kept lean and loaded on its own by dist/cli.js. It closes
 * the file descriptors it inherited before anything else, and never loads the decision engine.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cleanUp } from './core/sandbox/placeholders';
import { closeInheritedFds, runSandboxed } from './core/sandbox/launcher';
import { decodeProfile, ProfileError } from './core/sandbox/profile';
import { runBridge } from './core/sandbox/proxy';

const USAGE = 'usage: airlock sandbox --profile PROFILE -- COMMAND';

/** Runs `airlock sandbox ARGS` (ARGS without the word `sandbox`); resolves to the exit status. */
export async function sandboxCli(args: readonly string[]): Promise<number> {
  closeInheritedFds();
  let profileText: string | undefined;
  let i = 0;
  for (; i < args.length && args[i] !== '--'; i++) {
    const a = args[i]!;
    if (a === '--profile') profileText = args[++i];
    else if (a.startsWith('--profile=')) profileText = a.slice('--profile='.length);
    else return usage(`unexpected argument ${JSON.stringify(a.slice(0, 40))}`);
  }
  const rest = args.slice(i + 1);
  if (!profileText) return usage('--profile is required; airlock sandbox runs the commands hooks rewrite, with the profile they write');
  if (i >= args.length || rest.length !== 1) return usage('give the command as one argument after --');
  let profile;
  try {
    profile = decodeProfile(profileText);
  } catch (e) {
    if (e instanceof ProfileError) {
      process.stderr.write(`airlock: ${e.message}; the command did not run\n`);
      return 126;
    }
    throw e;
  }
  return runSandboxed(profile, rest[0]!, { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, node: process.execPath, cli: join(dirname(__filename), 'cli.js') });
}

/** Runs `airlock sandbox-bridge -- ARGV…` inside the sandbox. */
export function bridgeCli(args: readonly string[]): Promise<number> {
  const at = args.indexOf('--');
  const argv = at === -1 ? args : args.slice(at + 1);
  if (argv.length === 0) return Promise.resolve(usage('sandbox-bridge needs the command to run after --'));
  return runBridge(argv);
}

/** Runs `airlock sandbox-cleanup STATE` (started in the background by the launcher). */
export function cleanupCli(args: readonly string[]): Promise<number> {
  const state = args[0];
  if (!state || !state.startsWith('/')) return Promise.resolve(usage('sandbox-cleanup needs the sandbox state folder'));
  try {
    cleanUp(state);
  } finally {
    try {
      if (readFileSync(join(state, 'cleaner.pid'), 'utf8') === String(process.pid)) unlinkSync(join(state, 'cleaner.pid'));
    } catch {
      // gone
    }
  }
  return Promise.resolve(0);
}

function usage(message: string): number {
  process.stderr.write(`airlock: ${message}; ${USAGE}\n`);
  return 64;
}
