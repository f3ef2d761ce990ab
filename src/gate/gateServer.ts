/**
 * The gate: a local server (a Unix socket with mode 0600 in the workspace's data folder, or a named
 * pipe on Windows) that hook processes ask. Authenticated by a per-workspace random token that only the
 * user can read. Many requests at once; a client that connects and sends nothing, sends garbage, an
 * oversized frame or a wrong token is answered with an error and dropped, and the gate keeps serving.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { acquireLockAsync } from '../core/storage/lock';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { HookAnswer } from '../agents/types';
import { writeFileAtomic } from '../core/storage/atomicFile';
import type { Logger } from '../core/logger';
import { encodeFrame, FrameReader, PROTOCOL_VERSION, socketPathFor, tokenPathFor, type ClientMessage, type HookRequest, type ServerMessage } from './protocol';

/** Options of {@link GateServer}. */
export interface GateServerOptions {
  readonly workspaceDir: string;
  readonly workspace: string;
  /** Decides one hook request; `signal` aborts when the hook process hangs up (the agent gave up). */
  readonly handle: (request: HookRequest, signal: AbortSignal) => Promise<HookAnswer>;
  readonly log: Logger;
  /** A connection that has not sent a whole request within this time is dropped. */
  readonly idleMs?: number;
}

/** Thrown when another gate already serves the workspace. */
export class GateBusyError extends Error {}

function probe(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const timer = setTimeout(() => {
      s.destroy();
      // Something holds the path but does not accept: treat it as busy rather than take it over.
      resolve(true);
    }, 2000);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** One workspace's gate. */
export class GateServer {
  private server: Server | undefined;
  private token = '';
  readonly socketPath: string;
  private readonly sockets = new Set<Socket>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiting = new Set<AbortController>();
  private served = 0;

  constructor(private readonly options: GateServerOptions) {
    this.socketPath = socketPathFor(options.workspaceDir);
  }

  /** Requests answered so far. */
  get requests(): number {
    return this.served;
  }

  /** Starts listening, then writes a fresh token. Throws {@link GateBusyError} when another gate serves the workspace. */
  async start(): Promise<void> {
    mkdirSync(this.options.workspaceDir, { recursive: true, mode: 0o700 });
    // One gate at a time may probe, take over a dead socket and listen: two windows opening the same
    // folder at once must not remove each other's socket or token.
    const lock = await acquireLockAsync(join(this.options.workspaceDir, 'gate.lock'), { what: 'starting a gate', timeoutMs: 10_000, staleMs: 15_000 });
    try {
      if (process.platform !== 'win32') {
        mkdirSync(dirname(this.socketPath), { recursive: true, mode: 0o700 });
        if (await probe(this.socketPath)) throw new GateBusyError(`another Airlock gate is already serving this workspace (${this.socketPath})`);
        rmSync(this.socketPath, { force: true });
      }
      const server = createServer((socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        // The socket is created with the process umask; tighten it before the first request can arrive.
        const old = process.platform !== 'win32' ? process.umask(0o177) : undefined;
        const restore = (): void => void (old !== undefined && process.umask(old));
        server.once('error', (e: NodeJS.ErrnoException) => {
          restore();
          reject(e.code === 'EADDRINUSE' ? new GateBusyError(`another Airlock gate is already serving this workspace (${this.socketPath})`) : e);
        });
        server.listen(this.socketPath, () => {
          restore();
          server.removeAllListeners('error');
          resolve();
        });
      });
      if (process.platform !== 'win32') chmodSync(this.socketPath, 0o600);
      server.on('error', (e) => this.options.log.error(`[gate] server error: ${e.message}`));
      // Only now, listening, does this gate publish its token (a gate that failed to listen must not
      // replace the token of the one that serves).
      this.token = randomBytes(32).toString('hex');
      writeFileAtomic(tokenPathFor(this.options.workspaceDir), this.token, { mode: 0o600 });
      this.server = server;
    } finally {
      lock.release();
    }
    this.options.log.info(`[gate] listening on ${this.socketPath}`);
  }

  /**
   * Stops listening, lets answers already decided reach their hooks (up to 2 s), then closes what is
   * left and removes the socket and the token, if they are still this gate's.
   */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Requests still waiting for a person are withdrawn: each is answered deny, and that answer is sent.
    for (const c of this.waiting) c.abort();
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 2000))]);
    for (const s of this.sockets) s.destroy();
    await closed;
    let ours = false;
    try {
      ours = readFileSync(tokenPathFor(this.options.workspaceDir), 'utf8').trim() === this.token;
    } catch {
      ours = false;
    }
    if (ours) {
      if (process.platform !== 'win32') rmSync(this.socketPath, { force: true });
      rmSync(tokenPathFor(this.options.workspaceDir), { force: true });
    }
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const reader = new FrameReader();
    let handled = false;
    const idle = setTimeout(() => this.reject(socket, 'no request arrived in time'), this.options.idleMs ?? 5000);
    // A connection that closes without a request (another window probing whether a gate runs) is not an error.
    socket.on('close', () => clearTimeout(idle));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      if (handled) return;
      let text: string | undefined;
      try {
        text = reader.push(chunk);
      } catch (e) {
        clearTimeout(idle);
        handled = true;
        this.reject(socket, (e as Error).message);
        return;
      }
      if (text === undefined) return;
      clearTimeout(idle);
      handled = true;
      const work = this.respond(socket, text).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    });
  }

  private reject(socket: Socket, message: string): void {
    this.options.log.warn(`[gate] dropped a connection: ${message}`);
    if (!socket.destroyed) socket.end(encodeFrame({ type: 'error', message } satisfies ServerMessage));
    setTimeout(() => socket.destroy(), 100).unref();
  }

  private async respond(socket: Socket, text: string): Promise<void> {
    let message: ClientMessage;
    try {
      message = JSON.parse(text) as ClientMessage;
    } catch {
      this.reject(socket, 'the request is not JSON');
      return;
    }
    if (!message || typeof message !== 'object' || typeof message.token !== 'string' || !this.tokenMatches(message.token)) {
      this.reject(socket, 'wrong or missing token');
      return;
    }
    if (message.v !== PROTOCOL_VERSION) {
      this.reject(socket, `protocol version ${String(message.v)} is not ${PROTOCOL_VERSION}; the hook and the gate are different Airlock versions`);
      return;
    }
    let reply: ServerMessage;
    if (message.type === 'ping') {
      reply = { type: 'pong', version: PROTOCOL_VERSION, pid: process.pid, workspace: this.options.workspace, host: hostname() };
    } else if (message.type === 'hook' && typeof message.payload === 'string' && typeof message.dialect === 'string') {
      // Hooks never half-close, so a closed socket means the hook process is gone: stop asking for it.
      const hangUp = new AbortController();
      const onClose = (): void => hangUp.abort();
      socket.once('close', onClose);
      this.waiting.add(hangUp);
      try {
        reply = { type: 'answer', ...(await this.options.handle(message, hangUp.signal)) };
        this.served++;
      } catch (e) {
        reply = { type: 'error', message: (e as Error).message };
      } finally {
        socket.off('close', onClose);
        this.waiting.delete(hangUp);
      }
    } else {
      this.reject(socket, 'unknown request');
      return;
    }
    if (!socket.destroyed) socket.end(encodeFrame(reply));
  }

  private tokenMatches(given: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
