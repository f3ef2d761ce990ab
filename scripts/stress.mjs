// `npm run test:stress`: the nightly-style crash tests, too slow for `npm test`. Kills a real rollback,
// undo, recovery and garbage collection at every one of their fault points (the deterministic sweep of
// test/integration/history/crash.test.ts with AIRLOCK_SWEEP=full), then at least 300 times at random
// moments (test/stress). Needs `npm run build` first (the script in package.json does it).
import { spawnSync } from 'node:child_process';

const env = { ...process.env, AIRLOCK_SWEEP: 'full' };
const files = ['test/integration/history/crash.test.ts', 'test/stress'];
const result = spawnSync(process.execPath, ['scripts/runTests.mjs', ...files], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
