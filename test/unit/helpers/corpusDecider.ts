/**
 * The decision corpus's workspace (recommended policy) on the engine path, for the corpus itself and for
 * tests that check other spellings of its cases. Registers its own `before`/`after` in the calling
 * `describe`.
 */
import { after, before } from 'node:test';
import { loadPolicy, type LoadedPolicy } from '../../../src/core/policy/loadPolicy';
import type { TrustLevel } from '../../../src/core/policy/types';
import { decideEvent, eventFor } from '../../../src/engine/decide';
import type { SandboxEnv } from '../../../src/engine/sandboxPlan';
import { corpusWorkspace, fillCase, type CorpusPlaces } from '../../fixtures/decisionCases';
import { tempTree, type TempTree } from './fixtures';

/** The corpus workspace and its loaded policy, available once the calling `describe`'s `before` ran. */
export function useCorpusWorkspace(): () => { places: CorpusPlaces; policy: LoadedPolicy } {
  let tree: TempTree;
  let loaded: { places: CorpusPlaces; policy: LoadedPolicy };
  const realHome = process.env.HOME;
  before(() => {
    tree = tempTree();
    const places = corpusWorkspace(tree);
    // Agents expand `~` to the home folder of the user they run as: here, the fixture's.
    process.env.HOME = places.home;
    loaded = { places, policy: loadPolicy({ workspace: places.ws, home: places.home, dataRoot: places.data, installDir: places.ext }) };
  });
  after(() => {
    process.env.HOME = realHome;
    tree.cleanup();
  });
  return () => loaded;
}

/** The sandbox as the corpus assumes it: bubblewrap available, or (`available: false`) not installed. */
export function corpusSandbox(places: CorpusPlaces, available = true): SandboxEnv {
  return {
    runner: { node: '/usr/bin/node', cli: '/opt/airlock/dist/cli.js' },
    home: places.home,
    dataRoot: places.data,
    availability: () => (available ? { available: true, backend: 'bubblewrap', detail: 'test' } : { available: false, reason: 'bubblewrap is not installed', fix: 'install it' }),
  };
}

/** `decide(command, trust)` answers "ACTION: reason"; `{ws}`, `{home}`, `{data}`, `{ext}` are filled in. */
export function useCorpusDecider(): (command: string, trust: TrustLevel) => string {
  const corpus = useCorpusWorkspace();
  return (command, trust) => {
    const { places, policy } = corpus();
    const event = eventFor('claude', { category: 'command', command: fillCase(command, places), cwd: places.ws }, places.ws);
    const { decision } = decideEvent({ workspace: places.ws, policy, trust, sandbox: corpusSandbox(places) }, event);
    return `${decision.action}: ${decision.reason}`;
  };
}
