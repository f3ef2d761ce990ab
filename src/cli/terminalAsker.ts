/** `airlock serve` asks on its terminal: one request at a time, in the order they came. */
import { createInterface, type Interface } from 'node:readline';
import { createTwoFilesPatch } from 'diff';
import type { ApprovalAnswer, ApprovalRequest, Asker } from '../engine/ask';

function describe(request: ApprovalRequest): string {
  const lines: string[] = [];
  const what = request.kind === 'command' ? `run \`${request.command}\`` : request.kind === 'edit' ? `edit ${(request.files ?? []).map((f) => f.path).join(', ')}` : request.kind === 'read' ? `read ${(request.paths ?? []).join(', ')}` : `use the tool ${request.tool}`;
  lines.push('', `── Airlock: ${request.agent} (trust level ${request.trust}) wants to ${what}`, `   why it asks: ${request.decision.reason}`);
  for (const p of request.decision.parts ?? []) if (p.action !== 'allow') lines.push(`   ${p.action.padEnd(5)} ${p.kind} ${p.text}`);
  for (const f of request.files ?? []) {
    if (f.binary) lines.push(`   ${f.path}: binary file`);
    else if (f.op === 'delete') lines.push(`   ${f.path}: deleted`);
    else if (f.after !== undefined) {
      const patch = createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, f.before ?? '', f.after, '', '', { context: 2 });
      lines.push(...patch.split('\n').slice(1, 60).map((l) => `   ${l}`));
    }
    if (f.approximate) lines.push(`   (${f.approximate})`);
  }
  const secs = Math.max(0, Math.round((request.deadline - Date.now()) / 1000));
  lines.push(`   Allow? [y] once  [s] for this session  [n] deny  [m] deny with a message   (denied in ${secs} s without an answer)`, '> ');
  return lines.join('\n');
}

/** Asks on a terminal (or any line-based stream: tests answer through a pipe). */
export class TerminalAsker implements Asker {
  private readonly rl: Interface;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private closed = false;

  constructor(
    input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
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
      this.output.write(describe(request));
      for (;;) {
        const line = await this.nextLine(signal);
        if (line === undefined) {
          this.output.write(signal.aborted ? '\n   no answer in time: denied\n' : '\n   input closed: denied\n');
          return { action: 'deny', by: signal.aborted ? 'timeout' : 'cancelled' };
        }
        const a = line.trim().toLowerCase();
        if (a === 'y' || a === 'yes') return { action: 'allow', scope: 'once', by: 'person' };
        if (a === 's' || a === 'session') return { action: 'allow', scope: 'session', by: 'person' };
        if (a === 'n' || a === 'no') return { action: 'deny', by: 'person' };
        if (a === 'm' || a.startsWith('m ')) {
          let message = line.trim().slice(1).trim();
          if (!message) {
            this.output.write('   message for the agent: ');
            message = (await this.nextLine(signal))?.trim() ?? '';
          }
          return { action: 'deny', by: 'person', ...(message ? { message } : {}) };
        }
        this.output.write('   answer y, s, n or m\n> ');
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
