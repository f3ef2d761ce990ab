import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built CLI (`npm run build` first; `npm test` does). */
export const CLI = join(new URL('../../../', import.meta.url).pathname, 'dist', 'cli.js');

/** The result of one real `airlock` process. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/cli.js ARGS` in `cwd` with `env` added to a clean environment. */
export function airlock(args: readonly string[], options: { cwd: string; env?: Record<string, string>; input?: string; timeoutMs?: number }): CliRun {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.env?.HOME ?? process.env.HOME ?? '/tmp', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
