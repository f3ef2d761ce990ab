/**
 * The backstop, with commands the analysis allows and the sandbox is off for (a rule with
 * `"sandbox": false`), run on the host for real: whatever they change among the protected files is put
 * back at the post-tool event (or the session's next event, or the gate's periodic check), audited as a
 * denied attempt that demotes the agent, and told to the agent in its post-tool answer.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loadPolicy } from '../../../src/core/policy/loadPolicy';
import { GateRuntime } from '../../../src/gate/gateRuntime';
import type { BackstopReport } from '../../../src/engine/backstop';
import { airlock } from '../helpers/cli';
import { agentEnv, agentShell, claudeBash, hostGit, hostTree, postHook, preHook } from './harness';

const tree = hostTree('backstop-');
const ws = tree.path('ws');
const home = tree.path('home');
const data = tree.path('data');
const canary = tree.path('outside', 'CANARY');
const env = agentEnv(home, data);

const POLICY = JSON.stringify({
  version: 1,
  rules: [
    { action: 'allow', command: ['./tool.sh'], sandbox: false },
    { action: 'deny', command: ['./forbidden.sh'], reason: 'not this one' },
    { action: 'allow', command: ['true'] },
  ],
});
const CLAUDE_SETTINGS = JSON.stringify({ hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: 'airlock hook claude' }] }] } });

let sessionN = 0;
let session = '';

/** Runs `script` as ./tool.sh: pre hook (allowed, not rewritten), the agent's shell, then the post hook unless told not to. */
async function tool(script: string, options: { post?: boolean; name?: string } = {}): Promise<{ pre: Awaited<ReturnType<typeof preHook>>; post?: { decision?: string; reason?: string; hookSpecificOutput?: { additionalContext?: string } } }> {
  const name = options.name ?? 'tool.sh';
  writeFileSync(join(ws, name), `#!/bin/sh\nCANARY='${canary}'\n${script}\n`);
  chmodSync(join(ws, name), 0o755);
  const pre = await preHook(ws, `./${name}`, env, undefined, session);
  assert.equal(pre.command, undefined, 'a "sandbox": false rule runs it as it is');
  await agentShell(`./${name}`, { cwd: ws, env });
  if (options.post === false) return { pre };
  const post = await postHook(ws, `./${name}`, env, pre.id, session);
  return { pre, ...(post.stdout.trim() ? { post: JSON.parse(post.stdout) as { decision?: string; reason?: string } } : {}) };
}

function trustLevel(): number {
  const r = airlock(['trust', 'claude', '--json', '--workspace', ws], { cwd: ws, env });
  return (JSON.parse(r.stdout) as { claude: { level: number } }).claude.level;
}

function setTrust(level: number): void {
  const r = airlock(['trust', 'claude', '--set', String(level), '--workspace', ws], { cwd: ws, env });
  assert.equal(r.code, 0, r.stderr);
}

function backstopRecords(): { action: string; decidedBy: string; target: string; reason: string }[] {
  const r = airlock(['audit', '--json', '--workspace', ws], { cwd: ws, env });
  return (JSON.parse(r.stdout) as { action: string; decidedBy: string; target: string; reason: string }[]).filter((x) => x.decidedBy === 'backstop');
}

function hostGitRunsNothing(): void {
  for (const args of [['status'], ['diff'], ['-c', 'user.email=p@example.com', '-c', 'user.name=P', 'commit', '-q', '--allow-empty', '-m', 'person']]) hostGit(ws, args, env);
  assert.ok(!existsSync(canary), "the host's git ran what the command planted");
}

