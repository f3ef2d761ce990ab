/**
 * When a sandboxed command fails because of the sandbox, one line after its output says why and which
 * policy setting would allow it. The launcher cannot see inside the command, so it recognises the errors
 * the sandbox causes in what the command printed: a read-only file system (a write outside the writable
 * folders, or to a protected path), a refused Unix socket (the seccomp filter's EAFNOSUPPORT), or no
 * network. Only a failed command gets a hint, and only one.
 */

/** What the sandbox refused, as recognised in a command's output. */
export type HintKind = 'read-only' | 'unix-socket' | 'network';

// EBUSY comes from the sandbox's mount points (a protected path renamed, removed, or replaced by rename).
const READ_ONLY = [/Read-only file system: '([^']+)'/, /EROFS: read-only file system, \w+ '([^']+)'/, /'([^'\n]+)': Read-only file system/, /([^\s'"`:]+): Read-only file system/, /([^\s'"`:]+): Device or resource busy/, /'([^'\n]+)': Device or resource busy/, /Read-only file system/, /EROFS/, /EBUSY/];
const UNIX = [/Address family not supported by protocol/, /EAFNOSUPPORT/];
const NETWORK = [/Could not resolve host/, /Temporary failure in name resolution/, /getaddrinfo (?:EAI_AGAIN|ENOTFOUND)/, /Name or service not known/, /Network is unreachable/, /ENETUNREACH/, /No address associated with hostname/, /nodename nor servname provided/];

/** The literal words each refusal shows; a pattern only ever runs on a short window around one of them. */
const MARKERS: Readonly<Record<HintKind, readonly string[]>> = {
  'read-only': ['Read-only file system', 'read-only file system', 'EROFS', 'Device or resource busy', 'EBUSY'],
  'unix-socket': ['Address family not supported', 'EAFNOSUPPORT'],
  network: ['resolve host', 'name resolution', 'EAI_AGAIN', 'ENOTFOUND', 'Name or service not known', 'Network is unreachable', 'ENETUNREACH', 'No address associated', 'nodename nor servname'],
};

/**
 * Watches a command's output for the sandbox's refusals. Bounded: it keeps a little of the previous chunk
 * (a message split across two), and runs its patterns only on a few hundred characters around a marker
 * word, never over the whole output (a long line must not make a pattern crawl).
 */
export class HintScanner {
  private carry = '';
  readonly seen = new Map<HintKind, string | undefined>();

  /** Feeds a chunk of output. */
  feed(chunk: Buffer): void {
    if (this.seen.size === 3 && [...this.seen.values()].every((v) => v !== undefined)) return;
    const text = this.carry + chunk.toString('utf8');
    this.carry = text.slice(-256);
    const patterns: Record<HintKind, readonly RegExp[]> = { 'read-only': READ_ONLY, 'unix-socket': UNIX, network: NETWORK };
    for (const kind of Object.keys(MARKERS) as HintKind[]) {
      if (this.seen.has(kind) && (kind !== 'read-only' || this.seen.get(kind) !== undefined)) continue;
      for (const marker of MARKERS[kind]) {
        const at = text.indexOf(marker);
        if (at === -1) continue;
        const window = text.slice(Math.max(0, at - 300), at + marker.length + 300);
        for (const p of patterns[kind]) {
          const m = p.exec(window);
          if (m) {
            this.seen.set(kind, m[1] ?? this.seen.get(kind));
            break;
          }
        }
        if (this.seen.has(kind)) break;
      }
    }
  }
}

/** The one-line hint for a failed command, or undefined when its output shows nothing the sandbox refused. */
export function sandboxHint(scanner: HintScanner, options: { readonly network: 'none' | 'host' | { readonly allow: readonly string[] }; readonly isProtected: (path: string) => boolean }): string | undefined {
  if (scanner.seen.has('read-only')) {
    const path = scanner.seen.get('read-only');
    if (path && options.isProtected(path)) return `the command could not write ${path}: git internals, agent hook configurations and the policy are read-only in the sandbox (a built-in protection; a person changes them)`;
    return `the command could not write ${path ?? 'a file'}: the sandbox lets commands write only to the workspace, its caches and a private /tmp. To let commands write a folder, add it to "sandbox.writable" in .vscode/airlock.json, or run this command outside the sandbox with a rule that says "sandbox": false`;
  }
  if (scanner.seen.has('unix-socket') && options.network !== 'host') return 'the sandbox refuses Unix sockets (they reach services outside it, such as Docker or an SSH agent) unless "sandbox.network" is "host" in .vscode/airlock.json; or run this command outside the sandbox with a rule that says "sandbox": false';
  if (scanner.seen.has('network')) {
    if (options.network === 'none') return 'the sandbox has no network ("sandbox.network" is "none"); allow the hosts the command needs with "sandbox": { "network": ["registry.npmjs.org"] } in .vscode/airlock.json, or "host" for all';
    if (typeof options.network === 'object') return `the sandbox reaches only ${options.network.allow.join(', ')} (through a proxy, for tools that honour HTTPS_PROXY); add the hosts the command needs to "sandbox.network" in .vscode/airlock.json`;
  }
  return undefined;
}
