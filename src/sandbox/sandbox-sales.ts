import type { CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';
import { monthsOf } from '../domain/catalogue-types.js';
import { SandboxError, text } from './sandbox-error.js';

/**
 * `today`: the upstream as it is now, which neither sells nor renews a package or period marked
 * `sold: false` (ISPmanager 5 since 2021-06-15, lifetime periods since 2018-07-09, research §6, §7.2).
 * `historical`: the upstream as it was when the seed's wiki page was written, selling the whole catalogue.
 */
export type SalesMode = 'today' | 'historical';

export function isSalesMode(value: string | undefined): value is SalesMode {
  return value === 'today' || value === 'historical';
}

/** True when the upstream in this mode sells (and renews) this package for this period. */
export function onSale(mode: SalesMode, pkg: CataloguePackage, period?: CataloguePeriod): boolean {
  return mode === 'historical' || (pkg.sold && (period === undefined || period.sold));
}

/** Refuses an order, renewal or tariff change the upstream no longer makes, saying since when. */
export function assertOnSale(mode: SalesMode, pkg: CataloguePackage, period?: CataloguePeriod): void {
  if (mode === 'historical') return;
  if (!pkg.sold) {
    const since = pkg.notSoldSince;
    throw new SandboxError(
      'value',
      'pricelist',
      since
        ? text(
            `Tariff ${pkg.id} '${pkg.name}' has not been sold or renewed since ${since}`,
            `Тариф ${pkg.id} «${pkg.name}» не продаётся и не продлевается с ${since}`,
          )
        : text(
            `Tariff ${pkg.id} '${pkg.name}' is no longer sold or renewed`,
            `Тариф ${pkg.id} «${pkg.name}» больше не продаётся и не продлевается`,
          ),
      String(pkg.id),
    );
  }
  if (period && !period.sold) {
    const since = period.notSoldSince;
    const months = String(monthsOf(period));
    throw new SandboxError(
      'value',
      'period',
      since
        ? text(
            `Period ${months} of tariff ${pkg.id} has not been sold since ${since}`,
            `Период ${months} тарифа ${pkg.id} не продаётся с ${since}`,
          )
        : text(
            `Period ${months} of tariff ${pkg.id} is no longer sold`,
            `Период ${months} тарифа ${pkg.id} больше не продаётся`,
          ),
      months,
    );
  }
}
