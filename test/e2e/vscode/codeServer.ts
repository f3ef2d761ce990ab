/**
 * A real VS Code for end-to-end tests on machines that cannot download VS Code: code-server (VS Code
 * built for the browser, from npm) on 127.0.0.1, driven in headless Chromium (from apt) by
 * playwright-core. Each run gets its own user data, extensions folder, TMPDIR and port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';

const E2E = resolve(__dirname, '..');
/** The code-server executable installed by `npm ci --prefix test/e2e`. */
export const CODE_SERVER = join(E2E, 'node_modules', '.bin', 'code-server');
/** Chromium from apt (`chromium`); override with CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Why the suite cannot run here, or undefined when it can. */
export function missingPieces(): string | undefined {
  if (!existsSync(CODE_SERVER)) return `code-server is not installed (${CODE_SERVER}); run scripts/setup.sh`;
  if (!existsSync(CHROMIUM)) return `Chromium is not installed (${CHROMIUM}); run scripts/setup.sh (apt package chromium)`;
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (address && typeof address === 'object' ? ok(address.port) : fail(new Error('no port'))));
    });
    s.on('error', fail);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One code-server run's folders. */
export interface RunDirs {
  readonly base: string;
  readonly userData: string;
  readonly extensions: string;
  readonly tmp: string;
  readonly config: string;
  readonly log: string;
}

/** Fresh folders with quiet user settings (no welcome page, no telemetry, no trust prompt). */
export function makeRunDirs(settings: Record<string, unknown> = {}): RunDirs {
  // Short: Unix socket paths (the gate's, VS Code's IPC) are limited to 107 bytes.
  const base = mkdtempSync(join(tmpdir(), 'al-cs-'));
  const dirs = { base, userData: join(base, 'ud'), extensions: join(base, 'ext'), tmp: join(base, 'tmp'), config: join(base, 'config.yaml'), log: join(base, 'code-server.log') };
  for (const d of [dirs.userData, dirs.extensions, dirs.tmp, join(dirs.userData, 'User')]) mkdirSync(d, { recursive: true });
  // Without --config, code-server writes ~/.config/code-server/config.yaml with a password.
  writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  writeUserSettings(dirs, settings);
  return dirs;
}

/** Writes the user settings (code-server keeps them on the server side; VS Code picks changes up). */
export function writeUserSettings(dirs: RunDirs, settings: Record<string, unknown>): void {
  const base = {
    'workbench.startupEditor': 'none',
    // Airlock opens its walkthrough the first time it runs; the tests start from a plain editor.
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.colorTheme': 'Default Dark Modern',
    'window.zoomLevel': 0,
  };
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...base, ...settings }, null, 2));
}

/** Installs a packaged extension, offline, as `code --install-extension` does. */
export function installVsix(dirs: RunDirs, vsix: string): void {
  const r = spawnSync(CODE_SERVER, ['--config', dirs.config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix, '--force'], { encoding: 'utf8', env: { ...process.env, TMPDIR: dirs.tmp } });
  if (r.status !== 0 || !/successfully installed/.test(r.stdout)) throw new Error(`--install-extension failed (${r.status}): ${r.stdout}${r.stderr}`);
}

/** A running code-server. */
export interface CodeServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts code-server on 127.0.0.1 and waits for it to answer. `env` reaches the extension host. */
export async function startCodeServer(dirs: RunDirs, workspace: string, env: Record<string, string> = {}): Promise<CodeServer> {
  const port = await freePort();
  const { openSync } = await import('node:fs');
  const out = openSync(dirs.log, 'a');
  const proc: ChildProcess = spawn(
    CODE_SERVER,
    ['--config', dirs.config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, workspace],
    // Its own process group, so stopping it also stops the extension host; its own TMPDIR, so the
    // sockets VS Code leaves behind go away with the run.
    { env: { ...process.env, TMPDIR: dirs.tmp, ...env }, stdio: ['ignore', out, out], detached: true },
  );
  let exited: string | undefined;
  proc.on('exit', (code, signal) => (exited = `code ${code} signal ${signal}`));
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (exited) throw new Error(`code-server exited (${exited}); see ${dirs.log}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() - t0 > 60_000) throw new Error(`code-server did not answer within 60 s; see ${dirs.log}`);
    await sleep(100);
  }
  return {
    url,
    port,
    async stop() {
      if (exited) return;
      try {
        process.kill(-proc.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      if (!exited) {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

/** Headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Opens the workbench on a folder and waits until it is usable. */
export async function openWorkbench(page: Page, server: CodeServer, workspace: string): Promise<void> {
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.part.statusbar', { timeout: 60_000 });
  await page.waitForSelector('.part.editor', { timeout: 60_000 });
}

/** Runs a command from the command palette, as a person does. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** The content of an extension's webview (two nested iframes; the page has other iframes too). */
export function webview(page: Page, extensionId: string): FrameLocator {
  return page.locator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`).last().contentFrame().locator('iframe#active-frame').contentFrame();
}

/** Activation failures and uncaught errors the extension host logged for an extension. */
export function extensionHostErrors(dirs: RunDirs, extensionId: string): string[] {
  const out: string[] = [];
  const root = join(dirs.userData, 'logs');
  if (!existsSync(root)) return out;
  for (const session of readdirSync(root)) {
    for (const host of readdirSync(join(root, session))) {
      const f = join(root, session, host, 'remoteexthost.log');
      if (!host.startsWith('exthost') || !existsSync(f)) continue;
      const lines = readFileSync(f, 'utf8').split('\n');
      lines.forEach((l, i) => {
        if (/Activating extension .* failed/.test(l) || (l.includes('[error]') && lines.slice(i, i + 6).join('\n').includes(extensionId))) out.push(`${l}\n${lines[i + 1] ?? ''}`);
      });
    }
  }
  return out;
}

/** The lines Airlock wrote to its output channel (mirrored to a file by the extension host). */
export function airlockLog(dirs: RunDirs): string {
  const root = join(dirs.userData, 'logs');
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Airlock\.log$/.test(e.name)) found.push(readFileSync(p, 'utf8'));
    }
  };
  if (existsSync(root)) walk(root);
  return found.join('\n');
}
