import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { addServerWithAddon, seedAddonSetup } from './helpers/addon-fixture.js';
import { addLicenceItem, itemParams, itemRow, LITE, P } from './helpers/billing-fixture.js';
import { type Harness, ROOT, startHarness } from './helpers/harness.js';
import { orderDirect, upstreamCall } from './helpers/upstream-direct.js';

const WIKI_CONF = readFileSync(join(ROOT, 'test/fixtures/wiki-cpbillmgr.conf'), 'utf8');
const movedDays = (days: number) => ({ CPBILLMGR_CLOCK_OFFSET_SECONDS: String(days * 86_400) });

async function checkevent(h: Harness, env: Record<string, string> = {}) {
  const run = await h.cpbillmgr(['checkevent'], env);
  return { ...run, output: run.stdout + run.stderr };
}

describe('reconciliation never fights the billing: status 4 is final, deleted add-ons lose their licence', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      confs: { 'cpbillmgr5.conf': `Option ReUseLicense\nReusePrice ${LITE}\n` },
    });
  });
  after(async () => {
    await h.close();
  });

  test('When a licence was parked in the pool by close, then checkevent leaves the deleted item deleted', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.18.0.1' });
    assert.ok('ok' in (await h.http('open', { elid: item })).doc);
    assert.ok('ok' in (await h.http('close', { elid: item })).doc);
    const licenseid = String((await itemParams(h.knex, item)).licenseid);
    const parked = (await h.licences()).find((l) => l.id === licenseid);
    assert.equal(parked?.status, '3', 'suspended in the pool');
    assert.equal(parked?.licname, 'free.lic');
    assert.equal((await itemRow(h.knex, item)).status, 4);
    const run = await checkevent(h);
    assert.equal(run.code, 0, run.output);
    assert.equal((await itemRow(h.knex, item)).status, 4, 'not turned into suspended');
  });

  test('When a standalone item is deleted in the billing while its licence lives, then checkevent reports it and changes nothing', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.18.0.2' });
    assert.ok('ok' in (await h.http('open', { elid: item })).doc);
    await h.knex('item').where({ id: item }).update({ status: 4 });
    const before = await itemRow(h.knex, item);
    const run = await checkevent(h);
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, new RegExp(`item #${item} is deleted in the billing but its licence #\\d+ is still live`));
    assert.deepEqual(await itemRow(h.knex, item), before);
    const licence = (await h.licences()).find((l) => l.ip === '198.18.0.2');
    assert.equal(licence?.status, '2', 'a standalone licence is never deleted behind BILLmanager');
  });

  test('When a licence named like our add-ons is upstream and no item holds it, then checkevent reports it with its monthly cost', async () => {
    const id = await orderDirect(h, {
      pricelist: 5,
      period: 1,
      ip: '198.18.0.3',
      licname: 'Item #424242 addon ghost.example.com',
    });
    const run = await checkevent(h);
    assert.equal(run.code, 1, run.output);
    assert.match(
      run.output,
      new RegExp(
        `licence #${id} \\(Item #424242 addon ghost.example.com, 198.18.0.3\\) looks like ours but no item holds it`,
      ),
    );
    assert.match(run.output, /costs about \d+\.\d\d a month/);
    assert.match(run.output, /unheld 1|unheld licences 1/);
  });

  test('When the upstream deleted a licence and close is retried, then close succeeds and records it', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.18.0.4', pricelist: 11 });
    await h.knex('item').where({ id: item }).update({ period: P.proMonth });
    assert.ok('ok' in (await h.http('open', { elid: item })).doc);
    const id = (await itemParams(h.knex, item)).licenseid;
    // The first close deleted it upstream and died before recording anything.
    assert.equal((await upstreamCall(h, 'soft.delete', { elid: String(id), sok: 'ok' })).error, undefined);
    const retry = await h.cli(['--command', 'close', '--item', String(item)]);
    assert.equal(retry.code, 0, retry.stdout);
    assert.equal((await itemRow(h.knex, item)).status, 4);
    const info = await h.http('license.info', { elid: item });
    assert.equal(String(info.doc.status), '4', info.xml);
  });
});

describe('add-on licences under a live server, and concurrent checkevent runs', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ api: 4, balance: 1e6, confs: { 'cpbillmgr.conf': WIKI_CONF } });
    await seedAddonSetup(h.knex);
  });
  after(async () => {
    await h.close();
  });

  test('When the add-on is deleted while its server lives, then its licence is deleted upstream, the item stays deleted and nothing is renewed', async () => {
    const { main, addon } = await addServerWithAddon(h.knex, {
      tariff: 30,
      months: 1,
      ip: '198.18.1.1',
      choice: 'Lite',
    });
    await checkevent(h);
    const id = (await itemParams(h.knex, addon)).licenseid;
    assert.ok(id, 'licensed');
    await h.knex('item').where({ id: addon }).update({ status: 4 });
    const run = await checkevent(h);
    assert.equal(run.code, 0, run.output);
    assert.equal((await h.licences()).find((l) => l.id === id)?.status, '4');
    assert.equal((await itemRow(h.knex, addon)).status, 4, 'not set active again');
    assert.equal((await itemRow(h.knex, main)).status, 2);
    await h.admin('clock.advance', { days: 40 });
    await checkevent(h, movedDays(40));
    assert.equal((await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong').length, 0);
  });

  test('When two checkevent runs start at once, then one runs, the other says it is skipping, and a due licence is renewed once', async () => {
    const { addon } = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '198.18.1.2', choice: 'Lite' });
    await checkevent(h, movedDays(40));
    const id = (await itemParams(h.knex, addon)).licenseid;
    assert.ok(id);
    await h.admin('clock.advance', { days: 30 });
    // The first run to list hangs for the upstream timeout, so the two really overlap.
    await h.admin('fault.set', { mode: 'timeout', count: 1 });
    const runs = await Promise.all([checkevent(h, movedDays(70)), checkevent(h, movedDays(70))]);
    await h.admin('fault.clear');
    assert.equal(
      runs.filter((r) => /skipped: another checkevent is running/.test(r.output)).length,
      1,
      runs.map((r) => r.output).join('\n---\n'),
    );
    await checkevent(h, movedDays(70));
    await checkevent(h, movedDays(70));
    assert.equal((await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong').length, 1);
  });

  test('When resuming an add-on licence fails, then it is reported and retried, never renewed instead', async () => {
    const { main, addon } = await addServerWithAddon(h.knex, {
      tariff: 30,
      months: 1,
      ip: '198.18.1.3',
      choice: 'Lite',
    });
    await checkevent(h, movedDays(70));
    const id = (await itemParams(h.knex, addon)).licenseid;
    assert.ok(id);
    await h.knex('item').where({ id: main }).update({ status: 3 });
    await checkevent(h, movedDays(70));
    assert.equal((await h.licences()).find((l) => l.id === id)?.status, '3');
    await h.knex('item').where({ id: main }).update({ status: 2 });
    const renewalsBefore = (await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong').length;
    await h.admin('fault.set', { mode: 'error500', target: 'software.enable', count: 2 });
    const failed = await checkevent(h, movedDays(70));
    assert.match(failed.output, new RegExp(`add-on #${addon} \\(resume\\)`));
    await checkevent(h, movedDays(70));
    assert.equal(
      (await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong').length,
      renewalsBefore,
      'a failed resume never becomes a paid renewal',
    );
    await checkevent(h, movedDays(70));
    assert.equal((await h.licences()).find((l) => l.id === id)?.status, '2');
  });
});
