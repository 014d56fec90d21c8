import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';

export const MARIADB_ROOT = process.env.CPBILLMGR_TEST_MYSQL ?? 'mysql://root:@127.0.0.1:3306';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A throwaway MariaDB database (dropped afterwards), or a throwaway SQLite file. */
export async function createTestDatabase(dialect: 'mysql' | 'sqlite'): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-test-'));
    return { url: `sqlite:${join(dir, 'billing.sqlite')}`, drop: async () => undefined };
  }
  const name = `cpb_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const root = new URL(MARIADB_ROOT);
  const admin = knexFactory({
    client: 'mysql2',
    connection: { host: root.hostname, port: Number(root.port || 3306), user: root.username, password: root.password },
  });
  await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.destroy();
  return {
    url: `${MARIADB_ROOT}/${name}`,
    drop: async () => {
      const again = knexFactory({
        client: 'mysql2',
        connection: {
          host: root.hostname,
          port: Number(root.port || 3306),
          user: root.username,
          password: root.password,
        },
      });
      await again.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await again.destroy();
    },
  };
}
