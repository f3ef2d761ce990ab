/**
 * A scripted stand-in for OpenAI's Responses API on 127.0.0.1 (server-sent events), so that the real Codex
 * CLI and the real Copilot CLI (`COPILOT_PROVIDER_WIRE_API=responses`) run offline and their hooks fire
 * exactly as in real use. Each request of the main conversation (one that offers tools) gets the next
 * scripted turn; the turn is the number of model items already in the request's input, so a retry gets
 * the same answer. Other requests (titles, summaries) get a short text.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';

/** One scripted model turn: a function call (JSON arguments), a custom tool call (raw input, e.g. apply_patch), or a final text. */
export type ResponsesTurn =
  | { readonly tool: string; readonly args: Record<string, unknown> }
  | { readonly custom: string; readonly input: string }
  | { readonly text: string };

/** A running fake API and the main-conversation requests it received. */
export interface FakeResponsesApi {
  readonly server: Server;
  /** The base URL with `/v1`. */
  readonly url: string;
  readonly requests: Record<string, unknown>[];
  close(): Promise<void>;
}

type Item = Record<string, unknown>;

function send(res: ServerResponse, id: string, item: Item): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const ev = (type: string, data: Record<string, unknown>): void => void res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
  ev('response.created', { response: { id, object: 'response', status: 'in_progress', output: [] } });
  ev('response.output_item.added', { output_index: 0, item });
  ev('response.output_item.done', { output_index: 0, item });
  ev('response.completed', { response: { id, object: 'response', status: 'completed', output: [item], usage } });
  res.end();
}

/** Starts the fake API with a script of turns. */
export function startFakeResponses(turns: readonly ResponsesTurn[]): Promise<FakeResponsesApi> {
  const requests: Record<string, unknown>[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        body = {};
      }
      if (req.method !== 'POST' || !(req.url ?? '').endsWith('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const id = `resp_${++n}`;
      const text = (t: string): Item => ({ type: 'message', id: `msg_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: t, annotations: [] }] });
      if (!Array.isArray(body.tools) || body.tools.length === 0) {
        send(res, id, text('Fake side answer.'));
        return;
      }
      requests.push(body);
      const input = Array.isArray(body.input) ? (body.input as Item[]) : [];
      const index = input.filter((i) => i.type === 'function_call' || i.type === 'custom_tool_call' || (i.type === 'message' && i.role === 'assistant')).length;
      const turn = turns[index];
      let item: Item;
      if (!turn) item = text('Script finished.');
      else if ('text' in turn) item = text(turn.text);
      else if ('custom' in turn) item = { type: 'custom_tool_call', id: `ctc_${n}`, call_id: `call_t${index}`, name: turn.custom, input: turn.input, status: 'completed' };
      else item = { type: 'function_call', id: `fc_${n}`, call_id: `call_t${index}`, name: turn.tool, arguments: JSON.stringify(turn.args), status: 'completed' };
      send(res, id, item);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ server, url: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** What the agent sent back to the model for each tool call, by call id (`call_tN` for turn N). */
export function toolOutputs(requests: readonly Record<string, unknown>[]): Map<string, string> {
  const out = new Map<string, string>();
  const last = requests.at(-1);
  for (const i of (last?.input as Item[] | undefined) ?? []) {
    if ((i.type === 'function_call_output' || i.type === 'custom_tool_call_output') && typeof i.call_id === 'string') {
      out.set(i.call_id, typeof i.output === 'string' ? i.output : JSON.stringify(i.output));
    }
  }
  return out;
}

/** The result of one agent process. */
export interface AgentRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs an agent CLI to completion (killed after `timeoutMs`), with exactly the environment given. */
export function runAgent(bin: string, args: readonly string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<AgentRun> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(bin, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}
