import type { Knex } from 'knex';
import { MODULE_ID } from './billing-fixture.js';

/**
 * The wiki's add-on example: VPS tariffs with periods 1, 3, 6 and 12 months (ids 10–13), one behind
 * VDSmanager and one behind VMmanager, each with an ISPmanager enumeration add-on (Lite / Prof) and a
 * boolean IPmanager add-on (`ipmgr`), served by this module.
 */
export const ADDON = {
  vdsTariff: 30,
  vmTariff: 31,
  enumOf: { 30: 40, 31: 42 } as Record<number, number>,
  boolOf: { 30: 41, 31: 43 } as Record<number, number>,
  choices: { 40: { Lite: 401, Prof: 402 }, 42: { Lite: 403, Prof: 404 } } as Record<number, Record<string, number>>,
  periods: { 1: 10, 3: 11, 6: 12, 12: 13 } as Record<number, number>,
} as const;

export async function seedAddonSetup(knex: Knex): Promise<void> {
  await knex('processingmodule').insert([
    { id: 3, name: 'VDSmanager', module: 'vdsmgr', active: 'on' },
    { id: 4, name: 'VMmanager', module: 'vmmgr', active: 'on' },
  ]);
  await knex('pricelist').insert([
    { id: 30, name: 'VPS', intname: 'vps', itemtype: 2, addontype: 0, processingmodule: 3, active: 'on' },
    { id: 31, name: 'VPS KVM', intname: 'vps-kvm', itemtype: 2, addontype: 0, processingmodule: 4, active: 'on' },
    {
      id: 40,
      name: 'Control panel',
      intname: 'ispmgr',
      itemtype: 2,
      parent: 30,
      addontype: 3,
      processingmodule: MODULE_ID,
      active: 'on',
    },
    {
      id: 41,
      name: 'IPmanager',
      intname: 'ipmgr',
      itemtype: 2,
      parent: 30,
      addontype: 1,
      processingmodule: MODULE_ID,
      active: 'on',
    },
    {
      id: 42,
      name: 'Control panel',
      intname: 'ispmgr',
      itemtype: 2,
      parent: 31,
      addontype: 3,
      processingmodule: MODULE_ID,
      active: 'on',
    },
    {
      id: 43,
      name: 'IPmanager',
      intname: 'ipmgr',
      itemtype: 2,
      parent: 31,
      addontype: 1,
      processingmodule: MODULE_ID,
      active: 'on',
    },
  ]);
  await knex('enumerationitem').insert([
    { id: 401, pricelist: 40, name: 'ISPmanager Lite', intname: 'Lite' },
    { id: 402, pricelist: 40, name: 'ISPmanager Pro', intname: 'Prof' },
    { id: 403, pricelist: 42, name: 'ISPmanager Lite', intname: 'Lite' },
    { id: 404, pricelist: 42, name: 'ISPmanager Pro', intname: 'Prof' },
  ]);
  const periods = [];
  for (const tariff of [30, 31]) {
    for (const [months, id] of Object.entries(ADDON.periods)) {
      periods.push({ id: id + (tariff === 31 ? 10 : 0), pricelist: tariff, length: Number(months), unit: 'month' });
    }
  }
  await knex('period').insert(periods);
}

let nextServer = 7000;

/** A server of the given VPS tariff with one licence add-on: an enumeration choice or the boolean IPmanager. */
export async function addServerWithAddon(
  knex: Knex,
  options: { tariff: 30 | 31; months: 1 | 3 | 6 | 12; ip: string; status?: number; choice: 'Lite' | 'Prof' | 'ipmgr' },
): Promise<{ main: number; addon: number }> {
  nextServer += 2;
  const main = nextServer;
  const addon = nextServer + 1;
  const period = (ADDON.periods[options.months] as number) + (options.tariff === 31 ? 10 : 0);
  await knex('item').insert({
    id: main,
    account: 1,
    name: `vps${main}.example.com`,
    pricelist: options.tariff,
    processingmodule: options.tariff === 30 ? 3 : 4,
    period,
    status: options.status ?? 2,
    ip: options.ip,
  });
  const enumTariff = ADDON.enumOf[options.tariff] as number;
  const isBool = options.choice === 'ipmgr';
  await knex('item').insert({
    id: addon,
    account: 1,
    name: isBool ? 'IPmanager' : 'Control panel',
    pricelist: isBool ? ADDON.boolOf[options.tariff] : enumTariff,
    parent: main,
    processingmodule: MODULE_ID,
    period,
    status: 2,
    ip: '',
    boolvalue: isBool ? 'on' : null,
    enumerationitem: isBool ? null : ADDON.choices[enumTariff]?.[options.choice],
  });
  return { main, addon };
}
