/**
 * One `checkevent` pass in this process, measured: wall time, peak RSS, database round trips (knex
 * queries) and the outcome. Run by bench/checkevent-bench.ts with the module's environment.
 */
import { composeApp } from '../src/app/compose.js';
import { loadSettings } from '../src/config/settings.js';
import { createLogger } from '../src/logging/create-logger.js';
import { checkevent } from '../src/usecases/reconcile/checkevent.js';

const app = await composeApp(loadSettings(), { logger: createLogger('error') });
let queries = 0;
app.db.on('query', () => {
  queries += 1;
});
const started = performance.now();
const report = await checkevent(app.deps);
const ms = performance.now() - started;
await app.close();
process.stdout.write(
  `${JSON.stringify({
    ms: Math.round(ms),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    queries,
    upstreamLicences: report.upstreamLicences,
    updated: report.updated,
    addonActions: report.addonActions,
    problems: report.problems.length,
    firstProblem: report.problems[0] ?? '',
  })}\n`,
);
