import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import knexFactory, { type Knex } from 'knex';
import { pino } from 'pino';
import { composeApp } from '../src/app/compose.js';
import { startServer } from '../src/app/start-server.js';
import { loadSettings } from '../src/config/settings.js';
import {
  DatabaseUnavailableError,
  isConnectionError,
  toDatabaseError,
} from '../src/errors/database-unavailable-error.js';
import { toModuleError } from '../src/errors/internal-error.js';
import { isDeadlock } from '../src/errors/is-deadlock.js';
import { createLogger } from '../src/logging/create-logger.js';
import { seedBilling } from './helpers/billing-fixture.js';
import { parseDoc, TOKEN } from './helpers/harness.js';
import { createTestDatabase, MARIADB_ROOT, type TestDatabase } from './helpers/test-database.js';

const root = new URL(MARIADB_ROOT);
const quiet = { warn() {}, error() {}, debug() {}, deprecate() {} };

function mysqlKnex(connection: Record<string, unknown>, extra: Partial<Knex.Config> = {}): Knex {
  return knexFactory({
    client: 'mysql2',
    connection: { user: root.username, password: root.password, connectTimeout: 2000, ...connection },
    pool: { min: 0, max: 2 },
    acquireConnectionTimeout: 3000,
    log: quiet,
    ...extra,
  });
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  assert.fail('expected the query to fail');
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function assertUnavailable(error: unknown, label: string): DatabaseUnavailableError {
  assert.equal(isConnectionError(error), true, `${label}: ${String(error)}`);
  assert.equal(isDeadlock(error), false, label);
  const typed = toDatabaseError(error);
  assert.ok(typed instanceof DatabaseUnavailableError, label);
  assert.equal(typed.type, 'database');
  assert.equal(typed.object, 'database');
  assert.equal(typed.retryable, true);
  assert.equal(typed.cause, error);
  return typed;
}

function assertNotUnavailable(error: unknown, label: string): void {
  assert.equal(isConnectionError(error), false, `${label}: ${String(error)}`);
  assert.equal(toDatabaseError(error), undefined, label);
}

describe('database errors: what counts as "unavailable"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-edge-db-'));
  let db: TestDatabase;
  let admin: Knex;
  before(async () => {
    db = await createTestDatabase('mysql');
    admin = mysqlKnex({
      host: root.hostname,
      port: Number(root.port || 3306),
      database: new URL(db.url).pathname.slice(1),
    });
  });
  after(async () => {
    await admin.destroy();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a closed port: ECONNREFUSED, and the message gives away no host, user or password', async () => {
    const port = await closedPort();
    const knex = mysqlKnex({ host: '127.0.0.1', port, user: 'billing_user', password: 'sekrit-pw' });
    const error = await failure(() => knex.raw('select 1'));
    await knex.destroy();
    assert.equal((error as { code?: string }).code, 'ECONNREFUSED');
    const typed = assertUnavailable(error, 'closed port');
    assert.equal(typed.message, 'the billing database is unavailable (ECONNREFUSED); the call can be retried later');
    assert.doesNotMatch(typed.message, /sekrit|billing_user|127\.0\.0\.1|\d{4,5}/);
  });

  test('a wrong unix socket: missing path (ENOENT) and a path that is not a socket', async () => {
    const missing = mysqlKnex({ socketPath: join(dir, 'mysqld.sock') });
    const notSocket = join(dir, 'plain-file');
    writeFileSync(notSocket, '');
    const plain = mysqlKnex({ socketPath: notSocket });
    const errors = [await failure(() => missing.raw('select 1')), await failure(() => plain.raw('select 1'))];
    await Promise.all([missing.destroy(), plain.destroy()]);
    assert.deepEqual(
      errors.map((error) => (error as { code?: string }).code),
      ['ENOENT', 'ECONNREFUSED'],
    );
    errors.forEach((error, index) => {
      assertUnavailable(error, `socket ${index}`);
    });
  });

  test('a host name that does not resolve (ENOTFOUND, or EAI_AGAIN without DNS)', async () => {
    const knex = mysqlKnex({ host: 'billing-db.invalid' });
    const error = await failure(() => knex.raw('select 1'));
    await knex.destroy();
    assert.match(String((error as { code?: string }).code), /^(ENOTFOUND|EAI_AGAIN)$/);
    assertUnavailable(error, 'unresolvable host');
  });

  test('a pool that cannot hand out a connection in time (knex acquire timeout)', async () => {
    const knex = mysqlKnex(
      { host: root.hostname, port: Number(root.port || 3306) },
      { pool: { min: 0, max: 1 }, acquireConnectionTimeout: 300 },
    );
    const trx = await knex.transaction();
    const error = await failure(() => knex.raw('select 1'));
    await trx.rollback();
    await knex.destroy();
    assert.equal((error as Error).name, 'KnexTimeoutError');
    assert.match(assertUnavailable(error, 'pool').message, /\(pool timeout\)/);
  });

  test('the server kills the connection in the middle of a query', async () => {
    const knex = mysqlKnex({ host: root.hostname, port: Number(root.port || 3306) }, { pool: { min: 0, max: 1 } });
    const [[{ id }]] = (await knex.raw('select connection_id() as id')) as [[{ id: number }]];
    const sleeping = failure(() => knex.raw('select sleep(20)'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await admin.raw(`KILL CONNECTION ${Number(id)}`);
    const error = await sleeping;
    // MariaDB sends ER_CONNECTION_KILLED (1927) and hangs up; mysql2 may report either.
    assert.match(String((error as { code?: string }).code), /^(ER_CONNECTION_KILLED|PROTOCOL_CONNECTION_LOST)$/);
    assertUnavailable(error, 'killed');
    // The next query after the loss fails the same way or reconnects; either is fine, never "internal".
    const next = await knex.raw('select 1').then(
      () => undefined,
      (e: unknown) => e,
    );
    if (next !== undefined) assertUnavailable(next, 'after kill');
    await knex.destroy();
  });

  test('SQLite: a database locked by another writer (SQLITE_BUSY) and an unopenable file (SQLITE_CANTOPEN)', async () => {
    const file = join(dir, 'busy.sqlite');
    const sqlite = (busyMs: number) =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename: file },
        useNullAsDefault: true,
        log: quiet,
        pool: {
          min: 1,
          max: 1,
          afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
            conn.pragma(`busy_timeout = ${busyMs}`);
            done(null, conn);
          },
        },
      });
    const holder = sqlite(0);
    const other = sqlite(0);
    await holder.schema.createTable('t', (table) => table.integer('id'));
    const trx = await holder.transaction();
    await trx('t').insert({ id: 1 });
    const busy = await failure(() => other('t').insert({ id: 2 }));
    await trx.rollback();
    await Promise.all([holder.destroy(), other.destroy()]);
    assert.match(String((busy as { code?: string }).code), /^SQLITE_BUSY/);
    assertUnavailable(busy, 'busy');

    const folder = join(dir, 'a-folder.sqlite');
    mkdirSync(folder);
    const cantOpen = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: folder },
      useNullAsDefault: true,
      log: quiet,
    });
    const error = await failure(() => cantOpen.raw('select 1'));
    await cantOpen.destroy();
    assert.match(String((error as { code?: string }).code), /^SQLITE_CANTOPEN/);
    assertUnavailable(error, 'cantopen');
  });

  test('not "unavailable": wrong password, unknown database, bad SQL, a duplicate key', async () => {
    const port = Number(root.port || 3306);
    const wrongPassword = mysqlKnex({ host: root.hostname, port, password: 'definitely-wrong' });
    const unknownDb = mysqlKnex({ host: root.hostname, port, database: 'cpb_no_such_db_x' });
    const denied = await failure(() => wrongPassword.raw('select 1'));
    const missing = await failure(() => unknownDb.raw('select 1'));
    await Promise.all([wrongPassword.destroy(), unknownDb.destroy()]);
    await admin.raw('create table dup (id int primary key)');
    await admin('dup').insert({ id: 1 });
    const duplicate = await failure(() => admin('dup').insert({ id: 1 }));
    const syntax = await failure(() => admin.raw('selec 1'));
    const cases: Array<[string, unknown, string]> = [
      ['wrong password', denied, 'ER_ACCESS_DENIED_ERROR'],
      ['unknown database', missing, 'ER_BAD_DB_ERROR'],
      ['duplicate key', duplicate, 'ER_DUP_ENTRY'],
      ['bad SQL', syntax, 'ER_PARSE_ERROR'],
    ];
    for (const [label, error, code] of cases) {
      assert.equal((error as { code?: string }).code, code, label);
      assertNotUnavailable(error, label);
    }
  });

  test('not "unavailable": an HTTP client refused by the same closed port (that is the upstream failing)', async () => {
    const port = await closedPort();
    const error = await failure(() => fetch(`http://127.0.0.1:${port}/`));
    assert.equal(((error as Error).cause as { code?: string }).code, 'ECONNREFUSED');
    const raw = await new Promise<unknown>((resolve) => {
      const socket: Socket = tcpConnect(port, '127.0.0.1');
      socket.on('error', resolve);
    });
    assertNotUnavailable(error, 'fetch');
    assertNotUnavailable(raw, 'raw socket');
  });

  test('a wrapper whose cause is a lost connection still counts', async () => {
    const port = await closedPort();
    const knex = mysqlKnex({ host: '127.0.0.1', port });
    const inner = await failure(() => knex.raw('select 1'));
    await knex.destroy();
    assertUnavailable(new Error('reading the item failed', { cause: inner }), 'wrapped');
  });
});

