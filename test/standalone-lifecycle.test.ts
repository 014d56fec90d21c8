import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addLicenceItem, itemParams, itemRow, P } from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';

describe('standalone licence lifecycle over HTTP, on MariaDB with the sandbox', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test('When a 1-month Lite item is opened, then one licence of package 5 is bought for its IP and recorded on the item', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.51.100.10', name: 'shop.example.com' });
    const { status, doc } = await h.http('open', { elid: item });
    assert.equal(status, 200, JSON.stringify(doc));
    assert.ok('ok' in doc);
    const licences = (await h.licences()).filter((l) => l.ip === '198.51.100.10');
    assert.equal(licences.length, 1);
    const [licence] = licences;
    assert.equal(licence?.package, '5');
    assert.equal(licence?.licname, 'shop.example.com');
    const params = await itemParams(h.knex, item);
    assert.equal(params.licenseid, licence?.id);
    assert.ok(params.lickey && params.lickey.length > 8, 'lickey stored');
    const row = await itemRow(h.knex, item);
    assert.equal(row.status, 2);
    assert.equal(row.expiredate, licence?.expiredate);
    assert.ok(String(row.expiredate) > new Date().toISOString().slice(0, 10));
    const charges = (await h.ledger()).filter((c) => c.licence === licence?.id);
    assert.equal(charges.length, 1);
    assert.equal(charges[0]?.kind, 'order');
  });

  test('When a 14-day trial is opened, then the package trial period is ordered (period -100) and expires in 14 days', async () => {
    const item = await addLicenceItem(h.knex, { period: P.trial, ip: '198.51.100.11' });
    const { doc } = await h.http('open', { elid: item });
    assert.ok('ok' in doc, JSON.stringify(doc));
    const [licence] = (await h.licences()).filter((l) => l.ip === '198.51.100.11');
    assert.equal(licence?.period, '2', 'the trial row of package 5');
    const days = (Date.parse(String(licence?.expiredate)) - Date.parse(String(licence?.createdate))) / 86_400_000;
    assert.equal(days, 14);
    assert.equal((await itemRow(h.knex, item)).status, 2);
  });

  test('When a lifetime item is opened, then a lifetime licence is bought and the item gets no expiry', async () => {
    const item = await addLicenceItem(h.knex, { period: P.lifetime, ip: '198.51.100.12' });
    const { doc } = await h.http('open', { elid: item });
    assert.ok('ok' in doc, JSON.stringify(doc));
    const [licence] = (await h.licences()).filter((l) => l.ip === '198.51.100.12');
    assert.equal(licence?.expiredate ?? '', '');
    const row = await itemRow(h.knex, item);
    assert.equal(row.status, 2);
    assert.equal(row.expiredate, null);
  });

  test('When the local period has no upstream match, then open answers not_configured naming period and package, and buys nothing', async () => {
    const item = await addLicenceItem(h.knex, { period: P.halfYear, ip: '198.51.100.13' });
    const before = (await h.ledger()).length;
    const { doc } = await h.http('open', { elid: item });
    assert.equal(doc.error?.['@type'], 'not_configured');
    assert.match(doc.error?.msg ?? '', /6 months/);
    assert.match(doc.error?.msg ?? '', /package 5|ISPmanager Lite/);
    assert.equal((await h.ledger()).length, before);
    assert.equal((await itemRow(h.knex, item)).status, 1);
  });

  test('When an open item is suspended, resumed and closed, then the upstream licence and the item follow each step', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.51.100.14' });
    await h.http('open', { elid: item });
    const id = (await itemParams(h.knex, item)).licenseid;
    const upstreamStatus = async () => (await h.licences()).find((l) => l.id === id)?.status;

    assert.ok('ok' in (await h.http('suspend', { elid: item })).doc);
    assert.equal(await upstreamStatus(), '3');
    assert.equal((await itemRow(h.knex, item)).status, 3);

    assert.ok('ok' in (await h.http('resume', { elid: item })).doc);
    assert.equal(await upstreamStatus(), '2');
    assert.equal((await itemRow(h.knex, item)).status, 2);

    assert.ok('ok' in (await h.http('close', { elid: item })).doc);
    assert.equal(await upstreamStatus(), '4');
    assert.equal((await itemRow(h.knex, item)).status, 4);
  });

  test('When an item is prolonged, then the upstream licence is renewed for one period, charged once, and the new expiry is written', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.51.100.15' });
    await h.http('open', { elid: item });
    const id = (await itemParams(h.knex, item)).licenseid;
    const before = (await itemRow(h.knex, item)).expiredate as string;
    const { doc } = await h.http('prolong', { elid: item, runningoperation: 77 });
    assert.ok('ok' in doc, JSON.stringify(doc));
    const after = (await itemRow(h.knex, item)).expiredate as string;
    const expected = new Date(`${before}T00:00:00Z`);
    expected.setUTCMonth(expected.getUTCMonth() + 1);
    assert.equal(after, expected.toISOString().slice(0, 10));
    // The same running operation retried is answered from the journal, not renewed twice.
    await h.http('prolong', { elid: item, runningoperation: 77 });
    assert.equal((await itemRow(h.knex, item)).expiredate, after);
    const renewals = (await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong');
    assert.equal(renewals.length, 1);
  });

  test('When the item IP changes, then setparam moves the licence; a second move within a month is refused and changes nothing', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.51.100.16' });
    await h.http('open', { elid: item });
    const id = (await itemParams(h.knex, item)).licenseid;
    await h.knex('item').where({ id: item }).update({ ip: '198.51.100.17' });
    assert.ok('ok' in (await h.http('setparam', { elid: item })).doc);
    assert.equal((await h.licences()).find((l) => l.id === id)?.ip, '198.51.100.17');

    await h.knex('item').where({ id: item }).update({ ip: '198.51.100.18' });
    const { doc } = await h.http('setparam', { elid: item });
    assert.ok(doc.error, 'second change in a month refused');
    assert.equal((await h.licences()).find((l) => l.id === id)?.ip, '198.51.100.17');
  });

  test('When open is called again for an opened item, then nothing more is bought', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.51.100.20' });
    await h.http('open', { elid: item });
    const before = (await h.ledger()).length;
    const { doc } = await h.http('open', { elid: item });
    assert.ok('ok' in doc);
    assert.equal((await h.ledger()).length, before);
  });

  test('When license and license.info are asked, then they list the licence and its purchase journal', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.51.100.21' });
    await h.http('open', { elid: item });
    const list = await h.http('license');
    assert.ok(JSON.stringify(list.doc).includes('198.51.100.21'));
    const info = await h.http('license.info', { elid: item });
    assert.equal(info.doc.ip, '198.51.100.21');
    const journal = Array.isArray(info.doc.elem) ? info.doc.elem : [info.doc.elem];
    assert.equal((journal[0] as Record<string, string>).state, 'done');
  });
});
