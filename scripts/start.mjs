// `npm start`: Airlock in a real VS Code in the browser. Installs the freshly built VSIX into code-server
// (VS Code for the browser, installed by scripts/setup.sh), opens a demo workspace with a sample policy and
// Claude Code's hooks connected, and prints the URL. Everything lives in .demo/ (delete it, or pass
// --fresh, to start over); Airlock's data goes to .demo/data, not your own.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const demo = join(root, '.demo');
const codeServer = join(root, 'test', 'e2e', 'node_modules', '.bin', 'code-server');
const fresh = process.argv.includes('--fresh');

function fail(message) {
  console.error(`start: ${message}`);
  process.exit(1);
}

const vsix = readdirSync(root)
  .filter((f) => /^airlock-.*\.vsix$/.test(f))
  .map((f) => join(root, f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!vsix) fail('no airlock-*.vsix was built (npm start runs `npm run package` first)');
if (!existsSync(codeServer)) fail(`code-server is not installed (${codeServer}); run scripts/setup.sh first`);

if (fresh) rmSync(demo, { recursive: true, force: true });
const dirs = { userData: join(demo, 'user-data'), extensions: join(demo, 'extensions'), tmp: join(demo, 'tmp'), data: join(demo, 'data'), workspace: join(demo, 'workspace'), config: join(demo, 'config.yaml') };
for (const d of [dirs.userData, join(dirs.userData, 'User'), dirs.extensions, dirs.tmp, dirs.data]) mkdirSync(d, { recursive: true });
writeFileSync(dirs.config, 'auth: none\ncert: false\n');
const settings = join(dirs.userData, 'User', 'settings.json');
if (!existsSync(settings)) {
  writeFileSync(settings, `${JSON.stringify({ 'workbench.startupEditor': 'readme', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'git.openRepositoryInParentFolders': 'never' }, null, 2)}\n`);
}
if (!existsSync(dirs.workspace)) cpSync(join(root, 'demo', 'workspace'), dirs.workspace, { recursive: true });

const env = { ...process.env, TMPDIR: dirs.tmp, AIRLOCK_HOME: dirs.data };

// Install the VSIX as a person would (`code --install-extension`), offline.
const install = spawnSync(codeServer, ['--config', dirs.config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix, '--force'], { encoding: 'utf8', env });
if (install.status !== 0) fail(`installing the VSIX failed: ${install.stdout}${install.stderr}`);
const installed = readdirSync(dirs.extensions).filter((d) => d.startsWith('airlock-dev.airlock-')).map((d) => join(dirs.extensions, d)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!installed) fail('the VSIX did not install');

// Connect Claude Code through the installed extension's CLI (what "Airlock: Connect Agent…" does).
const connect = spawnSync(process.execPath, [join(installed, 'dist', 'cli.js'), 'install', 'claude', '--workspace', dirs.workspace], { encoding: 'utf8', env });
if (connect.status !== 0) fail(`connecting Claude Code failed: ${connect.stderr}`);

function portFree(port) {
  return new Promise((ok) => {
    const s = createServer();
    s.once('error', () => ok(false));
    s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });
}
let port = Number(process.env.PORT ?? 8080);
while (!(await portFree(port))) port++;

const server = spawn(codeServer, ['--config', dirs.config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, dirs.workspace], { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
// code-server looks for VS Code's proprietary signing module (vsda) and says twice that it is missing:
// noise for the demo, so those lines are left out; everything else it prints goes through.
let pending = '';
server.stderr.on('data', (chunk) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) if (!/vsda/.test(line)) process.stderr.write(`${line}\n`);
});
const stop = () => {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));

const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`;
for (let i = 0; i < 300; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
  } catch {
    // not up yet
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.log(`
Airlock is running in VS Code (code-server) at:

  ${url}

The demo workspace (${dirs.workspace}) has a sample policy and Claude Code's hooks connected.
Try it:
  - Open a terminal in that VS Code and run:  node ../../scripts/demoAgent.mjs
    It sends the requests Claude Code would send (an edit, then commands) through the real hook:
    approve or deny them in the popup, then roll the session back with "Airlock: Roll Back Agent Session…".
  - The walkthrough "Get Started with Airlock" opens the first time; later, the Welcome page (Help > Welcome) lists it.
  - Or run \`claude\` there (Claude Code, if installed and signed in) and ask it to edit src/cart.js.

Desktop VS Code: code --install-extension ${vsix}

Ctrl-C stops. Airlock's data for the demo is in ${dirs.data}; \`npm start -- --fresh\` starts over.
`);
