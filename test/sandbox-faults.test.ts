import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { elems, errorOf, type Harness, LITE6, parseDoc, startHarness, text } from './sandbox-harness.js';

describe('sandbox: faults that lose or delay an answer, and request counters', () => {
  let h: Harness;
  /** A raw POST that reports a transport failure instead of throwing. */
  const post = async (params: Record<string, string>, timeoutMs?: number) => {
    try {
      const response = await fetch(`${h.url}/billmgr`, {
        method: 'POST',
        body: new URLSearchParams({ authinfo: 'reseller:secret', lang: 'en', ...params }),
        ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      return { failed: error instanceof Error ? error.name : String(error) };
    }
  };
  const orderParams = (ip: string) => ({
    func: 'soft.order.param',
    ...LITE6,
    ip,
    sok: 'ok',
    clicked_button: 'finish',
    skipbasket: 'on',
    autoprolong: 'null',
  });
  const charges = async (kind: string) => (await h.ledger()).filter((r) => text(r, 'kind') === kind).length;
  const onIp = async (ip: string) => (await h.list()).filter((r) => text(r, 'ip') === ip);

  before(async () => {
    h = await startHarness({ accounts: [{ username: 'reseller', password: 'secret', balance: 5000 }] });
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.admin('fault.clear');
    await h.admin('requests.reset');
  });

  test('lost: the order is carried out and charged, then the socket is dropped without an answer', async () => {
    await h.admin('fault.set', { mode: 'lost', target: 'soft.order.param' });
    const orders = await charges('order');
    assert.equal(errorOf(await h.raw({ func: 'soft' })), undefined, 'another function is not faulted');
    const answer = await post(orderParams('10.7.0.1'));
    assert.ok('failed' in answer, JSON.stringify(answer));
    assert.equal(await charges('order'), orders + 1);
    assert.equal((await onIp('10.7.0.1')).length, 1);
    assert.equal((await h.requests())['soft.order.param'], 1);
    const next = await post(orderParams('10.7.0.2'));
    assert.ok('body' in next && /<item\.id>/.test(next.body ?? ''), 'count-limited: the next order is answered');
  });

  test('late: the renewal is carried out at once; its answer comes after ms, past a shorter client timeout', async () => {
    const id = await h.order({ ...LITE6, ip: '10.7.1.1' });
    const prolongs = await charges('prolong');
    const expiry = text(await h.form(id), 'expiredate');
    await h.admin('fault.set', { mode: 'late', target: 'service.prolong', ms: '1500' });
    const prolong = { func: 'service.prolong', elid: String(id), period: '1', sok: 'ok' };
    const started = Date.now();
    const gaveUp = await post(prolong, 300);
    assert.ok('failed' in gaveUp && gaveUp.failed === 'TimeoutError', JSON.stringify(gaveUp));
    assert.ok(Date.now() - started < 1000);
    assert.equal(await charges('prolong'), prolongs + 1, 'charged before the answer was due');
    assert.notEqual(text(await h.form(id), 'expiredate'), expiry);

    await h.admin('fault.set', { mode: 'late', target: 'service.prolong', ms: '400' });
    const waited = Date.now();
    const patient = await post(prolong);
    assert.ok(Date.now() - waited >= 380);
    assert.ok('body' in patient);
    assert.match(text(parseDoc(patient.body!).doc as never, 'newexpiredate'), /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(await charges('prolong'), prolongs + 2);
  });

  test('truncated: the call is carried out; half of the document arrives as a complete HTTP answer', async () => {
    const id = await h.order({ ...LITE6, ip: '10.7.2.1' });
    const whole = await post({ func: 'soft.edit', elid: String(id) });
    const prolongs = await charges('prolong');
    await h.admin('fault.set', { mode: 'truncated', target: 'service.prolong' });
    const prolong = await post({ func: 'service.prolong', elid: String(id), period: '1', sok: 'ok' });
    assert.ok('body' in prolong, JSON.stringify(prolong));
    assert.equal(prolong.status, 200);
    assert.notEqual(XMLValidator.validate(prolong.body!), true, 'the body is a cut document');
    assert.match(prolong.body!, /^<\?xml/);
    assert.equal(await charges('prolong'), prolongs + 1);

    await h.admin('fault.set', { mode: 'truncated', target: 'soft.edit' });
    const cut = await post({ func: 'soft.edit', elid: String(id) });
    assert.ok('body' in cut && 'body' in whole);
    assert.equal(Buffer.byteLength(cut.body!), Math.floor(Buffer.byteLength(whole.body!) / 2));
  });

  test('before-call modes take a target too, and nothing is carried out', async () => {
    const orders = await charges('order');
    await h.admin('fault.set', { mode: 'error500', target: 'soft.order.param', count: '2' });
    assert.equal(errorOf(await h.raw({ func: 'soft' })), undefined);
    for (let i = 0; i < 2; i++) assert.equal((await post(orderParams('10.7.3.1'))).status, 500);
    await h.admin('fault.set', { mode: 'down', target: 'soft.order.param' });
    assert.ok('failed' in (await post(orderParams('10.7.3.1'))));
    await h.admin('fault.set', { mode: 'timeout', target: 'soft.order.param', ms: '200' });
    const started = Date.now();
    assert.ok('failed' in (await post(orderParams('10.7.3.1'))));
    assert.ok(Date.now() - started < 2000);
    assert.equal(await charges('order'), orders);
    assert.equal((await onIp('10.7.3.1')).length, 0);
    assert.equal((await h.requests())['soft.order.param'], 4, 'every faulted request was counted');
    assert.ok('body' in (await post(orderParams('10.7.3.1'))));
    assert.equal((await onIp('10.7.3.1')).length, 1);
  });

  test('fault.add stacks rules, the first match wins; faults lists them; bad modes are refused', async () => {
    await h.admin('fault.set', { mode: 'error500', target: 'soft.edit' });
    await h.admin('fault.add', { mode: 'lost', count: '2' });
    const listed = elems(await h.admin('faults'));
    assert.deepEqual(
      listed.map((r) => [text(r, 'mode'), text(r, 'target'), text(r, 'remaining')]),
      [
        ['error500', 'soft.edit', '1'],
        ['lost', '', '2'],
      ],
    );
    assert.equal((await post({ func: 'soft.edit', elid: '1' })).status, 500);
    assert.ok('failed' in (await post({ func: 'soft.edit', elid: '1' })));
    assert.ok('failed' in (await post({ func: 'subaccount' })));
    assert.equal(elems(await h.admin('faults')).length, 0);
    assert.equal(errorOf(await h.raw({ func: 'subaccount' })), undefined);
    await assert.rejects(h.admin('fault.set', { mode: 'sometimes' }), /mode is timeout/);
    await assert.rejects(h.admin('fault.set', { mode: 'late', ms: 'soon' }), /ms/);
  });

  test('requests counts every request per function, on both paths, refused and faulted ones included', async () => {
    await h.admin('balance.set', { amount: '1' });
    try {
      await h.raw({ func: 'soft' });
      await h.raw({ func: 'soft' }, '/manager/billmgr');
      await h.raw({ func: 'soft', authinfo: 'reseller:wrong' });
      assert.equal(errorOf(await h.raw(orderParams('10.7.4.1')))?.type, 'balance');
      await h.admin('fault.set', { mode: 'down' });
      await post(orderParams('10.7.4.1'));
      await h.raw({ func: 'soft.nonsense' });
      await fetch(`${h.url}/billmgr?func=pricelist.export`);
      assert.deepEqual(await h.requests(), {
        'pricelist.export': 1,
        soft: 3,
        'soft.nonsense': 1,
        'soft.order.param': 2,
      });
      await h.admin('requests.reset');
      assert.deepEqual(await h.requests(), {});
    } finally {
      await h.admin('balance.set', { amount: '5000' });
    }
  });
});
