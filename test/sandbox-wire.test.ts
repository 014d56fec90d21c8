import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { childrenOf, textOf } from '../src/upstream/xml/parse-doc.js';
import { catalogue, type Harness, ORDER, row, startHarness } from './sandbox-harness.js';

describe('sandbox: wire shapes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('GET query works at /manager/billmgr and answers text/xml', async () => {
    const response = await fetch(`${h.url}/manager/billmgr?func=subaccount&authinfo=reseller:secret&out=xml`);
    assert.match(response.headers.get('content-type') ?? '', /text\/xml/);
    assert.match(await response.text(), /<elem>.*<balance>1000\.00<\/balance>/s);
  });

  test('order answers <ok/><id/><item.id/>; soft rows carry the listed columns', async () => {
    const order = await h.raw({
      func: 'soft.order.param',
      pricelist: '7',
      period: '1',
      ip: ORDER.ip,
      licname: ORDER.licname,
      remoteid: ORDER.reference,
      sok: 'ok',
      skipbasket: 'on',
      clicked_button: 'finish',
    });
    assert.ok('ok' in order.doc);
    assert.equal(textOf(order.doc, 'id'), textOf(order.doc, 'item.id'));
    const [elem] = childrenOf((await h.raw({ func: 'soft' })).doc, 'elem');
    for (const column of [
      'id',
      'licname',
      'ip',
      'remoteid',
      'pricelist',
      'pricelist_id',
      'period',
      'status',
      'createdate',
      'expiredate',
      'lickey',
      'real_ipchange',
      'real_keychange',
    ]) {
      assert.ok(elem !== undefined && column in elem, `missing ${column}`);
    }
    const edit = await h.raw({ func: 'soft.edit', elid: textOf(order.doc, 'id'), licname: 'x', sok: 'ok' });
    assert.equal(textOf(edit.doc.doc, 'licname'), 'x');
    const prolong = await h.raw({ func: 'service.prolong', elid: textOf(order.doc, 'id'), period: '1', sok: 'ok' });
    assert.match(textOf(prolong.doc.doc, 'newexpiredate'), /^\d{4}-\d{2}-\d{2}$/);
  });

  test('pricelist.export needs no auth and round-trips through priceList()', async () => {
    const response = await fetch(`${h.url}/billmgr?func=pricelist.export&out=xml`);
    assert.match(await response.text(), /<period id="8" type="month" length="1" cost="6.00"\/>/);
    const packages = await h.client({ password: 'irrelevant' }).priceList();
    assert.equal(packages.length, catalogue.packages.length);
    const lite = packages.find((p) => p.id === 7);
    assert.equal(lite?.edition, 'lite');
    assert.deepEqual(
      lite?.periods.map((p) => p.id),
      [7, 8, 9],
    );
  });

  test('changePackage moves a licence within its product line and charges the difference', async () => {
    const client = h.client();
    const id = await client.order({ ...row(8), ...ORDER, ip: '10.4.0.1' });
    const before = await client.balance();
    await client.changePackage(id, row(16).pkg, row(16).period);
    assert.equal((await client.form(id)).packageId, 11);
    assert.equal(await client.balance(), before - 5);
    await assert.rejects(client.changePackage(id, row(1815).pkg, row(1815).period), /ispmanager/);
    const bm4 = h.client({ api: 4 });
    await bm4.changePackage(id, row(8).pkg, row(8).period);
    assert.equal((await bm4.form(id)).packageId, 7);
  });
});
