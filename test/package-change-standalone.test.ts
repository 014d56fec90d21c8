import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { itemParams, itemRow, LITE, PRO } from './helpers/billing-fixture.js';
import { type Harness, parseDoc, startHarness } from './helpers/harness.js';
import { liteSwitchedToPro, newCharges, PLAIN, REUSE, USE_EXISTING } from './helpers/package-change-fixture.js';
import { licence, pooledLicence } from './helpers/upstream-fixture.js';

describe('package changes of a standalone licence (setparam after a tariff change), on MariaDB with the sandbox', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ balance: 10_000 });
  });
  after(async () => {
    await h.close();
  });

  const setparam = (item: number, etc: string, env: Record<string, string> = {}) =>
    h.cli(['--command', 'setparam', '--item', String(item)], { CPBILLMGR_ETC: etc, ...env });

  test('When Option UseExistingOnUpgrade is set and the pool holds the new package, then that licence takes over and the old one is parked, with nothing bought', async () => {
    const { item, old } = await liteSwitchedToPro(h, '198.51.100.61');
    const parkedPro = await pooledLicence(h, 9, 1);
    const ledger = (await h.ledger()).length;
    const run = await setparam(item, USE_EXISTING);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await newCharges(h, ledger), []);
    const pro = await licence(h, parkedPro);
    assert.equal(pro.ip, '198.51.100.61');
    assert.equal(pro.licname, '198.51.100.61.example.com');
    assert.equal(pro.status, '2');
    const parked = await licence(h, old);
    assert.deepEqual([parked.ip, parked.licname, parked.status], ['0.0.0.0', 'free.lic', '3']);
    assert.equal((await itemParams(h.knex, item)).licenseid, parkedPro);
    assert.equal((await itemRow(h.knex, item)).pricelist, PRO);
  });

  test('When Option UseExistingOnUpgrade is set and the pool has no licence of the new package, then the current licence changes package', async () => {
    const { item, old } = await liteSwitchedToPro(h, '198.51.100.62');
    const ledger = (await h.ledger()).length;
    const run = await setparam(item, USE_EXISTING);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await newCharges(h, ledger), [[old, 'changepricelist']]);
    const changed = await licence(h, old);
    assert.equal(changed.package, '9');
    assert.equal(changed.ip, '198.51.100.62');
    assert.equal((await itemParams(h.knex, item)).licenseid, old);
  });

  test('When ReUseLicense serves the tariff (no UseExistingOnUpgrade), then a new licence is ordered and the old one is parked', async () => {
    const { item, old } = await liteSwitchedToPro(h, '198.51.100.63');
    const ledger = (await h.ledger()).length;
    const run = await setparam(item, REUSE);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const bought = (await itemParams(h.knex, item)).licenseid as string;
    assert.notEqual(bought, old);
    assert.deepEqual(await newCharges(h, ledger), [[bought, 'order']]);
    assert.equal((await licence(h, bought)).package, '9');
    assert.equal((await licence(h, bought)).ip, '198.51.100.63');
    const parked = await licence(h, old);
    assert.deepEqual([parked.ip, parked.licname], ['0.0.0.0', 'free.lic']);
  });

  test('When no option is set, then the current licence changes package', async () => {
    const { item, old } = await liteSwitchedToPro(h, '198.51.100.64');
    const ledger = (await h.ledger()).length;
    const run = await setparam(item, PLAIN);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await newCharges(h, ledger), [[old, 'changepricelist']]);
    assert.equal((await licence(h, old)).package, '9');
  });

  test('When the upstream refuses the change, then the old licence keeps working, the tariff is rolled back and the error says why', async () => {
    const { item, old } = await liteSwitchedToPro(h, '198.51.100.65');
    await h.admin('balance.set', { amount: 1 });
    try {
      const ledger = (await h.ledger()).length;
      const run = await setparam(item, PLAIN);
      assert.equal(run.code, 1);
      const doc = parseDoc(run.stdout);
      assert.equal(doc.error?.['@type'], 'balance');
      assert.match(doc.error?.msg ?? '', /refused to change licence .* to 9/);
      assert.match(doc.error?.msg ?? '', /Insufficient funds/);
      assert.deepEqual(await newCharges(h, ledger), []);
      const kept = await licence(h, old);
      assert.deepEqual([kept.package, kept.status, kept.ip], ['5', '2', '198.51.100.65']);
      const row = await itemRow(h.knex, item);
      assert.equal(row.pricelist, LITE, 'rolled back');
      assert.equal(row.status, 2);
      assert.equal((await itemParams(h.knex, item)).licenseid, old);

      // Parking the old licence first would strand the item: the balance is checked before anything moves.
      await h.knex('item').where({ id: item }).update({ pricelist: PRO });
      const swap = await setparam(item, REUSE);
      assert.equal(parseDoc(swap.stdout).error?.['@type'], 'balance', swap.stdout);
      assert.equal((await licence(h, old)).ip, '198.51.100.65');
      assert.equal((await licence(h, old)).status, '2');
      assert.equal((await itemRow(h.knex, item)).pricelist, LITE);
    } finally {
      await h.admin('balance.set', { amount: 10_000 });
    }
  });

  test('When the process dies right after service.changepricelist, then the retry records the new package and pays nothing more', async () => {
    const { item, old } = await liteSwitchedToPro(h, '198.51.100.66');
    const ledger = (await h.ledger()).length;
    const crashed = await setparam(item, PLAIN, { CPBILLMGR_FAULT: 'after-upstream-change' });
    assert.equal(crashed.code, 70, crashed.stdout + crashed.stderr);
    const retry = await setparam(item, PLAIN);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.deepEqual(await newCharges(h, ledger), [[old, 'changepricelist']]);
    const info = parseDoc((await h.cli(['--command', 'license.info', '--item', String(item)])).stdout);
    assert.equal(info.package, '9');
    assert.match(JSON.stringify(info), /package 9 found on the licence/);
  });

  test('When the process dies after parking the old licence, then the retry acquires the new one once', async () => {
    const { item, old } = await liteSwitchedToPro(h, '198.51.100.67');
    const ledger = (await h.ledger()).length;
    const crashed = await setparam(item, REUSE, { CPBILLMGR_FAULT: 'after-old-parked' });
    assert.equal(crashed.code, 70, crashed.stdout + crashed.stderr);
    assert.equal((await licence(h, old)).ip, '0.0.0.0');
    const retry = await setparam(item, REUSE);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    const bought = (await itemParams(h.knex, item)).licenseid as string;
    assert.notEqual(bought, old);
    assert.deepEqual(await newCharges(h, ledger), [[bought, 'order']]);
    assert.equal((await licence(h, bought)).ip, '198.51.100.67');
  });
});