describe('the backstop restores protected files an allowed command changed outside the sandbox', { concurrency: false }, () => {
  before(() => {
    mkdirSync(home, { recursive: true });
    mkdirSync(tree.path('outside'), { recursive: true });
    writeFileSync(join(home, '.gitconfig'), '[user]\n\temail = person@example.com\n\tname = Person\n');
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    mkdirSync(join(ws, '.claude'), { recursive: true });
    writeFileSync(join(ws, '.vscode', 'airlock.json'), POLICY);
    writeFileSync(join(ws, '.claude', 'settings.local.json'), CLAUDE_SETTINGS);
    writeFileSync(join(ws, 'README.md'), 'hello\n');
    assert.equal(hostGit(ws, ['init', '-q'], env).status, 0);
    hostGit(ws, ['add', '-A'], env);
    assert.equal(hostGit(ws, ['commit', '-qm', 'start'], env).status, 0);
  });
  beforeEach(() => {
    session = `sess-backstop-${++sessionN}`;
  });
  after(() => tree.cleanup());

  it('restores .git/config, a git hook, a new .gemini/settings.json and the policy at the post event; audits, demotes and tells the agent', async () => {
    setTrust(2);
    const { post } = await tool(`git config core.fsmonitor "touch $CANARY"
printf '#!/bin/sh\\ntouch "$CANARY"\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit
mkdir -p .gemini && echo '{"hooks":{"BeforeTool":[]}}' > .gemini/settings.json
echo '{"version":1,"defaults":{"edit":"allow","command":"allow","read":"allow"}}' > .vscode/airlock.json`);
    assert.doesNotMatch(readFileSync(join(ws, '.git', 'config'), 'utf8'), /fsmonitor/);
    assert.ok(!existsSync(join(ws, '.git', 'hooks', 'pre-commit')));
    assert.ok(!existsSync(join(ws, '.gemini', 'settings.json')));
    assert.equal(readFileSync(join(ws, '.vscode', 'airlock.json'), 'utf8'), POLICY);
    hostGitRunsNothing();
    assert.equal(post?.decision, 'block', 'Claude Code is told in its post-tool answer');
    assert.match(post?.reason ?? '', /restored protected files .*\.git\/config.*core\.fsmonitor/);
    assert.match(post?.hookSpecificOutput?.additionalContext ?? '', /counts as a denied attempt/);
    const records = backstopRecords();
    assert.equal(records.length, 1);
    assert.equal(records[0]!.action, 'deny');
    assert.match(records[0]!.target, /\.git\/config/);
    assert.equal(trustLevel(), 1, 'a denied attempt demotes by one level');
    const quarantined = readdirSync(join(data, 'workspaces'))
      .map((k) => join(data, 'workspaces', k, 'backstop', 'quarantine'))
      .filter((q) => existsSync(q));
    assert.equal(quarantined.length, 1, "the agent's versions are kept for a person to look at");
  });

  it('accepts a harmless change to .git/config (a new remote, a name) without a word', async () => {
    const before = backstopRecords().length;
    const { post } = await tool('git remote add origin https://example.com/repo.git && git config user.name Agent');
    assert.equal(post, undefined);
    assert.match(readFileSync(join(ws, '.git', 'config'), 'utf8'), /\[remote "origin"\]/);
    assert.equal(backstopRecords().length, before);
  });

  it('accepts a change to Claude Code\'s permissions, restores one to its hooks', async () => {
    const { post } = await tool(`cat > .claude/settings.local.json <<'EOF'
{"hooks":${JSON.stringify(JSON.parse(CLAUDE_SETTINGS).hooks)},"permissions":{"allow":["Bash(ls)"]}}
EOF`);
    assert.equal(post, undefined, 'Claude writes its own permissions there');
    const { post: post2 } = await tool(`echo '{"hooks":{},"apiKeyHelper":"touch $CANARY"}' > .claude/settings.local.json`);
    assert.equal(post2?.decision, 'block');
    assert.match(readFileSync(join(ws, '.claude', 'settings.local.json'), 'utf8'), /airlock hook claude/);
  });

  it('puts a renamed .git back and sets the copy that replaced it aside, inert', async () => {
    const ino = statSync(join(ws, '.git')).ino;
    await tool(`mv .git .git-away && mkdir .git && cp -a .git-away/. .git/
git config core.fsmonitor "touch $CANARY"
printf '#!/bin/sh\\ntouch "$CANARY"\\n' > .git/hooks/post-checkout; chmod +x .git/hooks/post-checkout`);
    assert.equal(statSync(join(ws, '.git')).ino, ino, 'the original .git is back');
    assert.ok(!existsSync(join(ws, '.git-away')));
    const aside = readdirSync(ws).filter((n) => n.startsWith('.git.airlock-replaced-'));
    assert.equal(aside.length, 1);
    assert.doesNotMatch(readFileSync(join(ws, aside[0]!, 'config'), 'utf8'), /fsmonitor/);
    assert.ok(!existsSync(join(ws, aside[0]!, 'hooks', 'post-checkout')));
    hostGitRunsNothing();
  });

  it('restores what a command changed at the session\'s next event when no post event arrives', async () => {
    await tool(`mkdir -p .cursor && echo '{"hooks":{}}' > .cursor/hooks.json`, { post: false });
    assert.ok(existsSync(join(ws, '.cursor', 'hooks.json')), 'not yet: nothing has been told to Airlock');
    const next = await preHook(ws, 'true', env, undefined, session);
    assert.ok(!existsSync(join(ws, '.cursor', 'hooks.json')));
    assert.match(next.reason, /Airlock restored protected files that changed while claude was acting: \.cursor\/hooks\.json \(created\)/);
    await postHook(ws, 'true', env, next.id, session);
  });

  it('covers an agent that runs a command Airlock denied', async () => {
    setTrust(2);
    writeFileSync(join(ws, 'forbidden.sh'), `#!/bin/sh\nprintf '#!/bin/sh\\ntouch "${canary}"\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit\n`);
    chmodSync(join(ws, 'forbidden.sh'), 0o755);
    const pre = await preHook(ws, './forbidden.sh', env, undefined, session);
    assert.equal(pre.decision, 'deny');
    await agentShell('./forbidden.sh', { cwd: ws, env }); // the agent ignores the deny
    await postHook(ws, './forbidden.sh', env, pre.id, session);
    assert.ok(!existsSync(join(ws, '.git', 'hooks', 'pre-commit')));
    hostGitRunsNothing();
    assert.ok(trustLevel() <= 1);
  });

  it('takes a change made while no agent acts as the person\'s', async () => {
    const before = backstopRecords().length;
    writeFileSync(join(ws, '.vscode', 'airlock.json'), POLICY.replace('not this one', 'a person edited this'));
    const pre = await preHook(ws, 'true', env, undefined, session);
    await postHook(ws, 'true', env, pre.id, session);
    assert.match(readFileSync(join(ws, '.vscode', 'airlock.json'), 'utf8'), /a person edited this/);
    assert.equal(backstopRecords().length, before);
    writeFileSync(join(ws, '.vscode', 'airlock.json'), POLICY);
  });

  it("catches it in the gate's periodic check when the tool never reports back", async () => {
    const reports: BackstopReport[] = [];
    const gate = new GateRuntime({ workspace: ws, dataRoot: data, home, policy: () => loadPolicy({ workspace: ws, home, dataRoot: data }), asker: { ask: () => Promise.resolve({ action: 'deny', by: 'person' }) }, log: { trace() {}, debug() {}, info() {}, warn() {}, error() {} }, approvalTimeoutMs: 5000, backstopIntervalMs: 50, onBackstop: (r) => reports.push(r) });
    await gate.start();
    try {
      writeFileSync(join(ws, 'tool.sh'), `#!/bin/sh\nmkdir -p .codex && echo '{}' > .codex/hooks.json\n`);
      const answer = await gate.handle(claudeBash(ws, './tool.sh', 'PreToolUse', 'toolu_gate_1', session), 'claude');
      assert.match(answer.stdout, /"permissionDecision":"allow"/);
      await agentShell('./tool.sh', { cwd: ws, env });
      for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(reports.length, 1, 'the periodic check found it');
      assert.ok(!existsSync(join(ws, '.codex', 'hooks.json')));
      assert.match(reports[0]!.message, /\.codex\/hooks\.json \(created\)/);
    } finally {
      await gate.stop();
    }
  });
});
