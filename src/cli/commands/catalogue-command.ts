import type { Command } from 'commander';
import { describeNotSold, describePeriod, monthsOf } from '../../domain/catalogue-types.js';
import { refreshCatalogue } from '../../usecases/operator/refresh-catalogue.js';
import { runVerb } from './run-verb.js';

export function registerCatalogue(program: Command): void {
  program
    .command('catalogue')
    .description('list the upstream packages and their order periods (ids, lengths, wire values, still sold or not)')
    .option('--builtin', "don't ask the upstream's pricelist.export")
    .action((options: { builtin?: boolean }) =>
      runVerb(async (app) => {
        const { catalogue, source } = options.builtin
          ? { catalogue: app.catalogue, source: 'built-in' }
          : await refreshCatalogue(app.deps);
        const lines: string[] = [`# source: ${source}`];
        for (const pkg of catalogue.packages) {
          const addon = pkg.nodeAddon === undefined ? '' : `  nodes addon_${pkg.nodeAddon}`;
          const sold = pkg.sold ? '' : `  (${describeNotSold(pkg)})`;
          lines.push(`Preset ${pkg.id}-${pkg.name}${addon}${sold}`);
          for (const period of pkg.periods) {
            const id = `${period.id}${period.realId ? '' : '*'}`;
            // A package no longer sold sells none of its periods; the package line already says since when.
            const periodSold = pkg.sold && !period.sold ? `  (${describeNotSold(period)})` : '';
            lines.push(
              `    period ${id.padEnd(11)} ${describePeriod(period).padEnd(14)} api5 period=${String(monthsOf(period)).padEnd(5)}` +
                ` sold=${pkg.sold && period.sold ? 'yes' : 'no'}${periodSold}`,
            );
          }
        }
        lines.push(
          '',
          '* period-row id assigned by cpbillmgr: the upstream does not publish it',
          'sold=no: the upstream neither sells nor renews it today (see the package line for since when)',
        );
        process.stdout.write(`${lines.join('\n')}\n`);
        return 0;
      }),
    );
}
