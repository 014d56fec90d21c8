import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addLicenceItem, itemParams, P } from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';
import { days, licence } from './helpers/upstream-fixture.js';

const CONF = 'Option ReUseLicense\nReusePrice 10\n';

describe('the free.lic pool under faults, retries and a licence that changes hands (MariaDB, sandbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ confs: { 'cpbillmgr5.conf': CONF }, balance: 10_000 });
  });
  after(async () => {
    await h.close();
  });

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
    await h.admin('clock.advance', { days: 32 });
    const second = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.41', name: 'second.example.com' });
    const ledger = (await h.ledger()).length;
    const opened = await open(second, days(32));
    assert.equal(opened.code, 0, opened.stdout + opened.stderr);
    assert.equal((await itemParams(h.knex, second)).licenseid, parked);
    assert.equal((await licence(h, parked)).ip, '192.0.2.41');
    // BILLmanager repeats an open whose answer it did not get: it is answered with the same licence.
    const again = await open(second, days(32));
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal((await itemParams(h.knex, second)).licenseid, parked);
    assert.equal((await h.ledger()).length, ledger, 'nothing bought');
    // And a repeated close of the first item is not the new holder's licence's business.
    const reclosed = await close(first, days(32));
    assert.equal(reclosed.code, 0, reclosed.stdout + reclosed.stderr);
    const taken = await licence(h, parked);
    assert.deepEqual([taken.ip, taken.licname, taken.status], ['192.0.2.41', 'second.example.com', '2']);
    const check = await h.cpbillmgr(['checkevent'], days(32));
    assert.equal((await licence(h, parked)).status, '2', check.stdout);
    assert.equal((await licence(h, parked)).ip, '192.0.2.41', check.stdout);
    assert.equal((await h.ledger()).length, ledger, 'nothing bought');
  });
});
