import type { Knex } from 'knex';
import { BM6_TABLES } from './bm6-tables.js';
import { isMysql } from './standin-session.js';

/**
 * BILLmanager 5/6's tables with their real names (contract §5b, research §1 table), including real
 * columns the module has no use for and with ids not always first, so that nothing can lean on
 * `SELECT *` or on column order. Only columns a source shows are here; types are BILLmanager-like
 * guesses ~ (`on`/`off` strings, DATE dates). Columns marked "stand-in" hold what the stand-in's mgrctl
 * needs to apply a call and are not known to exist under these names.
 *
 * MariaDB and SQLite both work, write detection included.
 */
export async function createBm6Schema(knex: Knex): Promise<void> {
  const now = isMysql(knex) ? knex.fn.now(6) : knex.fn.now();
  const table = async (name: string, build: (t: Knex.CreateTableBuilder) => void) => {
    if (!(await knex.schema.hasTable(name))) await knex.schema.createTable(name, build);
  };
  await table('account', (t) => {
    t.integer('id').primary();
    t.string('name', 255).notNullable();
  });
  await table('itemtype', (t) => {
    t.string('intname', 64).notNullable();
    t.integer('id').primary();
  });
  await table('processingmodule', (t) => {
    t.integer('id').primary();
    t.string('name', 255).notNullable();
    t.integer('orderpriority').nullable();
    t.string('module', 64).notNullable();
    t.integer('ipmgr').nullable();
    t.string('active', 3).notNullable().defaultTo('on');
    t.text('config').nullable();
    t.integer('department').nullable();
  });
  // module.cpp L384-392 reads (processingmodule, intname, value); whether these tables have an id ✘.
  for (const name of ['processingparam', 'processingcryptedparam']) {
    await table(name, (t) => {
      t.text('value');
      t.string('intname', 64).notNullable();
      t.integer('processingmodule').notNullable();
      t.primary(['processingmodule', 'intname']);
    });
  }
  await table('processingmodule2pricelist', (t) => {
    t.integer('pricelist').notNullable();
    t.integer('processingmodule').notNullable();
    t.primary(['processingmodule', 'pricelist']);
  });
  await table('enumeration', (t) => {
    t.integer('id').primary();
    t.string('intname', 255);
  });
  await table('enumerationitem', (t) => {
    t.integer('id').primary();
    t.string('name', 255).notNullable();
    t.string('name_ru', 255).nullable();
    t.string('intname', 255);
    t.integer('enumeration').notNullable().index();
  });
  await table('pricelist', (t) => {
    t.integer('id').primary();
    t.integer('project').nullable();
    t.string('name', 255).notNullable();
    t.integer('billtype').notNullable().defaultTo(2);
    t.string('intname', 255).nullable();
    t.integer('itemtype').notNullable();
    t.integer('parent').nullable().index();
    t.string('active', 3).notNullable().defaultTo('on');
    t.integer('addontype').nullable();
    t.integer('enumeration').nullable();
    t.integer('enumerationitem').nullable();
    t.string('addonbool', 3).nullable();
    t.bigInteger('addonlimit').nullable();
    t.bigInteger('addonmax').nullable();
    t.integer('measure').nullable();
    t.integer('compound').nullable();
  });
  await table('pricelist2enumerationitem', (t) => {
    t.integer('pricelist').notNullable();
    t.integer('enumerationitem').notNullable();
    t.primary(['pricelist', 'enumerationitem']);
  });
  await table('item', (t) => {
    t.string('name', 255);
    t.integer('account').notNullable();
    t.integer('id').primary();
    t.date('createdate').nullable();
    t.integer('pricelist').notNullable().index();
    t.integer('lastpricelist').nullable();
    t.integer('parent').nullable().index();
    t.integer('processingmodule').nullable().index();
    t.integer('period').nullable();
    t.integer('status').notNullable().defaultTo(1);
    t.date('opendate').nullable();
    t.date('expiredate').nullable();
    t.string('remoteid', 255).nullable();
    t.string('autosuspend', 3).nullable();
    t.string('employeesuspend', 3).nullable();
    t.string('abusesuspend', 3).nullable();
    t.string('boolvalue', 3).nullable();
    t.string('addonbool', 3).nullable();
    t.bigInteger('intvalue').nullable();
    t.bigInteger('addonlimit').nullable();
    t.bigInteger('addonmax').nullable();
    t.integer('enumerationitem').nullable();
  });
  // ~ one value per (item, intname): saveparam replaces it (OP Database.php L95-98).
  for (const name of ['itemparam', 'itemcryptedparam']) {
    await table(name, (t) => {
      t.text('value');
      t.increments('id');
      t.integer('item').notNullable();
      t.string('intname', 64).notNullable();
      t.unique(['item', 'intname']);
    });
  }
  await table('ip', (t) => {
    t.integer('id').primary();
    t.string('name', 64).notNullable();
    t.integer('item').nullable().index();
    t.integer('status').nullable();
  });
  await table('runningoperation', (t) => {
    t.integer('trycount').notNullable().defaultTo(0);
    t.integer('id').primary();
    // stand-in: the operation's service. Only (id, trycount) are seen in real queries (research §1
    // table); the column is named so that nothing in the module can lean on an `item` column here.
    t.integer('standin_item').nullable().index();
    // stand-in: what runningoperation.edit saves (errorxml, manual=on|off, research §2 table).
    t.text('errorxml').nullable();
    t.string('manual', 3).notNullable().defaultTo('off');
  });
  await table('task', (t) => {
    t.increments('id');
    t.string('type', 64).notNullable();
    t.integer('item').nullable().index();
    t.integer('runningoperation').nullable().index();
    // common.h L22-26: 0 open, 1 in work, 2 closed.
    t.integer('status').notNullable().defaultTo(0);
    t.text('params').nullable(); // stand-in: task.edit's params=
  });

  await table('standin_foreign_write', (t) => {
    t.increments('id');
    t.string('table_name', 64).notNullable();
    t.string('op', 6).notNullable();
    t.bigInteger('connection_id').nullable();
    t.timestamp('at', { precision: 6 }).notNullable().defaultTo(now);
  });
  await table('standin_mgrctl_call', (t) => {
    t.increments('id');
    t.string('func', 128).notNullable();
    t.text('params').notNullable();
    t.integer('exit_code').notNullable();
    t.text('answer').nullable();
    t.timestamp('at', { precision: 6 }).notNullable().defaultTo(now);
    // The mgrctl process that served it: a test can see whether a hung one was stopped.
    t.integer('pid').nullable();
  });
  // SQLite has no session variables: the stand-in marks its transaction with a row here instead.
  await table('standin_session', (t) => {
    t.integer('id').primary();
  });
  await table('standin_mgrctl_fault', (t) => {
    t.increments('id');
    t.string('func', 128).notNullable();
    t.integer('remaining').notNullable().defaultTo(1);
    t.string('type', 64).notNullable();
    t.string('object', 64).notNullable().defaultTo('');
    t.text('msg').notNullable();
    t.integer('exit_code').notNullable().defaultTo(1);
    // 'on': the call is carried out first and only its answer fails (lost, or an exit after the work).
    t.string('applied', 3).notNullable().defaultTo('off');
    // How long the answer is held (a hung mgrctl); after the work when `applied`, else before it.
    t.integer('delay_ms').notNullable().defaultTo(0);
    // 'on': while it hangs, mgrctl ignores SIGTERM (only SIGKILL stops it).
    t.string('ignore_term', 3).notNullable().defaultTo('off');
  });

  await createWriteTriggers(knex);
}

