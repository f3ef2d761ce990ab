import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTrustLevel, type TrustLevel } from '../policy/types';

/** The file holding each agent's trust level and record in a workspace's data directory. */
export const TRUST_FILE = 'trust.json';

/**
 * An agent's current trust level in a workspace; 0 for an agent never seen before.
 * A missing file is level 0; an unreadable or corrupt file is also level 0 (fail closed), never higher.
 */
export function readTrustLevel(workspaceDir: string, agent: string): TrustLevel {
  let raw: string;
  try {
    raw = readFileSync(join(workspaceDir, TRUST_FILE), 'utf8');
  } catch {
    return 0;
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    const level = (parsed as { agents?: Record<string, { level?: unknown }> })?.agents?.[agent]?.level;
    return isTrustLevel(level) ? level : 0;
  } catch {
    return 0;
  }
}
