/**
 * What one sandboxed command may do, resolved to absolute paths, and how it travels: the hook writes it
 * into the rewritten command line (base64url JSON), and `airlock sandbox` reads it back and validates it
 * like any other untrusted input.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxLimits } from '../policy/types';
import { resolveSandboxPath, SECRET_ENV, WORKSPACE_READ_ONLY, type ResolvedSandbox } from './sandboxPolicy';

/** Everything the sandbox launcher needs. */
export interface SandboxProfile {
  readonly v: 1;
  /** The workspace (writable). */
  readonly workspace: string;
  /** Other writable folders. */
  readonly writable: readonly string[];
  /** Inside writable folders, kept read-only. */
  readonly readOnly: readonly string[];
  /** Hidden: folders appear empty, files cannot be opened. */
  readonly hide: readonly string[];
  readonly network: 'none' | 'host' | { readonly allow: readonly string[] };
  readonly limits: SandboxLimits;
  /** Environment variables removed. */
  readonly unsetEnv: readonly string[];
}

/** Builds the profile of a command in `workspace`. Airlock's own data folder is always hidden. */
export function buildProfile(s: ResolvedSandbox, options: { workspace: string; home: string; dataRoot: string }): SandboxProfile {
  const { workspace, home } = options;
  return {
    v: 1,
    workspace,
    writable: s.writable.map((p) => resolveSandboxPath(p, workspace, home)),
    readOnly: WORKSPACE_READ_ONLY.map((p) => join(workspace, p)),
    hide: [...new Set([...s.denyRead.map((p) => resolveSandboxPath(p, workspace, home)), options.dataRoot])],
    network: s.network,
    limits: s.limits,
    unsetEnv: [...SECRET_ENV],
  };
}

/** The profile as one argv-safe word. */
export function encodeProfile(p: SandboxProfile): string {
  return Buffer.from(JSON.stringify(p), 'utf8').toString('base64url');
}

/** Thrown for a profile that is not one Airlock wrote. */
export class ProfileError extends Error {}

const MAX_PATHS = 512;

function paths(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.length > MAX_PATHS || !v.every((p) => typeof p === 'string' && p.startsWith('/') && !p.includes('\0') && p.length < 4096)) throw new ProfileError(`${what} must be a list of absolute paths`);
  return v as string[];
}

/** Reads a profile back, checking every field. */
export function decodeProfile(text: string): SandboxProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new ProfileError('the sandbox profile is not valid');
  }
  if (!raw || typeof raw !== 'object') throw new ProfileError('the sandbox profile is not an object');
  const r = raw as Record<string, unknown>;
  if (r.v !== 1) throw new ProfileError('the sandbox profile is from another Airlock version');
  const [workspace] = paths([r.workspace], 'workspace');
  const network = r.network === 'none' || r.network === 'host' ? r.network : r.network && typeof r.network === 'object' && Array.isArray((r.network as { allow?: unknown }).allow) && ((r.network as { allow: unknown[] }).allow).every((d) => typeof d === 'string' && /^[*a-z0-9.-]{1,253}$/i.test(d)) ? { allow: (r.network as { allow: string[] }).allow } : undefined;
  if (!network) throw new ProfileError('the sandbox profile has no valid network setting');
  const l = (r.limits ?? {}) as Record<string, unknown>;
  const num = (k: keyof SandboxLimits): number => {
    const v = l[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1e7) throw new ProfileError(`the sandbox limit ${k} is not valid`);
    return v;
  };
  const limits: SandboxLimits = { cpuSeconds: num('cpuSeconds'), memoryMB: num('memoryMB'), timeoutSeconds: num('timeoutSeconds'), processes: num('processes'), outputMB: num('outputMB'), fileSizeMB: num('fileSizeMB') };
  const env = r.unsetEnv;
  if (!Array.isArray(env) || !env.every((e) => typeof e === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(e))) throw new ProfileError('the sandbox profile has invalid environment names');
  return { v: 1, workspace: workspace!, writable: paths(r.writable, 'writable'), readOnly: paths(r.readOnly, 'readOnly'), hide: paths(r.hide, 'hide'), network, limits, unsetEnv: env as string[] };
}

/** Paths of a list that exist now (bwrap cannot bind what is not there). */
export function existing(list: readonly string[]): string[] {
  return list.filter((p) => existsSync(p));
}
