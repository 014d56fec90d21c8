/**
 * The module as BILLmanager 5/6 runs it, bundled by `npm run build` (scripts/bundle.mjs): the entry,
 * and beside it the app half the entry loads for commands that need settings, database and upstream.
 * Paths are relative to the checkout.
 */
export const MODULE_ENTRY = 'dist/module/pmcpbillmgr.cjs';
export const MODULE_APP = 'dist/module/pmcpbillmgr-app.cjs';
