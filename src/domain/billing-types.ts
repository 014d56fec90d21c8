import type { PeriodUnit } from './catalogue-types.js';

/** A row of the billing's `item` table (contract §5), as the core sees it. */
export interface BillingItem {
  readonly id: number;
  readonly accountId: number;
  readonly name: string;
  readonly pricelistId: number;
  /** The main service of an add-on; null for a main service. */
  readonly parentId: number | null;
  readonly processingModuleId: number | null;
  readonly periodId: number | null;
  readonly status: number;
  readonly ip: string;
  readonly opendate: string | null;
  readonly expiredate: string | null;
  readonly boolvalue: 'on' | 'off' | null;
  readonly enumerationItemId: number | null;
}

/** A row of `pricelist`: a tariff, or an add-on tariff when `parentId` is set. */
export interface Tariff {
  readonly id: number;
  readonly name: string;
  readonly intname: string;
  /** `itemtype.intname`: soft, vds, dedic, … */
  readonly itemtype: string;
  readonly parentId: number | null;
  /** 0 none, 1 boolean, 3 enumeration. */
  readonly addontype: number;
  readonly processingModuleId: number | null;
  readonly active: boolean;
}

/** A row of `period`: an order period of a tariff. */
export interface LocalPeriod {
  readonly id: number;
  readonly pricelistId: number;
  readonly length: number;
  readonly unit: PeriodUnit;
}

export interface EnumerationItem {
  readonly id: number;
  readonly pricelistId: number;
  readonly name: string;
  readonly intname: string;
}

/** A `processingmodule` row with its `processingparam` values. */
export interface ProcessingModule {
  readonly id: number;
  readonly name: string;
  readonly module: string;
  readonly active: boolean;
  readonly params: Readonly<Record<string, string>>;
}

export const MODULE_NAME = 'pmcpbillmgr';
