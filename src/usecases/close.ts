import { LicenceStatus } from '../domain/licence-status.js';
import type { CommandResult } from './command-result.js';
import { currentLink, markLink } from './current-link.js';
import { type LicenceTarget, loadLicenceTarget } from './licence-target.js';
import type { ModuleDeps } from './module-deps.js';

export const POOL_LICNAME = 'free.lic';
export const POOL_IP = '0.0.0.0';

/**
 * `close`: the licence is deleted upstream — or, with `Option ReUseLicense` and a `ReusePrice` line
 * for the item's tariff, suspended and parked in the pool as free.lic/0.0.0.0 so that a later order
 * of the same package can take it instead of buying (seed: "order licenses for the second time").
 */
export function closeService(deps: ModuleDeps, itemId: number): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async (): Promise<CommandResult> => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link) {
      await deps.stores.billing.updateItem(itemId, { status: LicenceStatus.deleted });
      return { item: itemId, status: LicenceStatus.deleted };
    }
    if (link.status !== LicenceStatus.deleted) {
      if (reusable(target)) {
        if (link.status !== LicenceStatus.suspended) await target.client.suspend(link.licenceId);
        await target.client.edit(link.licenceId, { licname: POOL_LICNAME, ip: POOL_IP, remoteid: '' });
        deps.logger.info({ item: itemId, licence: link.licenceId }, 'licence released to the free.lic pool');
      } else {
        await target.client.delete(link.licenceId);
      }
    }
    await markLink(deps, link, { status: LicenceStatus.deleted }, LicenceStatus.deleted);
    deps.logger.info({ item: itemId, licence: link.licenceId }, 'close done');
    return { item: itemId, licenseid: link.licenceId, status: LicenceStatus.deleted };
  });
}

function reusable(target: LicenceTarget): boolean {
  return target.conf.reuseLicense && target.conf.reusePrices.includes(target.carrierTariff.id);
}