describe('deadlocks on MariaDB', () => {
  let db: TestDatabase;
  let knex: Knex;
  before(async () => {
    db = await createTestDatabase('mysql');
    knex = mysqlKnex(
      { host: root.hostname, port: Number(root.port || 3306), database: new URL(db.url).pathname.slice(1) },
      { pool: { min: 0, max: 4 } },
    );
    await knex.schema.createTable('pair', (table) => {
      table.integer('id').primary();
      table.integer('n');
    });
    await knex('pair').insert([
      { id: 1, n: 0 },
      { id: 2, n: 0 },
    ]);
  });
  after(async () => {
    await knex.destroy();
    await db.drop();
  });

  test('two transactions locking rows in crossed order: the loser is recognised as a deadlock', async () => {
    const first = await knex.transaction();
    const second = await knex.transaction();
    await first('pair').where({ id: 1 }).forUpdate();
    await second('pair').where({ id: 2 }).forUpdate();
    const firstWaits = first('pair')
      .where({ id: 2 })
      .forUpdate()
      .then(
        () => 'locked',
        (error: unknown) => error,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const secondCloses = second('pair')
      .where({ id: 1 })
      .forUpdate()
      .then(
        () => 'locked',
        (error: unknown) => error,
      );
    const outcomes = await Promise.all([firstWaits, secondCloses]);
    const losers = outcomes.filter((outcome) => outcome !== 'locked');
    assert.equal(losers.length, 1, `exactly one transaction loses: ${outcomes.map(String).join(' / ')}`);
    const [loser] = losers;
    assert.equal((loser as { code?: string }).code, 'ER_LOCK_DEADLOCK');
    assert.equal((loser as { errno?: number }).errno, 1213);
    assert.equal(isDeadlock(loser), true);
    assert.equal(isConnectionError(loser), false);
    const typed = toDatabaseError(loser);
    assert.equal(typed?.type, 'database');
    assert.equal(typed?.retryable, true);
    assert.match(typed?.message ?? '', /deadlock/);
    await Promise.allSettled([first.rollback(), second.rollback()]);
  });

  test('a lock wait timeout (1205) is retried the same way', async () => {
    const holder = await knex.transaction();
    const waiter = await knex.transaction();
    await holder('pair').where({ id: 1 }).forUpdate();
    await waiter.raw('SET SESSION innodb_lock_wait_timeout = 1');
    const error = await failure(async () => waiter('pair').where({ id: 1 }).forUpdate());
    await Promise.allSettled([holder.rollback(), waiter.rollback()]);
    assert.equal((error as { errno?: number }).errno, 1205);
    assert.equal(isDeadlock(error), true);
    assert.equal(toDatabaseError(error)?.type, 'database');
  });

  test('isDeadlock is false for anything else', () => {
    for (const value of [
      undefined,
      null,
      'ER_LOCK_DEADLOCK',
      new Error('deadlock'),
      { errno: 1062 },
      { code: 'ECONNRESET' },
    ]) {
      assert.equal(isDeadlock(value), false, String(value));
    }
  });
});

describe('toModuleError answers "database", not "internal", when the database goes away', () => {
  test('in isolation: the type, a warning in the log and no error-level "internal error"', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const port = await closedPort();
    const knex = mysqlKnex({ host: '127.0.0.1', port });
    const error = await failure(() => knex.raw('select 1'));
    await knex.destroy();
    const answer = toModuleError(error, logger);
    assert.equal(answer.type, 'database');
    assert.equal(answer.retryable, true);
    assert.equal(toModuleError(new Error('a bug'), logger).type, 'internal');
    const levels = lines.map((line) => (JSON.parse(line) as { level: number; msg: string }).msg);
    assert.deepEqual(levels, ['database unavailable', 'internal error']);
  });

  test('through HTTP: a database cut mid-run answers type database, and works again when it is back', async () => {
    const db = await createTestDatabase('mysql');
    const proxy = await startTcpProxy(Number(root.port || 3306), root.hostname);
    const proxied = new URL(db.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const etc = mkdtempSync(join(tmpdir(), 'cpbillmgr-edge-etc-'));
    const app = await composeApp(
      loadSettings({
        CPBILLMGR_DB: proxied.href,
        CPBILLMGR_ETC: etc,
        CPBILLMGR_API_TOKEN: TOKEN,
        CPBILLMGR_CRON: 'off',
        CPBILLMGR_LOG_LEVEL: 'silent',
      }),
      { logger: createLogger('silent'), migrate: true },
    );
    await seedBilling(app.db, 'http://127.0.0.1:9/billmgr', 5);
    const server = await startServer(app, '127.0.0.1:0');
    const call = async () => {
      const response = await fetch(`${server.url}/cpbillmgr?func=open&elid=999999`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      return parseDoc(await response.text());
    };
    try {
      assert.equal((await call()).error?.['@type'], 'notfound', 'the database answers before the cut');
      proxy.cut();
      const cut = await call();
      assert.equal(cut.error?.['@type'], 'database');
      assert.equal(cut.error?.['@object'], 'database');
      assert.doesNotMatch(String(cut.error?.msg), /root|127\.0\.0\.1|internal/);
      await proxy.restore();
      assert.equal((await call()).error?.['@type'], 'notfound', 'a retry after the database is back works');
    } finally {
      await server.stop();
      await app.close();
      await proxy.close();
      await db.drop();
      rmSync(etc, { recursive: true, force: true });
    }
  });
});

interface TcpProxy {
  readonly port: number;
  /** Drops every connection and stops accepting: the database is gone. */
  cut(): void;
  /** Accepts again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function startTcpProxy(targetPort: number, targetHost: string): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    const next = createServer((client) => {
      const upstream = tcpConnect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => next.listen(port, '127.0.0.1', resolve));
    port = (next.address() as { port: number }).port;
    server = next;
  };
  await listen();
  const stop = async () => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise((resolve) => closing.close(resolve));
  };
  return {
    get port() {
      return port;
    },
    cut: () => {
      void stop();
    },
    restore: listen,
    close: stop,
  };
}
