import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { composeApp } from '../src/app/compose.js';
import { type Bm6Reader, createBm6Reader } from '../src/billing/bm6/bm6-reader.js';
import { lazyDecrypter } from '../src/billing/bm6/decrypt-param.js';
import { MgrctlError } from '../src/billing/bm6/mgrctl-error.js';
import { createBilling } from '../src/billing/create-billing.js';
import { asStandin, foreignWrites } from '../src/bm6-standin/standin-session.js';
import { loadSettings } from '../src/config/settings.js';
import { NotConfiguredError } from '../src/errors/module-error.js';
import { createLogger } from '../src/logging/create-logger.js';
import { BM6, type Bm6Standin, startBm6Standin } from './helpers/bm6-standin.js';

const I = BM6.item;
const T = BM6.tariff;

describe('bm6 reader on the seeded BILLmanager 5/6 stand-in (MariaDB)', () => {
  let s: Bm6Standin;
  let reader: Bm6Reader;
  before(async () => {
    s = await startBm6Standin();
    reader = createBm6Reader(s.knex, { decrypt: lazyDecrypter(s.mgrRoot, 'etc/billmgr.pem') });
  });
  after(async () => {
    assert.deepEqual(await foreignWrites(s.knex), [], 'the reader wrote nothing');
    await s.close();
  });

  test('When a standalone licence is read, then its IP and name come from its `ip` and `licname` params and its period from item.period months', async () => {
    const item = await reader.item(I.liteMonth);
    assert.deepEqual(item, {
      id: I.liteMonth,
      accountId: BM6.account,
      name: 'Lite for shop',
      pricelistId: T.lite,
      parentId: null,
      processingModuleId: BM6.module,
      period: { id: 1, length: 1, unit: 'month' },
      status: 1,
      ip: BM6.address.liteMonth,
      licname: 'shop.example.com',
      opendate: null,
      expiredate: null,
      boolvalue: null,
      enumerationItemId: null,
      lastPricelistId: null,
      serviceStatus: null,
    });
    const trial = await reader.item(I.liteTrial);
    assert.deepEqual(trial?.period, { id: -100, length: 14, unit: 'day' });
    assert.equal(trial?.ip, '198.51.100.11');
    assert.equal(trial?.licname, 'Lite trial', 'no licname param: the item name');
    const pro = await reader.item(I.proYear);
    assert.deepEqual(pro?.period, { id: 12, length: 12, unit: 'month' });
    assert.equal(pro?.opendate, '2026-01-10');
    assert.equal(pro?.expiredate, '2027-01-10');
    assert.equal(
      (await reader.item(I.litePeriodZero))?.period,
      null,
      'a code whose meaning is unknown names no period',
    );
    assert.equal(await reader.item(424242), undefined);
  });

  test('When a server is read, then its IP is the address in the `ip` table held by its `ip` add-on item (the lowest id of several)', async () => {
    const server = await reader.item(I.server);
    assert.equal(server?.ip, BM6.address.server);
    assert.equal(server?.licname, 'vps1.example.com');
    assert.equal((await reader.item(I.bareServer))?.ip, BM6.address.bareServer);
    const [panel] = await reader.items([I.serverPanel]);
    assert.equal(panel?.parentId, I.server);
    assert.equal(panel?.enumerationItemId, BM6.choice.prof);
    assert.equal(panel?.ip, '', 'an add-on item has no address of its own');
    const bools = await reader.items([I.serverIpmgr, I.serverIpmgr, 424242]);
    assert.deepEqual(
      bools.map((i) => [i.id, i.boolvalue]),
      [[I.serverIpmgr, 'on']],
      'duplicates and unknown ids dropped',
    );
  });

  test('When a pending tariff change exists, then lastPricelistId names the previous tariff', async () => {
    await asStandin(s.knex, (trx) => trx('item').where({ id: I.proYear }).update({ lastpricelist: T.lite }));
    assert.equal((await reader.item(I.proYear))?.lastPricelistId, T.lite);
    await asStandin(s.knex, (trx) => trx('item').where({ id: I.proYear }).update({ lastpricelist: 0 }));
    assert.equal((await reader.item(I.proYear))?.lastPricelistId, null, '0 is no change (module.cpp: > 0)');
    await asStandin(s.knex, (trx) => trx('item').where({ id: I.proYear }).update({ lastpricelist: null }));
  });

  test('When tariffs are read, then modules come from processingmodule2pricelist, add-on names fall back to the itemtype, and defaults are kept', async () => {
    const [lite, vps, panel, ipmgr] = await reader.tariffs([T.lite, T.vps, T.panel, T.ipmgr, 9999]);
    assert.deepEqual(lite, {
      id: T.lite,
      intname: '5-ISPmanager Lite',
      itemtype: 'soft',
      parentId: null,
      addontype: 0,
      active: true,
      moduleIds: [BM6.module],
      defaultEnumerationItemId: null,
      defaultBool: null,
    });
    assert.deepEqual(vps?.moduleIds, [BM6.vdsModule]);
    assert.equal(panel?.parentId, T.vps);
    assert.equal(panel?.addontype, 3);
    assert.equal(panel?.intname, 'ispmgr');
    assert.equal(panel?.defaultEnumerationItemId, BM6.choice.lite);
    assert.equal(ipmgr?.intname, 'ipmgr', 'no pricelist.intname: the itemtype names it');
    assert.equal(ipmgr?.defaultBool, 'off');
    assert.equal(await reader.tariff(9999), undefined);
  });

  test("When the module's tariffs are asked for, then those linked to it come back with the add-on tariffs under them", async () => {
    assert.deepEqual(
      (await reader.moduleTariffs(BM6.module)).map((t) => t.id),
      [T.lite, T.pro, T.panel, T.ipmgr],
    );
    assert.deepEqual(
      (await reader.moduleTariffs(BM6.vdsModule)).map((t) => t.id),
      [T.vps, T.vpsIp, T.panel, T.ipmgr, T.backup],
    );
  });

  test('When tariff periods are asked for, then they are the distinct item.period codes of their items (BILLmanager has no period table)', async () => {
    assert.deepEqual(await reader.tariffPeriods([T.lite, T.pro]), [
      { pricelistId: T.lite, id: -100, length: 14, unit: 'day' },
      { pricelistId: T.lite, id: 1, length: 1, unit: 'month' },
      { pricelistId: T.pro, id: 12, length: 12, unit: 'month' },
    ]);
  });

  test("When enumeration choices are read, then they are the items of the tariff's enumeration that pricelist2enumerationitem lists", async () => {
    await asStandin(s.knex, (trx) =>
      trx('enumerationitem').insert({
        id: 303,
        enumeration: BM6.enumeration,
        name: 'ISPmanager Business',
        intname: 'Business',
      }),
    );
    assert.deepEqual(await reader.enumerationChoices([T.panel, T.ipmgr]), [
      { id: BM6.choice.lite, addonTariffId: T.panel, name: 'ISPmanager Lite', intname: 'Lite' },
      { id: BM6.choice.prof, addonTariffId: T.panel, name: 'ISPmanager Pro', intname: 'Prof' },
    ]);
    await asStandin(s.knex, (trx) => trx('pricelist2enumerationitem').where({ pricelist: T.panel }).delete());
    assert.deepEqual(
      (await reader.enumerationChoices([T.panel])).map((c) => c.intname),
      ['Lite', 'Prof', 'Business'],
      'without a list: the whole enumeration',
    );
    assert.deepEqual(await reader.enumerationChoice(BM6.choice.prof), {
      id: BM6.choice.prof,
      addonTariffId: T.panel,
      name: 'ISPmanager Pro',
      intname: 'Prof',
    });
    assert.equal(await reader.enumerationChoice(9999), undefined);
    await asStandin(s.knex, async (trx) => {
      await trx('enumerationitem').where({ id: 303 }).delete();
      await trx('pricelist2enumerationitem').insert([
        { pricelist: T.panel, enumerationitem: BM6.choice.lite },
        { pricelist: T.panel, enumerationitem: BM6.choice.prof },
      ]);
    });
  });

  test('When items of tariffs are asked for, then deleted ones come only when asked', async () => {
    assert.deepEqual(
      (await reader.itemsOfTariffs([T.vps])).map((i) => i.id),
      [I.server, I.bareServer],
    );
    assert.deepEqual(
      (await reader.itemsOfTariffs([T.vps], { includeDeleted: true })).map((i) => i.id),
      [I.server, I.bareServer, I.deletedServer],
    );
  });

  test('When add-on slots are asked for, then each live server gets one per add-on: its child item, or the tariff default when the child is missing', async () => {
    const tariffs = await reader.tariffs([T.panel, T.ipmgr, T.backup]);
    const slots = await reader.addonSlots(tariffs);
    assert.deepEqual(
      slots.map((slot) => [slot.main.id, slot.tariff.id, slot.child?.id ?? null, slot.choice]),
      [
        [I.server, T.panel, I.serverPanel, 'Prof'],
        [I.server, T.ipmgr, I.serverIpmgr, 'ipmgr'],
        [I.bareServer, T.panel, null, 'Lite'],
        [I.bareServer, T.ipmgr, null, null],
      ],
      'the manually billed add-on is left out, as is the deleted server',
    );
    assert.equal(slots[0]?.main.ip, BM6.address.server);
    assert.equal(slots[2]?.main.ip, BM6.address.bareServer);
    const narrowed = await reader.addonSlots(tariffs, { mainIds: [I.bareServer, I.deletedServer] });
    assert.deepEqual(
      narrowed.map((slot) => [slot.main.id, slot.tariff.id]),
      [
        [I.bareServer, T.panel],
        [I.bareServer, T.ipmgr],
      ],
    );
  });

  test('When an add-on child is deleted, or the add-on tariff is switched off, then the slot asks for nothing or disappears', async () => {
    const tariffs = await reader.tariffs([T.panel]);
    await asStandin(s.knex, (trx) => trx('item').where({ id: I.serverPanel }).update({ status: 4 }));
    let slots = await reader.addonSlots(tariffs, { mainIds: [I.server] });
    assert.deepEqual(
      slots.map((slot) => [slot.child?.id, slot.choice]),
      [[I.serverPanel, null]],
    );
    await asStandin(s.knex, (trx) => trx('item').where({ id: I.serverPanel }).update({ status: 2 }));
    await asStandin(s.knex, (trx) => trx('pricelist').where({ id: T.panel }).update({ active: 'off' }));
    const off = await reader.tariffs([T.panel]);
    slots = await reader.addonSlots(off);
    assert.deepEqual(
      slots.map((slot) => slot.main.id),
      [I.server],
      'an inactive add-on stays only where a child item exists (module.cpp AddItemAddon)',
    );
    await asStandin(s.knex, (trx) => trx('pricelist').where({ id: T.panel }).update({ active: 'on' }));
  });

  test('When module rows are read, then the crypted password is decrypted with the panel key', async () => {
    const module = await reader.module(BM6.module);
    assert.deepEqual(module, {
      id: BM6.module,
      name: 'ISPsystem licences',
      module: 'pmcpbillmgr',
      active: true,
      params: { url: 'http://127.0.0.1:1/billmgr', username: 'reseller', api: '5', password: 'up-secret' },
    });
    assert.deepEqual(
      (await reader.modules('pmcpbillmgr')).map((m) => m.id),
      [BM6.module],
    );
    assert.equal(await reader.module(99), undefined);
  });

  test("When mgrctl paramlist does not answer once, then reading the module fails as the billing's (retryable) trouble, and the next read succeeds", async () => {
    let asked = 0;
    const billing = createBilling({
      kind: 'bm6',
      db: s.knex,
      logger: createLogger('silent'),
      today: () => '2026-11-26',
      mgrctl: '/nonexistent/mgrctl',
      mgrRoot: s.mgrRoot,
      paramlist: async () => {
        asked += 1;
        if (asked === 1) throw new MgrctlError('paramlist', 'no answer within 8000 ms', { retryable: true });
        return { dbHost: '', dbUser: '', dbPassword: '', dbName: '', dbSocket: '', cryptKey: 'etc/billmgr.pem' };
      },
    });
    const error = await billing.reader.module(BM6.module).then(
      () => assert.fail('the first read should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof MgrctlError, String(error));
    assert.equal(error.type, 'billing');
    assert.equal(error.retryable, true);
    assert.equal((await billing.reader.module(BM6.module))?.params.password, 'up-secret', 'the failure was not kept');
    assert.equal(asked, 2);
  });

  test('When mgrctl paramlist fails once inside a composed app, then a later read of the module asks it again and decrypts', async () => {
    // An mgrctl that fails its first call, then is the stand-in's: what a long-running `serve` may meet.
    const dir = mkdtempSync(join(tmpdir(), 'flaky-mgrctl-'));
    const flaky = join(dir, 'mgrctl');
    writeFileSync(
      flaky,
      `#!/bin/sh\nif [ ! -e ${dir}/failed ]; then touch ${dir}/failed; echo 'panel busy' >&2; exit 1; fi\nexec ${s.mgrctl} "$@"\n`,
    );
    chmodSync(flaky, 0o755);
    const app = await composeApp(
      loadSettings({
        CPBILLMGR_BILLING: 'bm6',
        CPBILLMGR_DB: s.url,
        CPBILLMGR_MGRCTL: flaky,
        CPBILLMGR_MGR_ROOT: s.mgrRoot,
        CPBILLMGR_ETC: mkdtempSync(join(tmpdir(), 'etc-')),
        CPBILLMGR_LOG_LEVEL: 'silent',
      }),
      { logger: createLogger('silent') },
    );
    try {
      await assert.rejects(
        app.deps.billing.reader.module(BM6.module),
        (error: unknown) => error instanceof MgrctlError,
      );
      assert.equal((await app.deps.billing.reader.module(BM6.module))?.params.password, 'up-secret');
    } finally {
      await app.close();
    }
  });

  test('When the crypted password is broken or the key is missing, then reading the module fails naming the module and the parameter', async () => {
    const original = (await s.knex('processingcryptedparam').where({ processingmodule: BM6.module }).first()) as {
      value: string;
    };
    const bytes = Buffer.from(original.value, 'base64');
    bytes[7] = (bytes[7] ?? 0) ^ 0xff;
    await asStandin(s.knex, (trx) =>
      trx('processingcryptedparam')
        .where({ processingmodule: BM6.module })
        .update({ value: bytes.toString('base64') }),
    );
    await assert.rejects(reader.module(BM6.module), (error: unknown) => {
      assert.ok(error instanceof NotConfiguredError);
      assert.match(error.message, /processing module #1 'ISPsystem licences': crypted parameter 'password'/);
      assert.equal(error.object, 'password');
      return true;
    });
    await asStandin(s.knex, (trx) =>
      trx('processingcryptedparam').where({ processingmodule: BM6.module }).update({ value: original.value }),
    );
    const keyless = createBm6Reader(s.knex, {
      decrypt: lazyDecrypter(mkdtempSync(join(tmpdir(), 'no-key-')), 'etc/billmgr.pem'),
    });
    await assert.rejects(
      keyless.modules('pmcpbillmgr'),
      /crypted parameter 'password' can't be used: cannot read BILLmanager's crypt key .*billmgr\.pem: ENOENT/,
    );
    assert.equal((await reader.module(BM6.module))?.params.password, 'up-secret');
  });

  test('When params and running operations are read, then itemparam, trycount and task counts come back', async () => {
    assert.deepEqual(await reader.params(I.liteMonth), { ip: BM6.address.liteMonth, licname: 'shop.example.com' });
    assert.deepEqual(await reader.runningOperation(BM6.operation.liteTrial), {
      id: BM6.operation.liteTrial,
      trycount: 10,
    });
    assert.equal(await reader.runningOperation(1), undefined);
    assert.equal(await reader.operationTaskCount(BM6.operation.liteTrial), 0);
    await asStandin(s.knex, (trx) =>
      trx('task').insert({ type: 'x', item: I.liteTrial, runningoperation: BM6.operation.liteTrial, status: 2 }),
    );
    assert.equal(
      await reader.operationTaskCount(BM6.operation.liteTrial),
      1,
      'closed tasks count, as module.cpp counts them',
    );
    await asStandin(s.knex, (trx) => trx('task').delete());
  });

  test('When 2 500 servers with add-ons are read, then every one comes back with its address in a few chunked queries', async () => {
    const count = 2500;
    const first = 100_000;
    await asStandin(s.knex, async (trx) => {
      for (let start = 0; start < count; start += 500) {
        const mains = [];
        const addons = [];
        const ips = [];
        for (let n = start; n < Math.min(count, start + 500); n += 1) {
          const id = first + n * 2;
          mains.push({ id, name: `vps${n}`, account: 1, pricelist: T.vps, processingmodule: 2, period: 1, status: 2 });
          addons.push({ id: id + 1, name: 'IP', account: 1, pricelist: T.vpsIp, parent: id, period: 1, status: 2 });
          ips.push({ id: first + n, name: `10.${n >> 8}.${n & 255}.1`, item: id + 1, status: 2 });
        }
        await trx('item').insert([...mains, ...addons]);
        await trx('ip').insert(ips);
      }
    });
    let queries = 0;
    const count1 = () => {
      queries += 1;
    };
    s.knex.on('query', count1);
    try {
      const tariffs = await reader.tariffs([T.panel, T.ipmgr]);
      queries = 0;
      const slots = await reader.addonSlots(tariffs);
      assert.equal(slots.length, (count + 2) * 2);
      const last = slots.find((slot) => slot.main.id === first + (count - 1) * 2 && slot.tariff.id === T.ipmgr);
      assert.equal(last?.main.ip, `10.${(count - 1) >> 8}.${(count - 1) & 255}.1`);
      assert.equal(last?.choice, null);
      assert.equal(slots.find((slot) => slot.main.id === first && slot.tariff.id === T.panel)?.choice, 'Lite');
      assert.ok(queries <= 20, `${queries} queries for ${count} servers`);

      queries = 0;
      const ids = Array.from({ length: count }, (_, n) => first + n * 2);
      const items = await reader.items(ids);
      assert.equal(items.length, count);
      assert.ok(items.every((item) => item.ip.startsWith('10.')));
      assert.ok(queries <= 10, `${queries} queries for ${count} items`);
    } finally {
      s.knex.off('query', count1);
    }
  });
});
