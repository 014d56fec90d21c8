import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addServerWithAddon, seedAddonSetup } from './helpers/addon-fixture.js';
import { itemParams } from './helpers/billing-fixture.js';
import { type Harness, parseDoc, rows, startHarness } from './helpers/harness.js';
import { buyUpstream, confDir, licence } from './helpers/upstream-fixture.js';

const NO_FIX_SUSPENDED = confDir('Option NoFixSuspended\n');
const PLAIN = confDir('# defaults\n');

describe('cpbillmgr fixchilds: assign licences already on the account to servers, order the rest', () => {
  let h: Harness;
  let s1: { main: number; addon: number };
  let s2: { main: number; addon: number };
  let s3: { main: number; addon: number };
  let existing: string;
  before(async () => {
    h = await startHarness({ balance: 10_000 });
    await seedAddonSetup(h.knex);
    // Servers that had licences before the module: only S1's is on the account.
    s1 = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '198.18.0.1', choice: 'Lite' });
    s2 = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '198.18.0.2', choice: 'Lite' });
    s3 = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '198.18.0.3', choice: 'Lite', status: 3 });
    existing = await buyUpstream(h, { pricelist: 55227, period: 1, ip: '198.18.0.1', licname: 'bought by hand' });
  });
  after(async () => {
    await h.close();
  });

  /** Every table of the billing database, and the upstream's licences and ledger. */
  async function snapshot(): Promise<string> {
    const [tables] = (await h.knex.raw('SHOW TABLES')) as [Array<Record<string, string>>];
    const db: Record<string, unknown> = {};
    for (const row of tables) {
      const name = Object.values(row)[0] as string;
      db[name] = await h.knex(name).select('*').orderByRaw('1');
    }
    return JSON.stringify({ db, licences: await h.licences(), ledger: await h.ledger() });
  }

  test('When run with --dry-run, then it prints adopt / order / skip with reasons and cost, and changes nothing anywhere', async () => {
    const before = await snapshot();
    const run = await h.cpbillmgr(['fixchilds', '--dry-run'], { CPBILLMGR_ETC: NO_FIX_SUSPENDED });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`adopt  server #${s1.main} \\(198\\.18\\.0\\.1\\) add-on Lite ← licence #${existing}`),
    );
    assert.match(
      run.stdout,
      new RegExp(
        `order  server #${s2.main} \\(198\\.18\\.0\\.2\\).*package 55227 'ispmanager 6 Lite', 1 month, 6\\.00`,
      ),
    );
    assert.match(run.stdout, new RegExp(`skip   server #${s3.main} .*suspended \\(Option NoFixSuspended\\)`));
    assert.match(run.stdout, /plan \(dry run, nothing changed\): adopt 1, order 1 \(cost 6\.00\), skip 1/);
    const json = JSON.parse(
      (await h.cpbillmgr(['fixchilds', '--dry-run', '--json'], { CPBILLMGR_ETC: NO_FIX_SUSPENDED })).stdout,
    );
    assert.deepEqual(
      json.steps.map((s: { action: string; server: number }) => [s.action, s.server]),
      [
        ['skip', s3.main],
        ['adopt', s1.main],
        ['order', s2.main],
      ],
    );
    const http = await h.http('fixchilds', { dryrun: 'on' });
    assert.ok('ok' in http.doc, http.xml);
    // The served module has no NoFixSuspended: the suspended server is planned as an order too.
    assert.equal(http.doc.order, '2');
    assert.equal(http.doc.adopt, '1');
    assert.equal(await snapshot(), before, 'no database or upstream change');
  });

  test('When run, then the licence on the same IP with the same package is assigned without a purchase, the rest is ordered, and suspended servers are skipped with NoFixSuspended', async () => {
    const ledger = await h.ledger();
    const run = await h.cpbillmgr(['fixchilds'], { CPBILLMGR_ETC: NO_FIX_SUSPENDED });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /done: adopted 1\/1, ordered 1\/1, skipped 1, failed 0/);
    assert.equal((await itemParams(h.knex, s1.addon)).licenseid, existing);
    assert.ok((await itemParams(h.knex, s1.addon)).lickey);
    assert.equal((await licence(h, existing)).licname, 'bought by hand', 'assigned as it is');
    const ordered = (await itemParams(h.knex, s2.addon)).licenseid as string;
    assert.equal((await licence(h, ordered)).ip, '198.18.0.2');
    assert.deepEqual(
      (await h.ledger()).slice(ledger.length).map((c) => [c.licence, c.kind]),
      [[ordered, 'order']],
      'one purchase, for S2 only',
    );
    assert.equal((await itemParams(h.knex, s3.addon)).licenseid, undefined);
    const info = parseDoc((await h.cli(['--command', 'license.info', '--item', String(s1.addon)])).stdout);
    assert.match(JSON.stringify(info), /assigned by fixchilds/);
  });

  test('When run without NoFixSuspended, then the suspended server gets its licence; licensed ones are left alone', async () => {
    const ledger = (await h.ledger()).length;
    const run = await h.cpbillmgr(['fixchilds'], { CPBILLMGR_ETC: PLAIN });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /done: adopted 0\/0, ordered 1\/1, skipped 0, failed 0/);
    const bought = (await itemParams(h.knex, s3.addon)).licenseid as string;
    assert.equal((await licence(h, bought)).ip, '198.18.0.3');
    assert.equal((await h.ledger()).length, ledger + 1);
  });

  test('When an order fails, then the run goes on, says why, and exits non-zero', async () => {
    const s4 = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '198.18.0.4', choice: 'Prof' });
    const lite = await buyUpstream(h, { pricelist: 55227, period: 1, ip: '198.18.0.4', licname: 'lite here' });
    const s5 = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '198.18.0.5', choice: 'Lite' });
    const run = await h.cpbillmgr(['fixchilds'], { CPBILLMGR_ETC: PLAIN });
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, new RegExp(`order  server #${s4.main} .*FAILED: ip_taken: .*licence #${lite}`));
    assert.match(run.stdout, /failed 1/);
    assert.ok((await itemParams(h.knex, s5.addon)).licenseid, 'the other server was still served');
  });

  test('When another fixchilds run holds the lease, then a second one changes nothing and says so', async () => {
    const s7 = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '198.18.0.7', choice: 'Lite' });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    await h.knex('cpbillmgr_lock').insert({ name: 'fixchilds', holder: 'elsewhere:1:1', expires_at: until });
    try {
      const ledger = (await h.ledger()).length;
      const run = await h.cpbillmgr(['fixchilds'], { CPBILLMGR_ETC: PLAIN });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /fixchilds skipped: another fixchilds run holds the lease/);
      assert.equal((await h.ledger()).length, ledger);
      assert.equal((await itemParams(h.knex, s7.addon)).licenseid, undefined);
    } finally {
      await h.knex('cpbillmgr_lock').where({ name: 'fixchilds' }).delete();
    }
  });

  test('When called over HTTP, then func=fixchilds runs too, and features does not list it', async () => {
    const s6 = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '198.18.0.6', choice: 'Lite' });
    const { doc } = await h.http('fixchilds');
    assert.ok('ok' in doc, JSON.stringify(doc));
    const step = rows(doc).find((r) => r.server === String(s6.main));
    assert.equal(step?.outcome, 'done');
    assert.ok((await itemParams(h.knex, s6.addon)).licenseid);
    const features = await h.http('features');
    assert.doesNotMatch(features.xml, /fixchilds/);
  });
});
