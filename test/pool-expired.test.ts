import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addLicenceItem, itemParams, itemRow, P } from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';
import { days, licence, pooledLicence } from './helpers/upstream-fixture.js';

describe('the free.lic pool: an expired pool licence is renewed before it is handed over', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ confs: { 'cpbillmgr5.conf': 'Option ReUseLicense\nReusePrice 10\n' } });
  });
  after(async () => {
    await h.close();
  });

  test('When the only pool licence of the package has expired, then an open takes it, renews it once, and buys nothing', async () => {
    const parked = await pooledLicence(h, 5, 1);
    await h.admin('clock.advance', { days: 40 });
    const expired = await licence(h, parked);
    assert.equal(expired.status, '3');
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.40' });
    const before = await h.ledger();
    const run = await h.cli(['--command', 'open', '--item', String(item)], days(40));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const charges = (await h.ledger()).slice(before.length);
    assert.deepEqual(
      charges.map((c) => [c.licence, c.kind]),
      [[parked, 'prolong']],
      'renewed once, no order',
    );
    const taken = await licence(h, parked);
    assert.equal(taken.status, '2');
    assert.equal(taken.ip, '192.0.2.40');
    assert.ok(String(taken.expiredate) > String(expired.expiredate), 'renewed from the day it was taken');
    assert.equal((await itemParams(h.knex, item)).licenseid, parked);
    assert.equal((await itemRow(h.knex, item)).expiredate, taken.expiredate);
  });
});
