import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { cacheFileOf, digest, wrap } from './run-code-cached.js';

/**
 * Writes FILE.v8cache for `runCodeCached` (at build time). Every function is compiled now, not only
 * the top level V8 compiles at once, so that a process compiles none of the code it runs.
 */
export function writeCodeCache(file: string): void {
  const source = readFileSync(file);
  setFlagsFromString('--no-lazy');
  let script: Script;
  try {
    script = new Script(wrap(source), { filename: file });
  } finally {
    // The flags are part of the cache's identity: back to the defaults every process runs with.
    setFlagsFromString('--lazy');
  }
  writeFileSync(cacheFileOf(file), Buffer.concat([digest(source), script.createCachedData()]));
}
