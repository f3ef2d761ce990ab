// Bundles the extension, the CLI and the webview. One context per bundle; see STYLE.md.
import { copyFileSync, mkdirSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ./main.js is the engine bundle the hook client loads at run time when no gate answers; ./otlp.js the
  // OpenTelemetry SDK, loaded only when the audit export sends OTLP.
  external: ['vscode', './main.js', './otlp.js'],
  define: { 'process.env.AIRLOCK_OTLP_BUNDLE': '"1"' },
  // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
};

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  // The `airlock` executable only dispatches: `airlock hook` runs on every agent tool call and must not
  // load the decision engine, the shell parser and the history when a gate answers.
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, external: ['vscode', './hook.js', './main.js', './sandbox.js', './otlp.js'] },
  // `airlock sandbox` starts every sandboxed command: only the launcher, nothing of the decision engine.
  { ...node, entryPoints: ['src/sandbox.ts'], outfile: 'dist/sandbox.js' },
  { ...node, entryPoints: ['src/hook.ts'], outfile: 'dist/hook.js', external: ['vscode', './main.js', './otlp.js'], define: { ...node.define, 'process.env.AIRLOCK_HOOK_BUNDLE': '"1"' } },
  { ...node, entryPoints: ['src/main.ts'], outfile: 'dist/main.js', define: { ...node.define, 'process.env.AIRLOCK_HOOK_BUNDLE': '"1"' } },
  // The audit export's OpenTelemetry SDK and OTLP exporters: their own bundle, loaded only when OTLP export is on.
  { ...node, entryPoints: ['src/core/audit/export/otlpSender.ts'], outfile: 'dist/otlp.js' },
  // The approval panel's script: browser code, no Node, no access to anything but its messages.
  { bundle: true, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['src/webview/approval.ts'], outfile: 'dist/webview/approval.js', sourcemap: production ? false : 'inline', minify: production, legalComments: 'none', logLevel: 'warning' },
];

// Codicons for the webview, served from the extension (the webview may load nothing from the network).
mkdirSync('dist/webview', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/webview/${f}`);

const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}
