import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorOf, type Harness, LITE6, refusedWith, startHarness, text } from './sandbox-harness.js';

const PRO6 = { pricelist: '55228', period: '1' } as const;

describe('sandbox: the upstream rules', () => {
  let h: Harness;
  const edit = (id: number, params: Record<string, string>) =>
    h.raw({ func: 'soft.edit', elid: String(id), sok: 'ok', ...params });
  const prolong = (id: number, period = '1') => h.raw({ func: 'service.prolong', elid: String(id), period, sok: 'ok' });
  const kinds = async (id: number) =>
    (await h.ledger()).filter((r) => text(r, 'licence') === String(id)).map((r) => text(r, 'kind'));

  before(async () => {
    h = await startHarness({
      accounts: [{ username: 'reseller', password: 'secret', balance: 5000 }],
      historicalSales: true,
    });
  });
  after(() => h.close());

  test('one trial per IP and product line, ever, even after the trial is deleted', async () => {
    const id = await h.order({ pricelist: '55239', period: '-100', ip: '10.1.0.1' });
    await h.raw({ func: 'soft.delete', elid: String(id), sok: 'ok' });
    await assert.rejects(
      h.order({ pricelist: '55240', period: '-100', ip: '10.1.0.1', addon_55236: '1' }),
      refusedWith('exists', 'trial'),
    );
    const check = await h.raw({ func: 'soft.checkip', pricelist: '55239', period: '-100', ip: '10.1.0.1' });
    assert.deepEqual([errorOf(check)?.type, errorOf(check)?.object], ['exists', 'trial']);
    await h.order({ pricelist: '2891', period: '-100', ip: '10.1.0.1' });
  });

  test('one licence per IP and line: ispmanager 6 Pro blocks Lite (exists/ip); checkip says so too', async () => {
    await h.order({ ...PRO6, ip: '10.1.0.2' });
    const err: unknown = await h.order({ ...LITE6, ip: '10.1.0.2' }).catch((e: unknown) => e);
    assert.ok(refusedWith('exists', 'ip')(err));
    assert.equal((err as { msg: string }).msg, 'The license with this IP address already exists');
    const check = await h.raw({ func: 'soft.checkip', ...LITE6, ip: '10.1.0.2' });
    assert.equal(errorOf(check)?.type, 'exists');
    const bm4 = await h.raw({ func: 'software.licinfo', price: '7', period: '8', ip: '10.1.0.2' });
    assert.equal(text(bm4.doc.error as never, '@_code'), '2');
    assert.equal(
      errorOf(await h.raw({ func: 'soft.checkip', pricelist: '2891', period: '1', ip: '10.1.0.2' })),
      undefined,
    );
  });

  test('a lifetime Pro blocks a Lite only for its first three months; deleted licences never block', async () => {
    await h.order({ pricelist: '11', period: '0', ip: '10.1.0.3' });
    const lite = await h.order({ pricelist: '7', period: '1', ip: '10.1.0.4' });
    await assert.rejects(h.order({ pricelist: '7', period: '1', ip: '10.1.0.3' }), refusedWith('exists', 'ip'));
    await h.raw({ func: 'soft.delete', elid: String(lite), sok: 'ok' });
    assert.equal(
      errorOf(await h.raw({ func: 'soft.checkip', pricelist: '11', period: '1', ip: '10.1.0.4' })),
      undefined,
    );
    await h.admin('clock.advance', { days: '80' });
    const early = await h.raw({ func: 'soft.checkip', pricelist: '7', period: '1', ip: '10.1.0.3' });
    assert.equal(errorOf(early)?.type, 'exists');
    await h.admin('clock.advance', { days: '15' });
    await h.order({ pricelist: '7', period: '1', ip: '10.1.0.3' });
  });

  test('insufficient balance: type balance, no licence created, nothing charged', async () => {
    await h.admin('balance.set', { amount: '5' });
    try {
      const before = (await h.list()).length;
      const ledgerBefore = (await h.ledger()).length;
      await assert.rejects(h.order({ ...PRO6, ip: '10.1.0.5' }), refusedWith('balance', 'balance'));
      assert.equal((await h.list()).length, before);
      assert.equal((await h.ledger()).length, ledgerBefore);
      assert.equal(await h.balance(), 5);
      const bm4 = await h.raw({ func: 'software.edit', price: '11', period: '16', ip: '10.1.0.5', sok: 'ok' });
      assert.equal(text(bm4.doc.error as never, '@_code'), '5');
    } finally {
      await h.admin('balance.set', { amount: '5000' });
    }
  });

  test('an IP change comes with licname; once a month; the order IP is not a change, pool moves are', async () => {
    const id = await h.order({ ...LITE6, ip: '10.1.0.6', licname: 'first' });
    assert.equal(errorOf(await edit(id, { ip: '10.1.0.7', licname: 'renamed' })), undefined);
    const form = await h.form(id);
    assert.deepEqual([text(form, 'ip'), text(form, 'licname')], ['10.1.0.7', 'renamed']);
    assert.equal(text(form, 'ip_change_date'), text(await h.admin('clock'), 'today'));
    assert.equal(errorOf(await edit(id, { ip: '0.0.0.0', licname: 'free.lic' }))?.type, 'ipchange_limit');
    const bm4 = await h.raw({ func: 'software.edit', elid: String(id), ip: '10.1.0.8', sok: 'ok' });
    assert.equal(text(bm4.doc.error as never, '@_obj'), 'ipchange');
    assert.equal(errorOf(await edit(id, { ip: '10.1.0.7', licname: 'same ip is no change' })), undefined);
    const key = await h.raw({ func: 'soft.edit', elid: String(id), clicked_button: 'newkey', sok: 'ok' });
    assert.match(text(key.doc, 'lickey'), new RegExp(`^${id}-`));
    assert.equal(text(await h.form(id), 'lickey'), text(key.doc, 'lickey'));
    const again = await h.raw({ func: 'soft.edit', elid: String(id), clicked_button: 'newkey', sok: 'ok' });
    assert.equal(errorOf(again)?.type, 'keychange_limit');
    await h.admin('clock.advance', { days: '32' });
    assert.equal(errorOf(await prolong(id)), undefined);
    assert.equal(errorOf(await edit(id, { ip: '0.0.0.0', licname: 'free.lic' })), undefined);
    assert.equal(errorOf(await edit(id, { ip: '10.1.0.9', licname: 'back' }))?.type, 'ipchange_limit');
  });

  test('[U] costly form semantics: a submit without licname empties the name; one without ip is refused', async () => {
    const id = await h.order({ ...LITE6, ip: '10.1.0.10', licname: 'keep me' });
    const noIp = await edit(id, { licname: 'x' });
    assert.deepEqual([errorOf(noIp)?.type, errorOf(noIp)?.object], ['missed', 'ip']);
    assert.equal(text(await h.form(id), 'licname'), 'keep me', 'a refused submit changes nothing');
    const answer = await edit(id, { ip: '10.1.0.10' });
    assert.equal(errorOf(answer), undefined);
    assert.equal(text(answer.doc.doc as never, 'licname'), '');
    assert.equal(text(await h.form(id), 'licname'), '');
  });

  test('an IP change onto a licensed IP is refused like an order', async () => {
    await h.order({ ...LITE6, ip: '10.1.1.1' });
    const other = await h.order({ ...LITE6, ip: '10.1.1.2' });
    const answer = await edit(other, { ip: '10.1.1.1', licname: 'x' });
    assert.deepEqual([errorOf(answer)?.type, errorOf(answer)?.object], ['exists', 'ip']);
  });

  test('prolong: from the old expiry when active, from today when suspended (and resumes); trials refuse', async () => {
    const id = await h.order({ ...PRO6, ip: '10.1.2.1' });
    const first = text(await h.form(id), 'expiredate');
    const extended = await prolong(id);
    assert.equal(text(extended.doc.doc as never, 'newexpiredate'), addMonths(first, 1));
    await h.raw({ func: 'soft.suspend', elid: String(id), sok: 'ok' });
    const today = text(await h.admin('clock'), 'today');
    assert.equal(text((await prolong(id, '12')).doc.doc as never, 'newexpiredate'), addMonths(today, 12));
    assert.equal(text(await h.form(id), 'status'), '2');
    assert.deepEqual(await kinds(id), ['order', 'prolong', 'prolong']);
    const amounts = (await h.ledger()).filter((r) => text(r, 'licence') === String(id)).map((r) => text(r, 'amount'));
    assert.deepEqual(amounts, ['11', '11', '110']);
    const trial = await h.order({ pricelist: '55239', period: '-100', ip: '10.1.2.2' });
    const refused = await h.raw({ func: 'service.prolong', elid: String(trial), period: '-100', sok: 'ok' });
    assert.deepEqual([errorOf(refused)?.type, errorOf(refused)?.object], ['status', 'period']);
  });

  test('autoprolong=null: suspended at expiry, resume refused, deleted 30 days later, then no action', async () => {
    const id = await h.order({ ...LITE6, ip: '10.1.3.1', autoprolong: 'null' });
    await h.admin('clock.advance', { days: '32' });
    assert.equal(text(await h.form(id), 'status'), '3');
    assert.deepEqual(await kinds(id), ['order'], 'never renewed by itself');
    const resume = await h.raw({ func: 'soft.resume', elid: String(id), sok: 'ok' });
    assert.deepEqual([errorOf(resume)?.type, errorOf(resume)?.object], ['status', 'expiredate']);
    await h.admin('clock.advance', { days: '30' });
    assert.equal(text(await h.form(id), 'status'), '4');
    assert.equal(errorOf(await h.raw({ func: 'soft.resume', elid: String(id) }))?.type, 'status');
    assert.equal(errorOf(await prolong(id))?.type, 'status');
    assert.equal(errorOf(await h.raw({ func: 'soft.checkip', ...LITE6, ip: '10.1.3.1' })), undefined);
  });

  test('[U] costly: an order without autoprolong=null renews itself at expiry and charges the balance', async () => {
    const order = (ip: string, autoprolong?: string) =>
      h.raw({
        func: 'soft.order.param',
        ...LITE6,
        ip,
        sok: 'ok',
        skipbasket: 'on',
        clicked_button: 'finish',
        ...(autoprolong === undefined ? {} : { autoprolong }),
      });
    const absent = Number(text((await order('10.1.4.1')).doc, 'id'));
    const monthly = Number(text((await order('10.1.4.2', '1')).doc, 'id'));
    const yearly = Number(text((await order('10.1.4.3', '12')).doc, 'id'));
    const free = Number(text((await order('10.1.4.4')).doc, 'id'));
    const none = Number(text((await order('10.1.4.5', 'null')).doc, 'id'));
    await h.admin('discount.set', { elid: String(free), percent: '100' });
    const balance = await h.balance();
    const expiry = text(await h.form(absent), 'expiredate');
    await h.admin('clock.advance', { days: '32' });

    assert.equal(text(await h.form(absent), 'status'), '2');
    assert.equal(text(await h.form(absent), 'expiredate'), addMonths(expiry, 1));
    assert.equal(text(await h.form(yearly), 'expiredate'), addMonths(expiry, 12));
    assert.equal(text(await h.form(free), 'status'), '3', 'a 100 % discount is never renewed automatically');
    assert.equal(text(await h.form(none), 'status'), '3');
    const auto = (await h.ledger()).filter((r) => text(r, 'kind') === 'autoprolong');
    assert.deepEqual(
      auto.map((r) => [Number(text(r, 'licence')), text(r, 'amount')]),
      [
        [absent, '6'],
        [monthly, '6'],
        [yearly, '60'],
      ],
    );
    assert.equal(await h.balance(), balance - 72);
  });

  test('an automatic renewal the balance does not cover suspends the licence instead', async () => {
    const id = await h.order({ ...PRO6, ip: '10.1.5.1', autoprolong: '1' });
    await h.admin('balance.set', { amount: '3' });
    try {
      await h.admin('clock.advance', { days: '32' });
      assert.equal(text(await h.form(id), 'status'), '3');
      assert.deepEqual(await kinds(id), ['order']);
    } finally {
      await h.admin('balance.set', { amount: '5000' });
    }
  });
});

function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
}
