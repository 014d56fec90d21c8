import type { Knex } from 'knex';

/**
 * Things an operator must be told once, not every five minutes: a licence the upstream will not renew
 * automatically (100 % discount), a renewal or package change the upstream refused. One row per
 * (module, licence, kind, key) — the key is what the notice is about, e.g. the expiry it concerns —
 * so a later pass finds it and neither repeats the report nor retries the refused action in a loop;
 * `seen_at` is when it last happened (a refused action is tried again at most once a day).
 */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('cpbillmgr_notice')) return;
  await knex.schema.createTable('cpbillmgr_notice', (t) => {
    t.increments('id');
    t.integer('module').notNullable();
    t.integer('item').notNullable();
    t.integer('licence_id').notNullable();
    t.string('kind', 32).notNullable();
    t.string('notice_key', 64).notNullable().defaultTo('');
    t.text('text').notNullable();
    t.string('created_at', 24).notNullable();
    t.string('seen_at', 24).notNullable();
    t.unique(['module', 'licence_id', 'kind', 'notice_key']);
    t.index(['module', 'kind']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('cpbillmgr_notice');
}
