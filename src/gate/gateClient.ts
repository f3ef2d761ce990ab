/** The hook side of the gate: connect, send one request, read one reply. Kept small: it runs on every tool call. */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { encodeFrame, FrameReader, PROTOCOL_VERSION, socketPathFor, tokenPathFor, type ServerMessage } from './protocol';

/** Why no answer came from a gate. */
/**
 * `not-running`: nothing listens (decide offline). `lost`: the gate took the request and went away before
 * answering (the editor closed): the request was the gate's to decide, so the hook denies.
 */
export type NoGate = { readonly reason: 'not-running' | 'timeout' | 'error' | 'lost'; readonly message: string };

/** Reads the gate token; undefined when no gate has run for this workspace. */
export function readToken(workspaceDir: string): string | undefined {
  try {
    return readFileSync(tokenPathFor(workspaceDir), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Sends one message to the workspace's gate and waits up to `timeoutMs` for its reply. */
export function callGate(
  workspaceDir: string,
  message: ({ type: 'hook'; dialect: string; event?: string; payload: string } | { type: 'ping' }) & { token?: string },
  timeoutMs: number,
): Promise<ServerMessage | NoGate> {
  const token = message.token ?? readToken(workspaceDir);
  if (token === undefined) return Promise.resolve({ reason: 'not-running', message: 'no gate has run for this workspace' });
  const path = socketPathFor(workspaceDir);
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: ServerMessage | NoGate): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = connect(path);
    const reader = new FrameReader();
    let sent = false;
    const timer = setTimeout(() => done({ reason: 'timeout', message: `the gate did not answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
    socket.on('connect', () => {
      sent = true;
      socket.write(encodeFrame({ ...message, v: PROTOCOL_VERSION, token }));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        const text = reader.push(chunk);
        if (text !== undefined) done(JSON.parse(text) as ServerMessage);
      } catch (e) {
        done({ reason: 'error', message: (e as Error).message });
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const absent = !sent && (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'ENOTSOCK');
      done({ reason: absent ? 'not-running' : sent ? 'lost' : 'error', message: absent ? 'no gate is listening' : e.message });
    });
    socket.on('close', () => done({ reason: sent ? 'lost' : 'error', message: 'the gate closed the connection without answering' }));
  });
}

/** True when a reply is a gate's answer rather than a reason there was none. */
export function isServerMessage(r: ServerMessage | NoGate): r is ServerMessage {
  return 'type' in r;
}
