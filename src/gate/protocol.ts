/**
 * The gate's wire protocol: each message is a 4-byte big-endian length and that many bytes of UTF-8
 * JSON. A hook process sends one request and reads one reply per connection.
 */
import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Bumped on incompatible changes; a gate answers an unknown version with an error. */
export const PROTOCOL_VERSION = 1;
/** The largest frame either side accepts (an edit can carry a whole file). */
export const MAX_FRAME = 96 * 1024 * 1024;

/** A hook process asks the gate to handle one payload. */
export interface HookRequest {
  readonly v: number;
  readonly token: string;
  readonly type: 'hook';
  readonly dialect: string;
  readonly event?: string;
  /** The payload exactly as the agent wrote it. */
  readonly payload: string;
}

/** A health check (`airlock doctor`). */
export interface PingRequest {
  readonly v: number;
  readonly token: string;
  readonly type: 'ping';
}

/** What a hook process or doctor sends. */
export type ClientMessage = HookRequest | PingRequest;

/** What the gate replies. */
export type ServerMessage =
  | { readonly type: 'answer'; readonly stdout: string; readonly stderr: string; readonly exitCode: number }
  | { readonly type: 'pong'; readonly version: number; readonly pid: number; readonly workspace: string; readonly host: string }
  | { readonly type: 'error'; readonly message: string };

/** Encodes one message. */
export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Collects bytes and yields whole frames; refuses frames over {@link MAX_FRAME}. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;

  /** Adds bytes; returns the complete frame's JSON text once it has arrived. Throws for oversized frames. */
  push(chunk: Buffer): string | undefined {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size < 4) return undefined;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [all];
    const length = all.readUInt32BE(0);
    if (length > MAX_FRAME) throw new Error(`a message of ${length} bytes is larger than the gate accepts (${MAX_FRAME})`);
    if (all.length < 4 + length) return undefined;
    return all.toString('utf8', 4, 4 + length);
  }
}

/** Where the gate of a workspace listens: a socket in its data folder, a named pipe on Windows. */
export function socketPathFor(workspaceDir: string): string {
  const key = createHash('sha256').update(workspaceDir).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\airlock-${key}`;
  const inData = join(workspaceDir, 'gate.sock');
  // Unix socket paths are limited to about 104 bytes; long data folders use a private folder in TMPDIR.
  if (Buffer.byteLength(inData) <= 100) return inData;
  return join(tmpdir(), `airlock-${userInfo().uid}`, `${key}.sock`);
}

/** The file holding the gate's access token (readable only by the user). */
export function tokenPathFor(workspaceDir: string): string {
  return join(workspaceDir, 'gate.token');
}
