import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { itemParams, itemRow, LITE, PRO } from './helpers/billing-fixture.js';
import { type Harness, parseDoc, startHarness } from './helpers/harness.js';
import { liteSwitchedToPro, newCharges, REUSE, USE_EXISTING } from './helpers/package-change-fixture.js';
import { requestsOf } from './helpers/upstream-direct.js';
import { licence, pooledLicence } from './helpers/upstream-fixture.js';

describe('Option UseExistingOnUpgrade when the planned pool licence fails after the old one is parked (MariaDB, sandbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ balance: 10_000 });
  });
  after(async () => {
    await h.close();
  });

  const setparam = (item: number, etc = USE_EXISTING) =>
    h.cli(['--command', 'setparam', '--item', String(item)], { CPBILLMGR_ETC: etc });

  test('When the pool has a licence of the new package but the balance would not cover buying one, then the licence is changed in place — refused here, so the old licence keeps working and the tariff is rolled back — and nothing is parked', async () => {
    const ip = '198.51.100.131';
    const { item, old } = await liteSwitchedToPro(h, ip);
    const pro = await pooledLicence(h, 9, 1);
    await h.admin('balance.set', { amount: 1 });
    try {
      const ledger = (await h.ledger()).length;
      // Were the old licence parked, one failed read of the pool licence would make a purchase the only way on.
      await h.admin('fault.set', { mode: 'slow', target: 'soft.edit', ms: 0, count: 2 });
      await h.admin('fault.add', { mode: 'error500', target: 'soft.edit' });
      const run = await setparam(item);
      assert.equal(run.code, 1, run.stdout);
      assert.equal(parseDoc(run.stdout).error?.['@type'], 'balance', run.stdout);
      const kept = await licence(h, old);
      assert.deepEqual([kept.package, kept.ip, kept.status], ['5', ip, '2'], run.stdout);
      assert.equal((await itemParams(h.knex, item)).licenseid, old);
      assert.equal((await itemRow(h.knex, item)).pricelist, LITE, 'rolled back');
      const pooled = await licence(h, pro);
      assert.deepEqual([pooled.ip, pooled.licname], ['0.0.0.0', 'free.lic']);
      assert.deepEqual(await newCharges(h, ledger), []);
    } finally {
      await h.admin('fault.clear');
      await h.admin('balance.set', { amount: 10_000 });
    }
  });

  test('When the planned pool licence cannot be read once the old licence is parked, then a licence of the new package is bought instead (full price, not a second payment for the change) and the old one stays paid in the pool', async () => {
    const ip = '198.51.100.132';
    const { item, old } = await liteSwitchedToPro(h, ip);
    const pro = await pooledLicence(h, 9, 1);
    const ledger = (await h.ledger()).length;
    const balanceReads = await requestsOf(h, 'subaccount');
    try {
      await h.admin('fault.set', { mode: 'slow', target: 'soft.edit', ms: 0, count: 2 });
      // Every pool licence's form read fails (the earlier test left one more Pro licence in the pool).
      await h.admin('fault.add', { mode: 'error500', target: 'soft.edit', count: 2 });
      const run = await setparam(item);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      // The balance that decides pool-or-in-place also clears the park: read once before it.
      assert.equal(await requestsOf(h, 'subaccount'), balanceReads + 1, 'one balance read before the park');
    } finally {
      await h.admin('fault.clear');
    }
    const bought = (await itemParams(h.knex, item)).licenseid as string;
    assert.notEqual(bought, pro);
    assert.deepEqual(await newCharges(h, ledger), [[bought, 'order']], 'one purchase, no changepricelist');
    const now = await licence(h, bought);
    assert.deepEqual([now.package, now.ip, now.status], ['9', ip, '2']);
    const parked = await licence(h, old);
    assert.deepEqual([parked.ip, parked.licname, parked.status], ['0.0.0.0', 'free.lic', '3']);
    assert.equal((await licence(h, pro)).ip, '0.0.0.0', 'the pool licence is still there for a later order');
    assert.equal((await itemRow(h.knex, item)).pricelist, PRO);
  });

  test('When ReUseLicense would serve the change from the pool but the balance would not cover buying one, then the change is refused before the old licence is parked', async () => {
    const ip = '198.51.100.133';
    const { item, old } = await liteSwitchedToPro(h, ip);
    await pooledLicence(h, 9, 1);
    await h.admin('balance.set', { amount: 1 });
    try {
      const ledger = (await h.ledger()).length;
      await h.admin('fault.set', { mode: 'slow', target: 'soft.edit', ms: 0, count: 2 });
      await h.admin('fault.add', { mode: 'error500', target: 'soft.edit', count: 3 });
      const run = await setparam(item, REUSE);
      assert.equal(run.code, 1, run.stdout);
      const doc = parseDoc(run.stdout);
      assert.equal(doc.error?.['@type'], 'balance', run.stdout);
      assert.match(doc.error?.msg ?? '', /has to be bought if the pool licence #\d+ can't be taken/);
      const kept = await licence(h, old);
      assert.deepEqual([kept.package, kept.ip, kept.status], ['5', ip, '2'], run.stdout);
      assert.equal((await itemRow(h.knex, item)).pricelist, LITE, 'rolled back');
      assert.deepEqual(await newCharges(h, ledger), []);
    } finally {
      await h.admin('fault.clear');
      await h.admin('balance.set', { amount: 10_000 });
    }
  });
});
