import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addServerWithAddon, seedAddonSetup } from './helpers/addon-fixture.js';
import { addLicenceItem, itemParams, P, PRO } from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';
import { buyUpstream, days, pooledLicence } from './helpers/upstream-fixture.js';

interface Finding {
  class: string;
  licenceId: number | null;
  item: number | null;
  expiredate: string;
  monthlyCost: number;
  detail: string;
}
interface Report {
  counts: Record<string, { count: number; monthlyCost: number }>;
  findings: Finding[];
  needsAction: boolean;
}

describe('cpbillmgr reconcile: billing, module and upstream side by side; checkevent logs the same counts', () => {
  let h: Harness;
  const ids: Record<string, string> = {};
  const items: Record<string, number> = {};
  before(async () => {
    h = await startHarness({ balance: 10_000 });
    await seedAddonSetup(h.knex);
  });
  after(async () => {
    await h.close();
  });

  const reconcile = async (env: Record<string, string> = {}) => {
    const run = await h.cpbillmgr(['reconcile', '--json'], env);
    return { code: run.code, report: JSON.parse(run.stdout) as Report, stderr: run.stderr };
  };
  const find = (report: Report, cls: string, pred: (f: Finding) => boolean) =>
    report.findings.find((f) => f.class === cls && pred(f));

  async function opened(ip: string, name: string): Promise<number> {
    const item = await addLicenceItem(h.knex, { period: P.month, ip, name });
    assert.ok('ok' in (await h.http('open', { elid: item })).doc);
    return item;
  }

  test('When every service has the licence it asks for, then reconcile reports nothing to do and exits 0', async () => {
    items.good = await opened('192.0.2.100', 'good.example.com');
    const { code, report } = await reconcile();
    assert.equal(code, 0, JSON.stringify(report));
    assert.equal(report.needsAction, false);
    const table = await h.cpbillmgr(['reconcile']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /nothing needs action/);
  });

  test('When each kind of drift exists, then each class counts it with its monthly cost and reconcile exits 1', async () => {
    ids.stray = await buyUpstream(h, { pricelist: 5, period: 1, ip: '192.0.2.101', licname: 'stray.example.com' });
    ids.pool = await pooledLicence(h, 9, 1);
    items.missing = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.102' });
    await h.knex('item').where({ id: items.missing }).update({ status: 2 });
    items.moved = await opened('192.0.2.103', 'moved.example.com');
    await h.knex('item').where({ id: items.moved }).update({ ip: '192.0.2.203' });
    items.upgraded = await opened('192.0.2.104', 'upgraded.example.com');
    await h.knex('item').where({ id: items.upgraded }).update({ pricelist: PRO, period: P.proMonth });
    const server = await addServerWithAddon(h.knex, { tariff: 30, months: 1, ip: '192.0.2.105', choice: 'Lite' });
    items.server = server.main;

    const { code, report } = await reconcile();
    assert.equal(code, 1);
    assert.equal(report.needsAction, true);
    assert.ok(
      find(report, 'unpaid', (f) => String(f.licenceId) === ids.stray && f.monthlyCost === 8),
      'stray',
    );
    assert.ok(
      find(report, 'pool', (f) => String(f.licenceId) === ids.pool && f.monthlyCost === 14),
      'pool',
    );
    assert.ok(
      find(report, 'missing', (f) => f.item === items.missing && f.monthlyCost === 8),
      'standalone missing',
    );
    assert.ok(
      find(report, 'missing', (f) => /server #\d+ has add-on 'Lite'/.test(f.detail)),
      'add-on missing',
    );
    assert.ok(
      find(report, 'wrong_ip', (f) => f.item === items.moved),
      'wrong ip',
    );
    assert.ok(
      find(report, 'wrong_package', (f) => f.item === items.upgraded),
      'wrong package',
    );
    assert.equal(
      find(report, 'unpaid', (f) => f.item === items.good),
      undefined,
    );
    assert.equal(report.counts.unpaid?.monthlyCost, 8);

    const table = await h.cpbillmgr(['reconcile']);
    assert.equal(table.code, 1);
    assert.match(table.stdout, /!unpaid\s+1\s+8\.00\s+upstream licences no item pays for/);
    assert.match(table.stdout, /pool\s+1\s+14\.00/);
    assert.match(table.stdout, /action needed/);
  });

  test('When checkevent runs, then it logs the same counts from its own pass', async () => {
    const run = await h.cpbillmgr(['checkevent'], { CPBILLMGR_LOG_LEVEL: 'info' });
    const line = run.stderr.split('\n').find((l) => l.includes('reconcile counts'));
    assert.ok(line, run.stderr);
    const logged = JSON.parse(line) as Record<string, number>;
    assert.equal(logged.unpaid, 1);
    assert.equal(logged.pool, 1);
    assert.equal(logged.wrong_ip, 1);
    assert.equal(logged.wrong_package, 1);
    assert.equal(logged.missing, 1, 'the add-on it then orders; the standalone one is found by reconcile');
  });

  test('When a licence has a 100 % discount, then it is reported once with item, licence and expiry, and listed by reconcile', async () => {
    const free = await opened('192.0.2.106', 'free.example.com');
    const id = (await itemParams(h.knex, free)).licenseid as string;
    await h.admin('discount.set', { elid: id, percent: 100 });
    const expiry = (await h.licences()).find((l) => l.id === id)?.expiredate;
    const first = await h.cpbillmgr(['checkevent']);
    const mention = new RegExp(
      `item #${free}: licence #${id} has a 100 % discount, so the upstream will not renew it automatically; it expires on ${expiry}`,
    );
    assert.match(first.stdout, mention, first.stdout);
    const second = await h.cpbillmgr(['checkevent']);
    assert.doesNotMatch(second.stdout, /100 % discount/, 'reported once');
    const { report } = await reconcile();
    const listed = find(report, 'no_autorenew', (f) => String(f.licenceId) === id);
    assert.equal(listed?.item, free);
    assert.equal(listed?.expiredate, expiry);
  });

  test('When a licence expires while its service is active, then reconcile counts it as expired', async () => {
    await h.admin('clock.advance', { days: 35 });
    const { report } = await reconcile(days(35));
    const item = items.good as number;
    const good = (await itemParams(h.knex, item)).licenseid;
    assert.ok(
      find(report, 'expired', (f) => String(f.licenceId) === good && f.item === item),
      JSON.stringify(report.counts),
    );
  });
});
