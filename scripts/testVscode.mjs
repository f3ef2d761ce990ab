// `npm run test:vscode`: the in-host suite in a desktop VS Code downloaded by @vscode/test-electron.
// Needs access to update.code.visualstudio.com; where VS Code cannot be downloaded, the same suite runs
// in code-server as part of `npm test` (test/e2e/vscode/inHost.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';

const root = resolve(import.meta.dirname, '..');
const base = mkdtempSync(join(tmpdir(), 'al-vsc-'));
const ws = join(base, 'ws');
const suite = join(base, 'suite', 'index.js');
try {
  await build({ entryPoints: [join(root, 'test/e2e/vscode/inHost/suite.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], mainFields: ['module', 'main'], logLevel: 'warning' });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(ws, { recursive: true });
  writeFileSync(join(ws, 'README.md'), '# in-host\n');
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { AIRLOCK_HOME: join(base, 'data') },
  });
  console.log('test:vscode: the in-host suite passed in desktop VS Code');
} catch (e) {
  console.error(`test:vscode: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  rmSync(base, { recursive: true, force: true });
}
