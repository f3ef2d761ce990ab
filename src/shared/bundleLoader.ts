/**
 * Loads one of Airlock's own bundles (dist/main.js) with a V8 code cache, so that a command-line start
 * does not parse and compile 1.4 MB of JavaScript each time (about a third of its start-up). Node 22
 * does this itself (`module.enableCompileCache`); Node 20 needs `vm.Script`'s `cachedData`.
 *
 * V8 checks a cache only against its own version, its flags and the source's length, and does not
 * check the cache's contents: handed a damaged cache it can crash the process, and handed the cache of
 * another source of the same length it runs that other code. So the cache file carries its own header,
 * checked before V8 sees anything: the SHA-256 of the source it was made from and of the data itself.
 * A mismatch is a missing cache; the bundle is compiled as usual and the cache written again.
 *
 * It lives beside the bundle, in `dist/.cache/`, one file per Node.js version and architecture, written
 * (flushed, then renamed into place) by the first run that finds none. A read-only installation simply
 * runs without one. It is kept where only what can replace the bundle itself can write: Airlock's
 * install folder, which its built-in protections and the sandbox keep agents from writing.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

const MAGIC = Buffer.from('AIRLOCK-V8-CACHE-1\n');
const HEADER = MAGIC.length + 32 + 32;

const loaded = new Map<string, unknown>();

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The V8 data of a cache file, when its header matches `sourceHash` and its own contents. */
function checkedCache(file: string, sourceHash: Buffer): Buffer | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return undefined;
  }
  if (raw.length <= HEADER || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (!raw.subarray(MAGIC.length, MAGIC.length + 32).equals(sourceHash)) return undefined;
  const data = raw.subarray(HEADER);
  return sha256(data).equals(raw.subarray(MAGIC.length + 32, HEADER)) ? data : undefined;
}

/** The exports of the CommonJS bundle `file`; `fallback` loads it when it cannot be read (from sources). */
export function loadBundle<T>(file: string, fallback: () => T): T {
  const known = loaded.get(file);
  if (known) return known as T;
  if (process.env.AIRLOCK_CODE_CACHE === '0') return fallback();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return fallback();
  }
  const sourceHash = sha256(bytes);
  const cacheFile = join(dirname(file), '.cache', `${basename(file)}.${process.version}-${process.arch}.v8`);
  const cachedData = checkedCache(cacheFile, sourceHash);
  const script = new Script(Module.wrap(bytes.toString('utf8')), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const mod = { exports: {} as unknown, id: file, filename: file, loaded: false };
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  loaded.set(file, mod.exports);
  if (!cachedData || script.cachedDataRejected) writeCache(cacheFile, sourceHash, script);
  return mod.exports as T;
}

/** Writes the cache (flushed temporary file, then rename); never throws. */
function writeCache(file: string, sourceHash: Buffer, script: Script): void {
  let tmp: string | undefined;
  try {
    const data = script.createCachedData();
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    // Temporary files of runs that died while writing.
    for (const old of readdirSync(dir)) {
      if (!old.endsWith('.tmp')) continue;
      try {
        if (Date.now() - statSync(join(dir, old)).mtimeMs > 60_000) unlinkSync(join(dir, old));
      } catch {
        // removed meanwhile
      }
    }
    tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      const out = Buffer.concat([MAGIC, sourceHash, sha256(data), data]);
      let off = 0;
      while (off < out.length) off += writeSync(fd, out, off, out.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    tmp = undefined;
  } catch {
    // A read-only installation, a full disk, another process writing it at the same moment: no cache.
  } finally {
    if (tmp) {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
  }
}
