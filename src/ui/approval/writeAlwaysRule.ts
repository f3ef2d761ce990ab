import { mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { HookCommandOptions } from '../../core/install/hookConfigs';
import type { Logger } from '../../core/logger';
import { addRuleToPolicy } from '../../core/policy/editPolicy';
import type { Settings } from '../../core/settings';
import { writeFileAtomic } from '../../core/storage/atomicFile';
import type { GateHost } from '../folders/gateHost';
import type { PendingApproval } from './approvalQueue';
import { alwaysAllowRule, ruleWouldNotAllow } from './approvalView';

/** What writing an "Always allow" rule needs. */
export interface WriteAlwaysRuleDeps {
  /** The gate of the folder the request came from. */
  host(folderKey: string): GateHost | undefined;
  readonly settings: Settings;
  readonly runner: HookCommandOptions;
  readonly dataRoot: string;
  readonly installDir: string;
  readonly log: Logger;
}

/**
 * Writes the rule "Always allow" shows into the folder's policy file, and audits it. The rule is
 * written only when the policy with it really allows the request (a rule that does nothing is worse
 * than none); the file's comments, mode and symlink stay as they were.
 */
export async function writeAlwaysRule(pending: PendingApproval, deps: WriteAlwaysRuleDeps): Promise<void> {
  const host = deps.host(pending.folderKey);
  if (!host) throw new Error('the workspace folder is no longer open');
  const always = alwaysAllowRule(pending.request);
  if ('unavailable' in always) throw new Error(always.unavailable);
  const uri = host.policy.file;
  // An open, unsaved editor on the policy file would be overwritten by a write behind its back.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) throw new Error(`${uri.fsPath} has unsaved changes in an editor; save or revert them first`);
  let target = uri.fsPath;
  let text: string | undefined;
  let mode = 0o644;
  try {
    target = realpathSync(uri.fsPath);
    mode = statSync(target).mode & 0o777;
    text = readFileSync(target, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${uri.fsPath}: ${(e as Error).message}`);
    target = uri.fsPath;
  }
  const next = addRuleToPolicy(text, always.rule);
  const runner = deps.runner;
  const why = ruleWouldNotAllow(pending.request, next, { workspace: host.folder.uri.fsPath, home: homedir(), dataRoot: deps.dataRoot, installDir: deps.installDir, userRules: deps.settings.rules, restricted: !vscode.workspace.isTrusted, sandbox: { runner, home: homedir(), dataRoot: deps.dataRoot } });
  if (why) throw new Error(`the rule would not allow this request (${why}), so Airlock did not add it`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileAtomic(target, next, { mode });
  // A person's change: the backstop takes the policy as it is now.
  host.runtime.backstop.accept([target, uri.fsPath]);
  host.runtime.audit.append({ type: 'rule-added', agent: pending.request.agent, session: pending.request.sessionId, agentSessionId: pending.request.agentSessionId, action: 'always-allow', decidedBy: 'person', via: 'editor', file: always.file, rule: always.rule, ...(text === undefined ? { created: true } : {}), reason: 'a person chose "Always allow" in the approval popup' });
  host.policy.reload('a rule was added by "Always allow"');
  deps.log.info(`[approval] added to ${always.file}${text === undefined ? ' (created from the recommended policy)' : ''}: ${JSON.stringify(always.rule)}`);
}
