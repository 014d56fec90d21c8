import type { Command } from 'commander';
import { describePeriod, monthsOf } from '../../domain/catalogue-types.js';
import { refreshCatalogue } from '../../usecases/operator/refresh-catalogue.js';
import { runVerb } from './run-verb.js';

export function registerCatalogue(program: Command): void {
  program
    .command('catalogue')
    .description('list the upstream packages and their order periods (ids, lengths, wire values)')
    .option('--builtin', "don't ask the upstream's pricelist.export")
    .action((options: { builtin?: boolean }) =>
      runVerb(async (app) => {
        const { catalogue, source } = options.builtin
          ? { catalogue: app.catalogue, source: 'built-in' }
          : await refreshCatalogue(app.deps);
        const lines: string[] = [`# source: ${source}`];
        for (const pkg of catalogue.packages) {
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
