/**
 * `npm run bench`: prints figures and compares each with a baseline measured in the same run.
 * `npm run bench -- policy` runs one section.
 */
import { runBurdenBench } from './burdenBench';
import { runExportBench } from './exportBench';
import { runHistoryBench } from './historyBench';
import { runHookBench } from './hookBench';
import { runPolicyBench } from './policyBench';
import { runSandboxBench } from './sandboxBench';

const sections: Record<string, () => void | Promise<void>> = {
  policy: runPolicyBench,
  burden: runBurdenBench,
  history: runHistoryBench,
  hook: runHookBench,
  sandbox: runSandboxBench,
  export: runExportBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted) if (!sections[name]) throw new Error(`unknown bench section ${name}; sections: ${Object.keys(sections).join(', ')}`);
async function main(): Promise<void> {
  process.stdout.write(`Airlock benchmarks on node ${process.version}, ${process.platform}/${process.arch}\n`);
  for (const [name, run] of Object.entries(sections)) {
    if (wanted.length === 0 || wanted.includes(name)) await run();
  }
}

void main();
