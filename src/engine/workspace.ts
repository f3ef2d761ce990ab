/**
 * One workspace's stores, opened in one place: its data folder, the person's settings as mirrored for
 * every process, the shadow history, the audit log and the trust store. The hook, the gate and every
 * CLI command open a workspace through here, so they all read and write the same files the same way.
 */
import { workspaceDataDir } from '../core/dataDir';
import { AuditLog } from '../core/audit/auditLog';
import { auditExportConfig } from '../core/audit/export/exportConfig';
import { ExportTrigger } from '../core/audit/export/exportFlush';
import { History } from '../core/history/history';
import { loadPolicy, type LoadedPolicy, type LoadPolicyOptions } from '../core/policy/loadPolicy';
import { TrustStore } from '../core/trust/trustStore';
import { readUserSettings, type Settings } from '../core/settings';

/** Where a workspace is and who works in it. */
export interface WorkspaceLocation {
  /** The workspace folder. */
  readonly workspace: string;
  /** Airlock's data root (all workspaces). */
  readonly dataRoot: string;
  /** The person's home folder. */
  readonly home: string;
  /** The folder Airlock is installed in (the extension's or the CLI package's root), for the policy's protections. */
  readonly installDir?: string;
}

/** An opened workspace. The stores are created on first use. */
export interface OpenWorkspace extends WorkspaceLocation {
  /** This workspace's data folder. */
  readonly dir: string;
  readonly settings: Settings;
  readonly history: History;
  readonly audit: AuditLog;
  readonly trust: TrustStore;
  /** Loads the policy as it is on disk now (workspace file, the person's rules, built-in protections). */
  loadPolicy(overrides?: Partial<Pick<LoadPolicyOptions, 'policyText' | 'userRules' | 'restricted'>>): LoadedPolicy;
}

/** Opens a workspace's stores; nothing is read until it is used. */
export function openWorkspace(location: WorkspaceLocation): OpenWorkspace {
  const dir = workspaceDataDir(location.dataRoot, location.workspace);
  let settings: Settings | undefined;
  let history: History | undefined;
  let audit: AuditLog | undefined;
  let trust: TrustStore | undefined;
  let exportTrigger: ExportTrigger | undefined;
  return {
    ...location,
    dir,
    get settings() {
      return (settings ??= readUserSettings(location.dataRoot));
    },
    get history() {
      return (history ??= new History(dir, location.workspace, this.settings.history));
    },
    get audit() {
      // Every record written starts the audit export when it is on (after this process's work is done).
      return (audit ??= new AuditLog(dir, { afterAppend: () => (exportTrigger ??= new ExportTrigger(dir, location.workspace, auditExportConfig(this.settings.audit))).appended() }));
    },
    get trust() {
      return (trust ??= new TrustStore(dir, this.audit));
    },
    loadPolicy(overrides = {}) {
      return loadPolicy({ workspace: location.workspace, home: location.home, dataRoot: location.dataRoot, ...(location.installDir !== undefined ? { installDir: location.installDir } : {}), ...overrides });
    },
  };
}
