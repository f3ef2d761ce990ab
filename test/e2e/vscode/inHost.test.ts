/**
 * The in-host suite (inHost/suite.ts) run by a real VS Code: code-server loads the extension from the
 * project folder (as a developer does with F5) and runs the suite in its extension host.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { extensionHostErrors, launchBrowser, makeRunDirs, missingPieces, sleep, startCodeServer, type CodeServer, type RunDirs } from './codeServer';
import { bundleInHostSuite } from './inHost/bundle';

const ROOT = resolve(__dirname, '..', '..', '..');
const missing = missingPieces();
const skip = missing && !process.env.CI ? missing : false;

describe('the in-host suite in code-server', { skip, timeout: 300_000 }, () => {
  let dirs: RunDirs | undefined;
  let server: CodeServer | undefined;
  after(async () => {
    await server?.stop();
    if (dirs && process.env.AIRLOCK_E2E_KEEP !== '1') rmSync(dirs.base, { recursive: true, force: true });
  });

  it('passes every in-host test against the extension loaded from the project folder', async () => {
    if (missing) throw new Error(missing);
    assert.ok(existsSync(join(ROOT, 'dist', 'extension.js')), 'the extension is built');
    dirs = makeRunDirs();
    const ws = join(dirs.base, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'README.md'), '# in-host\n');
    const suite = await bundleInHostSuite(join(dirs.base, 'suite'));
    const results = join(dirs.base, 'results.json');
    server = await startCodeServer(dirs, ws, { AIRLOCK_HOME: join(dirs.base, 'data'), AIRLOCK_E2E_RESULTS: results });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
      const auth = `127.0.0.1:${server.port}`;
      const payload = [
        ['extensionDevelopmentPath', `vscode-remote://${auth}${ROOT}`],
        ['extensionTestsPath', `vscode-remote://${auth}${suite}`],
      ];
      await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      const t0 = Date.now();
      // The extension host exits 0 whatever the tests did: the results file is the verdict.
      while (!existsSync(results) && Date.now() - t0 < 180_000) {
        if (readFileSync(dirs.log, 'utf8').includes('Extension Host Process exited')) {
          await sleep(2000);
          break;
        }
        await sleep(200);
      }
      assert.ok(existsSync(results), `the suite wrote no results; extension host errors: ${extensionHostErrors(dirs, 'airlock-dev.airlock').join('\n')}; console: ${consoleErrors.join('\n')}`);
      const r = JSON.parse(readFileSync(results, 'utf8')) as { ok: boolean; fatal?: string; tests: { name: string; ok: boolean; error?: string }[] };
      for (const t of r.tests) assert.ok(t.ok, `${t.name}: ${t.error}`);
      assert.equal(r.fatal, undefined);
      assert.ok(r.ok && r.tests.length >= 5, JSON.stringify(r));
    } finally {
      await browser.close();
    }
  });
});
