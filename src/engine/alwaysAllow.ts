/**
 * Would the policy with a new rule really allow a request? A rule that does nothing is worse than none,
 * so "Always allow" writes only a rule that works: not for a part known only at run time, a symlink whose
 * target the rule does not cover, an untrusted workspace whose allow rules are ignored, or a command the
 * sandbox would still hold back. Decided on the engine's one decision path.
 */
import { isAbsolute, join } from 'node:path';
import type { ProposedFile, ToolAction } from '../agents/types';
import type { LoadedPolicy } from '../core/policy/loadPolicy';
import type { TrustLevel } from '../core/policy/types';
import type { ApprovalRequest } from './ask';
import { decideEvent, eventFor } from './decide';
import type { SandboxEnv } from './sandboxPlan';

function absolute(workspace: string, p: string): string {
  return isAbsolute(p) ? p : join(workspace, p);
}

/** The actions a request stands for (an edit of several files is decided file by file). */
function actionsOf(request: ApprovalRequest, workspace: string): ToolAction[] {
  if (request.kind === 'command' && request.command !== undefined) return [{ category: 'command', command: request.command, cwd: request.cwd }];
  if (request.kind === 'read') return [{ category: 'read', paths: (request.paths ?? []).map((p) => absolute(workspace, p)) }];
  if (request.kind === 'edit') {
    return (request.files ?? []).map((f): ToolAction => {
      const file: ProposedFile = { path: absolute(workspace, f.path), op: f.op, ...(f.newPath ? { newPath: absolute(workspace, f.newPath) } : {}) };
      return { category: 'edit', files: [file] };
    });
  }
  return [];
}

/** Why the policy would still not allow the request, or undefined when it would. */
export function ruleWouldNotAllow(request: ApprovalRequest, policy: LoadedPolicy, workspace: string, sandbox?: SandboxEnv): string | undefined {
  if (policy.state !== 'file') return 'the policy file would not be valid with the rule';
  const actions = actionsOf(request, workspace);
  if (actions.length === 0) return 'Airlock cannot check a rule for this request';
  for (const action of actions) {
    const { decision: d } = decideEvent({ workspace, policy, trust: request.trust as TrustLevel, ...(sandbox ? { sandbox } : {}) }, eventFor(request.agent, action, request.cwd));
    if (d.action !== 'allow') return `with the rule the policy would still ${d.action === 'deny' ? 'deny' : 'ask'}: ${d.reason}`;
  }
  return undefined;
}
