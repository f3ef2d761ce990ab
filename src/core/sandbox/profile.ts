/**
 * What one sandboxed command may do, resolved to absolute paths, and how it travels: the hook writes it
 * into the rewritten command line (base64url JSON), and `airlock sandbox` reads it back and validates it
 * like any other untrusted input. The protections themselves are not in the profile: the launcher computes
 * them when the command starts, from the file system as it is then (protect.ts).
 */
import { join } from 'node:path';
import { workspaceDataDir } from '../dataDir';
import type { SandboxLimits } from '../policy/types';
import { CACHE_DIRS, DEFAULT_DENY_READ, resolveSandboxPath, type ResolvedSandbox } from './sandboxPolicy';

/** Everything the sandbox launcher needs. */
export interface SandboxProfile {
  readonly v: 2;
  /** The workspace (writable). */
  readonly workspace: string;
  /** Other writable folders. */
  readonly writable: readonly string[];
  /** Hidden besides Airlock's defaults (DEFAULT_DENY_READ, added by the launcher): folders appear empty, files empty. */
  readonly hide: readonly string[];
  readonly network: 'none' | 'host' | { readonly allow: readonly string[] };
  readonly limits: SandboxLimits;
  /** Environment variables removed besides the listed ones and those that look secret (sandboxEnv.ts). */
  readonly unsetEnv: readonly string[];
  /** The person's home folder. */
  readonly home: string;
  /** This workspace's sandbox state in Airlock's data: placeholders, caches, quarantine. */
  readonly state: string;
  /** Caches: a folder of `state` bound writable over each of these home folders, when they exist. */
  readonly caches: readonly string[];
}

/** Builds the profile of a command in `workspace`. Airlock's own data folder is always hidden. */
export function buildProfile(s: ResolvedSandbox, options: { workspace: string; home: string; dataRoot: string }): SandboxProfile {
  const { workspace, home } = options;
  return {
    v: 2,
    workspace,
    writable: s.writable.map((p) => resolveSandboxPath(p, workspace, home)),
    // Airlock's defaults are added by the launcher: the rewritten command line stays short enough to read.
    hide: [...new Set([...s.denyRead.filter((p) => !DEFAULT_DENY_READ.includes(p)).map((p) => resolveSandboxPath(p, workspace, home)), options.dataRoot])],
    network: s.network,
    limits: s.limits,
    unsetEnv: [],
    home,
    state: join(workspaceDataDir(options.dataRoot, workspace), 'sandbox'),
    caches: CACHE_DIRS.map((p) => resolveSandboxPath(p, workspace, home)),
  };
}

/** Everything the sandbox hides: Airlock's defaults (resolved against the profile's home) and the profile's own. */
export function hiddenPaths(profile: SandboxProfile): string[] {
  return [...new Set([...DEFAULT_DENY_READ.map((p) => resolveSandboxPath(p, profile.workspace, profile.home)), ...profile.hide])];
}

/** Where a cache of the profile lives in Airlock's data (persistent, one per workspace). */
export function cacheSource(profile: SandboxProfile, at: string): string {
  const rel = at.startsWith(`${profile.home}/`) ? at.slice(profile.home.length + 1) : at.replace(/^\/+/, '');
  return join(profile.state, 'home', rel);
}

/** The profile as one argv-safe word. */
export function encodeProfile(p: SandboxProfile): string {
  return Buffer.from(JSON.stringify(p), 'utf8').toString('base64url');
}

/** Thrown for a profile that is not one Airlock wrote. */
export class ProfileError extends Error {}

const MAX_PATHS = 512;

function paths(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.length > MAX_PATHS || !v.every((p) => typeof p === 'string' && p.startsWith('/') && !p.includes('\0') && p.length < 4096 && !p.split('/').includes('..'))) throw new ProfileError(`${what} must be a list of absolute paths`);
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
  if (r.v !== 2) throw new ProfileError('the sandbox profile is from another Airlock version');
  const [workspace] = paths([r.workspace], 'workspace');
  const [home] = paths([r.home], 'home');
  const [state] = paths([r.state], 'state');
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
  return { v: 2, workspace: workspace!, writable: paths(r.writable, 'writable'), hide: paths(r.hide, 'hide'), network, limits, unsetEnv: env as string[], home: home!, state: state!, caches: paths(r.caches, 'caches') };
}
