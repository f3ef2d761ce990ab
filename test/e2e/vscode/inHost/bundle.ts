/** Bundles the in-host suite into one CommonJS file the extension host can load (`vscode` stays external). */
import { build } from 'esbuild';
import { join } from 'node:path';

export async function bundleInHostSuite(outDir: string): Promise<string> {
  const outfile = join(outDir, 'index.js');
  await build({ entryPoints: [join(__dirname, 'suite.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], mainFields: ['module', 'main'], logLevel: 'warning' });
  return outfile;
}
