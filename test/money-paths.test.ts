import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  addLicenceItem,
  itemParams,
  itemRow,
  seedTodayTariffs,
  setUpstream,
  TODAY,
} from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';
import { chargesOn, orderDirect, requestsOf } from './helpers/upstream-direct.js';

const movedDays = (days: number) => ({ CPBILLMGR_CLOCK_OFFSET_SECONDS: String(days * 86_400) });

describe("ordering what ISPsystem sells today (ispmanager 6), on today's sandbox", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sales: 'today' });
    await seedTodayTariffs(h.knex);
  });
  after(async () => {
    await h.close();
  });

  test('When ispmanager 6 Lite for 1 month is opened, then it is bought once, without upstream auto-renewal, and never renewed behind our back', async () => {
    const item = await addLicenceItem(h.knex, { pricelist: TODAY.lite, period: TODAY.liteMonth, ip: '100.64.0.1' });
    const charges = (await h.ledger()).length;
    const open = await h.http('open', { elid: item });
    assert.ok('ok' in open.doc, open.xml);
    const [licence] = (await h.licences()).filter((l) => l.ip === '100.64.0.1');
    assert.equal(licence?.package, '55227');
    assert.ok(
      ['0', ''].includes(String(licence?.autoprolong)),
      `ordered with autoprolong=null: ${JSON.stringify(licence)}`,
    );
    assert.equal((await itemParams(h.knex, item)).licenseid, licence?.id);
    assert.equal((await h.ledger()).length, charges + 1);
    await h.admin('clock.advance', { days: 35 });
    assert.equal(
      (await h.ledger()).filter((c) => c.licence === licence?.id && c.kind === 'autoprolong').length,
      0,
      'the upstream renews nothing by itself',
    );
  });

  test('When ispmanager 6 Business is opened, then the order carries its node add-on', async () => {
    const item = await addLicenceItem(h.knex, {
      pricelist: TODAY.business,
      period: TODAY.businessMonth,
      ip: '100.64.0.2',
    });
    const open = await h.http('open', { elid: item });
    assert.ok('ok' in open.doc, open.xml);
    const [licence] = (await h.licences()).filter((l) => l.ip === '100.64.0.2');
    assert.equal(licence?.package, '55230');
    assert.equal(licence?.nodes, '1', 'one node when the billing has no count');
  });
});

describe('an order whose answer was lost is found by what was sent (the upstream gives no remoteid back)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sales: 'today' });
    await seedTodayTariffs(h.knex);
  });
  after(async () => {
    await h.close();
  });

  test('When the order is carried out but its answer is lost, then the retry records that licence and sends no second order', async () => {
    const ip = '100.64.1.1';
    // Another licence on the same IP with the same name, of another product line, created after the intent too.
    const item = await addLicenceItem(h.knex, {
      pricelist: TODAY.lite,
      period: TODAY.liteMonth,
      ip,
      name: 'shop.example.com',
    });
    const decoy = await orderDirect(h, { pricelist: 2891, period: 1, ip, licname: 'shop.example.com' }).catch(
      () => undefined,
    );
    const ordersBefore = await requestsOf(h, 'soft.order.param');
    await h.admin('fault.set', { mode: 'lost', target: 'soft.order.param' });
    const first = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.equal(first.code, 1, first.stdout);
    assert.equal(await chargesOn(h, ip, 'order'), decoy ? 2 : 1, 'the lost order was carried out and charged');
    const retry = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.equal(await requestsOf(h, 'soft.order.param'), ordersBefore + 1, 'no second order was sent');
    const ours = (await h.licences()).find((l) => l.ip === ip && l.package === '55227');
    assert.equal((await itemParams(h.knex, item)).licenseid, ours?.id);
    assert.notEqual((await itemParams(h.knex, item)).licenseid, decoy);
  });

  test('When the upstream cannot be reached at all, then the order is known not to be sent and the next call buys at once', async () => {
    const ip = '100.64.1.2';
    const item = await addLicenceItem(h.knex, { pricelist: TODAY.lite, period: TODAY.liteMonth, ip });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await setUpstream(h.knex, `http://127.0.0.1:${port}/billmgr`, 'reseller', 'secret');
    try {
      const first = await h.http('open', { elid: item });
      assert.equal(first.doc.error?.['@type'], 'upstream', first.xml);
    } finally {
      await setUpstream(h.knex, `${h.sandboxUrl}/billmgr`, 'reseller', 'secret');
    }
    const info = await h.http('license.info', { elid: item });
    assert.match(info.xml, /<state>failed<\/state>/);
    assert.match(info.xml, /not sent|refused/);
    const second = await h.http('open', { elid: item });
    assert.ok('ok' in second.doc, second.xml);
    assert.equal(await chargesOn(h, ip, 'order'), 1);
  });

  test("When an unanswered order is retried by a host whose clock runs two days ahead, then it still waits: ages come from the database's clock", async () => {
    const ip = '100.64.1.3';
    const item = await addLicenceItem(h.knex, { pricelist: TODAY.lite, period: TODAY.liteMonth, ip });
    await h.admin('fault.set', { mode: 'timeout', target: 'soft.order.param', ms: 5000 });
    const first = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.equal(first.code, 1, first.stdout);
    await h.admin('fault.clear');
    const ordersBefore = await requestsOf(h, 'soft.order.param');
    const skewed = await h.cli(['--command', 'open', '--item', String(item)], movedDays(2));
    assert.match(skewed.stdout, /type="in_progress"/, skewed.stdout);
    assert.doesNotMatch(skewed.stdout, /was sent/, 'the message does not claim the order went out');
    assert.equal(await requestsOf(h, 'soft.order.param'), ordersBefore, 'nothing ordered again');
    assert.equal((await itemRow(h.knex, item)).status, 1);
  });
});

