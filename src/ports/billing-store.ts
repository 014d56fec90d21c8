import type { BillingItem, EnumerationItem, LocalPeriod, ProcessingModule, Tariff } from '../domain/billing-types.js';

export interface ItemPatch {
  readonly status?: number;
  readonly expiredate?: string | null;
  readonly opendate?: string;
}

/** The billing's own tables (contract §5): read freely, written only where BILLmanager's post-calls would. */
export interface BillingStore {
  findItem(id: number): Promise<BillingItem | undefined>;
  findItems(ids: readonly number[]): Promise<BillingItem[]>;
  findTariff(id: number): Promise<Tariff | undefined>;
  findTariffs(ids: readonly number[]): Promise<Tariff[]>;
  findPeriod(id: number): Promise<LocalPeriod | undefined>;
  findEnumerationItem(id: number): Promise<EnumerationItem | undefined>;
  findModule(id: number): Promise<ProcessingModule | undefined>;
  /** Modules whose `processingmodule.module` is `moduleName` (active or not). */
  listModules(moduleName: string): Promise<ProcessingModule[]>;
  /** Tariffs served by a module (`pricelist.processingmodule`), add-on tariffs included. */
  listModuleTariffs(moduleId: number): Promise<Tariff[]>;
  listTariffPeriods(pricelistIds: readonly number[]): Promise<LocalPeriod[]>;
  listEnumerationItems(pricelistIds: readonly number[]): Promise<EnumerationItem[]>;
  /** Items (not deleted) whose tariff is one of these. */
  listItemsOfTariffs(pricelistIds: readonly number[]): Promise<BillingItem[]>;
  updateItem(id: number, patch: ItemPatch): Promise<void>;
  getParams(item: number): Promise<Record<string, string>>;
  /** Sets an `itemparam` value, replacing an existing one of that name. */
  saveParam(item: number, intname: string, value: string): Promise<void>;
}
