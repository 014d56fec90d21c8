import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { BM6, seedBm6Billing } from '../../src/bm6-standin/seed-bm6-billing.js';
import { type StandinKey, writeStandinKey } from '../../src/bm6-standin/standin-key.js';
import { writeMgrctlWrapper } from '../../src/bm6-standin/write-mgrctl-wrapper.js';
import { createDb } from '../../src/store/create-db.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export { BM6 };

export interface Bm6Standin {
  readonly knex: Knex;
  readonly url: string;
  readonly mgrRoot: string;
  readonly key: StandinKey;
  /** The wrapper script: what CPBILLMGR_MGRCTL would name. */
  readonly mgrctl: string;
  close(): Promise<void>;
}

/** A throwaway MariaDB database seeded as a BILLmanager 5/6 billing, its key, and its mgrctl. */
export async function startBm6Standin(options: { password?: string } = {}): Promise<Bm6Standin> {
  const db: TestDatabase = await createTestDatabase('mysql');
  const knex = createDb(db.url);
  const mgrRoot = mkdtempSync(join(tmpdir(), 'cpbillmgr-mgr5-'));
  const key = await writeStandinKey(mgrRoot);
  await seedBm6Billing(knex, {
    upstreamUrl: 'http://127.0.0.1:1/billmgr',
    password: options.password ?? 'up-secret',
    publicPem: key.publicPem,
  });
  const mgrctl = await writeMgrctlWrapper(join(mgrRoot, 'sbin'), { dbUrl: db.url, mgrRoot });
  return {
    knex,
    url: db.url,
    mgrRoot,
    key,
    mgrctl,
    close: async () => {
      await knex.destroy();
      await db.drop();
    },
  };
}

export interface RawRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program directly (no shell), whatever its exit code. */
export function runRaw(path: string, args: readonly string[], input?: string): Promise<RawRun> {
  return new Promise((resolve) => {
    const child = execFile(path, args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** `mgrctl -m billmgr -o xml FUNC k=v…` against the stand-in, raw. */
export function mgrctlRaw(mgrctl: string, func: string, params: Record<string, string | number> = {}): Promise<RawRun> {
  return runRaw(mgrctl, ['-m', 'billmgr', '-o', 'xml', func, ...Object.entries(params).map(([k, v]) => `${k}=${v}`)]);
}

export async function itemRow(knex: Knex, id: number): Promise<Record<string, unknown>> {
  return (await knex('item').where({ id }).first()) as Record<string, unknown>;
}

export async function itemParams(knex: Knex, item: number, table = 'itemparam'): Promise<Record<string, string>> {
  const rows = (await knex(table).where({ item }).orderBy('id')) as Array<{ intname: string; value: string }>;
  return Object.fromEntries(rows.map((row) => [row.intname, row.value]));
}