describe('renewals happen exactly once per running operation and per expiry', () => {
  let h: Harness;
  let item: number;
  let id: string;
  before(async () => {
    h = await startHarness({ sales: 'today', balance: 5000 });
    await seedTodayTariffs(h.knex);
    item = await addLicenceItem(h.knex, { pricelist: TODAY.lite, period: TODAY.liteMonth, ip: '100.64.2.1' });
    await h.http('open', { elid: item });
    id = String((await itemParams(h.knex, item)).licenseid);
  });
  after(async () => {
    await h.close();
  });
  const renewals = async () => (await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong').length;

  test('When the renewal answer comes after the timeout and BILLmanager retries the same running operation, then it is not renewed again', async () => {
    const before = await renewals();
    const sent = await requestsOf(h, 'service.prolong');
    await h.admin('fault.set', { mode: 'late', target: 'service.prolong', ms: 4000 });
    const first = await h.cli(['--command', 'prolong', '--item', String(item), '--runningoperation', '21']);
    assert.equal(first.code, 1, first.stdout);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const retry = await h.cli(['--command', 'prolong', '--item', String(item), '--runningoperation', '21']);
    assert.equal(retry.code, 0, retry.stdout);
    assert.equal(await requestsOf(h, 'service.prolong'), sent + 1, 'one renewal request in all');
    assert.equal(await renewals(), before + 1);
    const upstream = (await h.licences()).find((l) => l.id === id);
    assert.equal((await itemRow(h.knex, item)).expiredate, upstream?.expiredate);
  });

  test('When the answer is lost and the same operation is retried, then the expiry tells it happened; a new operation renews again', async () => {
    const before = await renewals();
    await h.admin('fault.set', { mode: 'lost', target: 'service.prolong' });
    const first = await h.cli(['--command', 'prolong', '--item', String(item), '--runningoperation', '22']);
    assert.equal(first.code, 1);
    const retry = await h.cli(['--command', 'prolong', '--item', String(item), '--runningoperation', '22']);
    assert.equal(retry.code, 0, retry.stdout);
    assert.equal(await renewals(), before + 1);
    const next = await h.cli(['--command', 'prolong', '--item', String(item), '--runningoperation', '23']);
    assert.equal(next.code, 0, next.stdout);
    assert.equal(await renewals(), before + 2, 'the next period is a new renewal');
  });

  test('When two processes renew the same operation at once, then it is renewed once', async () => {
    const before = await renewals();
    const runs = await Promise.all(
      [1, 2, 3].map(() => h.cli(['--command', 'prolong', '--item', String(item), '--runningoperation', '24'])),
    );
    assert.ok(
      runs.some((r) => r.code === 0),
      runs.map((r) => r.stdout).join('\n'),
    );
    assert.equal(await renewals(), before + 1);
  });
});

describe('many calls at once', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sales: 'today' });
    await seedTodayTariffs(h.knex);
  });
  after(async () => {
    await h.close();
  });

  test('When 20 HTTP opens of one item wait on an order the upstream answers slowly, then exactly one order request is sent', async () => {
    const item = await addLicenceItem(h.knex, { pricelist: TODAY.lite, period: TODAY.liteMonth, ip: '100.64.3.1' });
    const sent = await requestsOf(h, 'soft.order.param');
    await h.admin('fault.set', { mode: 'late', target: 'soft.order.param', ms: 1500 });
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.http('open', { elid: item })));
    for (const answer of answers) assert.ok('ok' in answer.doc, answer.xml);
    // Every call was still waiting when the slow order came back: they really contended.
    assert.ok(Date.now() - started >= 1500);
    assert.equal(await requestsOf(h, 'soft.order.param'), sent + 1);
    assert.equal(new Set(answers.map((a) => String(a.doc.licenseid))).size, 1);
  });

  test('When 10 pmcpbillmgr processes open one item while its order is slow, then exactly one order request is sent', async () => {
    const item = await addLicenceItem(h.knex, { pricelist: TODAY.lite, period: TODAY.liteMonth, ip: '100.64.3.2' });
    const sent = await requestsOf(h, 'soft.order.param');
    await h.admin('fault.set', { mode: 'late', target: 'soft.order.param', ms: 2000 });
    const runs = await Promise.all(
      Array.from({ length: 10 }, () => h.cli(['--command', 'open', '--item', String(item)])),
    );
    assert.equal(await requestsOf(h, 'soft.order.param'), sent + 1, runs.map((r) => r.stdout).join('\n'));
    assert.ok(runs.filter((r) => r.code === 0).length >= 1);
    // The others waited for it (in_progress); on a slow machine the sender itself may time out (upstream).
    const waited = runs.filter((r) => r.code !== 0);
    for (const run of waited) assert.match(run.stdout, /type="in_progress"|type="upstream"/);
    assert.ok(waited.filter((r) => /type="upstream"/.test(r.stdout)).length <= 1);
    const retry = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.equal(retry.code, 0);
    assert.equal(await chargesOn(h, '100.64.3.2', 'order'), 1);
  });

  test('When 90 different items are opened 6 at a time, then none fails (no deadlock between their writes)', async () => {
    const items: number[] = [];
    for (let i = 0; i < 90; i += 1) {
      items.push(
        await addLicenceItem(h.knex, { pricelist: TODAY.lite, period: TODAY.liteMonth, ip: `100.64.4.${i + 1}` }),
      );
    }
    const failures: string[] = [];
    for (let start = 0; start < items.length; start += 6) {
      const answers = await Promise.all(items.slice(start, start + 6).map((item) => h.http('open', { elid: item })));
      for (const answer of answers) if (!('ok' in answer.doc)) failures.push(answer.xml);
    }
    assert.deepEqual(failures, []);
  });
});

describe('check_connection never sends stored credentials to a URL given in the call', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test('When the form names its own URL, then only the form credentials go there; without a URL the stored ones are used', async () => {
    const seen: string[] = [];
    const trap = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.push(decodeURIComponent(new URLSearchParams(body).get('authinfo') ?? ''));
        res.setHeader('content-type', 'text/xml');
        res.end('<?xml version="1.0"?><doc><error type="auth"><msg>no</msg></error></doc>');
      });
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/billmgr`;
    try {
      const answer = await h.http('check_connection', { module: 1, url, username: 'reseller' });
      assert.equal(answer.doc.error?.['@type'], 'upstream_auth', answer.xml);
      assert.deepEqual(seen, ['reseller:'], 'the stored password never left');
    } finally {
      trap.close();
    }
    const stored = await h.http('check_connection', { module: 1 });
    assert.ok('ok' in stored.doc, stored.xml);
  });
});
