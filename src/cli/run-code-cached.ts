import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

type ModuleWrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

/** The cache file starts with the SHA-256 of the bundle it was made from. */
export const DIGEST_BYTES = 32;

/**
 * Runs a CommonJS bundle as Node would `require` it, compiled from the V8 code cache that
 * `writeCodeCache` (write-code-cache.ts) put beside it, FILE.v8cache: BILLmanager starts one process
 * per call, and parsing and compiling the bundle would otherwise be much of its start-up. V8 checks
 * only the source's length against a cache, so the cache starts with the SHA-256 of the exact bundle
 * it was made from and is ignored unless that matches. V8 itself refuses a cache made by another Node
 * version or with other V8 flags; the bundle is then compiled from source as usual. A script compiled
 * from a cache cannot `import()` (Node 20 keeps the import hook of the process that made the cache):
 * the bundles must not need it (only knex's loader of ES-module migration files has one, never used
 * by the module).
 */
export function runCodeCached(file: string): unknown {
  const source = readFileSync(file);
  const cachedData = readCache(file, source);
  const script = new Script(wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as ModuleWrapper)(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

export function cacheFileOf(file: string): string {
  return `${file}.v8cache`;
}

function readCache(file: string, source: Buffer): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(cacheFileOf(file));
  } catch {
    return undefined;
  }
  return cache.length > DIGEST_BYTES && cache.subarray(0, DIGEST_BYTES).equals(digest(source))
    ? cache.subarray(DIGEST_BYTES)
    : undefined;
}

export function digest(source: Buffer): Buffer {
  return createHash('sha256').update(source).digest();
}

/** Node's own CommonJS wrapper; the cache is made from, and only matches, this exact text. */
export function wrap(source: Buffer): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n});`;
}
