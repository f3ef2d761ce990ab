/**
 * Property: however a wrapper or a file-writer spells its options (attached `-tDIR`, separate `-t DIR`,
 * `--opt=value`, `--opt value`, abbreviated `--op=value`, in clusters with other flags, ended by `--`),
 * a command that reaches a protected file is never allowed, at any trust level. The spellings are
 * generated from the tools' own option tables, so a table entry that is read wrongly fails here.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { loadPolicy, type LoadedPolicy } from '../../../src/core/policy/loadPolicy';
import { evaluate } from '../../../src/core/policy/evaluate';
import { prepareRequest } from '../../../src/core/policy/prepare';
import { RECOMMENDED_POLICY_TEXT } from '../../../src/core/policy/recommended';
import type { TrustLevel } from '../../../src/core/policy/types';
import type { OptionTable } from '../../../src/core/commands/options';
import { WRITER_TABLES } from '../../../src/core/commands/tools/fileTools';
import { WRAPPER_TABLES } from '../../../src/core/commands/tools/wrappers';
import { tempTree, type TempTree } from '../helpers/fixtures';

/** Harmless values for value-taking options (a number works for counts, durations and signals alike). */
const VALUES = ['1', '5', 'KILL', 'x'];

/** A value for an option: a protected target for the options that name where a tool writes. */
function valueFor(t: OptionTable, name: string, short: boolean): fc.Arbitrary<string> {
  const role = (short ? t.short[name] : t.long[name])?.role;
  if (role === 'write') return fc.constant('.vscode/airlock.json');
  if (role === 'writeDir') return fc.constant('.vscode');
  return fc.constantFrom(...VALUES);
}

/** Every spelling of one option of a table, with a value where it takes one. */
function spellings(t: OptionTable): fc.Arbitrary<string[]> {
  const shortFlags = Object.entries(t.short).filter(([, d]) => d.value === 'none').map(([k]) => k);
  const shortValued = Object.entries(t.short).filter(([, d]) => d.value === 'required').map(([k]) => k);
  const longFlags = Object.entries(t.long).filter(([k, d]) => d.value === 'none' && k !== 'help' && k !== 'version').map(([k]) => k);
  const longValued = Object.entries(t.long).filter(([, d]) => d.value === 'required').map(([k]) => k);
  const options: fc.Arbitrary<string[]>[] = [];
  if (shortFlags.length) {
    options.push(fc.subarray(shortFlags, { minLength: 1, maxLength: Math.min(3, shortFlags.length) }).map((ls) => [`-${ls.join('')}`]));
  }
  if (shortValued.length) {
    const sv = fc.constantFrom(...shortValued).chain((l) => valueFor(t, l, true).map((val) => [l, val] as const));
    options.push(sv.map(([l, val]) => [`-${l}${val}`]));
    options.push(sv.map(([l, val]) => [`-${l}`, val]));
    if (shortFlags.length) options.push(fc.tuple(fc.constantFrom(...shortFlags), sv).map(([f, [l, val]]) => [`-${f}${l}`, val]));
  }
  if (longFlags.length) options.push(fc.constantFrom(...longFlags).map((n) => [`--${n}`]));
  if (longValued.length) {
    const lv = fc.constantFrom(...longValued).chain((n) => valueFor(t, n, false).map((val) => [n, val] as const));
    options.push(lv.map(([n, val]) => [`--${n}=${val}`]));
    options.push(lv.map(([n, val]) => [`--${n}`, val]));
    if (t.abbreviations !== false) {
      // The shortest prefix that names only this option, as GNU getopt_long accepts it.
      const all = Object.keys(t.long);
      const abbrev = (n: string): string => {
        for (let i = 1; i <= n.length; i++) if (all.filter((k) => k.startsWith(n.slice(0, i))).length === 1) return n.slice(0, i);
        return n;
      };
      options.push(lv.map(([n, val]) => [`--${abbrev(n)}=${val}`]));
    }
  }
  return fc.oneof(...options);
}

function line(tool: string, opts: string[][], dashdash: boolean, rest: string): string {
  return [tool, ...opts.flat(), ...(dashdash ? ['--'] : []), rest].join(' ');
}

describe('option spellings never turn a protected target into allow', () => {
  let tree: TempTree;
  let policy: LoadedPolicy;
  let ws: string;
  before(() => {
    tree = tempTree();
    ws = tree.path('ws');
    mkdirSync(ws, { recursive: true });
    execFileSync('git', ['init', '-q', ws]);
    tree.write('ws/.vscode/airlock.json', RECOMMENDED_POLICY_TEXT);
    tree.write('ws/x', 'x');
    policy = loadPolicy({ workspace: ws, home: tree.path('home'), dataRoot: tree.path('data') });
  });
  after(() => tree.cleanup());

  const decide = (command: string, trust: TrustLevel): string => evaluate(policy.compiled, prepareRequest({ agent: 'claude', workspace: ws, kind: 'command', paths: [], command, cwd: ws }, policy.paths), { agent: 'claude', trust, contained: true }).action;

  for (const [tool, t] of Object.entries(WRAPPER_TABLES)) {
    it(`${tool}: whatever its options, the command it wraps (rm -rf .git) is never allowed`, () => {
      // Wrappers that take an operand before the command (timeout DURATION, flock FILE) get one.
      const lead = tool === 'timeout' ? '5 ' : tool === 'flock' ? 'lockfile ' : '';
      fc.assert(
        fc.property(fc.array(spellings(t), { maxLength: 3 }), fc.boolean(), fc.constantFrom<TrustLevel>(0, 1, 2, 3), (opts, dd, trust) => {
          const cmd = line(tool, opts, dd && lead === '', `${lead}rm -rf .git`);
          assert.notEqual(decide(cmd, trust), 'allow', cmd);
        }),
        { numRuns: 150 },
      );
    });
  }

  const TARGETS: Readonly<Record<string, string>> = {
    cp: 'x .vscode/airlock.json',
    mv: 'x .vscode/airlock.json',
    install: 'x .vscode/airlock.json',
    ln: 'x .vscode/airlock.json',
    tee: '.vscode/airlock.json',
    touch: '.vscode/airlock.json',
    mkdir: '.git/hooks/x',
    truncate: '.vscode/airlock.json',
    sed: "-i s/a/b/ .vscode/airlock.json",
    rm: '.vscode/airlock.json',
    tar: '-cf .vscode/airlock.json x',
  };
  for (const [tool, t] of Object.entries(WRITER_TABLES)) {
    it(`${tool}: whatever its options, a write to a protected file is never allowed`, () => {
      fc.assert(
        fc.property(fc.array(spellings(t), { maxLength: 3 }), fc.constantFrom<TrustLevel>(0, 1, 2, 3), (opts, trust) => {
          const cmd = line(tool, opts, false, TARGETS[tool] ?? '.vscode/airlock.json');
          assert.notEqual(decide(cmd, trust), 'allow', cmd);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('the target folder in any spelling of cp/mv/install -t is read as the destination', () => {
    const forms = ['-t.vscode', '-t .vscode', '--target-directory=.vscode', '--target-directory .vscode', '--target=.vscode', '--targ .vscode', '-vt.vscode', '-vt .vscode'];
    for (const tool of ['cp', 'mv', 'install']) {
      for (const f of [...forms, ...(tool === 'install' ? ['-Cvt.vscode'] : ['-fvt.vscode'])]) {
        const cmd = `${tool} ${f} airlock.json`;
        assert.equal(decide(cmd, 3), 'deny', cmd);
      }
    }
  });
});
