import type { LocalPeriod, Tariff } from '../domain/billing-types.js';
import type { Catalogue, CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';
import type { ModuleConf } from '../module-conf/module-conf.js';
import { resolvePackage } from './resolve-package.js';
import { resolvePeriod } from './resolve-period.js';

export { describeLocalPeriod } from './describe-local-period.js';

export type LicenceSource =
  /** An item of type soft; the tariff's intname comes from the server's preset list, e.g. `5-ISPmanager Lite`. */
  | { kind: 'standalone'; tariff: Tariff }
  /** `name`: the chosen enumeration item's intname, or the boolean add-on tariff's intname. */
  | { kind: 'addon'; name: string; addonTariff: Tariff };

export interface ResolveInput {
  api: 4 | 5;
  catalogue: Catalogue;
  /** The conf of the upstream's generation: cpbillmgr.conf for api=4, cpbillmgr5.conf for api=5. */
  conf: ModuleConf;
  source: LicenceSource;
  localPeriod: LocalPeriod;
}

export interface ResolvedOrder {
  pkg: CataloguePackage;
  period: CataloguePeriod;
  /** Why this package, for `cpbillmgr check` and logs, e.g. `cpbillmgr5.conf:3 Price ipmgr 2891`. */
  packageRule: string;
  /** Why this period, e.g. `cpbillmgr.conf:2 Period 10 8 7` or `same length (1 month)`. */
  periodRule: string;
}

/** What to buy upstream for a local order; throws `NotConfiguredError` saying which line would fix it. */
export function resolveOrder(input: ResolveInput): ResolvedOrder {
  const { pkg, rule: packageRule } = resolvePackage(input.api, input.catalogue, input.conf, input.source);
  const { period, rule: periodRule } = resolvePeriod(input.catalogue, input.conf, pkg, input.localPeriod);
  return { pkg, period, packageRule, periodRule };
}
