import type { Command } from 'commander';
import { createBillingSchema } from '../../billing/bm4/bm4-schema.js';
import { migrateLatest } from '../../store/migrate.js';
import { runVerb } from './run-verb.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description("create or upgrade the module's own cpbillmgr_* tables in the billing database")
    .option(
      '--billing-schema',
      'also create the billing tables of contract §5 when missing (demo and test billings only)',
    )
    .action((options: { billingSchema?: boolean }) =>
      runVerb(async (app) => {
        if (options.billingSchema) await createBillingSchema(app.db);
        const applied = await migrateLatest(app.db);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
        return 0;
      }),
    );
}
