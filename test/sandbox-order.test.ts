import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { elems, errorOf, type Harness, LITE6, ORDER, refusedWith, startHarness, text } from './sandbox-harness.js';

const FORM = [
  'elid',
  'id',
  'licname',
  'ip',
  'remoteip',
  'lickey',
  'expiredate',
  'createdate',
  'status',
  'pricelist',
  'pricelist_name',
  'period',
  'update_expiredate',
  'ip_change_date',
  'lickey_change_date',
];

describe('sandbox: ordering (soft.order.param) and the licence form (soft.edit)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ accounts: [{ username: 'reseller', password: 'secret', balance: 1000 }] });
  });
  after(() => h.close());

  test('ispmanager 6 Lite for a month: <ok/><id/><item.id/>, charged 6, the form carries exactly its fields', async () => {
    const answer = await h.raw({
      func: 'soft.order.param',
      ...LITE6,
      ...ORDER,
      sok: 'ok',
      clicked_button: 'finish',
      skipbasket: 'on',
      autoprolong: 'null',
    });
    assert.deepEqual(Object.keys(answer.doc), ['ok', 'id', 'item.id']);
    const id = Number(text(answer.doc, 'id'));
    assert.ok(id >= 1000);
    assert.equal(text(answer.doc, 'item.id'), String(id));

    const form = await h.form(id);
    assert.deepEqual(Object.keys(form), FORM);
    assert.equal(text(form, 'elid'), String(id));
    assert.equal(text(form, 'pricelist'), '55227');
    assert.equal(text(form, 'pricelist_name'), 'ispmanager 6 Lite');
    assert.equal(text(form, 'period'), '1');
    assert.equal(text(form, 'status'), '2');
    assert.equal(text(form, 'ip'), ORDER.ip);
    assert.equal(text(form, 'licname'), ORDER.licname);
    assert.equal(text(form, 'remoteip'), '');
    assert.match(text(form, 'lickey'), new RegExp(`^${id}-[0-9A-F]+$`));
    assert.match(text(form, 'expiredate'), /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(text(form, 'ip_change_date'), '');
    assert.equal(text(form, 'update_expiredate'), '');

    assert.equal(await h.balance(), 994);
    const ledger = await h.ledger();
    assert.deepEqual(
      ledger.map((r) => [text(r, 'kind'), text(r, 'licence'), text(r, 'amount')]),
      [['order', String(id), '6']],
    );
  });

  test('remoteip is stored and shown in the form; remoteid is stored but never answered', async () => {
    const id = await h.order({ ...LITE6, ip: '10.0.1.1', remoteip: '192.168.0.10', remoteid: 'l42' });
    const form = await h.raw({ func: 'soft.edit', elid: String(id) });
    assert.equal(text(form.doc, 'remoteip'), '192.168.0.10');
    assert.doesNotMatch(form.body, /remoteid|l42/);
    const stored = elems(await h.admin('licence.list')).find((l) => text(l, 'id') === String(id));
    assert.equal(text(stored, 'remoteid'), 'l42');
  });

  test('Business needs its node add-on: refused without addon_55236 (value), charged per node with it', async () => {
    const before = await h.balance();
    const ledgerBefore = (await h.ledger()).length;
    const business = { pricelist: '55230', period: '1', ip: '10.0.2.1', licname: 'biz' };
    await assert.rejects(h.order(business), refusedWith('value', 'addon_55236'));
    await assert.rejects(h.order({ ...business, addon_55236: '0' }), refusedWith('value', 'addon_55236'));
    await assert.rejects(h.order({ ...business, addon_55236: 'two' }), refusedWith('value', 'addon_55236'));
    assert.equal(await h.balance(), before, 'a refused order charges nothing');
    assert.equal((await h.ledger()).length, ledgerBefore);
    assert.equal((await h.list()).filter((l) => text(l, 'ip') === '10.0.2.1').length, 0);

    const id = await h.order({ ...business, addon_55236: '3' });
    assert.equal(await h.balance(), before - 90);
    const form = await h.form(id);
    assert.deepEqual(Object.keys(form), [...FORM, 'addon_55236']);
    assert.equal(text(form, 'addon_55236'), '3');
    const prolong = await h.raw({ func: 'service.prolong', elid: String(id), period: '1', sok: 'ok' });
    assert.equal(errorOf(prolong), undefined);
    assert.equal(await h.balance(), before - 180, 'a renewal is charged per node too');
  });

  test('without sok, or without clicked_button=finish, the wizard only shows its form: nothing is ordered', async () => {
    const before = (await h.list()).length;
    const variants: Record<string, string>[] = [
      {},
      { sok: 'ok' },
      { clicked_button: 'finish' },
      { sok: 'ok', clicked_button: 'next' },
    ];
    for (const extra of variants) {
      const answer = await h.raw({ func: 'soft.order.param', ...LITE6, ip: '10.0.3.1', skipbasket: 'on', ...extra });
      assert.equal(errorOf(answer), undefined);
      assert.equal(answer.doc.ok, undefined);
      assert.equal(text(answer.doc, 'id'), '');
    }
    assert.equal((await h.list()).length, before);
  });

  test('a period the tariff lacks is value/period, an unknown tariff value/pricelist, a bad IP value/ip', async () => {
    await assert.rejects(h.order({ ...LITE6, period: '3', ip: '10.0.4.1' }), refusedWith('value', 'period'));
    await assert.rejects(h.order({ ...LITE6, period: '-100', ip: '10.0.4.1' }), refusedWith('value', 'period'));
    await assert.rejects(h.order({ pricelist: '999', period: '1', ip: '10.0.4.1' }), refusedWith('value', 'pricelist'));
    await assert.rejects(h.order({ ...LITE6, ip: '10.0.4.999' }), refusedWith('value', 'ip'));
    await assert.rejects(h.order({ ...LITE6 }), refusedWith('missed', 'ip'));
    await assert.rejects(h.order({ ...LITE6, ip: '10.0.4.1', autoprolong: '5' }), refusedWith('value', 'autoprolong'));
  });

  test('the trial tariff takes period -100 and lasts 14 days', async () => {
    const id = await h.order({ pricelist: '55239', period: '-100', ip: '10.0.5.1' });
    const form = await h.form(id);
    assert.equal(text(form, 'period'), '-100');
    const today = text(await h.admin('clock'), 'today');
    const days = (Date.parse(text(form, 'expiredate')) - Date.parse(today)) / 86_400_000;
    assert.equal(days, 14);
  });

  test('without skipbasket the licence waits in status 1, without a key, and nothing is charged', async () => {
    const before = await h.balance();
    const id = await h.order({ ...LITE6, ip: '10.0.6.1', skipbasket: 'off' });
    const form = await h.form(id);
    assert.equal(text(form, 'status'), '1');
    assert.equal(text(form, 'lickey'), '');
    assert.equal(await h.balance(), before);
  });

  test('while processing (status 5) the form has no key; the key appears when it becomes active', async () => {
    await h.admin('processing.set', { seconds: '600' });
    try {
      const id = await h.order({ ...LITE6, ip: '10.0.7.1' });
      const pending = await h.raw({ func: 'soft.edit', elid: String(id) });
      assert.equal(text(pending.doc, 'status'), '5');
      assert.equal(text(pending.doc, 'lickey'), '');
      assert.match(pending.body, /<lickey\/>/);
      const listed = (await h.list()).find((l) => text(l, 'id') === String(id));
      assert.equal(text(listed, 'status'), '5');
      const newkey = await h.raw({ func: 'soft.edit', elid: String(id), clicked_button: 'newkey', sok: 'ok' });
      assert.equal(errorOf(newkey)?.type, 'status');
      await h.admin('clock.advance', { hours: '1' });
      const done = await h.form(id);
      assert.equal(text(done, 'status'), '2');
      assert.match(text(done, 'lickey'), new RegExp(`^${id}-[0-9A-F]+$`));
    } finally {
      await h.admin('processing.set', { seconds: '0' });
    }
  });

  test('BILLmanager 4 (software.edit) orders with period-row ids; its answers carry no remoteid either', async () => {
    const answer = await h.raw({
      func: 'software.edit',
      price: '11',
      period: '16',
      ip: '10.0.8.1',
      licname: 'bm4',
      remoteid: 'cpb-bm4',
      sok: 'ok',
    });
    const id = text(answer.doc, 'id');
    assert.ok(Number(id) >= 1000, answer.body);
    const view = await h.raw({ func: 'software.edit', elid: id });
    assert.equal(text(view.doc, 'price'), '11');
    assert.equal(text(view.doc, 'period'), '16');
    assert.doesNotMatch(view.body, /remoteid|cpb-bm4/);
    const list = await h.raw({ func: 'software' });
    assert.ok(elems(list.doc).some((e) => text(e, 'id') === id));
    assert.doesNotMatch(list.body, /remoteid|cpb-bm4/);
  });
});
