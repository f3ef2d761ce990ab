// Bundles bench/run.ts with esbuild (as the shipped code is bundled) and runs it, passing arguments through.
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: ['bench/run.ts'],
  outfile: '.bench/bench.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  external: ['vscode', 'esbuild'],
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['--expose-gc', '.bench/bench.cjs', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
