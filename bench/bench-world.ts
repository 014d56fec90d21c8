/**
 * Shared by the scale benches: a sandbox upstream on a SQLite file, a throwaway MariaDB billing, bulk
 * seeding of both (knex batch inserts; licences written straight into the sandbox's state, which has no
 * bulk admin function yet), and a measured run in a separate process so that its wall time, peak RSS
 * and upstream calls are its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { type App, composeApp } from '../src/app/compose.js';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import { loadSettings } from '../src/config/settings.js';
import { createLogger } from '../src/logging/create-logger.js';
import type { UpstreamClient } from '../src/ports/upstream-client.js';
import { startSandbox } from '../src/sandbox/create-sandbox.js';
import { createDb } from '../src/store/create-db.js';
import { migrateLatest } from '../src/store/migrate.js';
import { seedAddonSetup } from '../test/helpers/addon-fixture.js';
import { seedBilling } from '../test/helpers/billing-fixture.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/test-database.js';

export const BENCH_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface World {
  readonly knex: Knex;
  readonly sandboxUrl: string;
  readonly statePath: string;
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export interface Figures {
  readonly wallSeconds: number;
  readonly peakRssMb: number;
  readonly upstreamCalls: Record<string, number>;
  readonly result: unknown;
}

export async function startWorld(conf = ''): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-bench-'));
  const statePath = join(dir, 'sandbox.sqlite');
  const sandbox = await startSandbox({
    port: 0,
    statePath,
    catalogue: createCatalogue(BUILTIN_PACKAGES),
    logger: createLogger('silent'),
    accounts: [{ username: 'reseller', password: 'secret', balance: 1e9 }],
  });
  const db: TestDatabase = await createTestDatabase('mysql');
  writeFileSync(join(dir, 'cpbillmgr5.conf'), conf);
  const knex = createDb(db.url, { poolMax: 4 });
  await migrateLatest(knex);
  await seedBilling(knex, `${sandbox.url}/billmgr`, 5);
  await seedAddonSetup(knex);
  const env = {
    CPBILLMGR_DB: db.url,
    CPBILLMGR_ETC: dir,
    CPBILLMGR_API_TOKEN: 'bench-token-0123456789abcdef',
    CPBILLMGR_LOG_LEVEL: 'error',
    CPBILLMGR_UPSTREAM_TIMEOUT_MS: '300000',
    CPBILLMGR_ORDER_WINDOW_SECONDS: '600',
  };
  return {
    knex,
    sandboxUrl: sandbox.url,
    statePath,
    env,
    close: async () => {
      await knex.destroy();
      await sandbox.close();
      await db.drop();
    },
  };
}

export async function batchInsert(knex: Knex, table: string, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await knex(table).insert(rows.slice(i, i + 1000));
}

/** The n-th IP of a bench: 10.a.b.c, never 0.0.0.0. */
export function benchIp(n: number): string {
  return `10.${Math.floor(n / 62500) % 250}.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
}

export interface SeedLicence {
  readonly package: number;
  readonly period: number;
  readonly ip: string;
  readonly licname: string;
  readonly expiredate: string;
  readonly status?: number;
}

/** Writes licences of account 1 (the reseller) into the sandbox's state in one transaction; returns their ids. */
export function seedUpstream(statePath: string, licences: readonly SeedLicence[]): number[] {
  const db = new Database(statePath);
  db.pragma('busy_timeout = 10000');
  const today = new Date().toISOString().slice(0, 10);
  const first = Number((db.prepare('SELECT COALESCE(MAX(id), 999) + 1 AS n FROM licence').get() as { n: number }).n);
  const insert = db.prepare(
    `INSERT INTO licence (id, account, package, period, ip, licname, remoteid, lickey, status, createdate, expiredate,
       processing_until, autoprolong, discount, ip_change_date, key_change_date)
     VALUES (?, 1, ?, ?, ?, ?, '', ?, ?, ?, ?, '', 0, 0, '', '')`,
  );
  const ids: number[] = [];
  db.transaction(() => {
    licences.forEach((l, i) => {
      const id = first + i;
      insert.run(id, l.package, l.period, l.ip, l.licname, `${id}-BENCH`, l.status ?? 2, today, l.expiredate);
      ids.push(id);
    });
  })();
  db.close();
  return ids;
}

/** Runs this bench file again as `--child NAME` with the world's settings; its figures come back as JSON. */
export function measureInChild(script: string, name: string, env: Record<string, string>): Promise<Figures> {
  return new Promise((resolveRun, reject) => {
    // e.g. BENCH_CHILD_NODE_ARGS=--cpu-prof to profile the measured run alone.
    const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, script, '--child', name], {
      cwd: BENCH_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 && !line.startsWith('{')) reject(new Error(`${name} exited ${code}: ${out.slice(-2000)}`));
      else resolveRun(JSON.parse(line) as Figures);
    });
  });
}

/** In the child: the app as `cpbillmgr` composes it, every upstream call counted by function. */
export async function childApp(): Promise<{ app: App; calls: Record<string, number> }> {
  const app = await composeApp(loadSettings(), { logger: createLogger('error') });
  const calls: Record<string, number> = {};
  const upstreamFor = app.deps.upstreamFor;
  const counted = new WeakMap<UpstreamClient, UpstreamClient>();
  const wrap = (client: UpstreamClient): UpstreamClient => {
    let proxy = counted.get(client);
    if (!proxy) {
      proxy = new Proxy(client, {
        get(targetClient, property, receiver) {
          const value = Reflect.get(targetClient, property, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls[String(property)] = (calls[String(property)] ?? 0) + 1;
            return value.apply(targetClient, args);
          };
        },
      });
      counted.set(client, proxy);
    }
    return proxy;
  };
  const deps = { ...app.deps, upstreamFor: (account: Parameters<typeof upstreamFor>[0]) => wrap(upstreamFor(account)) };
  return { app: { ...app, deps }, calls };
}

export async function measure(work: () => Promise<unknown>, calls: Record<string, number>): Promise<Figures> {
  const started = performance.now();
  const result = await work();
  return {
    wallSeconds: Math.round((performance.now() - started) / 10) / 100,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    upstreamCalls: calls,
    result,
  };
}

export const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
