import type { Command } from 'commander';
import { type FixchildsStep, fixchilds } from '../../usecases/reconcile/fixchilds.js';
import { progressBar } from './progress-bar.js';
import { runVerb } from './run-verb.js';

function describe(step: FixchildsStep): string {
  const server = `server #${step.server} (${step.ip || 'no IP'}) add-on ${step.choice}`;
  const outcome = step.outcome === 'failed' ? `  FAILED: ${step.error}` : '';
  const result = step.resultLicence === undefined ? '' : ` → licence #${step.resultLicence}`;
  switch (step.action) {
    case 'adopt':
      return `adopt  ${server} ← licence #${step.licenceId} (${step.packageName})${outcome}`;
    case 'order':
      return `order  ${server} → package ${step.packageId} '${step.packageName}', ${step.period}, ${(step.cost ?? 0).toFixed(2)}${result}${outcome}`;
    case 'skip':
      return `skip   ${server}: ${step.reason}`;
  }
}

export function registerFixchilds(program: Command): void {
  program
    .command('fixchilds')
    .description(
      'assign licences already on the upstream account to servers whose licence add-on has none, order the rest',
    )
    .option('--dry-run', 'print the plan (adopt / order / skip, with reasons and cost) and change nothing')
    .option('--json', 'print the plan or result as JSON')
    .action((options: { dryRun?: boolean; json?: boolean }) =>
      runVerb(async (app) => {
        const bar = progressBar('fixchilds');
        const result = await fixchilds(app.deps, {
          dryRun: options.dryRun === true,
          progress: (done, total) => bar.update(done, total),
        });
        bar.end();
        if (result.skipped) {
          process.stderr.write(`fixchilds skipped: ${result.skipped}\n`);
          return 1;
        }
        const { summary } = result;
        if (options.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
        } else {
          const lines = result.steps.map(describe);
          for (const problem of result.problems) lines.push(`problem: ${problem}`);
          lines.push(
            result.dryRun
              ? `plan (dry run, nothing changed): adopt ${summary.adopt}, order ${summary.order} (cost ${summary.orderCost.toFixed(2)}), skip ${summary.skip}`
              : `done: adopted ${summary.adopted}/${summary.adopt}, ordered ${summary.ordered}/${summary.order}, skipped ${summary.skip}, failed ${summary.failed}`,
          );
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return summary.failed + summary.unresolved + result.problems.length > 0 ? 1 : 0;
      }),
    );
}
