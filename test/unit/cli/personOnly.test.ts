import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { agentAbove } from '../../../src/cli/personOnly';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree();
after(() => tree.cleanup());

describe('person-only actions', () => {
  it('see an agent in the environment markers it sets for its commands', () => {
    assert.match(agentAbove({ CLAUDECODE: '1' }, process.pid) ?? '', /Claude Code/);
    assert.match(agentAbove({ GEMINI_CLI: '1' }, process.pid) ?? '', /Gemini CLI/);
    assert.equal(agentAbove({}, process.pid), undefined);
  });

  it('see an agent among the ancestors even when the markers are removed (a real process named claude)', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
    // `claude` here is Node itself under that name: its child asks who is above it, with a clean environment.
    const fakeAgent = join(tree.root, 'claude');
    symlinkSync(process.execPath, fakeAgent);
    const probe = `import('${join(process.cwd(), 'src/cli/personOnly.ts').replace(/\\/g, '/')}').then((m) => console.log((m.agentAbove ?? m.default.agentAbove)({}) ?? 'none'))`;
    const r = spawnSync(fakeAgent, ['-e', `require('child_process').spawnSync(process.execPath, ['--import', 'tsx', '-e', ${JSON.stringify(probe)}], { stdio: 'inherit', env: { PATH: process.env.PATH } })`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.match(r.stdout, /an agent process \(claude, pid \d+\)/, r.stderr);
  });
});
