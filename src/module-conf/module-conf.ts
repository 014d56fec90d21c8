/**
 * The meaning of one `cpbillmgr.conf` / `cpbillmgr5.conf` (seed wiki, contract §4). Ids are kept as
 * the operator wrote them: period ids are BILLmanager 4 period-row ids (`CataloguePeriod.id`), package
 * ids are upstream package ids, `reusePrices` are ids of the LOCAL billing's tariffs and add-ons.
 */
export interface PriceRule {
  readonly names: readonly string[];
  readonly packageId: number;
  /** 1-based line in `ModuleConf.file`, so explanations and errors can point at it. */
  readonly line: number;
}

export interface PeriodRule {
  readonly localPeriodId: number | 'ALL';
  readonly remotePeriodId: number;
  /** Null for the two-field form, which applies to whichever package owns the remote period row. */
  readonly packageId: number | null;
  readonly line: number;
}

export interface ModuleConf {
  readonly file: string;
  readonly prices: readonly PriceRule[];
  readonly periods: readonly PeriodRule[];
  readonly reuseLicense: boolean;
  readonly reusePrices: readonly number[];
  readonly useExistingOnUpgrade: boolean;
  readonly noFixSuspended: boolean;
}

/** What an absent file means: nothing configured, built-in defaults only. */
export function emptyModuleConf(file: string): ModuleConf {
  return Object.freeze({
    file,
    prices: Object.freeze([]),
    periods: Object.freeze([]),
    reuseLicense: false,
    reusePrices: Object.freeze([]),
    useExistingOnUpgrade: false,
    noFixSuspended: false,
  });
}