/**
 * AFTER INSERT/UPDATE/DELETE triggers on every BILLmanager table: a write the stand-in didn't make (its
 * mgrctl and seeds run through `asStandin`) is recorded in standin_foreign_write. In bm6 the module
 * must write none of these tables, so a test expects that list to stay empty. MariaDB tells the
 * stand-in by the session variable `@bm6_standin`; SQLite, whose writers take turns on the whole
 * file, by a row in standin_session that only the stand-in's open transaction holds.
 */
async function createWriteTriggers(knex: Knex): Promise<void> {
  const mysql = isMysql(knex);
  for (const name of BM6_TABLES) {
    for (const op of ['insert', 'update', 'delete'] as const) {
      const trigger = `standin_fw_${name}_${op}`;
      await knex.raw(`DROP TRIGGER IF EXISTS \`${trigger}\``);
      const head = `CREATE TRIGGER \`${trigger}\` AFTER ${op.toUpperCase()} ON \`${name}\` FOR EACH ROW`;
      await knex.raw(
        mysql
          ? `${head} BEGIN IF @bm6_standin IS NULL THEN ` +
              `INSERT INTO standin_foreign_write (table_name, op, connection_id) VALUES ('${name}', '${op}', CONNECTION_ID()); ` +
              'END IF; END'
          : `${head} WHEN NOT EXISTS (SELECT 1 FROM standin_session) BEGIN ` +
              `INSERT INTO standin_foreign_write (table_name, op) VALUES ('${name}', '${op}'); END`,
      );
    }
  }
}
