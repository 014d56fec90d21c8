import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addServerWithAddon, seedAddonSetup } from './helpers/addon-fixture.js';
import { addLicenceItem, itemParams, seedTodayTariffs, TODAY } from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';
import { confDir, licence } from './helpers/upstream-fixture.js';

const REUSE = confDir(`Option ReUseLicense\nReusePrice ${TODAY.lite}\n`);

describe('cpbillmgr fixchilds assigns a licence a closed item left on the IP (MariaDB, sandbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ balance: 10_000, sales: 'today' });
    await seedTodayTariffs(h.knex);
    await seedAddonSetup(h.knex);
  });
  after(async () => {
    await h.close();
  });

  test('When a closed licence item could not park its licence and a server on that IP lacks its add-on licence, then fixchilds assigns it to the server and nothing is ordered for it afterwards', async () => {
    const env = { CPBILLMGR_ETC: REUSE };
    const ip = '198.18.1.7';
    const old = await addLicenceItem(h.knex, { period: TODAY.liteYear, pricelist: TODAY.lite, ip: '198.18.1.6' });
    assert.equal((await h.cli(['--command', 'open', '--item', String(old)], env)).code, 0);
    const left = (await itemParams(h.knex, old)).licenseid as string;
    // Its IP changed this month, so the upstream refuses the move to the pool at close: it stays suspended on the IP.
    await h.knex('item').where({ id: old }).update({ ip });
    assert.equal((await h.cli(['--command', 'setparam', '--item', String(old)], env)).code, 0);
    const closed = await h.cli(['--command', 'close', '--item', String(old)], env);
    assert.equal(closed.code, 0, closed.stdout + closed.stderr);
    await h.knex('item').where({ id: old }).update({ status: 4 });
    assert.deepEqual([(await licence(h, left)).ip, (await licence(h, left)).status], [ip, '3']);

    const server = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip, choice: 'Lite' });
    const ledger = (await h.ledger()).length;
    const run = await h.cpbillmgr(['fixchilds'], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /adopted 1\/1/, run.stdout);
    assert.equal((await itemParams(h.knex, server.addon)).licenseid, left);

    const check = await h.cpbillmgr(['checkevent'], env);
    assert.doesNotMatch(check.stdout, new RegExp(`add-on #${server.addon}|item #${server.addon}`), check.stdout);
    assert.equal((await h.ledger()).length, ledger, 'nothing bought for the server');
    assert.equal((await itemParams(h.knex, server.addon)).licenseid, left);
    const report = JSON.parse((await h.cpbillmgr(['reconcile', '--json'], env)).stdout);
    assert.doesNotMatch(JSON.stringify(report.missing ?? report), new RegExp(`"item":${server.addon}\\b`));
    // A repeated close of the old item does not touch the server's licence.
    await h.cli(['--command', 'close', '--item', String(old)], env);
    assert.equal((await licence(h, left)).ip, ip);
    assert.notEqual((await licence(h, left)).status, '4');
  });
});
