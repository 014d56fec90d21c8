import type { ModuleDeps } from '../module-deps.js';
import { type CommandResult, linkResult } from './command-result.js';
import { currentLink, refreshLink } from './current-link.js';
import { loadLicenceTarget } from './licence-target.js';
import { mirrorStatus, publishLicence } from './publish-licence.js';

/** `sync_item`: settles an unanswered order for the item and shows the licence's upstream state on it. */
export function syncItemService(deps: ModuleDeps, itemId: number): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link) return { item: itemId, status: target.carrier?.status ?? target.main.status };
    const updated = await refreshLink(deps, target, link);
    await publishLicence(deps, target.carrier, updated);
    await mirrorStatus(deps, target.carrier, updated);
    return linkResult(updated);
  });
}
