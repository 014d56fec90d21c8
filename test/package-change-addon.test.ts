import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADDON, addServerWithAddon, seedAddonSetup } from './helpers/addon-fixture.js';
import { itemParams } from './helpers/billing-fixture.js';
import { type Harness, parseDoc, startHarness } from './helpers/harness.js';
import { confDir, days, licence, pooledLicence } from './helpers/upstream-fixture.js';

const USE_EXISTING = confDir('Option UseExistingOnUpgrade\n');
const PROF = ADDON.choices[40]?.Prof as number;

describe('an enumeration add-on switched from Lite to Pro, carried out by checkevent (api 5: Lite 55227, Prof 55228, ispmanager 6)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ balance: 10_000 });
    await seedAddonSetup(h.knex);
  });
  after(async () => {
    await h.close();
  });

  async function licensedLite(ip: string): Promise<{ main: number; addon: number; old: string }> {
    const server = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip, choice: 'Lite' });
    await h.cpbillmgr(['checkevent']);
    const old = (await itemParams(h.knex, server.addon)).licenseid as string;
    assert.equal((await licence(h, old)).package, '55227');
    await h.knex('item').where({ id: server.addon }).update({ enumerationitem: PROF });
    return { ...server, old };
  }

  const journal = async (item: number) =>
    (parseDoc((await h.cli(['--command', 'license.info', '--item', String(item)])).stdout).elem ?? []) as
      | Array<Record<string, string>>
      | Record<string, string>;
  const entries = async (item: number) => {
    const rows = await journal(item);
    return Array.isArray(rows) ? rows : [rows];
  };

  test('When no option is set, then checkevent changes the licence to the Pro package', async () => {
    const { addon, old } = await licensedLite('203.0.113.71');
    const ledger = (await h.ledger()).length;
    const run = await h.cpbillmgr(['checkevent']);
    assert.doesNotMatch(run.stdout, /problem: add-on/, run.stdout);
    assert.equal((await licence(h, old)).package, '55228');
    assert.equal((await itemParams(h.knex, addon)).licenseid, old);
    assert.deepEqual(
      (await h.ledger()).slice(ledger).map((c) => [c.licence, c.kind]),
      [[old, 'changepricelist']],
    );
    const again = (await h.ledger()).length;
    await h.cpbillmgr(['checkevent']);
    assert.equal((await h.ledger()).length, again, 'nothing more on the next pass');
  });

  test('When Option UseExistingOnUpgrade is set and the pool holds a Pro licence, then it takes over on the server and the Lite one is parked', async () => {
    const { main, addon, old } = await licensedLite('203.0.113.72');
    const parkedPro = await pooledLicence(h, 55228, 1);
    const ledger = (await h.ledger()).length;
    const run = await h.cpbillmgr(['checkevent'], { CPBILLMGR_ETC: USE_EXISTING });
    assert.doesNotMatch(run.stdout, /problem: add-on/, run.stdout);
    const pro = await licence(h, parkedPro);
    assert.equal(pro.ip, '203.0.113.72');
    assert.equal(pro.licname, `Item #${main} addon vps${main}.example.com`);
    assert.equal(pro.status, '2');
    assert.deepEqual([(await licence(h, old)).ip, (await licence(h, old)).licname], ['0.0.0.0', 'free.lic']);
    assert.equal((await itemParams(h.knex, addon)).licenseid, parkedPro);
    assert.equal((await h.ledger()).length, ledger);
  });

  test('When the upstream refuses the change, then it is reported once and not tried again on every pass', async () => {
    const { addon, old } = await licensedLite('203.0.113.73');
    await h.admin('balance.set', { amount: 1 });
    try {
      const first = await h.cpbillmgr(['checkevent']);
      assert.match(
        first.stdout,
        new RegExp(`add-on #${addon} \\(change\\): balance: .*Insufficient funds`),
        first.stdout,
      );
      const second = await h.cpbillmgr(['checkevent']);
      assert.doesNotMatch(second.stdout, new RegExp(`add-on #${addon}`), second.stdout);
      const changes = (await entries(addon)).filter((e) => e.action === 'change');
      assert.equal(changes.length, 1, 'tried once');
      assert.equal(changes[0]?.state, 'failed');
      assert.equal((await licence(h, old)).package, '55227', 'the Lite licence keeps working');
      assert.equal((await licence(h, old)).status, '2');
    } finally {
      await h.admin('balance.set', { amount: 10_000 });
      await h.knex('item').where({ id: addon }).update({ enumerationitem: ADDON.choices[40]?.Lite });
    }
  });

  test('When a due renewal is refused, then it is reported once and not retried on the next pass', async () => {
    const { addon } = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '203.0.113.74', choice: 'Lite' });
    await h.cpbillmgr(['checkevent']);
    const id = (await itemParams(h.knex, addon)).licenseid as string;
    await h.admin('balance.set', { amount: 1 });
    try {
      const first = await h.cpbillmgr(['checkevent'], days(31));
      assert.match(first.stdout, new RegExp(`add-on #${addon} \\(renew\\): balance`), first.stdout);
      const second = await h.cpbillmgr(['checkevent'], days(31));
      assert.doesNotMatch(second.stdout, new RegExp(`add-on #${addon}`), second.stdout);
      const renewals = (await entries(addon)).filter((e) => e.action === 'prolong');
      assert.equal(renewals.length, 1, 'one attempt');
      assert.equal((await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong').length, 0);
    } finally {
      await h.admin('balance.set', { amount: 10_000 });
    }
  });
});
