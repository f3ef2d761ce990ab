/**
 * `airlock serve` asks on its terminal: one request at a time, in the order they came. Everything the
 * agent or the file system supplied is written through `shared/shown.ts`, so control characters
 * (terminal escape sequences included), bidirectional and invisible characters show as marks, and
 * lookalike names are flagged. What needs a look comes first; what is not printed is said, `v` prints
 * it all, and allowing what was not seen in full takes typing `allow`.
 */
import { createInterface, type Interface } from 'node:readline';
import { commandParts, review, shownPath, type Review } from '../core/diff/review';
import type { ApprovalAnswer, ApprovalRequest, Asker } from '../engine/ask';
import type { DiffCell, DiffRow, Shown } from '../shared/protocol';
import { shown, shownText, type ShownOptions } from '../shared/shown';

const visible = (raw: string, options?: ShownOptions): string => shownText(shown(raw, options), { compact: true });

/** Diff rows printed per file before "v shows all". */
const ROWS_SHOWN = 60;

/** The prompt explains each lookalike once, under "Look at these first"; elsewhere it is only flagged. */
const t = (s: Shown): string => shownText(s, { compact: true });

function cellText(c: DiffCell | undefined): string {
  return (c?.segments ?? []).map((s) => t(s.text)).join('');
}

/** A diff row as a unified diff line: `-` old, `+` new, a space for context. */
function rowLines(row: DiffRow): string[] {
  switch (row.kind) {
    case 'same':
      return [`     ${cellText(row.right)}`];
    case 'gap':
      return ['   @@ ⋯ @@'];
    case 'truncated':
      return [`   ⟨${row.count ?? 'more'} more changed rows not shown here⟩`];
    default:
      return [...(row.left ? [`   - ${cellText(row.left)}`] : []), ...(row.right ? [`   + ${cellText(row.right)}`] : [])];
  }
}

/** What is printed for a request, and what `v` adds. */
interface Described {
  readonly text: string;
  readonly all: string;
  /** Left out of `text`, one sentence each; empty when everything was printed. */
  readonly unseen: readonly string[];
  /** Left out and not even `v` can print it (binary or unknown content). */
  readonly unprintable: readonly string[];
}

function describe(request: ApprovalRequest, workspace: string | undefined): Described {
  const r: Review = review(request, workspace ? { workspace } : {});
  // The agent's id, as `airlock serve` has always printed it (scripts and tests read this line).
  const name = t(shown(request.agent, { kind: 'name', max: 80 }));
  const files = request.files ?? [];
  const paths = (list: readonly string[]): string => list.map((p) => t(shownPath(p))).join(', ');
  const what = request.kind === 'command' ? 'run a command' : request.kind === 'edit' ? `edit ${paths(files.map((f) => f.path))}` : request.kind === 'read' ? `read ${paths(request.paths ?? [])}` : `use the tool ${visible(request.tool, { kind: 'name', max: 120 })}`;
  const lines: string[] = ['', `── Airlock: ${name} (trust level ${request.trust}) wants to ${what}`];
  const unseen: string[] = [];
  const unprintable: string[] = [];
  for (const l of r.leftOut) (l.see === 'none' ? unprintable : unseen).push(t(l.what));
  const diffs: { path: string; rows: readonly DiffRow[] }[] = files.map((f, i) => ({ path: t(shownPath(f.path)), rows: r.files[i]?.diff?.rows ?? [] }));
  for (const d of diffs) if (d.rows.length > ROWS_SHOWN) unseen.push(`${d.path}: ${d.rows.length - ROWS_SHOWN} more diff rows than printed here`);
  if (r.attention.length > 0) {
    lines.push('   !! Look at these first:');
    for (const a of r.attention) lines.push(`   !!   ${a.kinds.length ? `[${a.kinds.join(', ')}] ` : ''}${t(a.where)}: ${t(a.text)}`);
  }
  if (unseen.length + unprintable.length > 0) {
    lines.push('   !! Not printed in full below:');
    for (const u of unseen) lines.push(`   !!   ${u} (answer v to print all)`);
    for (const u of unprintable) lines.push(`   !!   ${u}`);
  }
  const d = request.decision;
  lines.push(`   why it asks: ${visible(d.reason)}`);
  if (d.rule) lines.push(`   rule: ${visible(`${d.rule.action} ${d.rule.selector} "${d.rule.pattern}"${d.rule.reason ? ` (${d.rule.reason})` : ''}`)}`);
  if (d.limit) lines.push(`   limit: ${visible(`${d.limit.name}: this would make ${d.limit.value}, the limit is ${d.limit.limit}`)}`);
  if (request.sandbox) lines.push(`   sandbox: ${visible(request.sandbox)}`);
  for (const p of commandParts(d.parts ?? [])) if (p.action !== 'allow') lines.push(`   ${p.action.padEnd(5)} ${p.kind} ${t(p.text)}${p.count ? ` (×${p.count})` : ''}: ${t(p.reason)}`);
  const all: string[] = [];
  if (r.command) {
    const cmd = (s: Shown): string[] => t(s).split('\n').map((l, i) => `   ${i === 0 ? '$' : '>'} ${l}`);
    lines.push(...cmd(r.command.text), `   in ${visible(request.cwd, { kind: 'name', max: 400 })}`);
    if (r.command.full) all.push('   The whole command:', ...cmd(r.command.full));
  }
  if (request.input !== undefined) lines.push(`   its input: ${visible(request.input, { kind: 'code' })}`);
  files.forEach((f, i) => {
    const rows = diffs[i]!.rows;
    const head = `   ${f.op === 'delete' ? 'deletes' : f.op === 'rename' ? 'renames' : f.before === undefined ? 'creates' : 'changes'} ${diffs[i]!.path}${f.newPath ? ` → ${t(shownPath(f.newPath))}` : ''}${f.binary ? ' (binary file)' : ''}`;
    lines.push(head, ...rows.slice(0, ROWS_SHOWN).flatMap(rowLines));
    if (rows.length > ROWS_SHOWN) {
      lines.push(`   ⟨${rows.length - ROWS_SHOWN} more diff rows of ${diffs[i]!.path} not printed: answer v to print all⟩`);
      all.push(head, ...rows.flatMap(rowLines));
    }
    if (f.approximate) lines.push(`   (${visible(f.approximate)})`);
  });
  return { text: lines.join('\n'), all: all.join('\n'), unseen, unprintable };
}

