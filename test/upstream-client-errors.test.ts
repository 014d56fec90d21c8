import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { UpstreamError, UpstreamUnavailableError } from '../src/errors/upstream-error.js';
import type { OrderRequest } from '../src/ports/upstream-client.js';
import { createUpstreamClient } from '../src/upstream/create-upstream-client.js';
import { textOf } from '../src/upstream/xml/parse-doc.js';
import { catalogue, type Harness, ORDER, row, startHarness } from './sandbox-harness.js';

/** ispmanager 6 Lite, 1 month, as the module orders it. */
const lite6 = (ip: string): OrderRequest => ({
  ...row(955227001),
  ip,
  licname: ORDER.licname,
  reference: 'cpb-test',
  addons: {},
});

const upstream = (type: string, object?: string) => (e: unknown) =>
  e instanceof UpstreamError && e.upstreamType === type && (object === undefined || e.object === object);

describe('upstream client: error documents and unavailability', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('bad credentials are type auth on both generations, and on /manager/billmgr', async () => {
    await assert.rejects(h.client({ password: 'wrong' }).list(), upstream('auth'));
    await assert.rejects(h.client({ api: 4, password: 'wrong' }).balance(), upstream('auth'));
    const err = await h
      .client({ password: 'wrong', path: '/manager/billmgr' })
      .list()
      .catch((e: unknown) => e);
    assert.ok(err instanceof UpstreamError && err.type === 'upstream_auth');
  });

  test('unknown func is missed/func; a missing elid is missed/elid; a foreign id is access/elid', async () => {
    const unknown = await h.raw({ func: 'soft.nonsense' });
    assert.equal(unknown.status, 200);
    assert.equal(textOf(unknown.doc.error, '@_type'), 'missed');
    assert.equal(textOf(unknown.doc.error, '@_object'), 'func');
    const noElid = await h.raw({ func: 'soft.suspend' });
    assert.equal(textOf(noElid.doc.error, '@_object'), 'elid');
    const bm4 = await h.raw({ func: 'software.disable' });
    assert.equal(textOf(bm4.doc.error, '@_code'), '4');
    assert.equal(textOf(bm4.doc.error, '@_obj'), 'elid');
    await assert.rejects(h.client().form(999999), upstream('access', 'elid'));
    await assert.rejects(h.client({ api: 4 }).form(999999), upstream('access', 'elid'));
  });

  test('sessions from func=auth work as auth=SID', async () => {
    const login = await h.raw({ func: 'auth', username: 'reseller', password: 'secret', authinfo: '' });
    const sid = textOf(login.doc, 'auth');
    assert.equal(textOf(login.doc.auth, '@_id'), sid);
    const list = await h.raw({ func: 'soft', auth: sid, authinfo: '' });
    assert.equal(list.doc.error, undefined);
    const bad = await h.raw({ func: 'soft', auth: 'nope', authinfo: '' });
    assert.equal(textOf(bad.doc.error, '@_type'), 'auth');
  });

  test('a hung upstream times out as UpstreamUnavailableError', async () => {
    await h.admin('fault.set', { mode: 'timeout', count: '1' });
    const started = Date.now();
    await assert.rejects(h.client({ timeoutMs: 300 }).list(), UpstreamUnavailableError);
    assert.ok(Date.now() - started < 5000);
    assert.ok(Array.isArray(await h.client().list()));
  });

  test('HTTP 500 and a dropped connection are UpstreamUnavailableError; an order then is not known to have failed', async () => {
    await h.admin('fault.set', { mode: 'error500', count: '1' });
    const err = await h
      .client()
      .order(lite6('10.0.0.1'))
      .catch((e: unknown) => e);
    assert.ok(err instanceof UpstreamUnavailableError && err.retryable);
    assert.match(err.message, /HTTP 500/);
    await h.admin('fault.set', { mode: 'down', count: '2' });
    await assert.rejects(h.client().balance(), UpstreamUnavailableError);
    await assert.rejects(h.client({ api: 4 }).balance(), UpstreamUnavailableError);
    assert.equal(await h.client().balance(), 1000, 'the ISPsystem row of subaccount, separators stripped');
  });

  test('a body that is not a <doc> is UpstreamUnavailableError', async () => {
    const client = h.client({ path: '/sandbox/nothing-here' });
    await assert.rejects(client.list(), UpstreamUnavailableError);
  });

  test('every call is logged at info with func, duration and outcome, never with the password', async () => {
    const client = h.client();
    const id = await client.order(lite6('10.2.0.1'));
    assert.ok(id);
    await client.form(id);
    await client.list().catch(() => undefined);
    await h
      .client({ password: 'wrong' })
      .list()
      .catch(() => undefined);
    await h.raw({ func: 'auth', username: 'reseller', password: 'secret', authinfo: '' });
    const calls = h.logs.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'upstream call');
    const order = calls.find((entry) => entry.func === 'soft.order.param' && entry.params.ip === '10.2.0.1');
    assert.equal(order.level, 30);
    assert.equal(order.outcome, 'ok');
    assert.equal(order.params.authinfo, 'reseller:***');
    assert.equal(typeof order.ms, 'number');
    assert.ok(calls.some((entry) => entry.outcome === 'error:auth'));
    assert.ok(h.logs.some((line) => line.includes('sandbox request')));
    for (const line of h.logs) {
      assert.ok(!line.includes('secret'), `password leaked: ${line}`);
      assert.ok(!line.includes('wrong'), `password leaked: ${line}`);
    }
  });

  test('orders carry autoprolong=null, lang=en and the node add-on a tariff needs; the list has no key, the form has it', async () => {
    const client = h.client();
    const id = await client.order(lite6('10.3.0.1'));
    assert.ok(id);
    const form = await client.form(id);
    assert.equal(form.packageId, 55227);
    assert.match(form.lickey, new RegExp(`^${id}-`));
    const row6 = (await client.list()).find((r) => r.id === id);
    assert.equal(row6?.packageId, null, 'the list names the tariff only');
    assert.match(row6?.tariffName ?? '', /lite/i);
    assert.equal(row6?.autoprolong, false, 'ordered without upstream auto-renewal');
    const business = { ...row(955230001), ip: '10.3.0.2', licname: 'biz', reference: 'cpb-biz' };
    await assert.rejects(client.order({ ...business, addons: {} }), upstream('value'));
    const biz = await client.order({ ...business, addons: { 55236: 3 } });
    assert.ok(biz);
    assert.equal((await client.form(biz)).packageId, 55230);
    const bizCost = (await h.ledger()).filter((c) => c.licence === String(biz));
    assert.equal(bizCost.length, 1);
    const log = h.logs
      .map((line) => JSON.parse(line))
      .filter((e) => e.msg === 'upstream call' && e.func === 'soft.order.param');
    assert.ok(log.every((e) => e.params.autoprolong === 'null'));
  });

  test('an answer cut short is UpstreamUnavailableError, never data: a truncated list or renewal', async () => {
    const client = h.client();
    const id = await client.order(lite6('10.3.0.3'));
    assert.ok(id);
    await h.admin('fault.set', { mode: 'truncated', target: 'soft' });
    await assert.rejects(client.list(), UpstreamUnavailableError);
    await h.admin('fault.set', { mode: 'truncated', target: 'service.prolong' });
    const err = await client.prolong(id, row(955227001).period).catch((e: unknown) => e);
    assert.ok(err instanceof UpstreamUnavailableError && err.sent, String(err));
    assert.equal(
      (await h.ledger()).filter((c) => c.licence === String(id) && c.kind === 'prolong').length,
      1,
      'carried out upstream',
    );
  });

  test('a refused connection is known not to have been sent; a lost answer is not', async () => {
    const closed = h.client({ path: '/billmgr' });
    const refused = await (await createClosedPortClient()).balance().catch((e: unknown) => e);
    assert.ok(refused instanceof UpstreamUnavailableError && refused.sent === false, String(refused));
    await h.admin('fault.set', { mode: 'lost', target: 'subaccount' });
    const lost = await closed.balance().catch((e: unknown) => e);
    assert.ok(lost instanceof UpstreamUnavailableError && lost.sent === true, String(lost));
  });
});

/** A client of a port nothing listens on: the connection is refused before anything is sent. */
async function createClosedPortClient() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return createUpstreamClient(
    { moduleId: 1, url: `http://127.0.0.1:${port}/billmgr`, username: 'reseller', password: 'secret', api: 5 },
    { logger: pino({ level: 'silent' }), catalogue, timeoutMs: 2000 },
  );
}
