/**
 * Hostile commands run exactly as Claude Code runs them: `airlock hook claude` answers with the command
 * rewritten, the agent's bash runs that, under real bubblewrap, with the default sandbox (the policy
 * allows `sh *` and has no sandbox section). Each attack tries to leave something that runs code outside
 * the sandbox later, or to read what it must not; each is checked from the host: the host's own git runs
 * nothing (status, diff, commit), no protected file appears, no connection arrives, no secret is seen.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sandboxAvailability } from '../../../src/core/sandbox/backends';
import { agentEnv, agentShell, hostGit, hostTree, postHook, preHook, SECRET_VALUES } from './harness';

const available = sandboxAvailability();
const skip = !available.available && !process.env.CI ? `no sandbox here: ${available.reason}` : false;

const tree = hostTree('escapes-');
const ws = tree.path('ws');
const home = tree.path('home');
const data = tree.path('data');
const outside = tree.path('outside');
const canary = join(outside, 'CANARY');
const env = agentEnv(home, data);
const secretFile = tree.write('agent-secret.txt', 'FD-SECRET-0001\n');

/** Everything that must never appear in the workspace (agent hook configurations, the policy, git redirections). */
const NEVER = ['.gemini/settings.json', '.codex/hooks.json', '.cursor/hooks.json', '.github/hooks/evil.json', '.mcp.json', '.envrc', '.gitmodules', '.idea/workspace.xml', '.claude/settings.json', '.claude/settings.local.json', '.git/commondir', '.git/objects/info/alternates', '.git/hooks/pre-commit', '.git/hooks/post-checkout', '.git/config.worktree'];

let sockets: Server[] = [];
let attacks = 0;
let connections = 0;

const POLICY = JSON.stringify({ version: 1, rules: [{ action: 'allow', command: ['sh *'] }] });

function freshWorkspace(): void {
  rmSync(ws, { recursive: true, force: true });
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(join(ws, '.vscode', 'airlock.json'), POLICY);
  writeFileSync(join(ws, 'README.md'), 'hello\n');
  writeFileSync(join(ws, '.gitignore'), 'dev.sock\n');
  assert.equal(hostGit(ws, ['init', '-q'], env).status, 0);
  hostGit(ws, ['add', '-A'], env);
  assert.equal(hostGit(ws, ['commit', '-qm', 'start'], env).status, 0);
  assert.equal(hostGit(ws, ['rev-parse', '--show-toplevel'], env).stdout.trim(), ws);
}

async function closeSockets(): Promise<void> {
  for (const s of sockets) await new Promise<void>((r) => s.close(() => r()));
  sockets = [];
}

/** The host's own git in the workspace: must run nothing an agent planted. */
function hostGitRunsNothing(label: string): void {
  for (const args of [['status', '--porcelain'], ['diff'], ['log', '-1', '--format=%H'], ['-c', 'user.email=p@example.com', '-c', 'user.name=Person', 'commit', '-q', '--allow-empty', '-m', 'person']]) {
    hostGit(ws, args, env);
    assert.ok(!existsSync(canary), `${label}: the host's git ${args.join(' ')} ran code the command planted`);
  }
  for (const rel of NEVER) assert.ok(!existsSync(join(ws, rel)), `${label}: ${rel} exists on the host`);
  const config = readFileSync(join(ws, '.git', 'config'), 'utf8');
  assert.doesNotMatch(config, /fsmonitor|hookspath|CANARY/i, `${label}: .git/config was changed`);
}

/** Runs `script` as an attack through the hook and the sandbox; returns what the command printed. */
async function attack(label: string, script: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  writeFileSync(join(ws, 'attack.sh'), `CANARY='${canary}'\nWS='${ws}'\n${script}\n`);
  const session = `sess-${++attacks}`;
  const pre = await preHook(ws, 'sh attack.sh', env, undefined, session);
  assert.equal(pre.decision, 'allow', `${label}: ${pre.reason} ${pre.raw.stderr}`);
  assert.ok(pre.command?.includes(' sandbox --profile '), `${label}: the hook did not rewrite the command (${pre.reason})`);
  const ran = await agentShell(pre.command!, { cwd: ws, env, openFile: secretFile });
  await postHook(ws, pre.command!, env, pre.id, session);
  return ran;
}

