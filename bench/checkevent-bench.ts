/**
 * `checkevent` over many licences — half standalone, half add-ons of VPS — on MariaDB against the
 * sandbox (its own process), in one run: unchanged passes (median of BENCH_RUNS) and a pass where 1 %
 * changed upstream (half renewed elsewhere, half suspended). Prints wall time, peak RSS of the module's
 * process, database round trips and upstream calls per pass.
 *
 *   npm run build && node dist/bench/checkevent-bench.js            # 100 000 licences
 *   BENCH_LICENCES=10000 node dist/bench/checkevent-bench.js
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createBillingSchema } from '../src/billing/bm4/bm4-schema.js';
import { createDb } from '../src/store/create-db.js';
import { migrateLatest } from '../src/store/migrate.js';
import { createTestDatabase } from '../test/helpers/test-database.js';
import { median, requestCounts, runNode, startSandboxProcess } from './bench-support.js';

const LICENCES = Number(process.env.BENCH_LICENCES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const HALF = Math.floor(LICENCES / 2);
const EXPIRY = '2027-06-01';
const PORT = 18_000 + (process.pid % 1000);

const say = (line: string) => process.stderr.write(`${line}\n`);

function ipOf(base: number, index: number): string {
  const n = base + index + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

const db = await createTestDatabase('mysql');
const knex = createDb(db.url);
const stateDir = mkdtempSync(join(tmpdir(), 'cpb-bench-'));
const sandbox = await startSandboxProcess(join(stateDir, 'sandbox.sqlite'), PORT);
try {
  say(`seeding ${LICENCES} upstream licences…`);
  const seed = async (base: number, licname: string) => {
    const xml = await sandbox.admin('licence.seed', {
      count: HALF,
      pricelist: 55227,
      months: 1,
      ip: ipOf(base, 0),
      licname,
      expiredate: EXPIRY,
    });
    return Number(/<first>(\d+)<\/first>/.exec(xml)?.[1]);
  };
  const firstStandalone = await seed(0, 'lic-{n}');
  const firstAddon = await seed(1 << 20, 'addon-{n}');

  say('seeding the billing and the module records…');
  await createBillingSchema(knex);
  await migrateLatest(knex);
  await knex('account').insert({ id: 1, name: 'Customer' });
  await knex('itemtype').insert([
    { id: 1, intname: 'soft' },
    { id: 2, intname: 'vds' },
  ]);
  await knex('processingmodule').insert([
    { id: 1, name: 'ISPsystem', module: 'pmcpbillmgr', active: 'on' },
    { id: 3, name: 'VDSmanager', module: 'vdsmgr', active: 'on' },
  ]);
  await knex('processingparam').insert(
    Object.entries({ url: `${sandbox.url}/billmgr`, username: 'reseller', password: 'secret', api: '5' }).map(
      ([intname, value]) => ({ processingmodule: 1, intname, value }),
    ),
  );
  await knex('pricelist').insert([
    { id: 12, name: 'ispmanager 6 Lite', intname: '55227-ispmanager 6 Lite', itemtype: 1, processingmodule: 1 },
    { id: 30, name: 'VPS', intname: 'vps', itemtype: 2, processingmodule: 3 },
    { id: 40, name: 'Panel', intname: 'ispmgr', itemtype: 2, parent: 30, addontype: 3, processingmodule: 1 },
  ]);
  await knex('enumerationitem').insert({ id: 401, pricelist: 40, name: 'Lite', intname: 'Lite' });
  await knex('period').insert([
    { id: 121, pricelist: 12, length: 1, unit: 'month' },
    { id: 10, pricelist: 30, length: 1, unit: 'month' },
  ]);
  const CHUNK = 2000;
  for (let start = 0; start < HALF; start += CHUNK) {
    const items: Record<string, unknown>[] = [];
    const links: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(HALF, start + CHUNK); i += 1) {
      const common = { account: 1, status: 2, opendate: '2026-11-01' };
      const link = {
        module: 1,
        package_id: 55227,
        period_id: 955227001,
        status: 2,
        expiredate: EXPIRY,
        lickey: 'k',
        updated_at: 'x',
      };
      items.push({
        ...common,
        id: 100_000 + i,
        name: `lic-${i + 1}`,
        pricelist: 12,
        processingmodule: 1,
        period: 121,
        ip: ipOf(0, i),
        expiredate: EXPIRY,
      });
      items.push({
        ...common,
        id: 1_000_000 + i,
        name: `vps${i}`,
        pricelist: 30,
        processingmodule: 3,
        period: 10,
        ip: ipOf(1 << 20, i),
        expiredate: EXPIRY,
      });
      items.push({
        ...common,
        id: 2_000_000 + i,
        name: 'Panel',
        pricelist: 40,
        parent: 1_000_000 + i,
        processingmodule: 1,
        period: 10,
        ip: '',
        enumerationitem: 401,
      });
      links.push({
        ...link,
        item: 100_000 + i,
        licence_id: firstStandalone + i,
        ip: ipOf(0, i),
        licname: `lic-${i + 1}`,
      });
      links.push({
        ...link,
        item: 2_000_000 + i,
        licence_id: firstAddon + i,
        ip: ipOf(1 << 20, i),
        licname: `addon-${i + 1}`,
      });
    }
    await knex('item').insert(items);
    await knex('cpbillmgr_licence').insert(links);
  }

  const env = {
    CPBILLMGR_BILLING: 'bm4',
    CPBILLMGR_DB: db.url,
    CPBILLMGR_ETC: stateDir,
    CPBILLMGR_LOG_LEVEL: 'error',
    CPBILLMGR_CLOCK_OFFSET_SECONDS: '0',
  };
  const pass = async (label: string) => {
    await sandbox.admin('requests.reset');
    const run = await runNode('dist/bench/measure-checkevent.js', [], env, process.env.BENCH_VERBOSE ? say : undefined);
    if (run.code !== 0) throw new Error(`${label}: ${run.stdout}${run.stderr}`);
    const figures = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number | string>;
    const calls = requestCounts(await sandbox.admin('requests'));
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    say(`${label}: ${JSON.stringify({ ...figures, upstreamCalls: total, byFunc: calls })}`);
    return { ...figures, upstreamCalls: total, byFunc: calls } as Record<string, unknown>;
  };

  await pass('warm-up (first pass)');
  const unchanged = [];
  for (let i = 0; i < RUNS; i += 1) unchanged.push(await pass(`unchanged #${i + 1}`));

  const changes = Math.floor(LICENCES / 100);
  const state = new Database(join(stateDir, 'sandbox.sqlite'));
  state
    .prepare(`UPDATE licence SET expiredate = '2027-07-01' WHERE id >= ? AND id < ?`)
    .run(firstStandalone, firstStandalone + changes / 2);
  state.prepare('UPDATE licence SET status = 3 WHERE id >= ? AND id < ?').run(firstAddon, firstAddon + changes / 2);
  state.close();
  const changed = await pass(`1 % changed (${changes} licences)`);

  const row = (label: string, f: Record<string, unknown>) =>
    `| ${label} | ${f.ms} | ${f.maxRssMb} | ${f.queries} | ${f.upstreamCalls} | ${JSON.stringify(f.byFunc).replace(/"/g, '')} |`;
  process.stdout.write(
    [
      `checkevent over ${LICENCES} licences (${HALF} standalone, ${HALF} add-ons), MariaDB + sandbox process, ${new Date().toISOString().slice(0, 10)}`,
      '',
      '| pass | wall ms | peak RSS MB | DB round trips | upstream calls | by function |',
      '|---|---|---|---|---|---|',
      row(`unchanged (median of ${RUNS})`, {
        ...(unchanged[0] as Record<string, unknown>),
        ms: median(unchanged.map((u) => Number(u.ms))),
        maxRssMb: median(unchanged.map((u) => Number(u.maxRssMb))),
      }),
      row('1 % changed', changed),
      '',
    ].join('\n'),
  );
} finally {
  sandbox.stop();
  await knex.destroy();
  await db.drop();
}
