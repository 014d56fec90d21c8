import type { CataloguePackage, CataloguePeriod } from '../../domain/catalogue-types.js';
import { NotConfiguredError } from '../../errors/module-error.js';
import { resolveOrder } from '../../resolve/resolve-order.js';
import type { ModuleDeps } from '../module-deps.js';
import type { LicenceTarget } from './licence-target.js';

export interface OrderPlan {
  readonly pkg: CataloguePackage;
  readonly period: CataloguePeriod;
}

/** Which remote package and period the target's item buys, per its tariff, period and cpbillmgr.conf. */
export function planOrder(deps: ModuleDeps, target: LicenceTarget): OrderPlan {
  if (!target.localPeriod) {
    throw new NotConfiguredError(
      `item #${target.main.id} has no order period, so no upstream period can be chosen`,
      'period',
      String(target.main.id),
    );
  }
  const { pkg, period } = resolveOrder({
    api: target.account.api,
    catalogue: deps.catalogue,
    conf: target.conf,
    source: target.source,
    localPeriod: target.localPeriod,
  });
  return { pkg, period };
}
