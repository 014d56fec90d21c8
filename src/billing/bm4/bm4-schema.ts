import type { Knex } from 'knex';

/**
 * The subset of BILLmanager's tables the module relies on (contract §5), for the demo billing and the
 * tests. A production billing already has these (and many more); `migrate` never touches them.
 */
export async function createBillingSchema(knex: Knex): Promise<void> {
  const table = async (name: string, build: (t: Knex.CreateTableBuilder) => void) => {
    if (!(await knex.schema.hasTable(name))) await knex.schema.createTable(name, build);
  };
  await table('account', (t) => {
    t.integer('id').primary();
    t.string('name', 255).notNullable();
  });
  await table('itemtype', (t) => {
    t.integer('id').primary();
    t.string('intname', 64).notNullable();
  });
  await table('processingmodule', (t) => {
    t.integer('id').primary();
    t.string('name', 255).notNullable();
    t.string('module', 64).notNullable();
    t.string('active', 3).notNullable().defaultTo('on');
  });
  await table('processingparam', (t) => {
    t.increments('id');
    t.integer('processingmodule').notNullable().index();
    t.string('intname', 64).notNullable();
    t.text('value');
  });
  await table('pricelist', (t) => {
    t.integer('id').primary();
    t.string('name', 255).notNullable();
    t.string('intname', 255);
    t.integer('itemtype').notNullable();
    t.integer('parent').nullable().index();
    t.integer('addontype').notNullable().defaultTo(0);
    t.integer('processingmodule').nullable();
    t.string('active', 3).notNullable().defaultTo('on');
  });
  await table('enumerationitem', (t) => {
    t.integer('id').primary();
    t.integer('pricelist').notNullable();
    t.string('name', 255).notNullable();
    t.string('intname', 255);
  });
  await table('period', (t) => {
    t.integer('id').primary();
    t.integer('pricelist').notNullable();
    t.integer('length').notNullable();
    t.string('unit', 16).notNullable();
  });
  await table('item', (t) => {
    t.integer('id').primary();
    t.integer('account').notNullable();
    t.string('name', 255);
    t.integer('pricelist').notNullable();
    t.integer('parent').nullable().index();
    t.integer('processingmodule').nullable().index();
    t.integer('period').nullable();
    t.integer('status').notNullable().defaultTo(1);
    t.string('ip', 64);
    t.date('opendate').nullable();
    t.date('expiredate').nullable();
    t.string('boolvalue', 3).nullable();
    t.integer('enumerationitem').nullable();
  });
  await table('itemparam', (t) => {
    t.increments('id');
    t.integer('item').notNullable().index();
    t.string('intname', 64).notNullable();
    t.text('value');
  });
}
