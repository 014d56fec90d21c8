import { LicenceStatus } from '../../domain/licence-status.js';
import { NotFoundError, ValueError } from '../../errors/module-error.js';
import { renewOnce } from '../journal/renew-once.js';
import type { ModuleDeps } from '../module-deps.js';
import { type CommandResult, linkResult } from './command-result.js';
import { currentLink, recordForm } from './current-link.js';
import { loadLicenceTarget } from './licence-target.js';
import { planOrder } from './plan-order.js';
import { publishLicence } from './publish-licence.js';

/**
 * `prolong`: renews the licence upstream for one period of the item's order period and writes the
 * new expiry. A renewal costs money: it happens at most once per (licence, expiry) and once per
 * BILLmanager running operation, whatever the retries, late answers or crashes (see renewOnce).
 */
export function prolongService(
  deps: ModuleDeps,
  itemId: number,
  runningoperation: number | null,
): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link) throw new NotFoundError(`item #${itemId} has no licence to prolong`, 'licence');
    if (link.status === LicenceStatus.deleted) {
      throw new ValueError(`licence #${link.licenceId} is deleted upstream and can't be prolonged`, 'licence');
    }
    const { period } = planOrder(deps, target);
    if (period.unit === 'lifetime') {
      await publishLicence(deps, target.carrier, link, 'prolonged');
      return linkResult(link);
    }
    const renewal = await renewOnce(deps, target, link, period, { runningoperation });
    const updated = await recordForm(deps, link, renewal.form);
    await publishLicence(deps, target.carrier, updated, 'prolonged');
    deps.logger.info(
      {
        item: itemId,
        licence: link.licenceId,
        expiredate: updated.expiredate,
        renewed: renewal.renewed,
        reason: renewal.reason,
      },
      'prolong done',
    );
    return linkResult(updated);
  });
}
