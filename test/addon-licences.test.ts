import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { addServerWithAddon, seedAddonSetup } from './helpers/addon-fixture.js';
import { itemParams, itemRow } from './helpers/billing-fixture.js';
import { type Harness, ROOT, startHarness } from './helpers/harness.js';

const WIKI_CONF = readFileSync(join(ROOT, 'test/fixtures/wiki-cpbillmgr.conf'), 'utf8');

let ipCounter = 0;
const nextIp = () => {
  ipCounter += 1;
  return `203.0.${100 + Math.floor(ipCounter / 200)}.${(ipCounter % 200) + 1}`;
};

async function checkevent(h: Harness, env: Record<string, string> = {}): Promise<string> {
  const run = await h.cpbillmgr(['checkevent'], env);
  return run.stdout + run.stderr;
}

/** The module's calendar moved by `days`, as the sandbox's clock is. */
const movedDays = (days: number) => ({ CPBILLMGR_CLOCK_OFFSET_SECONDS: String(days * 86_400) });

describe("add-on licences with the wiki's example cpbillmgr.conf, upstream on BILLmanager 4", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ api: 4, balance: 1e6, confs: { 'cpbillmgr.conf': WIKI_CONF } });
    await seedAddonSetup(h.knex);
  });
  after(async () => {
    await h.close();
  });

  test('When checkevent runs for every period × add-on, then the wiki mapping is bought, named after the server, on its IP', async () => {
    const expected: Record<string, Record<number, [pkg: string, period: string]>> = {
      Lite: { 1: ['7', '8'], 3: ['7', '9'], 6: ['7', '9'], 12: ['7', '9'] },
      Prof: { 1: ['11', '16'], 3: ['11', '17'], 6: ['11', '17'], 12: ['11', '17'] },
      ipmgr: { 1: ['2891', '1815'], 3: ['2891', '1817'], 6: ['2891', '1817'], 12: ['2891', '1817'] },
    };
    const servers: Array<{ main: number; addon: number; ip: string; choice: string; months: number }> = [];
    for (const choice of ['Lite', 'Prof', 'ipmgr'] as const) {
      for (const months of [1, 3, 6, 12] as const) {
        const ip = nextIp();
        servers.push({ ...(await addServerWithAddon(h.knex, { tariff: 30, months, ip, choice })), ip, choice, months });
      }
    }
    const output = await checkevent(h);
    const licences = await h.licences();
    for (const server of servers) {
      const bought = licences.filter((l) => l.ip === server.ip);
      assert.equal(bought.length, 1, `${server.choice} ${server.months}m: ${output}`);
      const [pkg, period] = expected[server.choice]?.[server.months] ?? [];
      assert.equal(bought[0]?.package, pkg, `${server.choice} ${server.months}m package`);
      assert.equal(bought[0]?.period, period, `${server.choice} ${server.months}m period`);
      assert.equal(bought[0]?.licname, `Item #${server.main} addon vps${server.main}.example.com`);
      assert.equal((await itemParams(h.knex, server.addon)).licenseid, bought[0]?.id);
    }
    const again = (await h.ledger()).length;
    await checkevent(h);
    assert.equal((await h.ledger()).length, again, 'a second pass buys nothing');
  });

  test('When the server is behind VDSmanager, then the licence waits for the server to be active', async () => {
    const ip = nextIp();
    const { main, addon } = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip, choice: 'Lite', status: 5 });
    await checkevent(h);
    assert.equal((await h.licences()).filter((l) => l.ip === ip).length, 0);
    await h.knex('item').where({ id: main }).update({ status: 2 });
    await checkevent(h);
    assert.equal((await h.licences()).filter((l) => l.ip === ip).length, 1);
    assert.ok((await itemParams(h.knex, addon)).licenseid);
  });

  test('When the server is behind VMmanager, then the licence is ordered as soon as it has an IP, while it is being set up', async () => {
    const { main } = await addServerWithAddon(h.knex, { tariff: 31, months: 1, ip: '', choice: 'Lite', status: 5 });
    await checkevent(h);
    const ip = nextIp();
    assert.equal((await h.licences()).filter((l) => l.licname?.startsWith(`Item #${main} `)).length, 0);
    await h.knex('item').where({ id: main }).update({ ip });
    await checkevent(h);
    assert.equal((await h.licences()).filter((l) => l.ip === ip).length, 1);
  });

  test('When the server is suspended, resumed and deleted, then the licence follows', async () => {
    const ip = nextIp();
    const { main, addon } = await addServerWithAddon(h.knex, { tariff: 30, months: 3, ip, choice: 'ipmgr' });
    await checkevent(h);
    const id = (await itemParams(h.knex, addon)).licenseid;
    const status = async () => (await h.licences()).find((l) => l.id === id)?.status;
    await h.knex('item').where({ id: main }).update({ status: 3 });
    await checkevent(h);
    assert.equal(await status(), '3');
    assert.equal((await itemRow(h.knex, addon)).status, 3);
    await h.knex('item').where({ id: main }).update({ status: 2 });
    await checkevent(h);
    assert.equal(await status(), '2');
    await h.knex('item').where({ id: main }).update({ status: 4 });
    await checkevent(h);
    assert.equal(await status(), '4');
    assert.equal((await itemRow(h.knex, addon)).status, 4);
  });

  test("When the server's IP changes, then the licence moves to the new IP", async () => {
    const ip = nextIp();
    const { main, addon } = await addServerWithAddon(h.knex, { tariff: 30, months: 12, ip, choice: 'Prof' });
    await checkevent(h);
    const moved = nextIp();
    await h.knex('item').where({ id: main }).update({ ip: moved });
    await checkevent(h);
    const id = (await itemParams(h.knex, addon)).licenseid;
    assert.equal((await h.licences()).find((l) => l.id === id)?.ip, moved);
  });

  test('When a boolean add-on is switched off, then no licence is bought for it', async () => {
    const ip = nextIp();
    const { addon } = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip, choice: 'ipmgr' });
    await h.knex('item').where({ id: addon }).update({ boolvalue: 'off' });
    await checkevent(h);
    assert.equal((await h.licences()).filter((l) => l.ip === ip).length, 0);
  });
});

