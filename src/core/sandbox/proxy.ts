/**
 * Network allow-lists for sandboxed commands. The sandbox has no network at all; a proxy outside it,
 * reached through a Unix socket bound into the sandbox, connects only to the listed domains. Inside, a
 * small bridge turns the socket back into 127.0.0.1:PORT and the command gets HTTP(S)_PROXY pointing at
 * it. Proxy-aware clients (curl, npm, pip, git over https, most SDKs) work; anything else gets no
 * network, which is the safe side.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest, createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createNetServer, Socket } from 'node:net';
import { constants } from 'node:os';

/** True when `host` is one of the allowed domains (`*.example.com` allows its subdomains, not itself). */
export function domainAllowed(host: string, allow: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allow.some((d) => {
    const p = d.toLowerCase();
    return p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p;
  });
}

/** A running proxy. */
export interface AllowListProxy {
  /** Hosts refused so far (for the message after the command). */
  readonly refused: ReadonlySet<string>;
  close(): Promise<void>;
}

function splitHostPort(target: string, defaultPort: number): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?(?::(\d{1,5}))?$/.exec(target);
  if (!m) return undefined;
  const port = m[2] ? Number(m[2]) : defaultPort;
  return port > 0 && port < 65536 ? { host: m[1]!, port } : undefined;
}

/** Starts a proxy on a Unix socket that allows CONNECT and plain HTTP to the listed domains only. */
export function startAllowListProxy(socketPath: string, allow: readonly string[]): Promise<AllowListProxy> {
  const refused = new Set<string>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    // Plain HTTP through a proxy: the request line holds the absolute URL.
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('Airlock sandbox proxy: not a proxy request\n');
      return;
    }
    if (url.protocol !== 'http:' || !domainAllowed(url.hostname, allow)) {
      refused.add(url.hostname);
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`Airlock sandbox: ${url.hostname} is not in the policy's sandbox.network allow-list\n`);
      return;
    }
    const upstream = httpRequest({ host: url.hostname, port: url.port || 80, path: `${url.pathname}${url.search}`, method: req.method, headers: req.headers }, (up: IncomingMessage) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (e) => res.writeHead(502).end(`Airlock sandbox proxy: ${e.message}\n`));
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const target = splitHostPort(req.url ?? '', 443);
    if (!target || !domainAllowed(target.host, allow)) {
      if (target) refused.add(target.host);
      client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nAirlock sandbox: ${target?.host ?? 'that address'} is not in the policy's sandbox.network allow-list\n`);
      return;
    }
    const upstream = connect(target.port, target.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve({
        refused,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Messages between the launcher (outside) and the bridge (inside) over the inherited IPC channel. */
type BridgeMessage = { readonly type: 'open'; readonly id: number } | { readonly type: 'conn'; readonly id: number } | { readonly type: 'fail'; readonly id: number };

/**
 * Outside the sandbox: answers the bridge's requests for connections. Each one is a fresh connection to
 * the allow-list proxy, handed into the sandbox as an open file descriptor (Node's IPC passes sockets),
 * because the sandbox may not create Unix sockets itself (seccomp; see seccomp.ts).
 */
export function serveBridge(child: { on(e: 'message', l: (m: unknown) => void): unknown; send(m: BridgeMessage, handle?: Socket): boolean; connected: boolean }, proxySocket: string): void {
  child.on('message', (m) => {
    const msg = m as Partial<BridgeMessage>;
    if (msg?.type !== 'open' || typeof msg.id !== 'number') return;
    const id = msg.id;
    const upstream = connect(proxySocket);
    upstream.once('connect', () => {
      if (child.connected) child.send({ type: 'conn', id }, upstream);
      else upstream.destroy();
    });
    upstream.once('error', () => {
      if (child.connected) child.send({ type: 'fail', id });
    });
  });
}

/**
 * Inside the sandbox: listens on 127.0.0.1 (the sandbox's own loopback), asks the launcher for a
 * connection to the proxy for each client, and runs `argv` with the proxy variables set. Exits with the
 * command's status. The command gets neither the IPC channel nor its variable.
 */
export async function runBridge(argv: readonly string[]): Promise<number> {
  if (!process.send) {
    process.stderr.write('airlock sandbox: the network bridge has no channel to the launcher\n');
    return 126;
  }
  const send = process.send.bind(process);
  let next = 0;
  const waiting = new Map<number, Socket>();
  process.on('message', (m: unknown, handle: unknown) => {
    const msg = m as Partial<BridgeMessage>;
    if (typeof msg?.id !== 'number') return;
    const local = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (!local) {
      if (handle instanceof Socket) handle.destroy();
      return;
    }
    if (msg.type !== 'conn' || !(handle instanceof Socket)) {
      local.destroy();
      return;
    }
    const remote = handle;
    local.pipe(remote);
    remote.pipe(local);
    const end = (): void => {
      local.destroy();
      remote.destroy();
    };
    local.on('error', end);
    remote.on('error', end);
    local.on('close', end);
    remote.on('close', end);
  });
  const server = createNetServer((local) => {
    const id = ++next;
    waiting.set(id, local);
    local.on('error', () => waiting.delete(id));
    send({ type: 'open', id });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  const proxy = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, HTTP_PROXY: proxy, HTTPS_PROXY: proxy, http_proxy: proxy, https_proxy: proxy, ALL_PROXY: proxy, NO_PROXY: 'localhost,127.0.0.1', no_proxy: 'localhost,127.0.0.1' };
  delete env.NODE_CHANNEL_FD;
  delete env.NODE_CHANNEL_SERIALIZATION_MODE;
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  const code = await new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('exit', (c, signal) => resolve(c ?? 128 + (signal ? signalNumber(signal) : 1)));
  });
  server.close();
  process.disconnect?.();
  return code;
}

/** The number of a signal by name (for 128+n exit statuses). */
export function signalNumber(name: NodeJS.Signals): number {
  const n = constants.signals[name];
  return typeof n === 'number' ? n : 1;
}
