import type { Knex } from 'knex';

/** Module settings kept in the database (the generated API token) and named run locks. */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('cpbillmgr_setting'))) {
    await knex.schema.createTable('cpbillmgr_setting', (t) => {
      t.string('name', 64).primary();
      t.text('value').notNullable();
    });
  }
  if (!(await knex.schema.hasTable('cpbillmgr_lock'))) {
    await knex.schema.createTable('cpbillmgr_lock', (t) => {
      t.string('name', 64).primary();
      t.string('holder', 191).notNullable();
      t.string('expires_at', 24).notNullable();
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('cpbillmgr_lock');
  await knex.schema.dropTableIfExists('cpbillmgr_setting');
}
