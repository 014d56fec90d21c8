import { LicenceStatus } from '../domain/licence-status.js';
import { ValueError } from '../errors/module-error.js';
import { type CommandResult, linkResult } from './command-result.js';
import { loadLicenceTarget } from './licence-target.js';
import type { ModuleDeps } from './module-deps.js';
import { planOrder } from './plan-order.js';
import { ensureLicence } from './purchase-journal.js';
import { refreshLicence } from './refresh-licence.js';

/**
 * `open`: the item should have a working licence. Buys one (at most one, whatever the retries,
 * concurrency or crashes — see ensureLicence), or, when the item already has one, brings it back to
 * active and refreshes what the billing shows. A licence still being created upstream (status 5)
 * leaves the item in status 5; checkevent finishes it.
 */
export function openService(deps: ModuleDeps, itemId: number, runningoperation: number | null): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    if (target.carrier.status === LicenceStatus.deleted) {
      throw new ValueError(`item #${itemId} is deleted and can't be opened`, 'item', String(itemId));
    }
    const before = await deps.stores.links.get(itemId);
    let link = await ensureLicence(deps, target, () => planOrder(deps, target), runningoperation);
    if (before && before.licenceId === link.licenceId) {
      if (link.status === LicenceStatus.suspended) await target.client.resume(link.licenceId);
      if (link.status !== LicenceStatus.active) link = await refreshLicence(deps, target, link);
    }
    deps.logger.info({ item: itemId, licence: link.licenceId, status: link.status }, 'open done');
    return linkResult(link);
  });
}
