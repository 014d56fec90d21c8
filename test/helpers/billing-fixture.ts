import type { Knex } from 'knex';
import { createBillingSchema } from '../../src/billing/bm4/bm4-schema.js';

export const MODULE_ID = 1;
export const FOREIGN_MODULE_ID = 2;
export const LITE = 10;
export const PRO = 11;
export const VDS = 20;

/** Local periods of the Lite tariff: the wiki's list plus 6 months, which package 5 doesn't sell. */
export const P = {
  trial: 101,
  month: 102,
  quarter: 103,
  year: 104,
  lifetime: 105,
  halfYear: 106,
  proMonth: 111,
} as const;

/**
 * The billing of contract §5 with one pmcpbillmgr module pointing at the sandbox, licence tariffs
 * "5-ISPmanager Lite" and "9-ISPmanager Pro", and a VPS tariff served by another module (for the
 * foreign-item case).
 */
export async function seedBilling(knex: Knex, upstreamUrl: string, api: 4 | 5 = 5): Promise<void> {
  await createBillingSchema(knex);
  await knex('account').insert({ id: 1, name: 'Customer' });
  await knex('itemtype').insert([
    { id: 1, intname: 'soft' },
    { id: 2, intname: 'vds' },
  ]);
  await knex('processingmodule').insert([
    { id: MODULE_ID, name: 'ISPsystem', module: 'pmcpbillmgr', active: 'on' },
    { id: FOREIGN_MODULE_ID, name: 'VDS cluster', module: 'vdsmgr', active: 'on' },
  ]);
  await setUpstream(knex, upstreamUrl, 'reseller', 'secret', api);
  await knex('pricelist').insert([
    {
      id: LITE,
      name: 'ISPmanager Lite',
      intname: '5-ISPmanager Lite',
      itemtype: 1,
      addontype: 0,
      processingmodule: MODULE_ID,
      active: 'on',
    },
    {
      id: PRO,
      name: 'ISPmanager Pro',
      intname: '9-ISPmanager Pro',
      itemtype: 1,
      addontype: 0,
      processingmodule: MODULE_ID,
      active: 'on',
    },
    {
      id: VDS,
      name: 'VPS',
      intname: 'vps',
      itemtype: 2,
      addontype: 0,
      processingmodule: FOREIGN_MODULE_ID,
      active: 'on',
    },
  ]);
  await knex('period').insert([
    { id: P.trial, pricelist: LITE, length: 14, unit: 'day' },
    { id: P.month, pricelist: LITE, length: 1, unit: 'month' },
    { id: P.quarter, pricelist: LITE, length: 3, unit: 'month' },
    { id: P.year, pricelist: LITE, length: 12, unit: 'month' },
    { id: P.lifetime, pricelist: LITE, length: 1, unit: 'lifetime' },
    { id: P.halfYear, pricelist: LITE, length: 6, unit: 'month' },
    { id: P.proMonth, pricelist: PRO, length: 1, unit: 'month' },
  ]);
}

export async function setUpstream(
  knex: Knex,
  url: string,
  username: string,
  password: string,
  api: 4 | 5 = 5,
): Promise<void> {
  await knex('processingparam').where({ processingmodule: MODULE_ID }).delete();
  await knex('processingparam').insert([
    { processingmodule: MODULE_ID, intname: 'url', value: url },
    { processingmodule: MODULE_ID, intname: 'username', value: username },
    { processingmodule: MODULE_ID, intname: 'password', value: password },
    { processingmodule: MODULE_ID, intname: 'api', value: String(api) },
  ]);
}

let nextItem = 5000;

/** Adds an ordered licence item (status 1) and returns its id. */
export async function addLicenceItem(
  knex: Knex,
  options: { period: number; ip: string; pricelist?: number; name?: string; module?: number | null },
): Promise<number> {
  nextItem += 1;
  await knex('item').insert({
    id: nextItem,
    account: 1,
    name: options.name ?? `licence-${nextItem}.example.com`,
    pricelist: options.pricelist ?? LITE,
    processingmodule: options.module === undefined ? MODULE_ID : options.module,
    period: options.period,
    status: 1,
    ip: options.ip,
  });
  return nextItem;
}

export async function itemRow(knex: Knex, id: number): Promise<Record<string, unknown>> {
  const row = await knex('item').where({ id }).first();
  if (!row) throw new Error(`no item ${id}`);
  return { ...row, expiredate: row.expiredate ? String(row.expiredate).slice(0, 10) : null };
}

export async function itemParams(knex: Knex, id: number): Promise<Record<string, string>> {
  const rows = await knex('itemparam').where({ item: id });
  return Object.fromEntries(rows.map((row: { intname: string; value: string }) => [row.intname, row.value]));
}

/** Tariffs sold today (contract §6): ispmanager 6 Lite and Business, standalone, with 1- and 12-month periods. */
export const TODAY = {
  lite: 12,
  business: 13,
  liteMonth: 121,
  liteYear: 122,
  businessMonth: 131,
} as const;

export async function seedTodayTariffs(knex: Knex): Promise<void> {
  await knex('pricelist').insert([
    {
      id: TODAY.lite,
      name: 'ispmanager 6 Lite',
      intname: '55227-ispmanager 6 Lite',
      itemtype: 1,
      addontype: 0,
      processingmodule: MODULE_ID,
      active: 'on',
    },
    {
      id: TODAY.business,
      name: 'ispmanager 6 Business',
      intname: '55230-ispmanager 6 Business',
      itemtype: 1,
      addontype: 0,
      processingmodule: MODULE_ID,
      active: 'on',
    },
  ]);
  await knex('period').insert([
    { id: TODAY.liteMonth, pricelist: TODAY.lite, length: 1, unit: 'month' },
    { id: TODAY.liteYear, pricelist: TODAY.lite, length: 12, unit: 'month' },
    { id: TODAY.businessMonth, pricelist: TODAY.business, length: 1, unit: 'month' },
  ]);
}
