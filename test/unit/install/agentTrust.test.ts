/**
 * Reading whether each agent will run the hooks Airlock installed. Codex's trust hashes are checked
 * against the real Codex CLI in test/e2e/codex (it runs the hooks only when they match); here, the reading
 * of each agent's settings, including the spellings a person may write by hand.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { codexAirlockHooks, codexHookHash, readTomlTables, skipReasons } from '../../../src/core/install/agentTrust';
import { installHooks } from '../../../src/core/install/hookConfigs';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree('airlock-trust-');
after(() => tree.cleanup());
const run = { node: '/usr/bin/node', cli: '/opt/airlock/dist/cli.js' };

describe('the TOML Codex keeps its trust in', () => {
  it('reads quoted table names, literal and basic strings, booleans, numbers and comments', () => {
    const t = readTomlTables(['model = "gpt-5.5" # the model', '[projects."/w s/p.q"]', "trust_level = 'trusted'", '[hooks.state."/w/.codex/hooks.json:pre_tool_use:0:0"]', 'trusted_hash = "sha256:ab\\u0063"', 'enabled = false', 'timeout = 600', '[a.b]', 'c.d = true'].join('\n'));
    assert.equal(t['']!.model, 'gpt-5.5');
    assert.equal(t['["projects","/w s/p.q"]']!.trust_level, 'trusted');
    assert.deepEqual(t['["hooks","state","/w/.codex/hooks.json:pre_tool_use:0:0"]'], { trusted_hash: 'sha256:abc', enabled: false, timeout: 600 });
    assert.equal(t['["a","b","c"]']!.d, true);
  });

  it('hashes a hook by its normalised definition, whatever its key order, and gives SessionEnd at most 3 seconds', () => {
    assert.match(codexHookHash('PreToolUse', '.*', 'x', 600), /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(codexHookHash('PreToolUse', '.*', 'x', 600), codexHookHash('PreToolUse', '.*', 'y', 600));
    assert.equal(codexHookHash('SessionEnd', undefined, 'x', 30), codexHookHash('SessionEnd', undefined, 'x', 3));
    assert.equal(codexHookHash('SessionEnd', '.*', 'x', 3), codexHookHash('SessionEnd', undefined, 'x', 3), 'SessionEnd takes no matcher');
  });
});

describe('why an agent would skip the hooks', () => {
  it('Codex: an untrusted project and untrusted hooks, until both are trusted; a disabled hook and managed-only hooks', () => {
    const ws = tree.path('codex/ws');
    const home = tree.path('codex/home');
    installHooks('codex', ws, run);
    const hooks = codexAirlockHooks(ws);
    assert.deepEqual(hooks.map((h) => h.event), ['PreToolUse', 'PostToolUse', 'SessionEnd']);
    const where = { home, codexRequirements: tree.path('codex/none.toml') };
    assert.deepEqual(skipReasons('codex', ws, where).map((r) => r.reason.slice(0, 30)), ['Codex does not trust this proj', "Codex has not trusted Airlock'"]);
    const trusted = [`[projects."${tree.path('codex')}"]`, 'trust_level = "trusted"', ...hooks.flatMap((h) => [`[hooks.state."${h.key}"]`, `trusted_hash = "${h.hash}"`])].join('\n');
    tree.write('codex/home/.codex/config.toml', trusted);
    assert.deepEqual(skipReasons('codex', ws, where), [], 'a parent folder\'s trust covers the workspace');
    tree.write('codex/home/.codex/config.toml', `${trusted}\nenabled = false\n`);
    assert.match(skipReasons('codex', ws, where)[0]!.reason, /disabled \(SessionEnd\)/);
    tree.write('codex/home/.codex/config.toml', trusted.replace(hooks[0]!.hash, 'sha256:old'));
    assert.match(skipReasons('codex', ws, where)[0]!.reason, /since they changed \(PreToolUse\)/);
    tree.write('codex/home/.codex/config.toml', trusted);
    writeFileSync(where.codexRequirements, 'allow_managed_hooks_only = true\n');
    assert.match(skipReasons('codex', ws, where)[0]!.reason, /allows managed hooks only/);
    assert.deepEqual(skipReasons('codex', ws, { home: tree.path('codex/elsewhere'), env: { CODEX_HOME: tree.path('codex/home/.codex') }, codexRequirements: tree.path('codex/absent.toml') }), [], 'CODEX_HOME');
  });

  it('Copilot CLI: an untrusted folder, a trusted parent, COPILOT_ALLOW_ALL, and disableAllHooks', () => {
    const ws = tree.path('copilot/ws');
    const home = tree.path('copilot/home');
    assert.match(skipReasons('copilot-cli', ws, { home })[0]!.reason, /does not trust this folder/);
    tree.write('copilot/home/.copilot/config.json', `// managed\n${JSON.stringify({ trustedFolders: [tree.path('copilot')] })}`);
    assert.deepEqual(skipReasons('copilot-cli', ws, { home }), []);
    tree.write('copilot/home/.copilot/config.json', JSON.stringify({ trustedFolders: [`${ws}-other`] }));
    assert.equal(skipReasons('copilot-cli', ws, { home }).length, 1, 'a sibling folder whose name starts alike is not a parent');
    assert.deepEqual(skipReasons('copilot-cli', ws, { home, env: { COPILOT_ALLOW_ALL: 'true' } }), []);
    tree.write('copilot/home/.copilot/settings.json', JSON.stringify({ disableAllHooks: true }));
    assert.match(skipReasons('copilot-cli', ws, { home, env: { COPILOT_ALLOW_ALL: 'true' } })[0]!.reason, /disableAllHooks/);
  });

  it('Claude Code: managed settings that allow managed hooks only, and disableAllHooks anywhere', () => {
    const ws = tree.path('claude/ws');
    const where = { home: tree.path('claude/home'), claudeManagedDir: tree.path('claude/managed') };
    assert.deepEqual(skipReasons('claude', ws, where), []);
    tree.write('claude/managed/managed-settings.d/10-org.json', JSON.stringify({ allowManagedHooksOnly: true }));
    assert.match(skipReasons('claude', ws, where)[0]!.reason, /allows managed hooks only/);
    tree.write('claude/ws/.claude/settings.json', '{ "disableAllHooks": true, }');
    assert.equal(skipReasons('claude', ws, where).length, 2);
  });

  it('Gemini CLI: hooks switched off or Airlock\'s disabled, and an untrusted folder under folder trust', () => {
    const ws = tree.path('gemini/ws');
    const home = tree.path('gemini/home');
    assert.deepEqual(skipReasons('gemini', ws, { home }), []);
    tree.write('gemini/ws/.gemini/settings.json', JSON.stringify({ hooksConfig: { disabled: ['airlock'] } }));
    assert.match(skipReasons('gemini', ws, { home })[0]!.reason, /disable Airlock's hooks \(airlock\)/);
    tree.write('gemini/ws/.gemini/settings.json', '{}');
    tree.write('gemini/home/.gemini/settings.json', JSON.stringify({ security: { folderTrust: { enabled: true } }, hooksConfig: { enabled: false } }));
    assert.equal(skipReasons('gemini', ws, { home }).length, 2);
    tree.write('gemini/home/.gemini/trustedFolders.json', JSON.stringify({ [ws]: 'TRUST_FOLDER' }));
    assert.equal(skipReasons('gemini', ws, { home }).length, 1);
  });

  it('VS Code: chat.hookFilesLocations switching .github/hooks off', () => {
    const ws = tree.path('vscode/ws');
    tree.write('vscode/ws/.vscode/settings.json', '{ "chat.hookFilesLocations": { ".github/hooks": false } }');
    assert.match(skipReasons('vscode', ws, { home: tree.path('vscode/home') })[0]!.reason, /switches ".github\/hooks" off/);
  });
});
