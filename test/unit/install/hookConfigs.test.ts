import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { parse } from 'jsonc-parser';
import { AGENT_CONFIGS, ConfigFileError, hookCommand, INSTALL_TARGETS, installedHooks, installHooks, isAirlockCommand, uninstallHooks, type InstallTarget } from '../../../src/core/install/hookConfigs';
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
