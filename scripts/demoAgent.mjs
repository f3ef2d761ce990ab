// Plays an agent for the demo: sends the hook requests Claude Code would send for an edit, two commands
// and a write to a secret, then ends the session, through the hook command installed in the workspace
// (.claude/settings.local.json), and acts on the answers as Claude Code would (the edit is made only
// when allowed).
// Usage: node scripts/demoAgent.mjs [WORKSPACE]   (default: the current folder)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ws = resolve(process.argv[2] ?? process.cwd());
const settingsFile = join(ws, '.claude', 'settings.local.json');
if (!existsSync(settingsFile)) {
  console.error(`demoAgent: ${settingsFile} does not exist; connect Claude Code first ("Airlock: Connect Agent…" or \`airlock install claude\`)`);
  process.exit(1);
}
const hookCommand = JSON.parse(readFileSync(settingsFile, 'utf8')).hooks?.PreToolUse?.[0]?.hooks?.[0]?.command;
if (!hookCommand) {
  console.error(`demoAgent: no Airlock PreToolUse hook in ${settingsFile}`);
  process.exit(1);
}
const session = `demo-${Date.now().toString(36)}`;
let n = 0;

function hook(event, tool, input, id) {
  const fields = tool ? { tool_name: tool, tool_input: input, tool_use_id: id } : { reason: 'other' };
  const payload = JSON.stringify({ session_id: session, transcript_path: join(ws, '.demo-transcript.jsonl'), cwd: ws, permission_mode: 'default', hook_event_name: event, ...fields });
  return new Promise((done) => {
    const p = spawn('/bin/sh', ['-c', hookCommand], { cwd: ws, env: process.env });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.pipe(process.stderr);
    p.on('close', () => {
      try {
        const o = JSON.parse(out || '{}').hookSpecificOutput ?? {};
        done({ decision: o.permissionDecision ?? 'none', reason: o.permissionDecisionReason ?? '' });
      } catch {
        done({ decision: 'none', reason: out });
      }
    });
    p.stdin.end(payload);
  });
}

async function tool(name, input, act) {
  const id = `toolu_demo_${++n}`;
  console.log(`\n> ${name} ${JSON.stringify(input).slice(0, 100)}`);
  console.log('  waiting for Airlock (answer in the VS Code popup)…');
  const answer = await hook('PreToolUse', name, input, id);
  const reason = answer.reason.replace(/^Airlock: /, '');
  console.log(`  Airlock: ${answer.decision}${reason ? `: ${reason}` : ''}`);
  if (answer.decision === 'allow') {
    act?.();
    await hook('PostToolUse', name, input, id);
  }
}

const cart = join(ws, 'src', 'cart.js');
const before = readFileSync(cart, 'utf8');
const oldLoop = '  let sum = 0;\n  for (const item of items) {\n    sum += item.price * item.quantity;\n  }\n  return sum;\n';
const newLoop = '  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);\n';
if (!before.includes(oldLoop)) console.log('(src/cart.js was already changed; the edit request is sent anyway)');
await tool('Edit', { file_path: cart, old_string: oldLoop, new_string: newLoop, replace_all: false }, () => writeFileSync(cart, readFileSync(cart, 'utf8').replace(oldLoop, newLoop)));
await tool('Bash', { command: 'npm test', description: 'Run the tests' });
await tool('Bash', { command: 'git push --force origin main', description: 'Push' });
await tool('Write', { file_path: join(ws, '.env'), content: 'API_KEY=stolen\n' });
// The session ends as Claude Code's does when you leave it, so its rollback needs no "still active" warning.
await hook('SessionEnd');
console.log('\nDone. See the session in the Airlock view, and roll it back with "Airlock: Roll Back Agent Session…".');
