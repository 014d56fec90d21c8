import { type CommandResult, linkResult } from './command-result.js';
import { currentLink } from './current-link.js';
import { loadLicenceTarget } from './licence-target.js';
import type { ModuleDeps } from './module-deps.js';
import { settleProlong } from './prolong.js';
import { refreshLicence } from './refresh-licence.js';

/** `sync_item`: settles what is unsettled for the item and copies the licence's upstream state to it. */
export function syncItemService(deps: ModuleDeps, itemId: number): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    const open = await deps.stores.journal.findOpen(itemId);
    if (open?.action === 'prolong') await settleProlong(deps, target, open);
    const link = await currentLink(deps, target);
    if (!link) return { item: itemId, status: target.carrier.status };
    return linkResult(await refreshLicence(deps, target, link));
  });
}
