import type { Knex } from 'knex';

/** The database's clock: every host that shares the database agrees on it, whatever its own clock says. */
export async function dbClock(db: Knex | Knex.Transaction): Promise<Date> {
  const client = String(db.client.config.client);
  if (client === 'better-sqlite3' || client === 'sqlite3') {
    const row = (await db.raw("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS now")) as Array<{ now: string }>;
    return new Date(String(row[0]?.now));
  }
  const [rows] = (await db.raw("SELECT DATE_FORMAT(UTC_TIMESTAMP(3), '%Y-%m-%dT%H:%i:%s.%fZ') AS now")) as [
    Array<{ now: string }>,
  ];
  return new Date(String(rows[0]?.now).replace(/(\.\d{3})\d+Z$/, '$1Z'));
}
