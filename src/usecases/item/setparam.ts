import { LicenceStatus } from '../../domain/licence-status.js';
import { ChangeRefusedError } from '../../errors/change-refused-error.js';
import { NotConfiguredError } from '../../errors/module-error.js';
import { ensureLicence } from '../journal/ensure-licence.js';
import { PARK_OLD_KEY } from '../journal/settle-change.js';
import type { ModuleDeps } from '../module-deps.js';
import { changePackage, previousTariffOf } from './change-package.js';
import { type CommandResult, linkResult } from './command-result.js';
import { currentLink, markLink } from './current-link.js';
import { type LicenceTarget, loadLicenceTarget } from './licence-target.js';
import { type OrderPlan, planOrder } from './plan-order.js';
import { publishLicence } from './publish-licence.js';

/**
 * `setparam`: the item's parameters changed in the billing. A different package is carried out
 * (changePackage: a pool licence, a new one, or `service.changepricelist`); a change the upstream
 * refuses leaves the licence as it was and rolls the billing's tariff change back, with the reason. A
 * new IP moves the licence (IP and name together, as the upstream expects; it allows one IP change a
 * month and says so when it refuses).
 */
export function setparamService(deps: ModuleDeps, itemId: number): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link || link.status === LicenceStatus.deleted) {
      // A change that parked the old licence and stopped before the new one came: finish it.
      if (await parkedForChange(deps, target.carrierId)) {
        const { link: acquired } = await ensureLicence(deps, target, null);
        await publishLicence(deps, target.carrier, acquired, 'paramsChanged');
        return linkResult(acquired);
      }
      if (target.carrier) await deps.billing.writer.paramsChanged(target.carrier.id);
      return { item: itemId, status: target.carrier?.status ?? target.main.status };
    }
    let plan: OrderPlan | undefined;
    try {
      plan = planOrder(deps, target);
    } catch (error) {
      if (!(error instanceof NotConfiguredError)) throw error;
      deps.logger.warn(
        { item: itemId, err: error.message },
        'setparam: package not resolvable, only the IP is checked',
      );
    }
    let current = link;
    if (plan && plan.pkg.id !== link.packageId) {
      const previous = await previousTariffOf(deps, target, link);
      try {
        current = await changePackage(deps, target, link, plan, null, previous);
      } catch (error) {
        if (error instanceof ChangeRefusedError) await rollbackTariff(deps, target, previous, error);
        throw error;
      }
    }
    if (target.ip !== current.ip || target.licname !== current.licname) {
      await target.client.edit(current.licenceId, { ip: target.ip, licname: target.licname });
      current = await markLink(deps, current, { ip: target.ip, licname: target.licname });
      deps.logger.info(
        { item: itemId, licence: current.licenceId, from: link.ip, to: target.ip },
        'licence moved to the new IP',
      );
    }
    await publishLicence(deps, target.carrier, current, 'paramsChanged');
    return linkResult(current);
  });
}

/**
 * The item's old licence was parked for a package change and no licence came after it. Not only the
 * last entry: the new licence's order or pool take may itself have been settled as not having happened
 * (unanswered, then not found within the order window), and the item must not be left without one.
 */
async function parkedForChange(deps: ModuleDeps, item: number): Promise<boolean> {
  let parked = false;
  for (const e of await deps.store.journal.listForItem(item)) {
    if (e.state !== 'done' || e.action === 'prolong') continue;
    parked = e.action === 'change' && e.key.startsWith(PARK_OLD_KEY);
  }
  return parked;
}

/** The billing shows the tariff the licence still has (bm6 `service.changepricelist.rollback`). */
async function rollbackTariff(
  deps: ModuleDeps,
  target: LicenceTarget,
  previous: number | null,
  refusal: ChangeRefusedError,
): Promise<void> {
  if (target.kind !== 'standalone' || !target.carrier) return;
  if (previous === null) {
    deps.logger.error(
      { item: target.carrier.id, err: refusal.message },
      'package change refused, and the tariff to roll back to is unknown: the billing still shows the new tariff',
    );
    return;
  }
  await deps.billing.writer.rollbackTariffChange(target.carrier.id, previous);
  deps.logger.warn(
    { item: target.carrier.id, to: previous, err: refusal.message },
    'package change refused: rolled back',
  );
}
