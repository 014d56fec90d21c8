/**
 * Start-up cost of the module as BILLmanager 5/6 runs it — one process per call — beside a bare
 * `node -e 0`, in one run: `pmcpbillmgr --command features` end to end, and `open` from the spawn to
 * its first upstream call (a probe upstream notes when the order arrives and refuses it, so nothing is
 * bought). Medians of BENCH_RUNS runs.
 *
 *   npm run build && node dist/bench/startup-bench.js
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { addLicenceItem, P, setUpstream } from '../test/helpers/billing-fixture.js';
import { MODULE_ENTRY, ROOT, startHarness } from '../test/helpers/harness.js';
import { median } from './bench-support.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function timeRun(
  args: string[],
  env: Record<string, string>,
): Promise<{ started: number; ended: number; stdout: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('close', () => resolve({ started, ended: performance.now(), stdout }));
  });
}

let firstRequestAt = 0;
const probe = createServer((req, res) => {
  if (firstRequestAt === 0) firstRequestAt = performance.now();
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'text/xml');
    res.end(
      '<?xml version="1.0"?><doc><error type="balance" object="balance"><msg>probe: not buying</msg></error></doc>',
    );
  });
});
await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
const probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/billmgr`;

const h = await startHarness({ env: { CPBILLMGR_LOG_LEVEL: 'error' } });
try {
  await setUpstream(h.knex, probeUrl, 'reseller', 'secret');
  const module = process.env.BENCH_MODULE ?? join(ROOT, MODULE_ENTRY);
  const bare: number[] = [];
  const features: number[] = [];
  const openToUpstream: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const b = await timeRun(['-e', '0'], {});
    bare.push(b.ended - b.started);
    const f = await timeRun([module, '--command', 'features'], h.env);
    if (!f.stdout.includes('<features>')) throw new Error(f.stdout);
    features.push(f.ended - f.started);
    const item = await addLicenceItem(h.knex, { period: P.month, ip: `198.19.${i >> 8}.${(i & 255) + 1}` });
    firstRequestAt = 0;
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const o = await timeRun([...profile, module, '--command', 'open', '--item', String(item)], h.env);
    if (firstRequestAt === 0) throw new Error(`open made no upstream call: ${o.stdout}`);
    openToUpstream.push(firstRequestAt - o.started);
    process.stderr.write(`run ${i + 1}/${RUNS}\n`);
  }
  const base = median(bare);
  const line = (name: string, values: number[]) =>
    `| ${name} | ${median(values).toFixed(0)} | ${(median(values) / base).toFixed(2)}× |`;
  process.stdout.write(
    [
      `start-up of one module process, median of ${RUNS}, ${new Date().toISOString().slice(0, 10)}`,
      '',
      '| what | ms | × bare node |',
      '|---|---|---|',
      line('bare `node -e 0`', bare),
      line('`pmcpbillmgr --command features` (whole call)', features),
      line('`pmcpbillmgr --command open`: spawn → first upstream call', openToUpstream),
      '',
    ].join('\n'),
  );
} finally {
  probe.close();
  await h.close();
}
