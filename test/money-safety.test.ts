import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addLicenceItem, itemParams, itemRow, P } from './helpers/billing-fixture.js';
import { type Harness, parseDoc, startHarness } from './helpers/harness.js';

describe('money safety: one licence per item whatever the concurrency, retries or crashes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  const ordersFor = async (ip: string) => {
    const ids = new Set((await h.licences()).filter((l) => l.ip === ip).map((l) => l.id));
    return (await h.ledger()).filter((c) => c.kind === 'order' && ids.has(c.licence));
  };

  test('When 20 open calls for one item arrive at once over HTTP, then exactly one licence is bought', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '203.0.113.1' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.http('open', { elid: item })));
    for (const answer of answers) assert.ok('ok' in answer.doc, answer.xml);
    assert.equal((await ordersFor('203.0.113.1')).length, 1);
    assert.equal(new Set(answers.map((a) => String(a.doc.licenseid))).size, 1);
  });

  test('When 20 pmcpbillmgr processes open one item at once, then exactly one licence is bought', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '203.0.113.2' });
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => h.cli(['--command', 'open', '--item', String(item)])),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal((await ordersFor('203.0.113.2')).length, 1);
    assert.equal((await itemRow(h.knex, item)).status, 2);
  });

  test('When the process dies right after the upstream order, then the next open finds that licence instead of buying again', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '203.0.113.3' });
    const crashed = await h.cli(['--command', 'open', '--item', String(item)], {
      CPBILLMGR_FAULT: 'after-upstream-order',
    });
    assert.equal(crashed.code, 70, crashed.stderr);
    assert.equal((await ordersFor('203.0.113.3')).length, 1, 'the order reached the upstream');
    assert.equal((await itemParams(h.knex, item)).licenseid, undefined, 'but was never recorded');

    const retry = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.equal(retry.code, 0, retry.stdout);
    assert.equal((await ordersFor('203.0.113.3')).length, 1);
    const [licence] = (await h.licences()).filter((l) => l.ip === '203.0.113.3');
    assert.equal((await itemParams(h.knex, item)).licenseid, licence?.id);
  });

  test('When the process dies after the upstream order, then checkevent records the licence and a later open buys nothing', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '203.0.113.4' });
    const crashed = await h.cli(['--command', 'open', '--item', String(item)], {
      CPBILLMGR_FAULT: 'after-upstream-order',
    });
    assert.equal(crashed.code, 70);
    const check = await h.cpbillmgr(['checkevent']);
    assert.match(check.stdout, /settled 1/, check.stdout + check.stderr);
    assert.ok((await itemParams(h.knex, item)).licenseid);
    const open = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.equal(open.code, 0);
    assert.equal((await ordersFor('203.0.113.4')).length, 1);
  });

  test('When the upstream answer times out, then buying again waits for the order window and then buys once', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '203.0.113.5' });
    await h.admin('fault.set', { mode: 'timeout', count: 1 });
    const first = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.equal(first.code, 1);
    assert.match(first.stdout, /type="upstream"/);
    await h.admin('fault.clear');
    // Unanswered and not upstream: buying again is refused until the order window has passed.
    const second = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.match(second.stdout, /type="in_progress"/);
    assert.equal((await ordersFor('203.0.113.5')).length, 0);
    // Once the window has passed (2 s here; the first call alone waited 3 s), the order is declared lost and placed once.
    const third = await h.cli(['--command', 'open', '--item', String(item)], {
      CPBILLMGR_ORDER_WINDOW_SECONDS: '2',
      CPBILLMGR_UPSTREAM_TIMEOUT_MS: '500',
    });
    assert.equal(third.code, 0, third.stdout);
    assert.equal((await ordersFor('203.0.113.5')).length, 1);
    const info = await h.http('license.info', { elid: item });
    assert.match(JSON.stringify(info.doc), /lost/);
  });

  test('When a renewal process dies after the upstream prolong, then a retry does not renew twice', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '203.0.113.6' });
    await h.http('open', { elid: item });
    const id = (await itemParams(h.knex, item)).licenseid;
    const crashed = await h.cli(['--command', 'prolong', '--item', String(item), '--runningoperation', '9'], {
      CPBILLMGR_FAULT: 'after-upstream-prolong',
    });
    assert.equal(crashed.code, 70);
    // BILLmanager retries the renewal that got no answer: it must not be charged again.
    const retry = await h.cli(['--command', 'prolong', '--item', String(item), '--runningoperation', '9']);
    assert.equal(retry.code, 0, retry.stdout);
    const sync = await h.cli(['--command', 'sync_item', '--item', String(item)]);
    assert.equal(sync.code, 0, sync.stdout);
    const upstream = (await h.licences()).find((l) => l.id === id);
    assert.equal((await itemRow(h.knex, item)).expiredate, upstream?.expiredate);
    assert.equal((await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong').length, 1);
    const info = parseDoc((await h.cli(['--command', 'license.info', '--item', String(item)])).stdout);
    assert.match(JSON.stringify(info), /unanswered renewal took effect/);
  });
});
