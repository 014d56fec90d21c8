import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDON, addServerWithAddon, seedAddonSetup } from './helpers/addon-fixture.js';
import { addLicenceItem, itemParams, P } from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';
import { days, licence, pooledLicence } from './helpers/upstream-fixture.js';

const CONF = `Option ReUseLicense\nReusePrice 10\nReusePrice ${ADDON.enumOf[30]}\n`;

describe('the free.lic pool under faults, retries and a licence that changes hands (MariaDB, sandbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ confs: { 'cpbillmgr5.conf': CONF }, balance: 10_000 });
    await seedAddonSetup(h.knex);
  });
  after(async () => {
    await h.close();
  });

  /** The sandbox's clock only goes forward: the module's calendar follows it by this many days. */
  let shift = 0;
  const advance = async (n: number) => {
    await h.admin('clock.advance', { days: n });
    shift += n;
  };
  const open = (item: number, env: Record<string, string> = {}) =>
    h.cli(['--command', 'open', '--item', String(item)], env);
  const close = (item: number, env: Record<string, string> = {}) =>
    h.cli(['--command', 'close', '--item', String(item)], env);

  test('When a closed item parked its licence and a later item takes it from the pool, then the later item holds it and a repeated close of the first leaves it alone', async () => {
    const first = await addLicenceItem(h.knex, { period: P.year, ip: '192.0.2.40', name: 'first.example.com' });
    assert.equal((await open(first)).code, 0);
    const parked = (await itemParams(h.knex, first)).licenseid as string;
    const closed = await close(first);
    assert.equal(closed.code, 0, closed.stdout + closed.stderr);
    assert.deepEqual([(await licence(h, parked)).ip, (await licence(h, parked)).licname], ['0.0.0.0', 'free.lic']);
    // The upstream lets a licence move once a month: the next order comes a month later.
    await advance(32);
    const second = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.41', name: 'second.example.com' });
    const ledger = (await h.ledger()).length;
    const opened = await open(second, days(shift));
    assert.equal(opened.code, 0, opened.stdout + opened.stderr);
    assert.equal((await itemParams(h.knex, second)).licenseid, parked);
    assert.equal((await licence(h, parked)).ip, '192.0.2.41');
    // BILLmanager repeats an open whose answer it did not get: it is answered with the same licence.
    const again = await open(second, days(shift));
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal((await itemParams(h.knex, second)).licenseid, parked);
    assert.equal((await h.ledger()).length, ledger, 'nothing bought');
    // And a repeated close of the first item is not the new holder's licence's business.
    const reclosed = await close(first, days(shift));
    assert.equal(reclosed.code, 0, reclosed.stdout + reclosed.stderr);
    const taken = await licence(h, parked);
    assert.deepEqual([taken.ip, taken.licname, taken.status], ['192.0.2.41', 'second.example.com', '2']);
    const check = await h.cpbillmgr(['checkevent'], days(shift));
    assert.equal((await licence(h, parked)).status, '2', check.stdout);
    assert.equal((await licence(h, parked)).ip, '192.0.2.41', check.stdout);
    assert.equal((await h.ledger()).length, ledger, 'nothing bought');
  });

  test('When the renewal of an expired pool licence being taken gets no answer and never happened, then a retried open renews it once and opens the item', async () => {
    const parked = await pooledLicence(h, 5, 1);
    await advance(40);
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.42', name: 'expired.example.com' });
    const ledger = (await h.ledger()).length;
    await h.admin('fault.set', { mode: 'timeout', target: 'service.prolong', ms: 5000 });
    const first = await open(item, { ...days(shift), CPBILLMGR_UPSTREAM_TIMEOUT_MS: '1000' });
    assert.equal(first.code, 1, first.stdout);
    assert.equal((await h.ledger()).length, ledger, 'the renewal never happened');
    assert.equal((await licence(h, parked)).ip, '192.0.2.42', "the licence is the item's");
    // BILLmanager retries the open; once the unanswered renewal is known not to have happened, it is renewed.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const env = { ...days(shift), CPBILLMGR_ORDER_WINDOW_SECONDS: '2', CPBILLMGR_UPSTREAM_TIMEOUT_MS: '1000' };
    const retry = await open(item, env);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    const taken = await licence(h, parked);
    assert.deepEqual([taken.status, taken.ip], ['2', '192.0.2.42']);
    assert.deepEqual(
      (await h.ledger()).slice(ledger).map((c) => [c.licence, c.kind]),
      [[parked, 'prolong']],
      'renewed once, nothing bought',
    );
    assert.equal((await itemParams(h.knex, item)).licenseid, parked);
  });

  test('When the renewal of an expired pool licence being taken is carried out but its answer is lost, then a retried open opens the item without renewing again', async () => {
    const parked = await pooledLicence(h, 5, 1);
    await advance(40);
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.43', name: 'lost.example.com' });
    const ledger = (await h.ledger()).length;
    await h.admin('fault.set', { mode: 'lost', target: 'service.prolong' });
    const first = await open(item, days(shift));
    assert.equal(first.code, 1, first.stdout);
    const retry = await open(item, days(shift));
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    const taken = await licence(h, parked);
    assert.deepEqual([taken.status, taken.ip], ['2', '192.0.2.43']);
    assert.deepEqual(
      (await h.ledger()).slice(ledger).map((c) => [c.licence, c.kind]),
      [[parked, 'prolong']],
      'renewed once, nothing bought',
    );
    assert.equal((await itemParams(h.knex, item)).licenseid, parked);
  });

  test('When two items are opened at once and the pool holds one licence whose move answers slowly, then one item takes it, the other buys, and the licence is recorded once', async () => {
    const parked = await pooledLicence(h, 5, 12);
    const a = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.44', name: 'a.example.com' });
    const b = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.45', name: 'b.example.com' });
    const ledger = (await h.ledger()).length;
    await h.admin('fault.set', { mode: 'late', target: 'soft.edit', ms: 1500 });
    const [ra, rb] = await Promise.all([open(a, days(shift)), open(b, days(shift))]);
    assert.equal(ra.code, 0, ra.stdout + ra.stderr);
    assert.equal(rb.code, 0, rb.stdout + rb.stderr);
    const ids = [(await itemParams(h.knex, a)).licenseid, (await itemParams(h.knex, b)).licenseid];
    assert.ok(ids.includes(parked), JSON.stringify(ids));
    const bought = ids.find((id) => id !== parked) as string;
    assert.ok(bought);
    assert.deepEqual(
      (await h.ledger()).slice(ledger).map((c) => [c.licence, c.kind]),
      [[bought, 'order']],
    );
    const taker = ids[0] === parked ? '192.0.2.44' : '192.0.2.45';
    assert.equal((await licence(h, parked)).ip, taker);
    assert.equal((await licence(h, bought)).ip, taker === '192.0.2.44' ? '192.0.2.45' : '192.0.2.44');
  });

  test('When checkevent licenses an add-on from an expired pool licence and the renewal gets no answer and never happened, then a later pass renews it once and the add-on works', async () => {
    const parked = await pooledLicence(h, 55227, 1);
    await advance(40);
    const { addon } = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '192.0.2.47', choice: 'Lite' });
    const ledger = (await h.ledger()).length;
    await h.admin('fault.set', { mode: 'timeout', target: 'service.prolong', ms: 5000 });
    const env = { ...days(shift), CPBILLMGR_ORDER_WINDOW_SECONDS: '2', CPBILLMGR_UPSTREAM_TIMEOUT_MS: '1000' };
    await h.cpbillmgr(['checkevent'], env);
    assert.equal((await h.ledger()).length, ledger, 'the renewal never happened');
    assert.equal((await licence(h, parked)).ip, '192.0.2.47');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const second = await h.cpbillmgr(['checkevent'], env);
    const third = await h.cpbillmgr(['checkevent'], env);
    const taken = await licence(h, parked);
    assert.deepEqual([taken.status, taken.ip], ['2', '192.0.2.47'], second.stdout + third.stdout);
    assert.deepEqual(
      (await h.ledger()).slice(ledger).map((c) => [c.licence, c.kind]),
      [[parked, 'prolong']],
      'renewed once, nothing bought',
    );
    assert.equal((await itemParams(h.knex, addon)).licenseid, parked);
  });

  test('When the move of a pool licence goes unanswered and is carried out only after the licence was read back still in the pool, then nothing else is taken or bought for the item and the retry records that licence', async () => {
    const parked = await pooledLicence(h, 5, 12);
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.48', name: 'slow.example.com' });
    const ledger = (await h.ledger()).length;
    // The candidate's form read answers; the move itself is carried out 1.3 s later, after the client gave up
    // (1 s); an order sent meanwhile takes a while too, so it arrives after the move.
    await h.admin('fault.set', { mode: 'late', target: 'soft.edit', ms: 0 });
    await h.admin('fault.add', { mode: 'slow', target: 'soft.edit', ms: 1300 });
    await h.admin('fault.add', { mode: 'slow', target: 'soft.order.param', ms: 600 });
    const env = { ...days(shift), CPBILLMGR_UPSTREAM_TIMEOUT_MS: '1000', CPBILLMGR_ORDER_WINDOW_SECONDS: '2' };
    await open(item, env);
    // The late move lands 1.3 s after it arrived, whenever the open returned: wait for it, not for a time.
    const deadline = Date.now() + 30_000;
    while ((await licence(h, parked)).ip !== '192.0.2.48' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await h.admin('fault.clear');
    assert.equal((await licence(h, parked)).ip, '192.0.2.48', 'the move was carried out late');
    // While the take awaits its settling, the licence on the item's IP is the take's, not an unheld one.
    const check = await h.cpbillmgr(['checkevent'], days(shift));
    assert.doesNotMatch(check.stdout, new RegExp(`licence #${parked} .*no item holds it`), check.stdout);
    const retry = await open(item, env);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.equal((await itemParams(h.knex, item)).licenseid, parked);
    const taken = await licence(h, parked);
    assert.deepEqual([taken.ip, taken.status], ['192.0.2.48', '2']);
    assert.equal((await h.ledger()).length, ledger, 'nothing bought');
  });
});