const PROMPT = '   Allow? [y] once  [s] for this session  [n] deny  [m] deny with a message';

/** Asks on a terminal (or any line-based stream: tests answer through a pipe). */
export class TerminalAsker implements Asker {
  private readonly rl: Interface;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private closed = false;

  /** `workspace`: names are compared with its files ("looks like .env, which exists"). */
  constructor(
    input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
    private readonly workspace?: string,
  ) {
    this.rl = createInterface({ input, terminal: false });
    this.rl.on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(line);
      } else this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.closed = true;
      this.waiting?.(undefined);
    });
  }

  private nextLine(signal: AbortSignal): Promise<string | undefined> {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiting = resolve;
      signal.addEventListener(
        'abort',
        () => {
          if (this.waiting === resolve) this.waiting = undefined;
          resolve(undefined);
        },
        { once: true },
      );
    });
  }

  ask(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    const run = async (): Promise<ApprovalAnswer> => {
      if (signal.aborted) return { action: 'deny', by: 'timeout' };
      const d = describe(request, this.workspace);
      let viewed = false;
      const prompt = (): string => {
        const secs = Math.max(0, Math.round((request.deadline - Date.now()) / 1000));
        return `${PROMPT}${d.unseen.length > 0 && !viewed ? '  [v] print all' : ''}   (denied in ${secs} s without an answer)\n> `;
      };
      this.output.write(`${d.text}\n${prompt()}`);
      let confirming: 'once' | 'session' | undefined;
      for (;;) {
        const line = await this.nextLine(signal);
        if (line === undefined) {
          this.output.write(signal.aborted ? '\n   no answer in time: denied\n' : '\n   input closed: denied\n');
          return { action: 'deny', by: signal.aborted ? 'timeout' : 'cancelled' };
        }
        const a = line.trim().toLowerCase();
        if (confirming) {
          if (a === 'allow') return { action: 'allow', scope: confirming, by: 'person' };
          confirming = undefined;
          if (a !== 'v') {
            this.output.write(`   not allowed.\n${prompt()}`);
            if (a === 'n' || a === 'no') return { action: 'deny', by: 'person' };
            continue;
          }
        }
        if (a === 'v' || a === 'view') {
          viewed = true;
          this.output.write(`${d.all || '   (everything was printed above)'}\n${prompt()}`);
          continue;
        }
        if (a === 'y' || a === 'yes' || a === 's' || a === 'session') {
          const scope = a.startsWith('s') ? 'session' : 'once';
          const missing = [...(viewed ? [] : d.unseen), ...d.unprintable];
          if (missing.length === 0) return { action: 'allow', scope, by: 'person' };
          // Not seen in full: a deliberate word, not the same key again.
          confirming = scope;
          this.output.write(`   You have not seen all of it:\n${missing.map((m) => `     - ${m}`).join('\n')}\n   Type "allow" to allow it anyway${viewed ? '' : ', v to print all'}, or n to deny.\n> `);
          continue;
        }
        if (a === 'n' || a === 'no') return { action: 'deny', by: 'person' };
        if (a === 'm' || a.startsWith('m ')) {
          let message = line.trim().slice(1).trim();
          if (!message) {
            this.output.write('   message for the agent: ');
            message = (await this.nextLine(signal))?.trim() ?? '';
          }
          return { action: 'deny', by: 'person', ...(message ? { message } : {}) };
        }
        this.output.write('   answer y, s, n, m or v\n> ');
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result;
    return result;
  }

  close(): void {
    this.rl.close();
  }
}
