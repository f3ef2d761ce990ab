import { analyzeCommand } from './src/core/commands/analyzeCommand';
import { parse } from 'unbash';
for (const c of process.argv.slice(2)) {
  const a = analyzeCommand(c, { cwd: '/ws', home: '/home/u' });
  console.log('$', c);
  for (const x of a.commands) console.log('  CMD', JSON.stringify({ t: x.text, v: x.via, w: x.wrapper, ro: x.readonly, u: x.unknown, d: x.dynamic, rc: x.runsCode, ir: x.irreversible, b: x.builtin }));
  for (const e of a.effects) console.log('  EFF', JSON.stringify(e));
}
console.log(JSON.stringify(parse('ls *(e:"rm -rf src":)').commands[0], (k, v) => (k === 'pos' || k === 'end' ? undefined : v)).slice(0, 600));
