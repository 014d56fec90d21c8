import type { PeriodUnit } from './catalogue-types.js';

/**
 * The billing's values as the core sees them, whichever billing they come from (contract §5 `bm4`,
 * §5b `bm6`). Adapters in src/billing/ fill them; use cases never see a billing's own columns.
 */

/** An order period of a tariff: bm4 a `period` row; bm6 `item.period` months (id = months, −100 trial). */
export interface LocalPeriod {
  readonly id: number;
  readonly length: number;
  readonly unit: PeriodUnit;
}

export interface TariffPeriod extends LocalPeriod {
  readonly pricelistId: number;
}

/** A billing item (service) as the core sees it, whichever billing it comes from. */
export interface BillingItem {
  readonly id: number;
  readonly accountId: number;
  readonly name: string;
  readonly pricelistId: number;
  /** The main service of an add-on item; null for a main service. */
  readonly parentId: number | null;
  readonly processingModuleId: number | null;
  /** The item's order period, null when it has none the billing can name. */
  readonly period: LocalPeriod | null;
  /** 1 ordered, 2 active, 3 suspended, 4 deleted, 5 processing. */
  readonly status: number;
  /**
   * The address a licence for this item is bound to: bm4 `item.ip`; bm6 a standalone licence's `ip`
   * param, a server's address from the `ip` table (through its `ip` add-on item). '' when none.
   */
  readonly ip: string;
  /** The licence name: bm6 `licname` param, else the item's name. */
  readonly licname: string;
  /** YYYY-MM-DD or null. */
  readonly opendate: string | null;
  readonly expiredate: string | null;
  /** Boolean add-on value (`on`/`off`), null when the item has none. */
  readonly boolvalue: 'on' | 'off' | null;
  /** Chosen enumeration item of an enumeration add-on, null when none. */
  readonly enumerationItemId: number | null;
  /** bm6: the tariff before a pending tariff change (`item.lastpricelist`); null when none pending. */
  readonly lastPricelistId: number | null;
  /**
   * bm6: the status the module last reported with `service.setstatus` (the `service_status` param);
   * BILLmanager keeps `status` itself. null in bm4, where the module writes `status` directly.
   */
  readonly serviceStatus: number | null;
}

/** A tariff (`pricelist` row); an add-on tariff when `parentId` is set. */
export interface Tariff {
  readonly id: number;
  readonly intname: string;
  /** `itemtype.intname`: soft, vds, dedic, … */
  readonly itemtype: string;
  readonly parentId: number | null;
  /** 0 none, 1 boolean, 2 integer, 3 enumeration. */
  readonly addontype: number;
  readonly active: boolean;
  /** Processing modules serving the tariff (bm4 `pricelist.processingmodule`, bm6 `processingmodule2pricelist`). */
  readonly moduleIds: readonly number[];
  /** bm6 add-on defaults, used when a main service has no child item for the add-on. */
  readonly defaultEnumerationItemId: number | null;
  readonly defaultBool: 'on' | 'off' | null;
}

/** A choice of an enumeration add-on tariff. */
export interface EnumerationChoice {
  readonly id: number;
  readonly addonTariffId: number;
  readonly name: string;
  readonly intname: string;
}

/** A `processingmodule` row with its parameters (crypted ones decrypted). */
export interface ProcessingModule {
  readonly id: number;
  readonly name: string;
  readonly module: string;
  readonly active: boolean;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * One licence add-on of one main service: the child item when BILLmanager has one, else the add-on
 * tariff's defaults. `choice` is what it asks for: the chosen enumeration item's intname, or the
 * add-on tariff's intname for a boolean switched on; null when it asks for no licence.
 */
export interface AddonSlot {
  readonly main: BillingItem;
  readonly tariff: Tariff;
  readonly child: BillingItem | null;
  readonly choice: string | null;
}

/** Only (id, trycount) are seen in BILLmanager's own queries (research §1 table, module.cpp L751-752). */
export interface RunningOperation {
  readonly id: number;
  readonly trycount: number;
}

export const MODULE_NAME = 'pmcpbillmgr';
