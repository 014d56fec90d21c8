import type { Knex } from 'knex';

export function isMysql(knex: Knex): boolean {
  const client = String((knex.client as { config?: { client?: unknown } }).config?.client ?? '');
  return client === 'mysql' || client === 'mysql2';
}

/**
 * Runs `work` as BILLmanager itself: in one transaction on one connection marked as the stand-in's
 * (MariaDB: `@bm6_standin`, cleared before the connection goes back to the pool; SQLite: a row in
 * standin_session, which only this transaction sees and which it takes away again), so the write
 * triggers let it pass.
 */
export async function asStandin<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const mysql = isMysql(knex);
  return knex.transaction(async (trx) => {
    if (mysql) await trx.raw('SET @bm6_standin = 1');
    else await trx('standin_session').insert({ id: 1 });
    try {
      return await work(trx);
    } finally {
      if (mysql) await trx.raw('SET @bm6_standin = NULL');
      else await trx('standin_session').delete();
    }
  });
}

export interface ForeignWrite {
  readonly table: string;
  readonly op: 'insert' | 'update' | 'delete';
  readonly connectionId: number | null;
  readonly at: string;
}

/** Writes to BILLmanager's tables made by anyone but the stand-in, oldest first. */
export async function foreignWrites(knex: Knex): Promise<ForeignWrite[]> {
  const rows = (await knex('standin_foreign_write')
    .select('table_name', 'op', 'connection_id', 'at')
    .orderBy('id')) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    table: String(row.table_name),
    op: String(row.op) as ForeignWrite['op'],
    connectionId: row.connection_id === null ? null : Number(row.connection_id),
    at: String(row.at),
  }));
}
