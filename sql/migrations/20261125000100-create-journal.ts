import type { Knex } from 'knex';

/**
 * The purchase journal: every upstream action that costs money (order, prolong) is written here
 * before it is sent. `open_item` equals `item` while the entry is unsettled and NULL afterwards;
 * its unique index makes a second unsettled purchase for one item impossible, across processes.
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('cpbillmgr_journal')) return;
  await knex.schema.createTable('cpbillmgr_journal', (t) => {
    t.increments('id');
    t.integer('item').notNullable().index();
    t.integer('module').notNullable();
    t.string('action', 32).notNullable();
    t.string('state', 16).notNullable();
    t.string('idem_key', 191).notNullable().unique();
    t.integer('open_item').nullable().unique();
    t.integer('package_id').nullable();
    t.integer('period_id').nullable();
    t.string('ip', 64).notNullable().defaultTo('');
    t.string('licname', 255).notNullable().defaultTo('');
    t.integer('licence_id').nullable();
    t.string('old_expiredate', 10).nullable();
    t.integer('runningoperation').nullable();
    t.string('owner', 191).notNullable().defaultTo('');
    t.text('note').nullable();
    t.string('created_at', 24).notNullable();
    t.string('updated_at', 24).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('cpbillmgr_journal');
}