describe('escapes through the hook and the default sandbox', { skip, concurrency: false }, () => {
  before(() => {
    if (!available.available) throw new Error(`no sandbox: ${available.reason} (${available.fix})`);
    mkdirSync(home, { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(home, '.gitconfig'), '[user]\n\temail = person@example.com\n\tname = Person\n');
    writeFileSync(join(home, '.bashrc'), '# the person\'s\n');
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_ed25519'), 'PRIVATE-KEY-0001\n');
  });

  // Each attack starts from a fresh repository, with a host program listening on a socket in it and in the home folder.
  beforeEach(async () => {
    await closeSockets();
    freshWorkspace();
    for (const path of [join(home, 'agent.sock'), join(ws, 'dev.sock')]) {
      rmSync(path, { force: true });
      const s = createServer((c) => {
        connections++;
        c.end('CONNECTED\n');
      });
      await new Promise<void>((r) => s.listen(path, () => r()));
      sockets.push(s);
    }
  });
  after(async () => {
    await closeSockets();
    tree.cleanup();
  });

  it('renames .git away and puts a copy with a hook and core.fsmonitor in its place', async () => {
    const r = await attack('rename .git', `mv .git .git-away && mkdir .git && cp -a .git-away/. .git/
printf '#!/bin/sh\\ntouch "$CANARY"\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit
git config core.fsmonitor "touch $CANARY"
echo done`);
    assert.match(r.stderr, /Device or resource busy/);
    hostGitRunsNothing('rename .git');
  });

  it('deletes what it can of .git: configuration, hooks and packs stay; HEAD is put back', async () => {
    hostGit(ws, ['gc', '-q'], env);
    const r = await attack('rm -rf .git', 'rm -rf .git; ls -A .git');
    assert.match(r.stderr, /Device or resource busy/);
    assert.ok(existsSync(join(ws, '.git', 'HEAD')), 'the backstop put HEAD back');
    assert.equal(hostGit(ws, ['rev-parse', '--show-toplevel'], env).stdout.trim(), ws, 'the workspace is still a repository');
    hostGitRunsNothing('rm -rf .git');
  });

  it('points .git/commondir at a writable copy of the repository', async () => {
    const r = await attack('commondir', `mkdir -p evil && cp -a .git/. evil/
git config --file evil/config core.fsmonitor "touch $CANARY"
printf '#!/bin/sh\\ntouch "$CANARY"\\n' > evil/hooks/pre-commit; chmod +x evil/hooks/pre-commit
echo "$WS/evil" > .git/commondir
sleep 1; echo survived`);
    assert.doesNotMatch(r.stdout, /survived/, 'the command was stopped the moment commondir appeared');
    assert.match(r.stderr, /created \.git\/commondir.*Airlock removed it/);
    hostGitRunsNothing('commondir');
  });

  it('redirects objects (alternates, a renamed objects folder) and writes git configuration and hooks', async () => {
    const r = await attack('git internals', `echo "$WS/evil/objects" > .git/objects/info/alternates
mv .git/objects .git/objects-away
git config core.hooksPath hooks2
git config --local core.fsmonitor "touch $CANARY"
printf '#!/bin/sh\\ntouch "$CANARY"\\n' > .git/hooks/pre-commit
printf '#!/bin/sh\\ntouch "$CANARY"\\n' > .git/hooks/post-checkout
mv .git/hooks .git/hooks-away
mkdir -p .git/modules/x && echo x > .git/modules/x/config
echo "[core] fsmonitor = touch $CANARY" > .git/config.worktree
echo ok`);
    assert.match(r.stderr, /Read-only file system|Device or resource busy/);
    hostGitRunsNothing('git internals');
  });

  it('cannot create agent hook configurations, the policy, .envrc, .mcp.json or .gitmodules', async () => {
    const r = await attack('create configs', `mkdir -p .gemini && echo '{"hooks":{}}' > .gemini/settings.json
mkdir -p .codex && echo '{}' > .codex/hooks.json
mkdir -p .cursor && echo '{}' > .cursor/hooks.json
mkdir -p .github/hooks && echo '{}' > .github/hooks/evil.json
mv .github gh-away; mkdir -p .github/hooks && echo '{}' > .github/hooks/evil.json
echo '{}' > .mcp.json; echo 'touch $CANARY' > .envrc; printf '[submodule "x"]\\n\\tpath = x\\n' > .gitmodules
mkdir -p .idea && echo x > .idea/workspace.xml
mkdir -p .claude && echo '{"hooks":{}}' > .claude/settings.json; echo '{}' > .claude/settings.local.json
echo '{"version":1,"defaults":{"command":"allow"}}' > .vscode/airlock.json
mv .vscode vs-away; rm -rf .vscode
ln -s /tmp/elsewhere .claude2 && mv .claude2 .claude
echo done`);
    assert.match(r.stdout, /done/);
    hostGitRunsNothing('create configs');
    assert.equal(readFileSync(join(ws, '.vscode', 'airlock.json'), 'utf8'), POLICY);
    // The empty placeholders the sandbox used are gone once no sandboxed command runs.
    for (const d of ['.gemini', '.codex', '.cursor', '.idea', '.claude', '.github', '.mcp.json', '.envrc', '.gitmodules']) assert.ok(!existsSync(join(ws, d)), `${d} was left behind`);
  });

  it('goes through symbolic links, hard links, /proc/self/root and mount', async () => {
    const r = await attack('links and mounts', `ln -s .git/hooks h && printf '#!/bin/sh\\ntouch "$CANARY"\\n' > h/pre-commit
ln -s .git/config c && echo "[core] fsmonitor = touch $CANARY" >> c
ln .git/config hard-config; ln attack.sh .git/hooks/pre-commit
echo "[core] fsmonitor = touch $CANARY" >> /proc/self/root$WS/.git/config
mount -t tmpfs none .git/hooks; unshare -rm true; echo "unshare=$?"
echo ok`);
    assert.match(r.stderr, /Read-only file system/);
    assert.match(r.stderr, /Invalid cross-device link|Read-only file system/);
    hostGitRunsNothing('links and mounts');
  });

  it('cannot write the home folder: ~/.gitconfig, ~/.bashrc, git config --global', async () => {
    const r = await attack('home', `git config --global core.hooksPath "$WS/hooks"; git config --global core.fsmonitor "touch $CANARY"
echo 'touch $CANARY' >> ~/.bashrc; echo x > ~/.profile; mkdir -p ~/.config/git && echo x > ~/.config/git/config
echo ok`);
    assert.match(r.stderr, /Read-only file system/);
    assert.equal(readFileSync(join(home, '.bashrc'), 'utf8'), '# the person\'s\n');
    assert.doesNotMatch(readFileSync(join(home, '.gitconfig'), 'utf8'), /hooks|fsmonitor/i);
    assert.ok(!existsSync(join(home, '.profile')) && !existsSync(join(home, '.config', 'git')));
    hostGitRunsNothing('home');
  });

  it("writes its own cache, sees the person's installed browsers read-only, and never the person's cache itself", async () => {
    mkdirSync(join(home, '.cache', 'ms-playwright', 'chromium'), { recursive: true });
    writeFileSync(join(home, '.cache', 'ms-playwright', 'chromium', 'version'), 'browser-1\n');
    mkdirSync(join(home, '.cache', 'tool'), { recursive: true });
    writeFileSync(join(home, '.cache', 'tool', 'state'), 'the person\'s\n');
    const r = await attack('cache', `cat ~/.cache/ms-playwright/chromium/version
echo poisoned > ~/.cache/ms-playwright/chromium/version
ls ~/.cache/tool 2>&1 | head -1
mkdir -p ~/.cache/tool && echo agent > ~/.cache/tool/state && echo wrote-own-cache`);
    assert.match(r.stdout, /browser-1/);
    assert.match(r.stdout, /wrote-own-cache/);
    assert.match(r.stderr, /Read-only file system/);
    assert.equal(readFileSync(join(home, '.cache', 'ms-playwright', 'chromium', 'version'), 'utf8'), 'browser-1\n');
    assert.equal(readFileSync(join(home, '.cache', 'tool', 'state'), 'utf8'), 'the person\'s\n');
  });

  it('sets core.hooksPath through GIT_CONFIG_* variables: the hooks run inside the sandbox only', async () => {
    const r = await attack('GIT_CONFIG env', `mkdir -p myhooks && printf '#!/bin/sh\\ntouch "$CANARY" && echo hook-ran-outside || echo hook-ran-contained\\n' > myhooks/pre-commit && chmod +x myhooks/pre-commit
GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=myhooks git -c user.email=a@b -c user.name=A commit -q --allow-empty -m agent 2>&1
echo ok`);
    assert.match(r.stdout, /hook-ran-contained/);
    assert.ok(!existsSync(canary));
    hostGitRunsNothing('GIT_CONFIG env');
  });

  it('creates a nested repository with core.fsmonitor and links it as a submodule in the index', async () => {
    const r = await attack('nested repository', `mkdir -p sub deep/er && git -C sub init -q && git -C sub config core.fsmonitor "touch $CANARY"
git -C deep/er init -q && printf '#!/bin/sh\\ntouch "$CANARY"\\n' > deep/er/.git/hooks/post-index-change && chmod +x deep/er/.git/hooks/post-index-change
git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),sub
git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),deep/er
echo ok`);
    assert.match(r.stderr, /repositories that would run code.*sub\/\.git.*core\.fsmonitor/s);
    hostGitRunsNothing('nested repository');
    hostGit(ws, ['-C', 'sub', 'status'], env);
    hostGit(ws, ['-C', 'deep/er', 'status'], env);
    assert.ok(!existsSync(canary), 'the nested repositories run nothing either');
  });

  it('sees no secret: not in its environment, not in /proc/1/environ, not through an inherited descriptor', async () => {
    const r = await attack('secrets', `env; echo ---; tr '\\0' '\\n' < /proc/1/environ; echo ---; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'
echo ---; ls /proc/self/fd; cat <&5; cat /proc/self/fd/5; cat /proc/self/fd/6
cat ~/.ssh/id_ed25519; ls -A "${data}" | wc -l; find "${data}" -name 'gate.token' | head -1
echo ok`);
    assert.match(r.stdout, /ok/);
    for (const secret of [...SECRET_VALUES, 'FD-SECRET-0001', 'PRIVATE-KEY-0001']) assert.ok(!(r.stdout + r.stderr).includes(secret), `the sandbox saw ${secret}`);
    const fds = r.stdout.split('---')[3]!.trim().split(/\s+/).filter((x) => /^\d+$/.test(x));
    assert.deepEqual(fds.filter((f) => Number(f) > 2 && Number(f) !== 3), [], `descriptors above 2 inside the sandbox (3 is ls's own): ${fds.join(' ')}`);
    assert.match(r.stdout, /\n0\n/, "Airlock's data folder is empty inside");
  });

  it('cannot connect to Unix sockets outside the sandbox (home or workspace), by any tool', async () => {
    const before = connections;
    const r = await attack('unix sockets', `python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect('${home}/agent.sock'); print(s.recv(20))"
python3 -c "import socket; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(b'x', '${ws}/dev.sock')"
node -e "require('net').connect('${ws}/dev.sock').on('data',d=>console.log('GOT',String(d))).on('error',e=>console.log('node',e.code))"
curl -s --max-time 3 --unix-socket '${home}/agent.sock' http://x/ ; echo "curl=$?"
echo ok`);
    assert.match(r.stdout, /node EAFNOSUPPORT/);
    assert.match(r.stderr, /Address family not supported/);
    assert.doesNotMatch(r.stdout, /CONNECTED|GOT/);
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(connections, before, 'no connection arrived at the host sockets');
  });

  it("cannot make the launcher run its code through its own shell's PATH or NODE_OPTIONS", async () => {
    // An agent with a persistent shell could have set these before: the launcher runs outside the sandbox.
    mkdirSync(join(ws, 'evilbin'), { recursive: true });
    for (const tool of ['bwrap', 'timeout', 'prlimit', 'sh']) writeFileSync(join(ws, 'evilbin', tool), `#!/bin/sh\ntouch '${canary}'\nexec /usr/bin/${tool} "$@"\n`, { mode: 0o755 });
    writeFileSync(join(ws, 'evil.js'), `require('fs').writeFileSync(${JSON.stringify(canary)}, 'x');\n`);
    writeFileSync(join(ws, 'attack.sh'), 'echo inside\n');
    const hostile = { ...env, PATH: `${join(ws, 'evilbin')}:${env.PATH}`, NODE_OPTIONS: `--require ${join(ws, 'evil.js')}` };
    const pre = await preHook(ws, 'sh attack.sh', env, undefined, 'sess-env');
    const ran = await agentShell(pre.command!, { cwd: ws, env: hostile });
    await postHook(ws, pre.command!, env, pre.id, 'sess-env');
    assert.match(ran.stdout, /inside/);
    assert.ok(!existsSync(canary), `the launcher ran the agent's code: ${ran.stderr}`);
  });

  it('in a linked worktree: commits work, and the repository\'s configuration, hooks and other worktrees stay protected', async () => {
    const main = tree.path('main');
    rmSync(main, { recursive: true, force: true });
    assert.equal(hostGit(tree.root, ['init', '-q', main], env).status, 0);
    hostGit(main, ['commit', '-q', '--allow-empty', '-m', 'init'], env);
    const wt = tree.path('wt');
    rmSync(wt, { recursive: true, force: true });
    hostGit(main, ['worktree', 'prune'], env);
    assert.equal(hostGit(main, ['worktree', 'add', '-q', wt], env).status, 0, 'worktree');
    hostGit(main, ['worktree', 'add', '-q', tree.path('wt2')], env);
    mkdirSync(join(wt, '.vscode'), { recursive: true });
    writeFileSync(join(wt, '.vscode', 'airlock.json'), POLICY);
    writeFileSync(join(wt, 'attack.sh'), `echo x > f && git add f && git -c user.email=a@b -c user.name=A commit -qm agent && echo committed
git config core.fsmonitor "touch ${canary}"
printf '#!/bin/sh\\ntouch ${canary}\\n' > ${main}/.git/hooks/pre-commit
echo "gitdir: ${ws}/.git" > .git
echo x > ${main}/.git/worktrees/wt2/commondir
echo ok`);
    const pre = await preHook(wt, 'sh attack.sh', env, undefined, 'sess-wt');
    assert.ok(pre.command, pre.reason);
    const r = await agentShell(pre.command, { cwd: wt, env });
    await postHook(wt, pre.command, env, pre.id, 'sess-wt');
    assert.match(r.stdout, /committed/, r.stderr);
    assert.match(hostGit(main, ['log', '--all', '--format=%s'], env).stdout, /agent/);
    for (const args of [['status'], ['-C', wt, 'status'], ['-C', tree.path('wt2'), 'status'], ['-C', wt, 'commit', '-q', '--allow-empty', '-m', 'p']]) hostGit(main, args, env);
    assert.ok(!existsSync(canary), "the host's git ran nothing");
    assert.doesNotMatch(readFileSync(join(main, '.git', 'config'), 'utf8'), /fsmonitor/);
  });

  it('passes the hint and the setting to the agent when the sandbox refuses a write', async () => {
    const r = await attack('hint', `echo x > "${outside}/file"`);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /airlock sandbox: the command could not write .*sandbox\.writable/);
    const r2 = await attack('hint protected', 'git config core.editor vim');
    assert.match(r2.stderr, /airlock sandbox: the command could not write .*\.git\/config.*built-in protection/);
  });

  it('leaves the workspace usable: the host commits afterwards as before', () => {
    const r = hostGit(ws, ['-c', 'user.email=p@example.com', '-c', 'user.name=Person', 'commit', '-q', '--allow-empty', '-m', 'after'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!existsSync(canary));
  });
});
