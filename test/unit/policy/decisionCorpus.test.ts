/**
 * The decision corpus (issue "Decisions an agent cannot talk its way around"): attacks and ordinary
 * commands, each with the exact decision, decided on the engine's one decision path (the same one the
 * hook and `airlock check` take) against a real workspace on disk with the recommended policy. Grouped
 * by root cause: Airlock's control plane, protected files reached through option spellings and `cd`,
 * shell code from strings and input, wrapper options, read-only tools with options that are not,
 * targets from input or bounded by find, irreversible effects and secrets leaving, code-running commands
 * and the sandbox, read tools, and the ordinary commands that must keep passing.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ToolAction } from '../../../src/agents/types';
import { parseEvent } from '../../../src/agents/detect';
import { CASES, fillCase, type Case } from '../../fixtures/decisionCases';
import { decideEvent, eventFor } from '../../../src/engine/decide';
import { corpusSandbox, useCorpusWorkspace } from '../helpers/corpusDecider';

const trustOf = (c: Case): string => `level ${c.trust}${c.noSandbox ? ', no sandbox' : ''}`;

describe('decision corpus (engine path, recommended policy)', () => {
  const corpus = useCorpusWorkspace();

  before(() => {
    const { policy } = corpus();
    assert.equal(policy.state, 'file');
    assert.deepEqual(policy.problems, []);
  });

  it(`holds at least 250 cases (${CASES.length})`, () => {
    assert.ok(CASES.length >= 250, `only ${CASES.length}`);
  });

  for (const c of CASES) {
    it(`${c.expect}s ${JSON.stringify(c.input.slice(0, 90))} at ${trustOf(c)}: ${c.why}`, () => {
      const { places, policy } = corpus();
      const { ws, home } = places;
      const sandbox = corpusSandbox(places, !c.noSandbox);
      const input = fillCase(c.input, places);
      let event;
      if (input.startsWith('T ')) {
        const payload = { session_id: 's', transcript_path: '/t', cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_use_id: 'u', ...JSON.parse(input.slice(2)) } as Record<string, unknown>;
        event = parseEvent('claude', payload, undefined).event;
      } else {
        const body = input.slice(2);
        const abs = (p: string): string => (p.startsWith('/') ? p : p.startsWith('~/') ? `${home}${p.slice(1)}` : `${ws}/${p}`);
        const action: ToolAction = input.startsWith('$ ') ? { category: 'command', command: body, cwd: ws } : input.startsWith('E ') ? { category: 'edit', files: [{ path: abs(body), op: 'write', content: 'x' }] } : { category: 'read', paths: [abs(body)] };
        event = eventFor('claude', action, ws);
      }
      const { decision } = decideEvent({ workspace: ws, policy, trust: c.trust, sandbox }, event);
      const detail = `${decision.action} (${decision.source}${decision.failed ? `, ${decision.failed}` : ''}): ${decision.reason}\n${(decision.parts ?? []).map((p) => `  ${p.action} ${p.kind} ${p.text}: ${p.reason}`).join('\n')}`;
      if (c.orDeny) assert.notEqual(decision.action, 'allow', detail);
      else assert.equal(decision.action, c.expect, detail);
      if (c.failed) assert.equal(decision.failed, c.failed, detail);
      if (c.source) assert.equal(decision.source, c.source, detail);
      assert.ok(decision.reason.length > 0);
    });
  }
});