describe('renewal of a 1-month licence under a yearly server (cpbillmgr5.conf, upstream on BILLmanager 5+)', () => {
  let h: Harness;
  before(async () => {
    // 12-month servers get 1-month ispmanager 6 Lite licences (row 955227001 = 1 month of package 55227).
    h = await startHarness({
      api: 5,
      balance: 1e6,
      sales: 'today',
      confs: { 'cpbillmgr5.conf': 'Period 13 955227001 55227\n' },
    });
    await seedAddonSetup(h.knex);
  });
  after(async () => {
    await h.close();
  });

  test('When the month is over and the server is active, then the licence is renewed; after cancellation it is not', async () => {
    const ip = nextIp();
    const { main, addon } = await addServerWithAddon(h.knex, { tariff: 30, months: 12, ip, choice: 'Lite' });
    await checkevent(h);
    const id = (await itemParams(h.knex, addon)).licenseid;
    const licence = async () => (await h.licences()).find((l) => l.id === id);
    assert.equal((await licence())?.package, '55227', "Lite means ispmanager 6 Lite on today's upstream");
    const firstExpiry = (await licence())?.expiredate ?? '';
    const months = (Date.parse(firstExpiry) - Date.now()) / (30 * 86_400_000);
    assert.ok(months > 0.9 && months < 1.1, `a 1-month licence, expires ${firstExpiry}`);

    // One day before the licence expires, with the server active: renewed ahead, never suspended.
    await h.admin('clock.advance', { days: 30 });
    const output = await checkevent(h, movedDays(30));
    const renewed = await licence();
    assert.equal(renewed?.status, '2', output);
    assert.ok((renewed?.expiredate ?? '') > firstExpiry);
    assert.equal((await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong').length, 1);

    const again = await checkevent(h, movedDays(30));
    assert.equal(
      (await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong').length,
      1,
      `a second pass the same day renews nothing: ${again}`,
    );

    await h.knex('item').where({ id: main }).update({ status: 4 });
    await checkevent(h, movedDays(30));
    await h.admin('clock.advance', { days: 32 });
    await checkevent(h, movedDays(62));
    assert.equal(
      (await h.ledger()).filter((c) => c.licence === id && c.kind === 'prolong').length,
      1,
      'no renewal after cancellation',
    );
    assert.equal((await licence())?.status, '4');
  });
});
