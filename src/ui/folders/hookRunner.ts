import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { airlockHome } from '../../core/dataDir';
import type { HookCommandOptions } from '../../core/install/hookConfigs';

function nodeVersionOk(path: string): boolean {
  const r = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 5000 });
  const major = Number(/^(\d+)\./.exec(r.stdout ?? '')?.[1]);
  return r.status === 0 && major >= 18;
}

/**
 * How hooks run the CLI. Hooks run in the agent's process, not the editor's: a Node.js 18+ on PATH is
 * best (it starts fastest); otherwise the editor's own runtime as Node (`ELECTRON_RUN_AS_NODE=1`).
 */
export function hookRunner(extensionPath: string): HookCommandOptions {
  const cli = join(extensionPath, 'dist', 'cli.js');
  // Hooks run a stable launcher in Airlock's data folder, which survives extension updates.
  const dataRoot = airlockHome();
  if (!process.versions.electron) return { node: process.execPath, cli, dataRoot };
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    if (nodeVersionOk(candidate)) return { node: candidate, cli, dataRoot };
  }
  return { node: process.execPath, cli, env: { ELECTRON_RUN_AS_NODE: '1' }, dataRoot };
}
