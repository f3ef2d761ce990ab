/**
 * Decides commands on the engine path against the decision corpus's workspace (recommended policy, a
 * sandbox said to be available), for tests that check other spellings of the corpus's cases. Registers
 * its own `before`/`after` in the calling `describe`.
 */
import { after, before } from 'node:test';
import { loadPolicy, type LoadedPolicy } from '../../../src/core/policy/loadPolicy';
import type { TrustLevel } from '../../../src/core/policy/types';
import { decideEvent, eventFor } from '../../../src/engine/decide';
import type { SandboxEnv } from '../../../src/engine/sandboxPlan';
import { corpusWorkspace, fillCase, type CorpusPlaces } from '../../fixtures/decisionCases';
import { tempTree, type TempTree } from './fixtures';

/** `decide(command, trust)` answers "ACTION: reason"; `{ws}`, `{home}`, `{data}`, `{ext}` are filled in. */
export function useCorpusDecider(): (command: string, trust: TrustLevel) => string {
  let tree: TempTree;
  let policy: LoadedPolicy;
  let places: CorpusPlaces;
  const realHome = process.env.HOME;
  before(() => {
    tree = tempTree();
    places = corpusWorkspace(tree);
    process.env.HOME = places.home;
    policy = loadPolicy({ workspace: places.ws, home: places.home, dataRoot: places.data, installDir: places.ext });
  });
  after(() => {
    process.env.HOME = realHome;
    tree.cleanup();
  });
  return (command, trust) => {
    const sandbox: SandboxEnv = {
      runner: { node: '/usr/bin/node', cli: '/opt/airlock/dist/cli.js' },
      home: places.home,
      dataRoot: places.data,
      availability: () => ({ available: true, backend: 'bubblewrap', detail: 'test' }),
    };
    const event = eventFor('claude', { category: 'command', command: fillCase(command, places), cwd: places.ws }, places.ws);
    const { decision } = decideEvent({ workspace: places.ws, policy, trust, sandbox }, event);
    return `${decision.action}: ${decision.reason}`;
  };
}
