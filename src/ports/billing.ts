import type { PeriodUnit } from '../domain/catalogue-types.js';

/**
 * The billing the module sits in, behind one port with two adapters (contract §5 `bm4`, §5b `bm6`).
 * Use cases read through `BillingReader` and report results through `BillingWriter`, whose verbs are
 * named after BILLmanager's post-calls; they never know which billing they talk to. Writes happen
 * after the module's own transaction has committed and are idempotent, so a crash in between is
 * mended by the next call or reconciliation pass writing the same thing again.
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
}

/** A tariff (`pricelist` row); an add-on tariff when `parentId` is set. */
export interface Tariff {
  readonly id: number;
  readonly name: string;
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

export interface RunningOperation {
  readonly id: number;
  readonly item: number | null;
  readonly trycount: number;
}

export interface BillingReader {
  item(id: number): Promise<BillingItem | undefined>;
  /** Any number of ids; adapters chunk the reads. */
  items(ids: readonly number[]): Promise<BillingItem[]>;
  tariff(id: number): Promise<Tariff | undefined>;
  tariffs(ids: readonly number[]): Promise<Tariff[]>;
  module(id: number): Promise<ProcessingModule | undefined>;
  /** Module rows whose `processingmodule.module` is `moduleName`, active or not. */
  modules(moduleName: string): Promise<ProcessingModule[]>;
  /** Tariffs a module serves, add-on tariffs included. */
  moduleTariffs(moduleId: number): Promise<Tariff[]>;
  /** Order periods the tariffs are sold for (bm6: the periods its items use, BILLmanager has no period table). */
  tariffPeriods(pricelistIds: readonly number[]): Promise<TariffPeriod[]>;
  enumerationChoices(addonTariffIds: readonly number[]): Promise<EnumerationChoice[]>;
  enumerationChoice(id: number): Promise<EnumerationChoice | undefined>;
  /** Items of these tariffs, deleted ones only when asked. */
  itemsOfTariffs(pricelistIds: readonly number[], options?: { includeDeleted?: boolean }): Promise<BillingItem[]>;
  /**
   * Every (main service, licence add-on tariff) pair for these add-on tariffs, one per main service
   * not deleted, with the child item when it exists. `mainIds` narrows it to some main services.
   */
  addonSlots(addonTariffs: readonly Tariff[], options?: { mainIds?: readonly number[] }): Promise<AddonSlot[]>;
  params(item: number): Promise<Record<string, string>>;
  /** bm6 `runningoperation` row; bm4 has none. */
  runningOperation(id: number): Promise<RunningOperation | undefined>;
}

/**
 * What the module tells the billing. In bm6 every verb is an mgrctl call (`service.postopen`, …); in
 * bm4 it is the direct write those calls stand for. Verbs are idempotent.
 */
export interface BillingWriter {
  /** `open` succeeded (the licence may still be processing upstream: see `setStatus`). */
  opened(item: number): Promise<void>;
  suspended(item: number): Promise<void>;
  resumed(item: number): Promise<void>;
  closed(item: number): Promise<void>;
  prolonged(item: number): Promise<void>;
  paramsChanged(item: number): Promise<void>;
  saveParam(item: number, name: string, value: string): Promise<void>;
  /** YYYY-MM-DD; null clears it (lifetime licences). */
  setExpiry(item: number, expiredate: string | null): Promise<void>;
  /** bm6 `service.setstatus service_status=N`; bm4 `item.status`. */
  setStatus(item: number, status: number): Promise<void>;
  /** A refused tariff change: bm6 `service.changepricelist.rollback`; bm4 back to the previous tariff. */
  rollbackTariffChange(item: number, previousPricelistId: number): Promise<void>;
  /** A failed command with `--runningoperation N`: the error is saved on it; after 10 tries it becomes manual with a task. */
  operationFailed(runningoperation: number, command: string, item: number | null, errorXml: string): Promise<void>;
}

export interface Billing {
  readonly kind: 'bm4' | 'bm6';
  readonly reader: BillingReader;
  readonly writer: BillingWriter;
}
