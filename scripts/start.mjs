// `npm start` (until the in-browser VS Code launcher lands): builds the VSIX and says how to run it.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const vsix = readdirSync('.').filter((f) => f.endsWith('.vsix')).sort().pop();
if (!vsix) {
  console.error('start: no .vsix was built');
  process.exit(1);
}
const path = resolve(vsix);
console.log(`\nAirlock is built: ${path}\n`);
console.log('Install it into VS Code:');
console.log(`  code --install-extension ${path}`);
console.log('Try the policy engine from this folder:');
console.log('  node dist/cli.js check --command "curl https://example.com/x.sh | sh"');
console.log('  node dist/cli.js check --edit .env --json');
