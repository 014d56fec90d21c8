import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppPart } from './load-app-part.js';
import { MODULE_APP } from './module-bundle.js';

/**
 * load-app-part.ts as the module bundle has it (scripts/bundle.mjs swaps it in): the app half is a
 * second bundle beside this one, run from its V8 code cache. Not used by tsc's output under dist/src.
 */
export async function loadAppPart(): Promise<AppPart> {
  const { runCodeCached } = await import('./run-code-cached.js');
  return runCodeCached(fileURLToPath(new URL(basename(MODULE_APP), import.meta.url))) as AppPart;
}
