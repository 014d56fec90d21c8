import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addLicenceItem, itemParams, P } from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';
import { days, licence, pooledLicence } from './helpers/upstream-fixture.js';

const CONF = 'Option ReUseLicense\nReusePrice 10\n';

describe('a pool take whose renewal is refused: the put-back move and the monthly IP-change rule (MariaDB, sandbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ confs: { 'cpbillmgr5.conf': CONF }, balance: 10_000 });
  });
  after(async () => {
    await h.close();
  });

  test('When an expired pool licence is taken and its renewal is refused for the balance, then the put-back move is refused by the one-IP-change-a-month rule (the take moved it today, so no late answer of it can move it), the licence stays the item’s, and the retry after a top-up renews it once and opens the item', async () => {
    const parked = await pooledLicence(h, 5, 1);
    await h.admin('clock.advance', { days: 40 });
    const env = days(40);
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.90', name: 'putback.example.com' });
    await h.admin('balance.set', { amount: 1 });
    const ledger = (await h.ledger()).length;
    try {
      const first = await h.cli(['--command', 'open', '--item', String(item)], env);
      assert.equal(first.code, 1, first.stdout);
      const held = await licence(h, parked);
      assert.match(first.stderr, /could not be put back: it stays with the item/, first.stderr);
      assert.match(first.stderr, /IP address can be changed once a month/, first.stderr);
      assert.equal(held.ip, '192.0.2.90', 'the put-back was refused: the licence stays on the item’s IP');
    } finally {
      await h.admin('balance.set', { amount: 10_000 });
    }
    const retry = await h.cli(['--command', 'open', '--item', String(item)], env);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    const now = await licence(h, parked);
    assert.deepEqual([now.ip, now.status], ['192.0.2.90', '2']);
    assert.ok((now.expiredate ?? '') > '2027-01-01', now.expiredate);
    assert.equal((await itemParams(h.knex, item)).licenseid, parked);
    assert.deepEqual(
      (await h.ledger()).slice(ledger).map((c) => [c.licence, c.kind]),
      [[parked, 'prolong']],
    );
  });
});
