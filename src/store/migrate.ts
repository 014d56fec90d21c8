import type { Knex } from 'knex';
import { MIGRATIONS } from '../../sql/migrations/index.js';

const TABLE = 'cpbillmgr_migrations';

/** A migration source over the compiled-in list, so no directory scanning differs between src and dist. */
const source: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = MIGRATIONS.find(([candidate]) => candidate === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return found[1];
  },
};

const config: Knex.MigratorConfig = { migrationSource: source, tableName: TABLE };

/** Creates or upgrades the module's own `cpbillmgr_*` tables; returns the names it applied. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
  return applied;
}

export async function migrateRollbackAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback(config, true);
}

export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list(config)) as [unknown, Array<{ file?: string } | string>];
  return pending.map((entry) => (typeof entry === 'string' ? entry : (entry.file ?? String(entry))));
}
