import { LicenceStatus } from '../../domain/licence-status.js';
import type { ModuleDeps } from '../module-deps.js';
import type { CommandResult } from './command-result.js';
import { currentLink, recordForm } from './current-link.js';
import { type LicenceTarget, loadLicenceTarget } from './licence-target.js';
import { publishLicence } from './publish-licence.js';

export const POOL_LICNAME = 'free.lic';
export const POOL_IP = '0.0.0.0';

/**
 * `close`: the licence is deleted upstream — or, with `Option ReUseLicense` and a `ReusePrice` line
 * for the item's tariff, suspended and parked in the pool as free.lic/0.0.0.0 so that a later order
 * of the same package can take it instead of buying (seed: "order licenses for the second time").
 * Decided from a fresh read of the licence, so a retry after a crash finds the work done and only
 * records it.
 */
export function closeService(deps: ModuleDeps, itemId: number): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async (): Promise<CommandResult> => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link) {
      if (target.carrier) await deps.billing.writer.closed(target.carrier.id);
      return { item: itemId, status: LicenceStatus.deleted };
    }
    let form = await target.client.form(link.licenceId);
    if (form.status !== LicenceStatus.deleted) {
      if (reusable(target)) {
        if (form.status !== LicenceStatus.suspended) await target.client.suspend(link.licenceId);
        if (form.ip !== POOL_IP || form.licname !== POOL_LICNAME) {
          await target.client.edit(link.licenceId, { licname: POOL_LICNAME, ip: POOL_IP });
        }
        deps.logger.info({ item: itemId, licence: link.licenceId }, 'licence released to the free.lic pool');
      } else {
        await target.client.delete(link.licenceId);
      }
      form = await target.client.form(link.licenceId).catch(() => ({ ...form, status: LicenceStatus.deleted }));
    }
    // The item no longer holds the licence, whatever the upstream shows (deleted, or parked in the pool).
    const closed = await recordForm(deps, link, { ...form, status: LicenceStatus.deleted });
    await publishLicence(deps, target.carrier, closed, 'closed');
    deps.logger.info({ item: itemId, licence: link.licenceId }, 'close done');
    return { item: itemId, licenseid: link.licenceId, status: LicenceStatus.deleted };
  });
}

function reusable(target: LicenceTarget): boolean {
  return target.conf.reuseLicense && target.conf.reusePrices.includes(target.carrierTariff.id);
}
