import type { Command } from 'commander';
import { checkevent } from '../../usecases/reconcile/checkevent.js';
import { runVerb } from './run-verb.js';

export function registerCheckevent(program: Command): void {
  program
    .command('checkevent')
    .description('one reconciliation pass (the cron line: */5 * * * * cpbillmgr checkevent), then exit')
    .option('-q, --quiet', 'print nothing but problems')
    .action((options: { quiet?: boolean }) =>
      runVerb(async (app) => {
        const progress = options.quiet ? undefined : (line: string) => process.stderr.write(`${line}\n`);
        const report = await checkevent(app.deps, progress);
        if (report.skipped) {
          process.stderr.write(`checkevent skipped: ${report.skipped}\n`);
          return 0;
        }
        if (!options.quiet) {
          process.stdout.write(
            `modules ${report.modules}, upstream licences ${report.upstreamLicences}, linked ${report.linked}, updated ${report.updated}, settled ${report.settled}, add-on actions ${report.addonActions}, unheld ${report.unheld.length}, problems ${report.problems.length}\n`,
          );
        }
        for (const problem of report.problems) process.stdout.write(`problem: ${problem}\n`);
        return report.problems.length > 0 ? 1 : 0;
      }),
    );
}
