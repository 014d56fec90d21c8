import { LicenceStatus } from '../../domain/licence-status.js';
import { currentLink, recordForm } from '../item/current-link.js';
import { loadLicenceTarget } from '../item/licence-target.js';
import { planOrder } from '../item/plan-order.js';
import { publishLicence } from '../item/publish-licence.js';
import { renewOnce } from '../journal/renew-once.js';
import { type ModuleDeps, today } from '../module-deps.js';
import { addDays, RENEW_AHEAD_DAYS } from './converge-addons.js';

/**
 * Renews an add-on licence on its own period — re-decided under the item's lock from a fresh read of
 * the licence: renewed only if it is due (or expired) upstream, and once per expiry.
 */
export function renewAddon(deps: ModuleDeps, itemId: number): Promise<void> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link || link.status === LicenceStatus.deleted) return;
    const { period } = planOrder(deps, target);
    if (period.unit === 'lifetime' || period.unit === 'day') return;
    const horizon = addDays(today(deps), RENEW_AHEAD_DAYS);
    const renewal = await renewOnce(deps, target, link, period, {
      runningoperation: null,
      due: (form) => form.status !== LicenceStatus.deleted && form.expiredate !== '' && form.expiredate <= horizon,
    });
    const updated = await recordForm(deps, link, renewal.form);
    await publishLicence(deps, target.carrier, updated);
    deps.logger.info(
      {
        item: itemId,
        licence: link.licenceId,
        renewed: renewal.renewed,
        reason: renewal.reason,
        expiredate: updated.expiredate,
      },
      'add-on renewal',
    );
  });
}
