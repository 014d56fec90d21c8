import type { Knex } from 'knex';

/**
 * `once_key`: what may be done only once (a renewal claims `licence:expiry`), unique while held, so a
 * second renewal of the same expiry is refused by the database however the caller got there.
 * `cpbillmgr_slot`: stable ids for licence add-ons that have no child item in the billing.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasColumn('cpbillmgr_journal', 'once_key'))) {
    await knex.schema.alterTable('cpbillmgr_journal', (t) => {
      t.string('once_key', 191).nullable().unique();
      t.index(['item', 'runningoperation']);
    });
  }
  if (!(await knex.schema.hasTable('cpbillmgr_slot'))) {
    await knex.schema.createTable('cpbillmgr_slot', (t) => {
      t.increments('id');
      t.integer('main').notNullable();
      t.integer('addon_pricelist').notNullable();
      t.unique(['main', 'addon_pricelist']);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('cpbillmgr_slot');
  await knex.schema.alterTable('cpbillmgr_journal', (t) => {
    t.dropIndex(['item', 'runningoperation']);
    t.dropUnique(['once_key']);
    t.dropColumn('once_key');
  });
}
