import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDON, addServerWithAddon, seedAddonSetup } from './helpers/addon-fixture.js';
import { addLicenceItem, itemParams, itemRow, P, PRO } from './helpers/billing-fixture.js';
import { type Harness, parseDoc, startHarness } from './helpers/harness.js';
import { licence, parkedToday, pooledLicence } from './helpers/upstream-fixture.js';

const CONF = `Option ReUseLicense\nReusePrice 10\nReusePrice ${ADDON.enumOf[30]}\n`;

describe('the free.lic pool: new orders take a parked licence instead of buying (MariaDB, sandbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ confs: { 'cpbillmgr5.conf': CONF } });
    await seedAddonSetup(h.knex);
  });
  after(async () => {
    await h.close();
  });

  const onIp = async (ip: string) => (await h.licences()).filter((l) => l.ip === ip && l.status !== '4');

  test('When an item with its own licence is prolonged, then its licence is renewed and the pool licence is left for the next new order', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.10' });
    assert.ok('ok' in (await h.http('open', { elid: item })).doc);
    const own = (await itemParams(h.knex, item)).licenseid as string;
    const parked = await pooledLicence(h, 5, 12);
    const before = await h.ledger();
    const { doc } = await h.http('prolong', { elid: item, runningoperation: 501 });
    assert.ok('ok' in doc, JSON.stringify(doc));
    const charges = (await h.ledger()).slice(before.length);
    assert.deepEqual(
      charges.map((c) => [c.licence, c.kind]),
      [[own, 'prolong']],
    );
    assert.equal((await itemParams(h.knex, item)).licenseid, own);
    const pool = await licence(h, parked);
    assert.deepEqual([pool.ip, pool.licname, pool.status], ['0.0.0.0', 'free.lic', '3']);
    // The same licence serves the next new order: only renewals leave the pool alone.
    const next = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.18' });
    assert.ok('ok' in (await h.http('open', { elid: next })).doc);
    assert.equal((await itemParams(h.knex, next)).licenseid, parked);
  });

  test('When a Lite item is opened and the pool holds a Lite licence, then it is moved to the item with a new key and resumed, and nothing is bought', async () => {
    const parkedId = await pooledLicence(h, 5, 1);
    const parked = await licence(h, parkedId);
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.11', name: 'reuse.example.com' });
    const before = await h.ledger();
    const { doc } = await h.http('open', { elid: item });
    assert.ok('ok' in doc, JSON.stringify(doc));
    assert.equal((await h.ledger()).length, before.length, 'no charge');
    const taken = await licence(h, parkedId);
    assert.equal(taken.ip, '192.0.2.11');
    assert.equal(taken.licname, 'reuse.example.com');
    assert.equal(taken.status, '2');
    assert.notEqual(taken.lickey, parked.lickey, 'a new key');
    const params = await itemParams(h.knex, item);
    assert.equal(params.licenseid, parkedId);
    assert.equal(params.lickey, taken.lickey);
    assert.equal((await itemRow(h.knex, item)).status, 2);
    assert.equal((await onIp('192.0.2.11')).length, 1);
    const info = await h.http('license.info', { elid: item });
    assert.match(JSON.stringify(info.doc), /taken from the pool/);
  });

  test('When several pool licences fit, then the one with the most paid time among those allowed to move is taken', async () => {
    const movedToday = await parkedToday(h, 5, 12, '192.0.2.99');
    const quarter = await pooledLicence(h, 5, 3);
    const month = await pooledLicence(h, 5, 1);
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.12' });
    const before = (await h.ledger()).length;
    assert.ok('ok' in (await h.http('open', { elid: item })).doc);
    assert.equal((await itemParams(h.knex, item)).licenseid, quarter);
    assert.equal((await h.ledger()).length, before);
    // Moved to the pool today: the upstream allows one IP change a month, so it is skipped despite its year.
    assert.equal((await licence(h, movedToday)).ip, '0.0.0.0');
    assert.equal((await licence(h, month)).ip, '0.0.0.0');

    const report = await h.cpbillmgr(['pool', '--json']);
    assert.equal(report.code, 0, report.stderr);
    const entries = JSON.parse(report.stdout).entries as Array<Record<string, unknown>>;
    const year = entries.find((e) => String(e.licenceId) === movedToday);
    const monthly = entries.find((e) => String(e.licenceId) === month);
    assert.ok(year && monthly, report.stdout);
    assert.equal(year.packageId, 5);
    assert.ok(Number(year.daysLeft) > 300);
    assert.match(String(year.nextMove), /^\d{4}-\d{2}-\d{2}$/, 'moved today: may move again next month');
    assert.equal(monthly.nextMove, '', 'never moved: may move now');
    assert.ok(entries.indexOf(year) < entries.indexOf(monthly), 'most paid time first');
    const table = await h.cpbillmgr(['pool']);
    assert.match(table.stdout, new RegExp(`${month}\\s+5 ISPmanager Lite.*now`));
  });

  test('When the tariff has no ReusePrice line, then its order buys a new licence even though the pool has one of its package', async () => {
    const parkedPro = await pooledLicence(h, 9, 1);
    const item = await addLicenceItem(h.knex, { period: P.proMonth, pricelist: PRO, ip: '192.0.2.13' });
    const before = await h.ledger();
    assert.ok('ok' in (await h.http('open', { elid: item })).doc);
    const bought = (await itemParams(h.knex, item)).licenseid;
    assert.notEqual(bought, parkedPro);
    const charges = (await h.ledger()).slice(before.length);
    assert.deepEqual(
      charges.map((c) => [c.licence, c.kind]),
      [[bought, 'order']],
    );
    assert.equal((await licence(h, parkedPro)).ip, '0.0.0.0');
    // The Lite tariff has its ReusePrice line: its order takes the movable Lite licence left in the pool.
    const [movable] = (await h.licences()).filter(
      (l) => l.licname === 'free.lic' && l.package === '5' && l.ip_change_date === '',
    );
    assert.ok(movable);
    const lite = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.19' });
    const ledger = (await h.ledger()).length;
    assert.ok('ok' in (await h.http('open', { elid: lite })).doc);
    assert.equal((await itemParams(h.knex, lite)).licenseid, movable.id);
    assert.equal((await h.ledger()).length, ledger);
  });

  test('When a licence add-on is ordered by checkevent and the pool holds its package, then the pool licence is named after the server and moved to its IP, and nothing is bought', async () => {
    const parked = await pooledLicence(h, 55227, 1);
    const before = await licence(h, parked);
    const { main, addon } = await addServerWithAddon(h.knex, {
      tariff: 30,
      months: 1,
      ip: '192.0.2.14',
      choice: 'Lite',
    });
    const ledger = (await h.ledger()).length;
    const run = await h.cpbillmgr(['checkevent']);
    assert.doesNotMatch(run.stdout, /problem: add-on/, run.stdout);
    const taken = await licence(h, parked);
    assert.equal(taken.ip, '192.0.2.14');
    assert.equal(taken.licname, `Item #${main} addon vps${main}.example.com`);
    assert.equal(taken.status, '2');
    assert.notEqual(taken.lickey, before.lickey);
    assert.equal((await itemParams(h.knex, addon)).licenseid, parked);
    assert.equal((await h.ledger()).length, ledger, 'no charge');
  });

  test('When the process dies right after moving a pool licence, then the next open records that licence and buys nothing', async () => {
    const parked = await pooledLicence(h, 5, 12);
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.15', name: 'crash.example.com' });
    const ledger = (await h.ledger()).length;
    const crashed = await h.cli(['--command', 'open', '--item', String(item)], { CPBILLMGR_FAULT: 'after-pool-move' });
    assert.equal(crashed.code, 70, crashed.stdout + crashed.stderr);
    assert.equal((await licence(h, parked)).ip, '192.0.2.15', 'moved before the crash');
    assert.equal((await itemParams(h.knex, item)).licenseid, undefined, 'not recorded');

    const retry = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.equal((await itemParams(h.knex, item)).licenseid, parked);
    assert.equal((await licence(h, parked)).status, '2');
    assert.equal((await h.ledger()).length, ledger, 'nothing bought');
    assert.equal((await onIp('192.0.2.15')).length, 1, 'one licence in use');
    const info = parseDoc((await h.cli(['--command', 'license.info', '--item', String(item)])).stdout);
    assert.match(JSON.stringify(info), /found on the item after an unanswered take/);
  });

  test('When the process dies after moving a pool licence and checkevent runs next, then checkevent records it and opens the item', async () => {
    const parked = await pooledLicence(h, 5, 12);
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.16' });
    const ledger = (await h.ledger()).length;
    const crashed = await h.cli(['--command', 'open', '--item', String(item)], { CPBILLMGR_FAULT: 'after-pool-move' });
    assert.equal(crashed.code, 70);
    const check = await h.cpbillmgr(['checkevent']);
    assert.match(check.stdout, /settled 1/, check.stdout + check.stderr);
    assert.equal((await itemParams(h.knex, item)).licenseid, parked);
    assert.equal((await itemRow(h.knex, item)).status, 2);
    assert.equal((await licence(h, parked)).status, '2');
    assert.equal((await h.ledger()).length, ledger);
    assert.equal((await onIp('192.0.2.16')).length, 1);
  });

  test('When the process dies after claiming a pool licence but before moving it, then a retry waits out the order window, then takes it and buys nothing', async () => {
    const parked = await pooledLicence(h, 5, 12);
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.17' });
    const ledger = (await h.ledger()).length;
    const crashed = await h.cli(['--command', 'open', '--item', String(item)], { CPBILLMGR_FAULT: 'after-pool-claim' });
    assert.equal(crashed.code, 70);
    assert.equal((await licence(h, parked)).ip, '0.0.0.0', 'still in the pool');
    // A move may still be on its way: within the order window nothing else is taken or bought.
    const early = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.match(early.stdout, /type="in_progress"/, early.stdout);
    assert.equal((await h.ledger()).length, ledger);
    // After it (2 s here), the unmoved claim is settled as not having happened and the licence is taken.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const retry = await h.cli(['--command', 'open', '--item', String(item)], {
      CPBILLMGR_ORDER_WINDOW_SECONDS: '2',
      CPBILLMGR_UPSTREAM_TIMEOUT_MS: '500',
    });
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.equal((await itemParams(h.knex, item)).licenseid, parked);
    assert.equal((await h.ledger()).length, ledger);
    const info = parseDoc((await h.cli(['--command', 'license.info', '--item', String(item)])).stdout);
    const states = JSON.stringify(info);
    assert.match(states, /the take did not happen/, 'the first intent settled as failed');
  });
});
