import { LicenceStatus } from '../../domain/licence-status.js';
import { UpstreamError } from '../../errors/upstream-error.js';
import type { ModuleDeps } from '../module-deps.js';
import { poolServes, releaseToPool } from '../pool/release-to-pool.js';
import type { CommandResult } from './command-result.js';
import { currentLink, recordForm } from './current-link.js';
import { loadLicenceTarget } from './licence-target.js';
import { publishLicence } from './publish-licence.js';

export { POOL_IP, POOL_LICNAME } from '../pool/pool-licence.js';

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
    // A link already closed (deleted upstream, or parked by an earlier close or a package change) is
    // no longer the item's to touch: a pool licence must not be deleted by a repeated close.
    if (link.status === LicenceStatus.deleted) {
      await publishLicence(deps, target.carrier, link, 'closed');
      return { item: itemId, licenseid: link.licenceId, status: LicenceStatus.deleted };
    }
    let form = await target.client.form(link.licenceId);
    if (form.status !== LicenceStatus.deleted) {
      if (poolServes(target.conf, target.carrierTariff.id)) {
        if (form.status !== LicenceStatus.suspended) {
          await target.client.suspend(link.licenceId);
          form = { ...form, status: LicenceStatus.suspended };
        }
        try {
          await releaseToPool(deps, target.client, form);
        } catch (error) {
          if (!(error instanceof UpstreamError)) throw error;
          // Most often the monthly IP-change limit: the licence stays suspended where it is, unrenewed
          // (reconcile lists it among the licences no item pays for) rather than deleted with its paid time.
          deps.logger.warn(
            { item: itemId, licence: link.licenceId, err: error.message },
            'close: licence suspended but not moved to the pool',
          );
        }
      } else {
        await target.client.delete(link.licenceId).catch(async (error: unknown) => {
          // BILLmanager may run one close twice at once: the other call may have deleted it since our read.
          const now = await target.client.form(link.licenceId).catch(() => undefined);
          if (now?.status !== LicenceStatus.deleted) throw error;
        });
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
