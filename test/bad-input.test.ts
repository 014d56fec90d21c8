import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addLicenceItem, FOREIGN_MODULE_ID, itemRow, P, setUpstream, VDS } from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';

describe('bad input gets a typed XML error and changes nothing', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ balance: 7 });
  });
  after(async () => {
    await h.close();
  });

  const unchanged = async (item: number, ledgerBefore: number) => {
    assert.equal((await itemRow(h.knex, item)).status, 1);
    assert.equal((await h.ledger()).length, ledgerBefore);
  };

  test('When the item does not exist, then notfound (HTTP and CLI)', async () => {
    const { status, doc } = await h.http('open', { elid: 999999 });
    assert.equal(status, 404);
    assert.equal(doc.error?.['@type'], 'notfound');
    const cli = await h.cli(['--command', 'open', '--item', '999999']);
    assert.equal(cli.code, 1);
    assert.match(cli.stdout, /<error type="notfound"/);
    assert.doesNotMatch(cli.stdout, /at .*\.js/);
  });

  test('When the item belongs to another module, then access', async () => {
    await h.knex('item').insert({
      id: 4242,
      account: 1,
      name: 'vps',
      pricelist: VDS,
      processingmodule: FOREIGN_MODULE_ID,
      period: null,
      status: 2,
      ip: '192.0.2.1',
    });
    const { doc } = await h.http('suspend', { elid: 4242 });
    assert.equal(doc.error?.['@type'], 'access');
    assert.equal((await itemRow(h.knex, 4242)).status, 2);
  });

  test('When elid is missing or not a number, then missed / value', async () => {
    assert.equal((await h.http('open')).doc.error?.['@type'], 'missed');
    assert.equal((await h.http('open', { elid: 'abc' })).doc.error?.['@type'], 'value');
    const cli = await h.cli(['--command', 'open']);
    assert.equal(cli.code, 1);
    assert.match(cli.stdout, /type="missed" object="elid"/);
    assert.equal((await h.http('nonsense')).doc.error?.['@type'], 'value');
  });

  test('When the body is malformed, then value and nothing happens', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.50' });
    const { doc } = await h.http(
      'check_connection',
      {},
      { body: '<doc><processingmodule><url>', contentType: 'text/xml' },
    );
    assert.equal(doc.error?.['@type'], 'value');
    const bad = await h.cli(['--command', 'check_connection'], {}, '<doc><oops>');
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /type="value"/);
    await unchanged(item, (await h.ledger()).length);
  });

  test('When authentication is wrong or missing, then auth and nothing happens', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.51' });
    const before = (await h.ledger()).length;
    assert.equal((await h.http('open', { elid: item }, { auth: null })).status, 401);
    assert.equal((await h.http('open', { elid: item }, { auth: 'Bearer wrong' })).doc.error?.['@type'], 'auth');
    assert.equal(
      (await h.http('open', { elid: item, authinfo: 'cpbillmgr:wrong' }, { auth: null })).doc.error?.['@type'],
      'auth',
    );
    await unchanged(item, before);
  });

  test('When the upstream is down, then upstream error and the item is unchanged', async () => {
    const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.52' });
    const before = (await h.ledger()).length;
    await h.admin('fault.set', { mode: 'down', count: 1 });
    const { doc } = await h.http('open', { elid: item });
    await h.admin('fault.clear');
    assert.equal(doc.error?.['@type'], 'upstream');
    await unchanged(item, before);
  });

  test('When the upstream refuses (IP already licensed), then ip_taken and nothing is bought', async () => {
    const first = await addLicenceItem(h.knex, { period: P.trial, ip: '192.0.2.53' });
    assert.ok('ok' in (await h.http('open', { elid: first })).doc);
    const second = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.53' });
    const before = (await h.ledger()).length;
    const { doc } = await h.http('open', { elid: second });
    assert.equal(doc.error?.['@type'], 'ip_taken', JSON.stringify(doc));
    await unchanged(second, before);
  });

  test('When the reseller balance is too low, then balance and nothing is bought', async () => {
    const item = await addLicenceItem(h.knex, { period: P.year, ip: '192.0.2.54' });
    const before = (await h.ledger()).length;
    const { doc } = await h.http('open', { elid: item });
    assert.equal(doc.error?.['@type'], 'balance', JSON.stringify(doc));
    await unchanged(item, before);
    const info = await h.http('license.info', { elid: item });
    assert.match(JSON.stringify(info.doc), /failed/);
  });

  test('When the upstream password is wrong, then check_connection and open answer upstream_auth', async () => {
    await setUpstream(h.knex, `${h.sandboxUrl}/billmgr`, 'reseller', 'wrong');
    try {
      const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.55' });
      assert.equal((await h.http('open', { elid: item })).doc.error?.['@type'], 'upstream_auth');
      assert.equal((await h.http('check_connection', { module: 1 })).doc.error?.['@type'], 'upstream_auth');
    } finally {
      await setUpstream(h.knex, `${h.sandboxUrl}/billmgr`, 'reseller', 'secret');
    }
    const ok = await h.http('check_connection', { module: 1 });
    assert.ok('ok' in ok.doc, ok.xml);
  });
});
