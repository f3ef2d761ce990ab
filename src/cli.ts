/**
 * The `airlock` executable (dist/cli.js). Dispatches before loading anything heavy: `airlock hook` runs
 * on every agent tool call and loads only the lean hook client (dist/hook.js); everything else loads
 * the full command line (dist/main.js).
 */
const args = process.argv.slice(2);
type Entry = (argv: readonly string[]) => Promise<number>;
/* eslint-disable @typescript-eslint/no-require-imports -- the bundles are loaded on demand, by design */
const run: Entry = args[0] === 'hook' ? (a) => (require('./hook.js') as { hookCli: Entry }).hookCli(a.slice(1)) : (require('./main.js') as { main: Entry }).main;
run(args).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`airlock: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
