/**
 * `cpbillmgr reconcile` over BENCH_LICENCES (default 100 000) standalone licences on MariaDB against the
 * sandbox, with 1 % drift of each kind (licences no item holds, services without a licence, licences on
 * another IP) and some pool licences. Measured in a separate process: wall time, peak RSS, upstream
 * calls by function. Run: `npm run bench:reconcile`.
 */
import { fileURLToPath } from 'node:url';
import { reconcileReport } from '../src/usecases/reconcile/reconcile-report.js';
import { LITE, MODULE_ID, P } from '../test/helpers/billing-fixture.js';
import {
  batchInsert,
  benchIp,
  childApp,
  inDays,
  measure,
  measureInChild,
  type SeedLicence,
  seedUpstream,
  startWorld,
} from './bench-world.js';

const LICENCES = Number(process.env.BENCH_LICENCES ?? 100_000);
const DRIFT = Math.max(1, Math.floor(LICENCES / 100));
const FIRST_ITEM = 2_000_000;
/** ISPmanager Lite (5), 1 month: what the fixture's `5-ISPmanager Lite` tariff sells. */
const LITE_MONTH = 900051;

async function child(): Promise<void> {
  const { app, calls } = await childApp();
  try {
    const figures = await measure(async () => {
      const report = await reconcileReport(app.deps);
      return { counts: report.counts, upstreamLicences: report.upstreamLicences, failures: report.failures };
    }, calls);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const world = await startWorld();
  try {
    process.stderr.write(`seeding ${LICENCES} licensed items with 1 % drift of each kind…\n`);
    const started = performance.now();
    const expiredate = inDays(20);
    const upstream: SeedLicence[] = [];
    for (let i = 0; i < LICENCES; i += 1) {
      upstream.push({ package: 5, period: LITE_MONTH, ip: benchIp(i), licname: `lic${i}.example.com`, expiredate });
    }
    for (let i = 0; i < DRIFT; i += 1) {
      upstream.push({ package: 5, period: LITE_MONTH, ip: benchIp(LICENCES + i), licname: `stray${i}`, expiredate });
      upstream.push({ package: 5, period: LITE_MONTH, ip: '0.0.0.0', licname: 'free.lic', expiredate, status: 3 });
    }
    const ids = seedUpstream(world.statePath, upstream);
    const items: object[] = [];
    const links: object[] = [];
    const now = new Date().toISOString();
    for (let i = 0; i < LICENCES; i += 1) {
      const id = FIRST_ITEM + i;
      // The first DRIFT items moved to another IP in the billing without the licence following.
      const ip = i < DRIFT ? benchIp(LICENCES + DRIFT + i) : benchIp(i);
      items.push({
        id,
        account: 1,
        name: `lic${i}.example.com`,
        pricelist: LITE,
        processingmodule: MODULE_ID,
        period: P.month,
        status: 2,
        ip,
        expiredate,
      });
      links.push({
        item: id,
        module: MODULE_ID,
        licence_id: ids[i],
        package_id: 5,
        period_id: LITE_MONTH,
        ip: benchIp(i),
        licname: `lic${i}.example.com`,
        status: 2,
        expiredate,
        lickey: `${ids[i]}-BENCH`,
        updated_at: now,
      });
    }
    for (let i = 0; i < DRIFT; i += 1) {
      // Active services the module never licensed.
      const id = FIRST_ITEM + LICENCES + i;
      items.push({
        id,
        account: 1,
        name: `unlicensed${i}`,
        pricelist: LITE,
        processingmodule: MODULE_ID,
        period: P.month,
        status: 2,
        ip: benchIp(LICENCES + 3 * DRIFT + i),
      });
    }
    await batchInsert(world.knex, 'item', items);
    await batchInsert(world.knex, 'cpbillmgr_licence', links);
    process.stderr.write(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

    const figures = await measureInChild(fileURLToPath(import.meta.url), 'reconcile', world.env);
    const result = figures.result as {
      counts: Record<string, { count: number; monthlyCost: number }>;
      upstreamLicences: number;
    };
    const calls = Object.entries(figures.upstreamCalls)
      .map(([fn, n]) => `${fn} ${n}`)
      .join(', ');
    const counts = Object.entries(result.counts)
      .map(([c, t]) => `${c} ${t.count}`)
      .join(', ');
    process.stdout.write(
      [
        `${result.upstreamLicences} upstream licences, ${LICENCES + DRIFT} items`,
        '',
        '| run | wall s | peak RSS MB | upstream calls | classes |',
        '|---|---|---|---|---|',
        `| reconcile | ${figures.wallSeconds} | ${figures.peakRssMb} | ${calls} | ${counts} |`,
        '',
      ].join('\n'),
    );
  } finally {
    await world.close();
  }
}

if (process.argv[2] === '--child') await child();
else await main();
