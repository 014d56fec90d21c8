import type { Command } from 'commander';
import { describePeriod, monthsOf } from '../../domain/catalogue-types.js';
import { runVerb } from './run-verb.js';

export function registerCatalogue(program: Command): void {
  program
    .command('catalogue')
    .description('list the upstream packages and their order periods (ids, lengths, wire values)')
    .action(() =>
      runVerb(async (app) => {
        const lines: string[] = [];
        for (const pkg of app.catalogue.packages) {
          lines.push(`Preset ${pkg.id}-${pkg.name}`);
          for (const period of pkg.periods) {
            const id = `${period.id}${period.realId ? '' : '*'}`;
            lines.push(
              `    period ${id.padEnd(8)} ${describePeriod(period).padEnd(14)} api5 period=${monthsOf(period)}`,
            );
          }
        }
        lines.push('', '* period-row id assigned by cpbillmgr: the upstream does not publish it');
        process.stdout.write(`${lines.join('\n')}\n`);
        return 0;
      }),
    );
}
