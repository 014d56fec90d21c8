import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addServerWithAddon, seedAddonSetup } from './helpers/addon-fixture.js';
import { addLicenceItem, itemParams, seedTodayTariffs, TODAY } from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';
import { confDir, licence, pooledLicence } from './helpers/upstream-fixture.js';

const PLAIN = confDir('# defaults\n');
const REUSE = confDir(`Option ReUseLicense\nReusePrice ${TODAY.lite}\n`);

describe('cpbillmgr fixchilds beside another item whose order is still unanswered (MariaDB, sandbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ balance: 10_000, sales: 'today' });
    await seedTodayTariffs(h.knex);
    await seedAddonSetup(h.knex);
  });
  after(async () => {
    await h.close();
  });

  test('When a licence item ordered a licence on a server’s IP and the answer was lost, then fixchilds does not assign that licence to the server’s add-on, and the item’s retried open records it as its own', async () => {
    const ip = '198.18.2.7';
    const env = { CPBILLMGR_ETC: PLAIN, CPBILLMGR_ORDER_WINDOW_SECONDS: '2', CPBILLMGR_UPSTREAM_TIMEOUT_MS: '1000' };
    const item = await addLicenceItem(h.knex, { period: TODAY.liteMonth, pricelist: TODAY.lite, ip });
    const server = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip, choice: 'Lite' });
    const ledger = (await h.ledger()).length;
    await h.admin('fault.set', { mode: 'lost', target: 'soft.order.param' });
    const first = await h.cli(['--command', 'open', '--item', String(item)], env);
    assert.equal(first.code, 1, first.stdout);
    const bought = (await h.ledger()).slice(ledger);
    assert.equal(bought.length, 1, first.stdout + first.stderr);
    const paid = bought[0]?.licence as string;
    assert.equal((await licence(h, paid)).ip, ip);

    const run = await h.cpbillmgr(['fixchilds'], env);
    assert.match(
      run.stdout,
      new RegExp(
        `skip +server #${server.main} .*licence #${paid} on its IP awaits the unsettled order of item #${item}`,
      ),
      run.stdout,
    );
    assert.equal((await itemParams(h.knex, server.addon)).licenseid ?? '', '', run.stdout);
    assert.equal((await h.ledger()).length, ledger + 1, 'fixchilds bought nothing');

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const retry = await h.cli(['--command', 'open', '--item', String(item)], env);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.equal((await itemParams(h.knex, item)).licenseid, paid, 'the item holds the licence it paid for');
    assert.equal((await h.ledger()).length, ledger + 1, 'nothing else bought');
  });

  test('When a licence item took a pool licence onto a server’s IP and the move’s answer was lost, then fixchilds does not assign it to the server’s add-on, and the item’s retried open records it', async () => {
    const ip = '198.18.2.8';
    const env = { CPBILLMGR_ETC: REUSE, CPBILLMGR_ORDER_WINDOW_SECONDS: '2', CPBILLMGR_UPSTREAM_TIMEOUT_MS: '1000' };
    const parked = await pooledLicence(h, 55227, 1);
    const item = await addLicenceItem(h.knex, { period: TODAY.liteMonth, pricelist: TODAY.lite, ip });
    const server = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip, choice: 'Lite' });
    const ledger = (await h.ledger()).length;
    // The pool licence's form read answers; its move is carried out and the answer lost.
    await h.admin('fault.set', { mode: 'slow', target: 'soft.edit', ms: 0 });
    await h.admin('fault.add', { mode: 'lost', target: 'soft.edit' });
    await h.admin('fault.add', { mode: 'lost', target: 'soft.edit' });
    const first = await h.cli(['--command', 'open', '--item', String(item)], env);
    assert.equal(first.code, 1, first.stdout);
    assert.equal((await licence(h, parked)).ip, ip, 'moved');

    const run = await h.cpbillmgr(['fixchilds'], env);
    assert.match(
      run.stdout,
      new RegExp(
        `skip +server #${server.main} .*licence #${parked} on its IP awaits the unsettled take of item #${item}`,
      ),
      run.stdout,
    );
    assert.equal((await itemParams(h.knex, server.addon)).licenseid ?? '', '', run.stdout);

    const retry = await h.cli(['--command', 'open', '--item', String(item)], env);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.equal((await itemParams(h.knex, item)).licenseid, parked);
    assert.equal((await h.ledger()).length, ledger, 'nothing bought');
  });
});
