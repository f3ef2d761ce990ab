/**
 * A scripted stand-in for the Gemini API on 127.0.0.1, so that the real Gemini CLI runs offline and its
 * hooks fire exactly as in real use. A request offering function declarations is the agent's turn and
 * gets the next scripted turn (the turn is the number of model messages already in the request); other
 * requests (the model router, the next-speaker check) get a short JSON text. Streams as SSE on
 * `:streamGenerateContent?alt=sse`, plain JSON on `:generateContent`.
 */
import { createServer, type Server } from 'node:http';

/** One scripted model turn: a function call or a final text. */
export type GeminiTurn = { readonly call: string; readonly args: Record<string, unknown> } | { readonly text: string };

/** A running fake API and the agent-turn requests it received. */
export interface FakeGeminiApi {
  readonly server: Server;
  readonly url: string;
  readonly requests: Record<string, unknown>[];
  close(): Promise<void>;
}

type Content = { role?: string; parts?: Record<string, unknown>[] };

/** Starts the fake API with a script of turns. */
export function startFakeGemini(turns: readonly GeminiTurn[]): Promise<FakeGeminiApi> {
  const requests: Record<string, unknown>[] = [];
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
      const url = req.url ?? '';
      if (url.includes(':countTokens')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"totalTokens":10}');
        return;
      }
      const tools = Array.isArray(body.tools) ? (body.tools as { functionDeclarations?: unknown[] }[]) : [];
      let parts: Record<string, unknown>[];
      if (tools.some((t) => Array.isArray(t.functionDeclarations) && t.functionDeclarations.length > 0)) {
        requests.push(body);
        const index = ((body.contents as Content[] | undefined) ?? []).filter((c) => c.role === 'model').length;
        const turn = turns[index];
        parts = !turn ? [{ text: 'Script finished.' }] : 'call' in turn ? [{ functionCall: { name: turn.call, args: turn.args } }] : [{ text: turn.text }];
      } else parts = [{ text: '{"reasoning":"scripted","next_speaker":"user","complexity_reasoning":"scripted","complexity_score":1}' }];
      const chunk = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 }, modelVersion: 'gemini-fake' };
      if (url.includes(':streamGenerateContent')) res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chunk));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ server, url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** What Gemini sent back to the model for each function call, in order. */
export function functionResponses(requests: readonly Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const c of ((requests.at(-1)?.contents as Content[] | undefined) ?? [])) {
    for (const p of c.parts ?? []) if (p.functionResponse) out.push(JSON.stringify(p.functionResponse));
  }
  return out;
}
