import * as vscode from 'vscode';
import { TRUST_NAMES, type TrustLevel } from '../../core/policy/types';
import { agentName, label, said } from '../labels';
import type { GateHost } from './gateHost';

/** Offers the person a promotion an agent has earned; Airlock never promotes by itself. */
export async function offerPromotion(host: GateHost, agent: string, to: TrustLevel, refresh: () => void): Promise<void> {
  const t = host.runtime.trust.get(agent);
  const promote = `Promote to Level ${to}`;
  const answer = await vscode.window.showInformationMessage(
    `${agentName(agent)} has earned more trust in ${label(host.folder.name)}: ${t.record.actions} actions over ${t.record.sessions.length} sessions with no rollback, denied attempt or breached limit. Promote it to level ${to} (${TRUST_NAMES[to]})?`,
    promote,
    'Not Now',
  );
  try {
    if (answer === promote) host.runtime.trust.set(agent, to, 'accepted a promotion offer in the editor');
    else if (answer === 'Not Now') host.runtime.trust.decline(agent);
  } catch (e) {
    void vscode.window.showErrorMessage(`Airlock could not change ${agentName(agent)}'s trust: ${said((e as Error).message)}`);
  }
  refresh();
}
