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

export function describePeriod(period: Pick<CataloguePeriod, 'unit' | 'length'>): string {
  if (period.unit === 'lifetime') return 'lifetime';
  if (period.unit === 'day') return `${period.length}-day trial`;
  return period.length === 1 ? '1 month' : `${period.length} months`;
}
