import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type Answer,
  elems,
  errorOf,
  type Harness,
  isNode,
  LITE6,
  type Node,
  ORDER,
  parseDoc,
  startHarness,
  text,
} from './sandbox-harness.js';

/** BILLmanager 6's `soft` list columns [S8], in order: nothing more, nothing less. */
const LIST_COLUMNS = [
  'id',
  'licname',
  'ip',
  'period',
  'update_expiredate',
  'real_ipchange',
  'real_keychange',
  'pricelist',
  'account',
  'project',
  'datacentername',
  'processingmodule',
  'createdate',
  'expiredate',
  'autoprolong',
  'status_msg',
  'item',
  'status',
  'special_status',
  'cost',
];

describe('sandbox: wire shapes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ accounts: [{ username: 'reseller', password: 'secret', balance: 1234.5 }] });
  });
  after(() => h.close());

  test('soft list rows carry exactly the reference columns; pricelist is the tariff name; deleted rows stay', async () => {
    const id = await h.order({ ...LITE6, ...ORDER, autoprolong: '12' });
    await h.raw({ func: 'soft.edit', elid: String(id), ip: '10.9.0.2', licname: 'moved', sok: 'ok' });
    await h.raw({ func: 'soft.edit', elid: String(id), clicked_button: 'newkey', sok: 'ok' });
    const gone = await h.order({ ...LITE6, ip: '10.9.0.3', licname: 'gone' });
    await h.raw({ func: 'soft.delete', elid: String(gone), sok: 'ok' });

    const rows = await h.list();
    for (const row of rows) assert.deepEqual(Object.keys(row), LIST_COLUMNS);
    const row = rows.find((r) => text(r, 'id') === String(id))!;
    const today = text(await h.admin('clock'), 'today');
    assert.equal(text(row, 'pricelist'), 'ispmanager 6 Lite');
    assert.equal(text(row, 'period'), '1');
    assert.equal(text(row, 'ip'), '10.9.0.2');
    assert.equal(text(row, 'licname'), 'moved');
    assert.equal(text(row, 'real_ipchange'), today);
    assert.equal(text(row, 'real_keychange'), today);
    assert.equal(text(row, 'autoprolong'), '12');
    assert.equal(text(row, 'status'), '2');
    assert.equal(text(row, 'status_msg'), 'Active');
    assert.equal(text(row, 'special_status'), '0');
    assert.equal(text(row, 'project'), 'ISPsystem');
    assert.equal(text(row, 'account'), 'reseller');
    assert.equal(text(row, 'cost'), '6.00');
    assert.equal(text(row, 'createdate'), today);
    const deleted = rows.find((r) => text(r, 'id') === String(gone))!;
    assert.equal(text(deleted, 'status'), '4');
    const russian = elems((await h.raw({ func: 'soft', lang: 'ru' })).doc).find((r) => text(r, 'id') === String(id));
    assert.equal(text(russian, 'status_msg'), 'Активна');
  });

  test('no answer of either generation ever carries remoteid or its value', async () => {
    const marker = 'cpb-remote-7f3a';
    const bodies: Answer[] = [];
    const order = await h.raw({
      func: 'soft.order.param',
      ...LITE6,
      ip: '10.9.1.1',
      licname: 'r',
      remoteid: marker,
      sok: 'ok',
      clicked_button: 'finish',
      skipbasket: 'on',
      autoprolong: 'null',
    });
    const id = text(order.doc, 'id');
    bodies.push(order);
    bodies.push(await h.raw({ func: 'soft.edit', elid: id }));
    bodies.push(
      await h.raw({ func: 'soft.edit', elid: id, ip: '10.9.1.1', licname: 'r2', remoteid: marker, sok: 'ok' }),
    );
    bodies.push(await h.raw({ func: 'soft' }));
    bodies.push(await h.raw({ func: 'service.prolong', elid: id, period: '1', sok: 'ok' }));
    bodies.push(await h.raw({ func: 'soft.order.param', ...LITE6, ip: '10.9.1.2', remoteid: marker }));
    const bm4 = await h.raw({
      func: 'software.edit',
      price: '7',
      period: '8',
      ip: '10.9.1.3',
      remoteid: marker,
      sok: 'ok',
    });
    bodies.push(
      bm4,
      await h.raw({ func: 'software' }),
      await h.raw({ func: 'software.edit', elid: text(bm4.doc, 'id') }),
    );
    for (const answer of bodies) {
      assert.equal(errorOf(answer), undefined, answer.body);
      assert.doesNotMatch(answer.body, /remoteid/);
      assert.ok(!answer.body.includes(marker), answer.body);
    }
  });

  test('subaccount: the ISPsystem row is not the first one, and its balance is formatted "1 234.50"', async () => {
    const response = await fetch(`${h.url}/manager/billmgr?func=subaccount&authinfo=reseller:secret&out=xml`);
    assert.match(response.headers.get('content-type') ?? '', /text\/xml/);
    await h.admin('balance.set', { amount: '1234.5' });
    const rows = elems((await h.raw({ func: 'subaccount' })).doc);
    assert.equal(rows.length, 2);
    assert.notEqual(text(rows[0], 'project'), 'ISPsystem');
    const own = rows.find((r) => text(r, 'project') === 'ISPsystem');
    assert.equal(text(own, 'balance'), '1 234.50');
    await h.admin('balance.set', { amount: '-5' });
    assert.equal(text(elems((await h.raw({ func: 'subaccount' })).doc)[1], 'balance'), '-5.00');
    await h.admin('balance.set', { amount: '2000000' });
    assert.equal(text(elems((await h.raw({ func: 'subaccount' })).doc)[1], 'balance'), '2 000 000.00');
    const bm4 = elems((await h.raw({ func: 'accountinfo' })).doc);
    assert.deepEqual(
      bm4.map((r) => [text(r, 'name'), text(r, 'balance')]),
      [
        ['ispmanager', '0.00'],
        ['ISPsystem', '2 000 000.00'],
      ],
    );
  });

  test("pricelist.export: no auth, today's tariffs only, periods with type/length/cost and no id", async () => {
    const response = await fetch(`${h.url}/billmgr?func=pricelist.export&out=xml&itemtype=soft`);
    const doc = parseDoc(await response.text());
    const records = (doc.pricelist as Node[]).filter(isNode);
    assert.deepEqual(
      records.map((r) => text(r, 'id')),
      ['55227', '55228', '55229', '55230', '55239', '55240'],
    );
    for (const record of records) {
      assert.deepEqual(Object.keys(record), ['id', 'name', 'itemtype', 'active', 'price']);
      assert.equal(text(record, 'itemtype'), 'soft');
      assert.equal(text(record, 'active'), 'on');
      const price = record.price as Node;
      assert.equal(price['@_currency'], 'EUR');
      for (const period of price.period as Node[]) {
        assert.deepEqual(Object.keys(period).sort(), ['@_cost', '@_length', '@_type']);
      }
    }
    const lite = (records[0]!.price as Node).period as Node[];
    assert.deepEqual(
      lite.map((p) => [p['@_type'], p['@_length'], p['@_cost']]),
      [
        ['month', '1', '6.00'],
        ['month', '12', '60.00'],
      ],
    );
    const trial = (records[4]!.price as Node).period as Node[];
    assert.deepEqual(
      trial.map((p) => [p['@_type'], p['@_length']]),
      [['day', '14']],
    );
    const other = parseDoc(await (await fetch(`${h.url}/billmgr?func=pricelist.export&itemtype=vds`)).text());
    assert.equal(other.pricelist, undefined);
  });

  test('messages are Russian unless lang=en; the error type and object stay the same', async () => {
    const params = { func: 'soft.order.param', pricelist: '55227', period: '7', ip: '10.9.2.1', sok: 'ok' };
    const english = errorOf(await h.raw({ ...params, clicked_button: 'finish' }))!;
    const russian = errorOf(await h.raw({ ...params, clicked_button: 'finish', lang: 'ru' }))!;
    const none = await fetch(`${h.url}/billmgr`, {
      method: 'POST',
      body: new URLSearchParams({ ...params, clicked_button: 'finish', authinfo: 'reseller:secret' }),
    });
    const unspecified = errorOf({ status: 200, body: '', doc: parseDoc(await none.text()) })!;
    assert.deepEqual([english.type, english.object, english.lang], ['value', 'period', 'en']);
    assert.deepEqual([russian.type, russian.object, russian.lang], ['value', 'period', 'ru']);
    assert.deepEqual([unspecified.type, unspecified.object, unspecified.lang], ['value', 'period', 'ru']);
    assert.match(english.msg, /has no order period 7/);
    assert.match(russian.msg, /нет периода 7/);
    assert.equal(unspecified.msg, russian.msg);
    const badLogin = errorOf(await h.raw({ func: 'soft', authinfo: 'reseller:wrong', lang: 'ru' }))!;
    assert.equal(badLogin.type, 'auth');
    assert.match(badLogin.msg, /Неверное имя пользователя/);
  });

  test('service.changepricelist moves a licence within its line and charges the difference', async () => {
    await h.admin('balance.set', { amount: '1000' });
    const id = await h.order({ ...LITE6, ip: '10.9.3.1' });
    const change = (pricelist: string, extra: Record<string, string> = {}) =>
      h.raw({ func: 'service.changepricelist', elid: String(id), pricelist, period: '1', sok: 'ok', ...extra });
    assert.equal(errorOf(await change('55228')), undefined);
    assert.equal(text(await h.form(id), 'pricelist'), '55228');
    assert.equal(await h.balance(), 1000 - 6 - 5);
    assert.deepEqual(
      [errorOf(await change('55230'))?.type, errorOf(await change('55230'))?.object],
      ['value', 'addon_55236'],
    );
    assert.equal(errorOf(await change('55230', { addon_55236: '2' })), undefined);
    assert.equal(text(await h.form(id), 'addon_55236'), '2');
    assert.equal(await h.balance(), 1000 - 6 - 5 - (60 - 11));
  });
});
