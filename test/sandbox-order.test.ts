import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UpstreamError } from '../src/errors/upstream-error.js';
import { childrenOf, textOf } from '../src/upstream/xml/parse-doc.js';
import { type Harness, ORDER, row, startHarness } from './sandbox-harness.js';

describe('sandbox: ordering through the real client', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('api 5: order, get and list a licence; ids start at 1000 and the order is charged', async () => {
    const client = h.client();
    const id = await client.order({ ...row(8), ...ORDER });
    assert.ok(id >= 1000);
    const licence = await client.form(id);
    assert.equal(licence.packageId, 7);
    assert.equal(licence.ip, ORDER.ip);
    assert.equal(licence.status, 2);
    assert.match(licence.lickey, new RegExp(`^${id}-`));
    assert.match(licence.expiredate, /^\d{4}-\d{2}-\d{2}$/);
    const listed = (await client.list()).find((l) => l.id === id);
    assert.deepEqual(
      {
        id: listed?.id,
        ip: listed?.ip,
        licname: listed?.licname,
        status: listed?.status,
        expiredate: listed?.expiredate,
      },
      { id, ip: licence.ip, licname: licence.licname, status: licence.status, expiredate: licence.expiredate },
    );
    assert.equal(await client.balance(), 1000 - 6);
    const ledger = childrenOf(await h.admin('ledger'), 'elem');
    assert.equal(ledger.length, 1);
    assert.equal(textOf(ledger[0], 'kind'), 'order');
    assert.equal(textOf(ledger[0], 'licence'), String(id));
  });

  test('api 4: order with period row ids, get and list show the package as price', async () => {
    const client = h.client({ api: 4 });
    const id = await client.order({ ...row(16), ...ORDER, ip: '10.0.0.2', reference: 'cpb-2' });
    const licence = await client.form(id);
    assert.equal(licence.packageId, 11);
    assert.equal(licence.status, 2);
    assert.ok((await client.list()).some((l) => l.id === id && l.ip === '10.0.0.2'));
    const raw = await h.raw({ func: 'software.edit', elid: String(id) });
    assert.equal(textOf(raw.doc, 'price'), '11');
    assert.equal(textOf(raw.doc, 'period'), '16');
  });

  test('lifetime licences have no expiry date', async () => {
    const id = await h.client().order({ ...row(1817), ...ORDER, ip: '10.0.0.3' });
    assert.equal((await h.client().form(id)).expiredate, '');
  });

  test('a period the package does not have is refused as value/period, an unknown package as value/pricelist', async () => {
    const raw = await h.raw({
      func: 'soft.order.param',
      pricelist: '7',
      period: '12',
      ip: '10.0.0.4',
      sok: 'ok',
      skipbasket: 'on',
    });
    assert.equal(raw.status, 200);
    assert.equal(textOf(raw.doc.error, '@_type'), 'value');
    assert.equal(textOf(raw.doc.error, '@_object'), 'period');
    const unknown = await h.raw({ func: 'soft.order.param', pricelist: '999', period: '1', ip: '10.0.0.4', sok: 'ok' });
    assert.equal(textOf(unknown.doc.error, '@_object'), 'pricelist');
    const wrongRow = h.client({ api: 4 }).order({ ...row(16), period: row(8).period, ...ORDER, ip: '10.0.0.4' });
    await assert.rejects(
      wrongRow,
      (e: unknown) => e instanceof UpstreamError && e.upstreamType === 'value' && e.object === 'period',
    );
  });

  test('a malformed IP is refused as value/ip', async () => {
    await assert.rejects(
      h.client().order({ ...row(8), ...ORDER, ip: '10.0.0.999' }),
      (e: unknown) => e instanceof UpstreamError && e.upstreamType === 'value' && e.object === 'ip',
    );
  });

  test('without skipbasket the licence waits in status 1 and nothing is charged', async () => {
    const before = await h.client().balance();
    const raw = await h.raw({
      func: 'soft.order.param',
      pricelist: '3541',
      period: '1',
      ip: '10.0.0.5',
      sok: 'ok',
      clicked_button: 'finish',
    });
    const id = Number(textOf(raw.doc, 'id'));
    assert.equal(textOf(raw.doc, 'item.id'), String(id));
    assert.equal((await h.client().form(id)).status, 1);
    assert.equal(await h.client().balance(), before);
  });

  test('the processing delay keeps a new licence in status 5 without a key until the clock passes it', async () => {
    await h.admin('processing.set', { seconds: '600' });
    const id = await h.client().order({ ...row(935411), ...ORDER, ip: '10.0.0.6' });
    const pending = await h.client().form(id);
    assert.equal(pending.status, 5);
    assert.equal(pending.lickey, '');
    await h.admin('clock.advance', { hours: '1' });
    const done = await h.client().form(id);
    assert.equal(done.status, 2);
    assert.match(done.lickey, /^\d+-[0-9A-F]+$/);
    await h.admin('processing.set', { seconds: '0' });
  });
});
