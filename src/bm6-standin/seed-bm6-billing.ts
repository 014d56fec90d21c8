import type { Knex } from 'knex';
import { createBm6Schema } from './create-bm6-schema.js';
import { encryptParam } from './standin-key.js';
import { asStandin } from './standin-session.js';

/** Ids of the seeded BILLmanager 5/6 billing. */
export const BM6 = {
  account: 1,
  module: 1,
  vdsModule: 2,
  itemtype: { soft: 1, vds: 2, ip: 3, panel: 4, ipmgr: 5 },
  tariff: { lite: 10, pro: 11, vps: 20, vpsIp: 21, panel: 22, ipmgr: 23, backup: 24 },
  enumeration: 30,
  choice: { lite: 301, prof: 302 },
  item: {
    /** Lite, 1 month, ordered; `ip` and `licname` params. */
    liteMonth: 1001,
    /** Lite trial (period −100), ordered; an `ip` param only, so its licence name is the item's name. */
    liteTrial: 1002,
    /** Pro, 12 months, active since 2026-01-10 until 2027-01-10. */
    proYear: 1003,
    /** Lite with period 0, whose meaning is not known. */
    litePeriodZero: 1004,
    /** VPS, active, 12 months; IP add-on child with an address, panel child Prof, IPmanager child on. */
    server: 2001,
    serverIp: 2002,
    serverPanel: 2003,
    serverIpmgr: 2004,
    /** VPS, active, 3 months; IP add-on child, no panel or IPmanager child (the tariff defaults apply). */
    bareServer: 2101,
    bareServerIp: 2102,
    /** A deleted VPS. */
    deletedServer: 2201,
  },
  address: {
    server: '203.0.113.5',
    serverSecond: '203.0.113.50',
    bareServer: '203.0.113.6',
    liteMonth: '198.51.100.10',
  },
  operation: { liteMonth: 5001, liteTrial: 5002 },
} as const;

export interface SeedBm6Options {
  readonly upstreamUrl: string;
  readonly username?: string;
  readonly password?: string;
  readonly api?: 4 | 5;
  /** The stand-in key's public half: the password is stored as BILLmanager stores crypted params. */
  readonly publicPem: string;
}

/**
 * A BILLmanager 5/6 billing with one pmcpbillmgr module, licence tariffs ISPmanager Lite (`5-…`) and
 * Pro (`9-…`), and a VPS tariff (served by another module) with an IP add-on, a licence enumeration
 * add-on (Lite/Prof, default Lite), a boolean IPmanager add-on (default off) and a manually billed
 * add-on BILLmanager leaves out. Written as the panel (`asStandin`); creates the schema first.
 */
