/**
 * `features` and `open` over HTTP (one `serve` process) against MariaDB and the sandbox, beside the
 * same calls made as one `pmcpbillmgr` process per call (how BILLmanager 5/6 runs modules), in one
 * run. Prints throughput, p50/p99 latency and the ratio. Run: `npm run bench` (MariaDB must run).
 */
import { addLicenceItem, P } from '../test/helpers/billing-fixture.js';
import { startHarness } from '../test/helpers/harness.js';

const HTTP_FEATURES = Number(process.env.BENCH_HTTP_FEATURES ?? 2000);
const HTTP_OPENS = Number(process.env.BENCH_HTTP_OPENS ?? 500);
const PROCESS_CALLS = Number(process.env.BENCH_PROCESS_CALLS ?? 20);

interface Figures {
  name: string;
  calls: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function measure(name: string, calls: number, call: (i: number) => Promise<void>): Promise<Figures> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < calls; i += 1) {
    const t0 = performance.now();
    await call(i);
    latencies.push(performance.now() - t0);
    if ((i + 1) % 250 === 0) process.stderr.write(`  ${name}: ${i + 1}/${calls}\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { name, calls, perSecond: calls / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function ok(xml: string, what: string): void {
  if (!xml.includes('<ok/>') && !xml.includes('<features>')) throw new Error(`${what} failed: ${xml}`);
}

const h = await startHarness({ balance: 1e9, env: { CPBILLMGR_LOG_LEVEL: 'error' } });
try {
  const items = async (count: number, base: number) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i += 1) {
      ids.push(
        await addLicenceItem(h.knex, {
          period: P.month,
          ip: `198.18.${Math.floor((base + i) / 250)}.${((base + i) % 250) + 1}`,
        }),
      );
    }
    return ids;
  };
  const httpItems = await items(HTTP_OPENS, 0);
  const cliItems = await items(PROCESS_CALLS, 20000);

  process.stderr.write('measuring…\n');
  const results = [
    await measure('HTTP features', HTTP_FEATURES, async () => ok((await h.http('features')).xml, 'features')),
    await measure('process features', PROCESS_CALLS, async () =>
      ok((await h.cli(['--command', 'features'])).stdout, 'features'),
    ),
    await measure('HTTP open', HTTP_OPENS, async (i) =>
      ok((await h.http('open', { elid: httpItems[i] ?? 0 })).xml, 'open'),
    ),
    await measure('process open', PROCESS_CALLS, async (i) =>
      ok((await h.cli(['--command', 'open', '--item', String(cliItems[i])])).stdout, 'open'),
    ),
  ];
  const lines = ['| call | calls | calls/s | p50 ms | p99 ms |', '|---|---|---|---|---|'];
  for (const r of results) {
    lines.push(`| ${r.name} | ${r.calls} | ${r.perSecond.toFixed(1)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`);
  }
  const ratio = (a: string, b: string) => {
    const x = results.find((r) => r.name === a);
    const y = results.find((r) => r.name === b);
    return x && y ? (x.perSecond / y.perSecond).toFixed(1) : '?';
  };
  lines.push(
    '',
    `throughput ratio HTTP / process-per-call: features ${ratio('HTTP features', 'process features')}×, open ${ratio('HTTP open', 'process open')}×`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await h.close();
}
