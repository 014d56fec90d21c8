import type { BillingItem, Tariff } from '../../ports/billing.js';
import { periodFromMonths } from './period-from-months.js';

export type Row = Record<string, unknown>;

export const ID_CHUNK = 1000;

/** `IN` lists of at most 1000 ids: `items` and `addonSlots` run over tens of thousands of services. */
export function chunked<T>(values: readonly T[], size = ID_CHUNK): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
  return chunks;
}

/** A parameter name that may be a key of a plain object: a `__proto__` row must not reshape it. */
export const safeKey = (name: string): boolean => name !== '__proto__';

export const num = (value: unknown): number => Number(value);
export const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined || value === '' ? null : Number(value);

/** 'YYYY-MM-DD' or null; MySQL's zero date counts as none. */
export function dateOrNull(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = value instanceof Date ? value.toISOString() : String(value);
  const date = text.slice(0, 10);
  return date.startsWith('0000') ? null : date;
}

export function onOff(value: unknown): 'on' | 'off' | null {
  return value === 'on' || value === 'off' ? value : null;
}

/** Columns read from `item`, named: nothing may depend on `SELECT *` or on column order. */
export const ITEM_COLUMNS = [
  'item.id',
  'item.account',
  'item.name',
  'item.pricelist',
  'item.parent',
  'item.processingmodule',
  'item.period',
  'item.status',
  'item.opendate',
  'item.expiredate',
  'item.boolvalue',
  'item.enumerationitem',
  'item.lastpricelist',
];

export interface ItemExtras {
  readonly ip: string;
  readonly licname: string;
  readonly serviceStatus: number | null;
}

export function rowToItem(row: Row, extras: ItemExtras): BillingItem {
  const lastPricelist = numOrNull(row.lastpricelist);
  return {
    id: num(row.id),
    accountId: num(row.account),
    name: String(row.name ?? ''),
    pricelistId: num(row.pricelist),
    parentId: numOrNull(row.parent),
    processingModuleId: numOrNull(row.processingmodule),
    period: periodFromMonths(numOrNull(row.period)),
    status: num(row.status),
    ip: extras.ip,
    licname: extras.licname,
    opendate: dateOrNull(row.opendate),
    expiredate: dateOrNull(row.expiredate),
    boolvalue: onOff(row.boolvalue),
    enumerationItemId: numOrNull(row.enumerationitem),
    // module.cpp L579: a pending tariff change is `lastpricelist > 0`.
    lastPricelistId: lastPricelist !== null && lastPricelist > 0 ? lastPricelist : null,
    serviceStatus: extras.serviceStatus,
  };
}

export const TARIFF_COLUMNS = [
  // No `pricelist.name`: the research's real queries never show it, and nothing here needs a tariff's
  // display name (a missing column would fail every call).
  'pricelist.id',
  'pricelist.intname',
  'pricelist.parent',
  'pricelist.addontype',
  'pricelist.active',
  'pricelist.enumerationitem',
  'pricelist.addonbool',
  'itemtype.intname as itemtype_intname',
];

export function rowToTariff(row: Row, moduleIds: readonly number[]): Tariff {
  const parentId = numOrNull(row.parent);
  const itemtype = String(row.itemtype_intname ?? '');
  const own = String(row.intname ?? '');
  return {
    id: num(row.id),
    // An add-on is named by its tariff's intname, else its itemtype's (research §1, L179-181).
    intname: own || (parentId !== null ? itemtype : ''),
    itemtype,
    parentId,
    addontype: num(row.addontype ?? 0),
    active: row.active === 'on',
    moduleIds,
    defaultEnumerationItemId: numOrNull(row.enumerationitem),
    defaultBool: onOff(row.addonbool),
  };
}
