import type { Knex } from 'knex';

/**
 * The module's own record of which upstream licence serves which billing item, with the last state
 * it saw upstream. `itemparam` carries the same id for BILLmanager; this table is what the module
 * trusts and what `checkevent` compares in one set-based read.
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('cpbillmgr_licence')) return;
  await knex.schema.createTable('cpbillmgr_licence', (t) => {
    t.integer('item').primary();
    t.integer('module').notNullable().index();
    t.integer('licence_id').notNullable();
    t.integer('package_id').notNullable();
    t.integer('period_id').nullable();
    t.string('ip', 64).notNullable().defaultTo('');
    t.string('licname', 255).notNullable().defaultTo('');
    t.integer('status').notNullable();
    t.string('expiredate', 10).notNullable().defaultTo('');
    t.string('lickey', 1024).notNullable().defaultTo('');
    t.string('updated_at', 24).notNullable();
    t.unique(['module', 'licence_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('cpbillmgr_licence');
}
