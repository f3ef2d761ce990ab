import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { realPath } from './storage/realPath';

/**
 * Airlock's data directory for all workspaces (docs/cli.md): `$AIRLOCK_HOME`, else the platform's user
 * data directory. Data lives outside the workspace so agents editing the workspace cannot reach it.
 */
export function airlockHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.AIRLOCK_HOME) return env.AIRLOCK_HOME;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'airlock');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'airlock');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'airlock');
}

/** The key of a workspace's sub-directory: a hash of the workspace's real path. */
export function workspaceKey(workspace: string): string {
  return createHash('sha256').update(realPath(workspace)).digest('hex').slice(0, 16);
}

/** The data directory of one workspace. */
export function workspaceDataDir(dataRoot: string, workspace: string): string {
  return join(dataRoot, 'workspaces', workspaceKey(workspace));
}
