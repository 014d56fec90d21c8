import type { Command } from 'commander';
import { checkMappings, describeMapping } from '../../usecases/operator/check-mappings.js';
import { runVerb } from './run-verb.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('show what every tariff and period this module serves resolves to upstream; exit 1 when any does not')
    .action(() =>
      runVerb(async (app) => {
        const lines = await checkMappings(app.deps);
        const failed = lines.filter((line) => line.failure);
        for (const line of lines)
          if (line.resolved) process.stdout.write(`ok      ${describeMapping(line)} → ${line.resolved}\n`);
        const warned = lines.filter((line) => line.warning);
        if (warned.length > 0) {
          process.stdout.write(`\nNo longer sold upstream (${warned.length}):\n`);
          for (const line of warned) process.stdout.write(`warning ${describeMapping(line)}: ${line.warning}\n`);
        }
        if (failed.length > 0) {
          process.stdout.write(`\nThese won't work (${failed.length}):\n`);
          for (const line of failed) process.stdout.write(`missing ${describeMapping(line)}: ${line.failure}\n`);
        }
        process.stdout.write(
          `\n${lines.length - failed.length} resolved, ${failed.length} missing, ${warned.length} no longer sold\n`,
        );
        return failed.length > 0 ? 1 : 0;
      }),
    );
}
