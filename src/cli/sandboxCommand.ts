/** `airlock sandbox --profile P -- COMMAND`: what a sandboxed command line runs. */
import { join } from 'node:path';
import { runSandboxed } from '../core/sandbox/launcher';
import { decodeProfile, ProfileError } from '../core/sandbox/profile';
import { CliError, UsageError } from './cliSupport';

export async function sandboxCommand(profileText: string | undefined, command: string): Promise<number> {
  if (!profileText) throw new UsageError('--profile is required; airlock sandbox runs the commands hooks rewrite, with the profile they write');
  let profile;
  try {
    profile = decodeProfile(profileText);
  } catch (e) {
    if (e instanceof ProfileError) throw new CliError(`${e.message}; the command did not run`, 126);
    throw e;
  }
  return runSandboxed(profile, command, { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, node: process.execPath, cli: join(__dirname, 'cli.js') });
}
