import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { parse } from 'jsonc-parser';
import { AGENT_CONFIGS, ConfigFileError, expectedEvents, gatingEvents, hookCommand, INSTALL_TARGETS, installedHooks, installHooks, isAirlockCommand, launcherPath, parseHookCommand, readLauncher, uninstallHooks, type InstallTarget } from '../../../src/core/install/hookConfigs';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree('airlock-install-');
after(() => tree.cleanup());
const run = { node: '/usr/bin/node', cli: '/opt/air lock/dist/cli.js' };

/** A config each agent might already have, with the user's own hook and a comment. */
const EXISTING: Record<InstallTarget, string> = {
  claude: '{\n  // my settings\n  "permissions": { "allow": ["Bash(ls)"] },\n  "hooks": { "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "my-linter" } ] } ] }\n}\n',
  vscode: '{ "hooks": { "PreToolUse": [ { "type": "command", "command": "mine" } ] } }\n',
  'copilot-cli': '{ "version": 1, "hooks": { "preToolUse": [ { "type": "command", "bash": "my-check" } ] } }\n',
  cursor: '{\n  "version": 1,\n  // keep me\n  "hooks": { "stop": [ { "command": "notify-me" } ] }\n}\n',
  gemini: '{ "theme": "dark", "hooks": { "BeforeTool": [ { "matcher": "write_file", "hooks": [ { "name": "fmt", "type": "command", "command": "prettier" } ] } ] } }\n',
  codex: '{ "hooks": { "Stop": [ { "hooks": [ { "type": "command", "command": "say done" } ] } ] } }\n',
};

describe('installing hooks', () => {
  for (const agent of INSTALL_TARGETS) {
    it(`${agent}: merges into an existing config, is idempotent, and uninstalls to exactly what was there`, () => {
      const ws = tree.path(agent);
      const file = tree.write(`${agent}/${AGENT_CONFIGS[agent].file}`, EXISTING[agent]);
      const before = parse(EXISTING[agent]) as object;
      const first = installHooks(agent, ws, run);
      assert.equal(first.changed, true);
      const text = readFileSync(file, 'utf8');
      const value = parse(text) as { hooks: Record<string, unknown[]> };
      const installed = installedHooks(agent, ws);
      assert.deepEqual(Object.keys(installed.events).sort(), AGENT_CONFIGS[agent].events(() => '', () => '').map((e) => e.event).sort());
      for (const cmds of Object.values(installed.events)) for (const c of cmds) assert.match(c, new RegExp(`'/opt/air lock/dist/cli.js' hook ${agent} --workspace `));
      // The user's own hooks and settings are still there, and comments survive.
      assert.ok(JSON.stringify(value).includes(JSON.stringify((before as { hooks: Record<string, unknown[]> }).hooks[Object.keys((before as { hooks: object }).hooks)[0]!]![0])));
      if (EXISTING[agent].includes('//')) assert.match(text, /\/\/ (my settings|keep me)/);
      assert.equal(installHooks(agent, ws, run).changed, false, 'installing twice changes nothing');
      assert.equal(readFileSync(file, 'utf8'), text);
      const removed = uninstallHooks(agent, ws);
      assert.equal(removed.changed, true);
      assert.deepEqual(parse(readFileSync(file, 'utf8')), before);
      assert.equal(uninstallHooks(agent, ws).changed, false);
    });
  }

  it('creates a missing config, and removes a file of its own again on uninstall', () => {
    const ws = tree.path('fresh');
    const r = installHooks('vscode', ws, run);
    assert.ok(existsSync(r.file));
    assert.ok(r.notes.some((n) => n.includes('.gitignore')));
    assert.equal(uninstallHooks('vscode', ws).removedFile, true);
    assert.equal(existsSync(r.file), false);
    const c = installHooks('claude', ws, run);
    uninstallHooks('claude', ws);
    assert.ok(existsSync(c.file), 'a shared settings file is kept');
  });

  it('refuses to touch a config that is not valid JSON', () => {
    const ws = tree.path('broken');
    const file = tree.write('broken/.gemini/settings.json', '{ "hooks": ');
    assert.throws(() => installHooks('gemini', ws, run), ConfigFileError);
    assert.equal(readFileSync(file, 'utf8'), '{ "hooks": ');
  });

  it('quotes paths for the shell, on POSIX and Windows', () => {
    assert.equal(hookCommand('claude', '/w s', { node: '/usr/bin/node', cli: "/o'x/cli.js" }, '', false), `/usr/bin/node '/o'\\''x/cli.js' hook claude --workspace '/w s'`);
    assert.equal(hookCommand('claude', 'C:\\w s', { node: 'C:\\node.exe', cli: 'C:\\a\\cli.js' }, '', true), 'C:\\node.exe C:\\a\\cli.js hook claude --workspace "C:\\w s"');
    assert.equal(hookCommand('vscode', '/w', { node: '/Code', cli: '/c.js', env: { ELECTRON_RUN_AS_NODE: '1' } }, '', false), 'ELECTRON_RUN_AS_NODE=1 /Code /c.js hook vscode --workspace /w');
    assert.ok(isAirlockCommand('node cli.js hook cursor --workspace /w'));
    assert.ok(!isAirlockCommand('my-hook claude'));
  });
});

