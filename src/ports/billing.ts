import type {
  AddonSlot,
  BillingItem,
  EnumerationChoice,
  ProcessingModule,
  RunningOperation,
  Tariff,
  TariffPeriod,
} from '../domain/billing-types.js';

export type {
  AddonSlot,
  BillingItem,
  EnumerationChoice,
  LocalPeriod,
  ProcessingModule,
  RunningOperation,
  Tariff,
  TariffPeriod,
} from '../domain/billing-types.js';

/**
 * The billing the module sits in, behind one port with two adapters (contract §5 `bm4`, §5b `bm6`).
 * Use cases read through `BillingReader` and report results through `BillingWriter`, whose verbs are
 * named after BILLmanager's post-calls; they never know which billing they talk to. Writes happen
 * after the module's own transaction has committed and are idempotent, so a crash in between is
 * mended by the next call or reconciliation pass writing the same thing again.
 */

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
  /**
   * Quantities of the item's integer add-ons (addontype 2), by add-on tariff intname — e.g. the
   * cluster nodes an ispmanager Business licence is ordered with. bm4 has none.
   */
  integerAddons(item: number): Promise<Record<string, number>>;
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
