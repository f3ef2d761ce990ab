/** `airlock sandbox --profile P -- COMMAND`: what a sandboxed command line runs (see src/sandbox.ts, the lean entry). */
import { bridgeCli, sandboxCli } from '../sandbox';

/** The full command line's route to the sandbox (dist/cli.js normally loads dist/sandbox.js directly). */
export function sandboxCommand(profileText: string | undefined, command: string): Promise<number> {
  return sandboxCli([...(profileText !== undefined ? ['--profile', profileText] : []), '--', command]);
}

/** The full command line's route to the network bridge. */
export function sandboxBridgeCommand(argv: readonly string[]): Promise<number> {
  return bridgeCli(['--', ...argv]);
}
