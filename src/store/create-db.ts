import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';

export type { Knex };

export type DbDialect = 'mysql' | 'sqlite';

/** Whether a DB URL names MySQL/MariaDB or SQLite; anything else is refused by the settings schema. */
export function dialectOf(url: string): DbDialect {
  return url.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

/**
 * One knex instance per process. MySQL gets utf8mb4, UTC and dates as strings so that DATE columns
 * read back as 'YYYY-MM-DD' in both dialects; SQLite gets WAL and a busy timeout so that several
 * processes (cron + serve + pmcpbillmgr) can share the demo file.
 */
export function createDb(url: string, options: { poolMax?: number; schemaChanges?: boolean } = {}): Knex {
  if (dialectOf(url) === 'sqlite') {
    const filename = url.slice('sqlite:'.length);
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 10000');
          conn.pragma('foreign_keys = ON');
          done(null, conn);
        },
      },
    });
  }
  const parsed = new URL(url);
  // BILLmanager's paramlist may name a socket (`?socket=PATH`): mysql2 connects through it when given.
  const socketPath = parsed.searchParams.get('socket') ?? undefined;
  return knexFactory({
    client: 'mysql2',
    connection: {
      ...(socketPath ? { socketPath } : {}),
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
      charset: 'utf8mb4',
      timezone: 'Z',
      dateStrings: true,
      decimalNumbers: true,
      supportBigNumbers: true,
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
    // knex asks every new connection for `select version()` only to tell MariaDB from MySQL in
    // schema builders; a module process makes no schema changes and saves the round trip.
    ...(options.schemaChanges === false ? { version: 'latest' } : {}),
  });
}
