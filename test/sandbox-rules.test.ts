import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UpstreamError } from '../src/errors/upstream-error.js';
import { childrenOf, textOf } from '../src/upstream/xml/parse-doc.js';
import { type Harness, ORDER, row, startHarness } from './sandbox-harness.js';

const rejectsWith = (type: string, object?: string) => (e: unknown) =>
  e instanceof UpstreamError && e.upstreamType === type && (object === undefined || e.object === object);

describe('sandbox: the upstream rules', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ accounts: [{ username: 'reseller', password: 'secret', balance: 5000 }] });
  });
  after(() => h.close());

  test('one trial per IP and product line, ever, even after the trial is deleted', async () => {
    const client = h.client();
    const id = await client.order({ ...row(7), ...ORDER, ip: '10.1.0.1' });
    await client.delete(id);
    await assert.rejects(client.order({ ...row(7), ...ORDER, ip: '10.1.0.1' }), rejectsWith('exists', 'trial'));
    await assert.rejects(client.checkIp(row(15).pkg, row(15).period, '10.1.0.1'), rejectsWith('exists', 'trial'));
    await client.order({ ...row(1814), ...ORDER, ip: '10.1.0.1' });
  });

  test('a non-lifetime Pro blocks a Lite on its IP with the FAQ message; the check runs on checkip too', async () => {
    const client = h.client();
    await client.order({ ...row(16), ...ORDER, ip: '10.1.0.2' });
    const err = await client.order({ ...row(8), ...ORDER, ip: '10.1.0.2' }).catch((e: unknown) => e);
    assert.ok(err instanceof UpstreamError);
    assert.equal(err.upstreamType, 'exists');
    assert.equal(err.object, 'ip');
    assert.equal(err.type, 'ip_taken');
    assert.equal(err.message, 'The license with this IP address already exists');
    await assert.rejects(client.checkIp(row(8).pkg, row(8).period, '10.1.0.2'), rejectsWith('exists', 'ip'));
    await assert.rejects(
      h.client({ api: 4 }).checkIp(row(8).pkg, row(8).period, '10.1.0.2'),
      rejectsWith('exists', 'ip'),
    );
    await client.checkIp(row(1815).pkg, row(1815).period, '10.1.0.2');
  });

  test('a lifetime Pro blocks a Lite only for its first three months; deleted licences never block', async () => {
    const client = h.client();
    await client.order({ ...row(17), ...ORDER, ip: '10.1.0.3' });
    const lite = await client.order({ ...row(8), ...ORDER, ip: '10.1.0.4' });
    await assert.rejects(client.order({ ...row(8), ...ORDER, ip: '10.1.0.3' }), rejectsWith('exists', 'ip'));
    await client.delete(lite);
    await client.checkIp(row(16).pkg, row(16).period, '10.1.0.4');
    await h.admin('clock.advance', { days: '80' });
    await assert.rejects(client.checkIp(row(8).pkg, row(8).period, '10.1.0.3'), rejectsWith('exists', 'ip'));
    await h.admin('clock.advance', { days: '15' });
    await client.order({ ...row(8), ...ORDER, ip: '10.1.0.3' });
  });

  test('insufficient balance: type balance, no licence created, nothing charged', async () => {
    const client = h.client();
    await h.admin('balance.set', { amount: '5' });
    const before = (await client.list()).length;
    const ledgerBefore = childrenOf(await h.admin('ledger'), 'elem').length;
    const err = await client.order({ ...row(16), ...ORDER, ip: '10.1.0.5' }).catch((e: unknown) => e);
    assert.ok(err instanceof UpstreamError && err.type === 'balance' && err.upstreamType === 'balance');
    assert.equal((await client.list()).length, before);
    assert.equal(childrenOf(await h.admin('ledger'), 'elem').length, ledgerBefore);
    assert.equal(await client.balance(), 5);
    const bm4 = h.client({ api: 4 }).order({ ...row(16), ...ORDER, ip: '10.1.0.5' });
    await assert.rejects(bm4, rejectsWith('balance'));
    await h.admin('balance.set', { amount: '5000' });
  });

  test('the IP changes once a month; the order IP is not a change, pool moves are', async () => {
    const client = h.client();
    const id = await client.order({ ...row(8), ...ORDER, ip: '10.1.0.6' });
    await client.edit(id, { ip: '10.1.0.7', licname: 'renamed' });
    assert.equal((await client.form(id)).ip, '10.1.0.7');
    await assert.rejects(client.edit(id, { ip: '0.0.0.0', licname: 'free.lic' }), rejectsWith('ipchange_limit'));
    await assert.rejects(
      h.client({ api: 4 }).edit(id, { ip: '10.1.0.8', licname: 'x' }),
      rejectsWith('ipchange_limit', 'ip'),
    );
    await client.edit(id, { licname: 'same ip is no change', ip: '10.1.0.7' });
    const key = await client.newKey(id);
    assert.match(key, new RegExp(`^${id}-`));
    assert.equal((await client.form(id)).lickey, key);
    await assert.rejects(client.newKey(id), rejectsWith('keychange_limit'));
    await h.admin('clock.advance', { days: '32' });
    await client.prolong(id, row(8).period);
    await client.edit(id, { ip: '0.0.0.0', licname: 'free.lic' });
    await assert.rejects(client.edit(id, { ip: '10.1.0.9', licname: 'x' }), rejectsWith('ipchange_limit'));
  });

  test('an IP change onto a licensed IP is refused like an order', async () => {
    const client = h.client();
    await client.order({ ...row(8), ...ORDER, ip: '10.1.1.1' });
    const other = await client.order({ ...row(8), ...ORDER, ip: '10.1.1.2' });
    await assert.rejects(client.edit(other, { ip: '10.1.1.1', licname: 'x' }), rejectsWith('exists', 'ip'));
  });

  test('prolong: from the old expiry when active, from today when suspended (and resumes); trials refuse', async () => {
    const client = h.client();
    const id = await client.order({ ...row(16), ...ORDER, ip: '10.1.2.1' });
    const first = (await client.form(id)).expiredate;
    const extended = await client.prolong(id, row(16).period);
    assert.equal(extended, addMonths(first, 1));
    await client.suspend(id);
    const today = textOf(await h.admin('clock'), 'today');
    assert.equal(await client.prolong(id, row(16).period), addMonths(today, 1));
    assert.equal((await client.form(id)).status, 2);
    const ledger = childrenOf(await h.admin('ledger'), 'elem').filter((r) => textOf(r, 'licence') === String(id));
    assert.deepEqual(
      ledger.map((r) => textOf(r, 'kind')),
      ['order', 'prolong', 'prolong'],
    );
    const trial = await client.order({ ...row(10), ...ORDER, ip: '10.1.2.2' });
    await assert.rejects(client.prolong(trial, row(900091).period), rejectsWith('status', 'period'));
  });

  test('expiry: suspended at the expiry date, resume refused, deleted 30 days later, then no action', async () => {
    const client = h.client();
    const id = await client.order({ ...row(8), ...ORDER, ip: '10.1.3.1' });
    await h.admin('clock.advance', { days: '32' });
    assert.equal((await client.form(id)).status, 3);
    await assert.rejects(client.resume(id), rejectsWith('status', 'expiredate'));
    await h.admin('clock.advance', { days: '30' });
    assert.equal((await client.form(id)).status, 4);
    await assert.rejects(client.resume(id), rejectsWith('status'));
    await assert.rejects(client.prolong(id, row(8).period), rejectsWith('status'));
    await client.checkIp(row(8).pkg, row(8).period, '10.1.3.1');
  });

  test('autoprolong renews at expiry from the balance, but never at a 100 % discount', async () => {
    const order = (ip: string) =>
      h.raw({
        func: 'soft.order.param',
        pricelist: '11',
        period: '1',
        ip,
        sok: 'ok',
        skipbasket: 'on',
        clicked_button: 'finish',
        autoprolong: '1',
      });
    const renewed = Number(textOf((await order('10.1.4.1')).doc, 'id'));
    const free = Number(textOf((await order('10.1.4.2')).doc, 'id'));
    await h.admin('discount.set', { elid: String(free), percent: '100' });
    await h.admin('clock.advance', { days: '32' });
    const client = h.client();
    assert.equal((await client.form(renewed)).status, 2);
    assert.equal((await client.form(free)).status, 3);
    const ledger = childrenOf(await h.admin('ledger'), 'elem');
    const auto = ledger.filter((r) => textOf(r, 'kind') === 'autoprolong');
    assert.deepEqual(
      auto.map((r) => textOf(r, 'licence')),
      [String(renewed)],
    );
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
