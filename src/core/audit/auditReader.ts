/**
 * Reads an audit log as it grows, for views: each call reads only the bytes appended since the last one
 * (a log that shrank or was replaced is read again from the start). Keeps the newest records in memory.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { AuditRecord } from './auditLog';

/** Records kept in memory for views (older ones are in the file; export reads them all). */
export const AUDIT_WINDOW = 20_000;

export class AuditReader {
  private offset = 0;
  private inode = -1;
  private partial = '';
  private kept: AuditRecord[] = [];

  constructor(
    readonly file: string,
    private readonly window = AUDIT_WINDOW,
  ) {}

  /** The newest records (at most the window), oldest first. */
  records(): readonly AuditRecord[] {
    let size: number;
    let ino: number;
    try {
      const st = statSync(this.file);
      size = st.size;
      ino = st.ino;
    } catch {
      this.reset();
      return this.kept;
    }
    if (ino !== this.inode || size < this.offset) {
      this.reset();
      this.inode = ino;
    }
    if (size === this.offset) return this.kept;
    const fd = openSync(this.file, 'r');
    try {
      const end = fstatSync(fd).size;
      const buf = Buffer.alloc(end - this.offset);
      let read = 0;
      while (read < buf.length) {
        const n = readSync(fd, buf, read, buf.length - read, this.offset + read);
        if (n === 0) break;
        read += n;
      }
      this.offset += read;
      const text = this.partial + buf.subarray(0, read).toString('utf8');
      const lines = text.split('\n');
      // The last piece is a line still being written (or empty after a newline): keep it for next time.
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        try {
          this.kept.push(JSON.parse(line) as AuditRecord);
        } catch {
          // a line left incomplete by a writer that crashed
        }
      }
      if (this.kept.length > this.window) this.kept = this.kept.slice(-this.window);
    } finally {
      closeSync(fd);
    }
    return this.kept;
  }

  private reset(): void {
    this.offset = 0;
    this.partial = '';
    this.kept = [];
    this.inode = -1;
  }
}
