import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { itemParams, itemRow, PRO } from './helpers/billing-fixture.js';
import { type Harness, rows, startHarness } from './helpers/harness.js';
import { liteSwitchedToPro, newCharges, PLAIN } from './helpers/package-change-fixture.js';
import { licence } from './helpers/upstream-fixture.js';

describe('service.changepricelist carried out with its answer lost or late, then retried (setparam, checkevent, MariaDB, sandbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ balance: 10_000 });
  });
  after(async () => {
    await h.close();
  });

  const setparam = (item: number, env: Record<string, string> = {}) =>
    h.cli(['--command', 'setparam', '--item', String(item)], { CPBILLMGR_ETC: PLAIN, ...env });
  const changes = async () =>
    Number(rows(await h.admin('requests')).find((r) => r.func === 'service.changepricelist')?.count ?? 0);
  const FAST = { CPBILLMGR_ORDER_WINDOW_SECONDS: '2', CPBILLMGR_UPSTREAM_TIMEOUT_MS: '1000' };

  async function assertOnPro(item: number, old: string, ip: string) {
    const now = await licence(h, old);
    assert.deepEqual([now.package, now.ip, now.status], ['9', ip, '2']);
    assert.equal((await itemParams(h.knex, item)).licenseid, old);
    assert.equal((await itemRow(h.knex, item)).pricelist, PRO, 'the billing keeps the new tariff');
  }

  test('When the change is carried out and both its answer and the read-back are lost, then the retried setparam records the new package without a second change', async () => {
    const ip = '198.51.100.121';
    const { item, old } = await liteSwitchedToPro(h, ip);
    const ledger = (await h.ledger()).length;
    const sent = await changes();
    await h.admin('fault.set', { mode: 'lost', target: 'service.changepricelist' });
    await h.admin('fault.add', { mode: 'lost', target: 'soft.edit' });
    const first = await setparam(item, FAST);
    assert.equal(first.code, 1, first.stdout);
    assert.equal(await changes(), sent + 1);
    const retry = await setparam(item, FAST);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.equal(await changes(), sent + 1, 'changed once');
    assert.deepEqual(await newCharges(h, ledger), [[old, 'changepricelist']]);
    await assertOnPro(item, old, ip);
  });

  test('When the change is carried out only after the client gave up and read the old package back, then a retry meanwhile changes nothing and a later checkevent and setparam record it once', async () => {
    const ip = '198.51.100.122';
    const { item, old } = await liteSwitchedToPro(h, ip);
    const ledger = (await h.ledger()).length;
    const sent = await changes();
    await h.admin('fault.set', { mode: 'slow', target: 'service.changepricelist', ms: 2500 });
    const first = await setparam(item, FAST);
    assert.equal(first.code, 1, first.stdout);
    assert.equal((await licence(h, old)).package, '5', 'not yet carried out');
    const early = await setparam(item, FAST);
    assert.notEqual(early.code, 0, early.stdout);
    assert.equal(await changes(), sent + 1, 'the early retry sent no second change');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const check = await h.cpbillmgr(['checkevent'], FAST);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const retry = await setparam(item, FAST);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.equal(await changes(), sent + 1, 'changed once');
    assert.deepEqual(await newCharges(h, ledger), [[old, 'changepricelist']]);
    await assertOnPro(item, old, ip);
  });

  test('When the change answers late and a truncated read-back follows, then a retried setparam after the order window changes nothing more', async () => {
    const ip = '198.51.100.123';
    const { item, old } = await liteSwitchedToPro(h, ip);
    const ledger = (await h.ledger()).length;
    const sent = await changes();
    await h.admin('fault.set', { mode: 'late', target: 'service.changepricelist', ms: 1500 });
    await h.admin('fault.add', { mode: 'truncated', target: 'soft.edit' });
    const first = await setparam(item, FAST);
    assert.equal(first.code, 1, first.stdout);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const retry = await setparam(item, FAST);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.equal(await changes(), sent + 1, 'changed once');
    assert.deepEqual(await newCharges(h, ledger), [[old, 'changepricelist']]);
    await assertOnPro(item, old, ip);
  });
});
