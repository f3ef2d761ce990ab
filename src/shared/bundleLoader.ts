/**
 * Loads one of Airlock's own bundles (dist/main.js) with a V8 code cache, so that a command-line start
 * does not parse and compile 1.4 MB of JavaScript each time (about half of its start-up). Node 22 does
 * this itself (`module.enableCompileCache`); Node 20 needs `vm.Script`'s `cachedData`.
 *
 * The cache lives beside the bundle, in `dist/.cache/`, named after the Node.js version and the bundle's
 * size and modification time, and is written once, atomically, by the first run that finds none. V8
 * checks it against its own version, flags and the source's length and rejects a mismatch (the bundle
 * is then compiled as usual). V8 does not authenticate its cache, so it is kept where only what can
 * replace the bundle itself can write: a process that may write there could change dist/main.js too.
 * A read-only installation simply runs without one.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

const loaded = new Map<string, unknown>();

/** The exports of the CommonJS bundle `file`; `fallback` loads it when it cannot be read (from sources). */
export function loadBundle<T>(file: string, fallback: () => T): T {
  const known = loaded.get(file);
  if (known) return known as T;
  let source: string;
  let build: string;
  try {
    const st = statSync(file);
    build = `${st.size}-${Math.trunc(st.mtimeMs)}`;
    source = readFileSync(file, 'utf8');
  } catch {
    return fallback();
  }
  if (process.env.AIRLOCK_CODE_CACHE === '0') return fallback();
  const cacheDir = join(dirname(file), '.cache');
  const cacheFile = join(cacheDir, `${basename(file)}.${process.version}-${process.arch}-${build}.v8`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const mod = { exports: {} as unknown, id: file, filename: file, loaded: false };
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  loaded.set(file, mod.exports);
  if (!cachedData || script.cachedDataRejected) writeCache(cacheFile, `${basename(file)}.`, `-${build}.v8`, script);
  return mod.exports as T;
}

/** Writes the cache (temporary file, then rename) and removes those of earlier builds; never throws. */
function writeCache(file: string, prefix: string, suffix: string, script: Script): void {
  let tmp: string | undefined;
  try {
    const data = script.createCachedData();
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    // Caches of earlier builds of this bundle go; those of other Node.js versions (the editor's and the
    // system's) stay, or two of them would keep replacing each other's.
    for (const old of readdirSync(dir)) if (old.startsWith(prefix) && old.endsWith('.v8') && !old.endsWith(suffix)) unlinkSync(join(dir, old));
    tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
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