describe('hooks that cannot start block, and survive an extension update', () => {
  const sh = (command: string, env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin' }) => spawnSync('/bin/sh', ['-c', command], { input: '{}', encoding: 'utf8', env });
  const fakeCli = (dir: string, said: string): string => tree.write(`${dir}/dist/cli.js`, `process.stdout.write(${JSON.stringify(said)} + ' ' + process.argv.slice(2).join(' '));\n`);

  it('runs the launcher, which runs the recorded CLI with the recorded Node.js', () => {
    const data = tree.path('l1/data');
    const cli = fakeCli('l1/ext', 'v1');
    const r = installHooks('gemini', tree.path('l1/ws'), { node: process.execPath, cli, dataRoot: data });
    const commands = installedHooks('gemini', tree.path('l1/ws')).events.BeforeTool!;
    assert.equal(commands.length, 1);
    assert.ok(existsSync(launcherPath(data)), r.file);
    assert.deepEqual(parseHookCommand(commands[0]!), { dialect: 'gemini', launcher: launcherPath(data), failsClosed: true });
    assert.deepEqual(readLauncher(launcherPath(data)), { cli, node: process.execPath });
    const run = sh(commands[0]!);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `v1 hook gemini --workspace ${tree.path('l1/ws')}`);
  });

  it('blocks with exit 2 and a message naming Airlock when Node.js, the CLI or the launcher is gone', () => {
    const data = tree.path('l2/data');
    const ws = tree.path('l2/ws');
    installHooks('codex', ws, { node: '/nonexistent/node', cli: fakeCli('l2/ext', 'v1'), dataRoot: data });
    const pre = installedHooks('codex', ws).events.PreToolUse![0]!;
    const noNode = sh(pre, { PATH: '/nonexistent' });
    assert.equal(noNode.status, 2, 'no Node.js at the recorded path nor on PATH');
    assert.match(noNode.stderr, /Airlock: its hook could not start/);
    installHooks('codex', ws, { node: process.execPath, cli: tree.path('l2/gone/dist/cli.js'), dataRoot: data });
    const noCli = sh(installedHooks('codex', ws).events.PreToolUse![0]!);
    assert.equal(noCli.status, 2, 'no CLI');
    rmSync(launcherPath(data));
    const noLauncher = sh(installedHooks('codex', ws).events.PreToolUse![0]!);
    assert.equal(noLauncher.status, 2, 'no launcher');
    assert.match(noLauncher.stderr, /Airlock: its hook could not start/);
    // A hook that only records (after a tool ran) has no reason to block anything.
    assert.doesNotMatch(installedHooks('codex', ws).events.PostToolUse![0]!, /exit 2/);
  });

  it('blocks when the CLI itself fails (a crash, a kill) rather than letting the agent read nothing as "allow"', () => {
    const data = tree.path('l3/data');
    const cli = tree.write('l3/ext/dist/cli.js', 'process.exit(1);\n');
    installHooks('claude', tree.path('l3/ws'), { node: process.execPath, cli, dataRoot: data });
    const r = sh(installedHooks('claude', tree.path('l3/ws')).events.PreToolUse![0]!);
    assert.equal(r.status, 2);
  });

  it('takes another installed version of the extension when the recorded one was removed by an update', () => {
    const data = tree.path('l4/data');
    const old = fakeCli('l4/extensions/airlock-dev.airlock-0.1.0', 'old');
    installHooks('claude', tree.path('l4/ws'), { node: process.execPath, cli: old, dataRoot: data });
    fakeCli('l4/extensions/airlock-dev.airlock-0.2.0', 'new');
    rmSync(tree.path('l4/extensions/airlock-dev.airlock-0.1.0'), { recursive: true });
    const r = sh(installedHooks('claude', tree.path('l4/ws')).events.PreToolUse![0]!);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^new hook claude/);
  });

  it('gates every tool-call event of every agent with the fallback', () => {
    for (const agent of INSTALL_TARGETS) {
      const ws = tree.path(`l5/${agent}`);
      installHooks(agent, ws, { node: process.execPath, cli: '/x/cli.js', dataRoot: tree.path('l5/data') });
      const found = installedHooks(agent, ws).events;
      for (const e of gatingEvents(agent)) for (const c of found[e]!) assert.equal(parseHookCommand(c)?.failsClosed, true, `${agent} ${e}`);
      assert.ok(gatingEvents(agent).length > 0, agent);
    }
    assert.ok(gatingEvents('claude').includes('PreSkillShellCommand'));
    assert.ok(expectedEvents('codex').includes('SessionEnd'));
  });
});
