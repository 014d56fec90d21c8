/**
 * The upstream's price list: packages (remote tariffs) and their order periods.
 *
 * A period is identified by its BILLmanager 4 period-row id, the id the wiki's `Period` lines use.
 * On a BILLmanager 5+ upstream the same period goes on the wire as a month count instead
 * (see `wirePeriod`), so one catalogue serves both generations.
 */
export type PeriodUnit = 'day' | 'month' | 'lifetime';

export interface CataloguePeriod {
  /** BILLmanager 4 period-row id (globally numbered upstream). */
  readonly id: number;
  readonly length: number;
  readonly unit: PeriodUnit;
  /** Price charged to the reseller's balance for this period. */
  readonly cost: number;
  /** False when the id was assigned by cpbillmgr because the real row id is not public. */
  readonly realId: boolean;
  /** False when the upstream no longer sells this period (lifetime licences: not since 2018-07-09). */
  readonly sold: boolean;
  /** YYYY-MM-DD the upstream stopped selling it, where a source says so. */
  readonly notSoldSince?: string;
}

/** Product lines the upstream's one-licence-per-IP rules work on. */
export type ProductLine =
  | 'ispmanager'
  | 'ipmanager'
  | 'dnsmanager'
  | 'vdsmanager'
  | 'vmmanager'
  | 'billmanager'
  | 'ifxmanager'
  | 'dcimanager';

export interface CataloguePackage {
  readonly id: number;
  readonly name: string;
  readonly line: ProductLine;
  /** `pro` licences shadow `lite` ones on the same IP (wiki FAQ). */
  readonly edition: 'lite' | 'pro' | 'other';
  readonly periods: readonly CataloguePeriod[];
  /** False when the upstream no longer sells or renews it; kept for configurations written for it. */
  readonly sold: boolean;
  /** YYYY-MM-DD the upstream stopped selling and renewing it, where a source says so. */
  readonly notSoldSince?: string;
  /**
   * The quantity add-on (`addon_<id>=<count>`, cluster nodes) an order of this package must carry,
   * e.g. 55236 for ispmanager 6 Business; absent for packages without one.
   */
  readonly nodeAddon?: number;
}

export interface Catalogue {
  readonly packages: readonly CataloguePackage[];
  findPackage(id: number): CataloguePackage | undefined;
  /** The package owning a period row, with the row. */
  findPeriod(periodId: number): { pkg: CataloguePackage; period: CataloguePeriod } | undefined;
}

/** True for the 14-day trial period. */
export function isTrial(period: Pick<CataloguePeriod, 'unit'>): boolean {
  return period.unit === 'day';
}

/** The `period` value a BILLmanager 5+ upstream expects: months, 0 lifetime, -100 trial. */
export function monthsOf(period: Pick<CataloguePeriod, 'unit' | 'length'>): number {
  if (period.unit === 'lifetime') return 0;
  if (period.unit === 'day') return -100;
  return period.length;
}

/**
 * The id cpbillmgr gives a period row the upstream does not publish: `9 PPPPP SSS` read as one number,
 * i.e. 900000000 + package id × 1000 + slot, where the slot is the month count (1..998), 0 for lifetime
 * and 999 for the trial. Deterministic, so the built-in catalogue and a `pricelist.export` refresh agree,
 * always ≥ 900000 and above every older assigned id (all < 1000000); it fits a signed 32-bit column for
 * package ids up to 1 247 483.
 */
export function syntheticPeriodId(packageId: number, period: Pick<CataloguePeriod, 'unit' | 'length'>): number {
  const months = monthsOf(period);
  const slot = months === -100 ? 999 : months;
  return 900_000_000 + packageId * 1000 + slot;
}

/** "not sold since 2021-06-15", or "not sold" when no source gives the date. */
export function describeNotSold(item: Pick<CataloguePeriod, 'sold' | 'notSoldSince'>): string {
  if (item.sold) return '';
  return item.notSoldSince ? `not sold since ${item.notSoldSince}` : 'not sold';
}

export function describePeriod(period: Pick<CataloguePeriod, 'unit' | 'length'>): string {
  if (period.unit === 'lifetime') return 'lifetime';
  if (period.unit === 'day') return `${period.length}-day trial`;
  return period.length === 1 ? '1 month' : `${period.length} months`;
}
