import type { Command } from 'commander';
import { statusName } from '../../domain/licence-status.js';
import { poolReport } from '../../usecases/operator/pool-report.js';
import { runVerb } from './run-verb.js';

function left(days: number | null): string {
  if (days === null) return 'lifetime';
  return days < 0 ? `expired ${-days} d ago` : `${days} d`;
}

export function registerPool(program: Command): void {
  program
    .command('pool')
    .description('the free-licence pool (free.lic on 0.0.0.0): package, paid time left, when each may next move')
    .option('--json', 'print the pool as JSON')
    .action((options: { json?: boolean }) =>
      runVerb(async (app) => {
        const report = await poolReport(app.deps);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
        } else {
          const lines = [
            `${'licence'.padEnd(10)} ${'package'.padEnd(36)} ${'status'.padEnd(10)} ${'expires'.padEnd(10)} ${'paid left'.padEnd(16)} next move`,
          ];
          for (const e of report.entries) {
            const pkg = `${e.packageId ?? '?'} ${e.packageName}`.slice(0, 36);
            lines.push(
              `${String(e.licenceId).padEnd(10)} ${pkg.padEnd(36)} ${statusName(e.status).padEnd(10)} ${(e.expiredate || '-').padEnd(10)} ${left(e.daysLeft).padEnd(16)} ${e.nextMove || 'now'}`,
            );
          }
          for (const problem of report.problems) lines.push(`problem: ${problem}`);
          lines.push(`${report.entries.length} licence(s) in the pool`);
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return report.problems.length > 0 ? 1 : 0;
      }),
    );
}
