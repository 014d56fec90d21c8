/** The half of `pmcpbillmgr` that composes the app (settings, database, upstream). */
export type AppPart = typeof import('./answer-with-app.js');

/**
 * Loads that half only when a command needs it. This is the plain-module version (tsc's output under
 * dist/src); the module bundle replaces this file with load-app-part-bundled.ts (scripts/bundle.mjs).
 */
export function loadAppPart(): Promise<AppPart> {
  return import('./answer-with-app.js');
}
