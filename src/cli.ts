/**
 * The `airlock` executable (dist/cli.js). Dispatches before loading anything heavy: `airlock hook` runs
 * on every agent tool call and loads only the lean hook client (dist/hook.js); `airlock sandbox` runs
 * every sandboxed command and loads only the launcher (dist/sandbox.js); everything else loads the full
 * command line (dist/main.js), with a V8 code cache (shared/bundleLoader.ts).
 */
import { join } from 'node:path';
import { loadBundle } from './shared/bundleLoader';

const args = process.argv.slice(2);
// A reader that stops early (`airlock install claude | head -1`) closes the pipe: stop quietly, with no
// stack trace, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? (typeof process.exitCode === 'number' ? process.exitCode : 0) : 1));
}
type Entry = (argv: readonly string[]) => Promise<number>;
/* eslint-disable @typescript-eslint/no-require-imports -- the bundles are loaded on demand, by design */
const run: Entry =
  args[0] === 'hook'
    ? (a) => (require('./hook.js') as { hookCli: Entry }).hookCli(a.slice(1))
    : args[0] === 'sandbox' || args[0] === 'sandbox-bridge' || args[0] === 'sandbox-cleanup'
      ? (a) => {
          const s = require('./sandbox.js') as { sandboxCli: Entry; bridgeCli: Entry; cleanupCli: Entry };
          return a[0] === 'sandbox' ? s.sandboxCli(a.slice(1)) : a[0] === 'sandbox-bridge' ? s.bridgeCli(a.slice(1)) : s.cleanupCli(a.slice(1));
        }
      : loadBundle(join(__dirname, 'main.js'), () => require('./main.js') as { main: Entry }).main;
run(args).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`airlock: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
