/**
 * A scripted stand-in for the Anthropic Messages API on 127.0.0.1, so the real Claude Code CLI runs
 * offline and its hooks fire exactly as in real use. Each call of the main conversation returns the next
 * scripted turn (the turn is the number of assistant messages already in the request, so retries get the
 * same answer); other requests get a short text. Streams SSE like the real API.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';

/** One scripted model turn: a tool call, or a final text. */
export type Turn = { readonly tool: string; readonly input: Record<string, unknown> } | { readonly text: string };

/** A running fake API and what it was sent. */
export interface FakeApi {
  readonly server: Server;
  readonly url: string;
  /** Every main-conversation request body, in order (the last holds the whole conversation). */
  readonly requests: Record<string, unknown>[];
  close(): Promise<void>;
}

const MAIN_TOOLS = new Set(['Bash', 'Write', 'Edit', 'Read']);

function sse(res: ServerResponse, model: string, turn: Turn | undefined, index: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const ev = (name: string, data: unknown): void => void res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  const usage = { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 };
  ev('message_start', { type: 'message_start', message: { id: `msg_fake_${index}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage } });
  let stop = 'end_turn';
  if (turn && 'tool' in turn) {
    stop = 'tool_use';
    ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: `toolu_fake_t${index}`, name: turn.tool, input: {} } });
    const json = JSON.stringify(turn.input);
    const mid = Math.floor(json.length / 2);
    for (const part of [json.slice(0, mid), json.slice(mid)]) ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: part } });
  } else {
    ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: turn ? turn.text : 'Script finished.' } });
  }
  ev('content_block_stop', { type: 'content_block_stop', index: 0 });
  ev('message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 20 } });
  ev('message_stop', { type: 'message_stop' });
  res.end();
}

/** Starts the fake API with a script of turns. */
export function startFakeApi(turns: readonly Turn[]): Promise<FakeApi> {
  const requests: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        body = {};
      }
      if (req.method === 'POST' && url.pathname === '/v1/messages') {
        const model = typeof body.model === 'string' ? body.model : 'claude-fake';
        const tools = Array.isArray(body.tools) ? (body.tools as { name: string }[]) : [];
        if (tools.some((t) => MAIN_TOOLS.has(t.name))) {
          requests.push(body);
          const index = ((body.messages as { role: string }[] | undefined) ?? []).filter((m) => m.role === 'assistant').length;
          sse(res, model, turns[index], index);
        } else sse(res, model, { text: 'Fake side answer.' }, 0);
        return;
      }
      if (url.pathname === '/v1/messages/count_tokens') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"input_tokens":100}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ server, url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** The tool results Claude Code sent back to the model, by tool_use id. */
export function toolResults(requests: readonly Record<string, unknown>[]): Map<string, { content: string; isError: boolean }> {
  const out = new Map<string, { content: string; isError: boolean }>();
  const last = requests.at(-1);
  for (const m of (last?.messages as { role: string; content: unknown }[] | undefined) ?? []) {
    if (m.role !== 'user' || !Array.isArray(m.content)) continue;
    for (const b of m.content as { type: string; tool_use_id?: string; content?: unknown; is_error?: boolean }[]) {
      if (b.type !== 'tool_result' || !b.tool_use_id) continue;
      const content = typeof b.content === 'string' ? b.content : JSON.stringify(b.content);
      out.set(b.tool_use_id, { content, isError: b.is_error === true });
    }
  }
  return out;
}

/** The Claude Code CLI installed by `npm ci --prefix test/e2e`. */
export const CLAUDE = new URL('../node_modules/.bin/claude', import.meta.url).pathname;

/** Runs `claude -p PROMPT` in `cwd` against the fake API, offline, with Airlock's data in `airlockHome`. */
export function runClaude(options: { cwd: string; home: string; airlockHome: string; api: FakeApi; prompt: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(CLAUDE, ['-p', options.prompt, '--output-format', 'json'], {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: options.home,
        AIRLOCK_HOME: options.airlockHome,
        LANG: 'C.UTF-8',
        TERM: 'dumb',
        ANTHROPIC_BASE_URL: options.api.url,
        ANTHROPIC_API_KEY: 'dummy',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