export async function seedBm6Billing(knex: Knex, options: SeedBm6Options): Promise<void> {
  await createBm6Schema(knex);
  const { tariff, item, itemtype, choice } = BM6;
  await asStandin(knex, async (trx) => {
    await trx('account').insert({ id: BM6.account, name: 'Customer' });
    await trx('itemtype').insert([
      { id: itemtype.soft, intname: 'soft' },
      { id: itemtype.vds, intname: 'vds' },
      { id: itemtype.ip, intname: 'ip' },
      // ✘ which itemtypes a panel-licence add-on has: these two are the stand-in's.
      { id: itemtype.panel, intname: 'panel' },
      { id: itemtype.ipmgr, intname: 'ipmgr' },
    ]);
    await trx('processingmodule').insert([
      { id: BM6.module, name: 'ISPsystem licences', module: 'pmcpbillmgr', active: 'on', orderpriority: 1 },
      { id: BM6.vdsModule, name: 'VDS cluster', module: 'vdsmgr', active: 'on', orderpriority: 1 },
    ]);
    await trx('processingparam').insert([
      { processingmodule: BM6.module, intname: 'url', value: options.upstreamUrl },
      { processingmodule: BM6.module, intname: 'username', value: options.username ?? 'reseller' },
      { processingmodule: BM6.module, intname: 'api', value: String(options.api ?? 5) },
    ]);
    await trx('processingcryptedparam').insert({
      processingmodule: BM6.module,
      intname: 'password',
      value: encryptParam(options.publicPem, options.password ?? 'secret'),
    });
    await trx('enumeration').insert({ id: BM6.enumeration, intname: 'panel_version' });
    await trx('enumerationitem').insert([
      {
        id: choice.lite,
        enumeration: BM6.enumeration,
        name: 'ISPmanager Lite',
        name_ru: 'ISPmanager Lite',
        intname: 'Lite',
      },
      {
        id: choice.prof,
        enumeration: BM6.enumeration,
        name: 'ISPmanager Pro',
        name_ru: 'ISPmanager Pro',
        intname: 'Prof',
      },
    ]);
    const main = { billtype: 2, active: 'on', addontype: 0, project: 1 };
    await trx('pricelist').insert([
      { ...main, id: tariff.lite, name: 'ISPmanager Lite', intname: '5-ISPmanager Lite', itemtype: itemtype.soft },
      { ...main, id: tariff.pro, name: 'ISPmanager Pro', intname: '9-ISPmanager Pro', itemtype: itemtype.soft },
      { ...main, id: tariff.vps, name: 'VPS', intname: 'vps', itemtype: itemtype.vds },
      {
        ...main,
        id: tariff.vpsIp,
        name: 'IP address',
        intname: null,
        itemtype: itemtype.ip,
        parent: tariff.vps,
        addontype: 2,
        addonlimit: 1,
      },
      {
        ...main,
        id: tariff.panel,
        name: 'Control panel',
        intname: 'ispmgr',
        itemtype: itemtype.panel,
        parent: tariff.vps,
        addontype: 3,
        enumeration: BM6.enumeration,
        enumerationitem: choice.lite,
      },
      {
        ...main,
        id: tariff.ipmgr,
        name: 'IPmanager',
        // No intname: the add-on is named by its itemtype (research §1, L179-181).
        intname: null,
        itemtype: itemtype.ipmgr,
        parent: tariff.vps,
        addontype: 1,
        addonbool: 'off',
      },
      {
        ...main,
        id: tariff.backup,
        name: 'Backup (billed by hand)',
        intname: 'backup',
        itemtype: itemtype.ipmgr,
        parent: tariff.vps,
        addontype: 1,
        addonbool: 'on',
        billtype: 10,
      },
    ]);
    await trx('pricelist2enumerationitem').insert([
      { pricelist: tariff.panel, enumerationitem: choice.lite },
      { pricelist: tariff.panel, enumerationitem: choice.prof },
    ]);
    await trx('processingmodule2pricelist').insert([
      { processingmodule: BM6.module, pricelist: tariff.lite },
      { processingmodule: BM6.module, pricelist: tariff.pro },
      { processingmodule: BM6.module, pricelist: tariff.panel },
      { processingmodule: BM6.module, pricelist: tariff.ipmgr },
      { processingmodule: BM6.vdsModule, pricelist: tariff.vps },
    ]);
    const base = { account: BM6.account, createdate: '2026-01-10', autosuspend: 'on' };
    const licence = { ...base, processingmodule: BM6.module, status: 1 };
    const server = {
      ...base,
      pricelist: tariff.vps,
      processingmodule: BM6.vdsModule,
      status: 2,
      opendate: '2026-01-10',
    };
    const addon = { ...base, processingmodule: BM6.vdsModule, status: 2, opendate: '2026-01-10' };
    await trx('item').insert([
      { ...licence, id: item.liteMonth, name: 'Lite for shop', pricelist: tariff.lite, period: 1 },
      { ...licence, id: item.liteTrial, name: 'Lite trial', pricelist: tariff.lite, period: -100 },
      {
        ...licence,
        id: item.proYear,
        name: 'Pro yearly',
        pricelist: tariff.pro,
        period: 12,
        status: 2,
        opendate: '2026-01-10',
        expiredate: '2027-01-10',
        remoteid: 'up-77',
      },
      { ...licence, id: item.litePeriodZero, name: 'Lite period 0', pricelist: tariff.lite, period: 0 },
      { ...server, id: item.server, name: 'vps1.example.com', period: 12, expiredate: '2027-01-10' },
      {
        ...addon,
        id: item.serverIp,
        name: 'IP',
        pricelist: tariff.vpsIp,
        parent: item.server,
        period: 12,
        intvalue: 0,
      },
      {
        ...addon,
        id: item.serverPanel,
        name: 'Control panel',
        pricelist: tariff.panel,
        parent: item.server,
        period: 12,
        enumerationitem: choice.prof,
      },
      {
        ...addon,
        id: item.serverIpmgr,
        name: 'IPmanager',
        pricelist: tariff.ipmgr,
        parent: item.server,
        period: 12,
        boolvalue: 'on',
      },
      { ...server, id: item.bareServer, name: 'vps2.example.com', period: 3, expiredate: '2026-04-10' },
      { ...addon, id: item.bareServerIp, name: 'IP', pricelist: tariff.vpsIp, parent: item.bareServer, period: 3 },
      { ...server, id: item.deletedServer, name: 'vps3.example.com', period: 1, status: 4 },
    ]);
    await trx('itemparam').insert([
      { item: item.liteMonth, intname: 'ip', value: BM6.address.liteMonth },
      { item: item.liteMonth, intname: 'licname', value: 'shop.example.com' },
      { item: item.liteTrial, intname: 'ip', value: '198.51.100.11' },
      { item: item.proYear, intname: 'ip', value: '198.51.100.12' },
      { item: item.proYear, intname: 'licenseid', value: 'up-77' },
    ]);
    await trx('ip').insert([
      // The server's second address has the higher id: the first is taken as the main one.
      { id: 7001, name: BM6.address.server, item: item.serverIp, status: 2 },
      { id: 7003, name: BM6.address.serverSecond, item: item.serverIp, status: 2 },
      { id: 7002, name: BM6.address.bareServer, item: item.bareServerIp, status: 2 },
    ]);
    await trx('runningoperation').insert([
      { id: BM6.operation.liteMonth, standin_item: item.liteMonth, trycount: 1 },
      { id: BM6.operation.liteTrial, standin_item: item.liteTrial, trycount: 10 },
    ]);
  });
}
