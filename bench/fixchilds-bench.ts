/**
 * `fixchilds --dry-run` and `fixchilds` over BENCH_SERVERS (default 50 000) VPS with an ISPmanager Lite
 * add-on on MariaDB against the sandbox: half of them have their licence on the upstream account
 * already (adopted), half have none (ordered). Each run is a separate process (as `cpbillmgr fixchilds`
 * is); printed: wall time, peak RSS, upstream calls by function. Run: `npm run bench:fixchilds`.
 */
import { fileURLToPath } from 'node:url';
import { fixchilds } from '../src/usecases/reconcile/fixchilds.js';
import { ADDON } from '../test/helpers/addon-fixture.js';
import { MODULE_ID } from '../test/helpers/billing-fixture.js';
import {
  batchInsert,
  benchIp,
  childApp,
  type Figures,
  inDays,
  measure,
  measureInChild,
  seedUpstream,
  startWorld,
} from './bench-world.js';

const SERVERS = Number(process.env.BENCH_SERVERS ?? 50_000);
const SKIP_RUN = process.env.BENCH_DRY_RUN_ONLY === '1';
const FIRST_ITEM = 1_000_000;
/** ispmanager 6 Lite (55227), 1 month: what `Lite` resolves to on an api 5 upstream today. */
const LITE_PACKAGE = 55227;
const LITE_MONTH = 955227001;

async function child(mode: string): Promise<void> {
  const { app, calls } = await childApp();
  try {
    const figures = await measure(async () => {
      const result = await fixchilds(app.deps, { dryRun: mode === 'dry-run' });
      return {
        summary: result.summary,
        problems: result.problems,
        failures: result.steps.filter((s) => s.error).slice(0, 3),
      };
    }, calls);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const world = await startWorld();
  try {
    process.stderr.write(`seeding ${SERVERS} servers (half with a licence upstream)…\n`);
    const started = performance.now();
    const items: object[] = [];
    const licences = [];
    for (let i = 0; i < SERVERS; i += 1) {
      const main = FIRST_ITEM + 2 * i;
      const ip = benchIp(i);
      items.push(
        {
          id: main,
          account: 1,
          name: `srv${i}.example.com`,
          pricelist: ADDON.vdsTariff,
          processingmodule: 3,
          period: ADDON.periods[1],
          status: 2,
          ip,
        },
        {
          id: main + 1,
          account: 1,
          name: 'Control panel',
          pricelist: ADDON.enumOf[30],
          parent: main,
          processingmodule: MODULE_ID,
          period: ADDON.periods[1],
          status: 2,
          ip: '',
          enumerationitem: ADDON.choices[40]?.Lite,
        },
      );
      if (i % 2 === 0) {
        licences.push({ package: LITE_PACKAGE, period: LITE_MONTH, ip, licname: `srv${i}`, expiredate: inDays(20) });
      }
    }
    await batchInsert(world.knex, 'item', items);
    seedUpstream(world.statePath, licences);
    process.stderr.write(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

    const script = fileURLToPath(import.meta.url);
    const results: Array<[string, Figures]> = [];
    results.push(['fixchilds --dry-run', await measureInChild(script, 'dry-run', world.env)]);
    if (!SKIP_RUN) results.push(['fixchilds', await measureInChild(script, 'run', world.env)]);

    const lines = [
      `${SERVERS} servers, ${licences.length} licences already upstream`,
      '',
      '| run | wall s | peak RSS MB | upstream calls | result |',
      '|---|---|---|---|---|',
    ];
    for (const [name, f] of results) {
      const calls = Object.entries(f.upstreamCalls)
        .map(([fn, n]) => `${fn} ${n}`)
        .join(', ');
      const { summary } = f.result as { summary: Record<string, number> };
      const outcome =
        name === 'fixchilds --dry-run'
          ? `adopt ${summary.adopt}, order ${summary.order}, skip ${summary.skip}`
          : `adopted ${summary.adopted}, ordered ${summary.ordered}, failed ${summary.failed}`;
      lines.push(`| ${name} | ${f.wallSeconds} | ${f.peakRssMb} | ${calls} | ${outcome} |`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    for (const [, f] of results) {
      const { failures } = f.result as { failures: unknown[] };
      if (failures.length) process.stderr.write(`failures (first 3): ${JSON.stringify(failures)}\n`);
    }
  } finally {
    await world.close();
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] ?? 'dry-run');
else await main();
