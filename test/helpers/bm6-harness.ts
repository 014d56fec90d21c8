import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { type MgrctlCall, mgrctlCalls } from '../../src/bm6-standin/mgrctl-calls.js';
import { asStandin, type ForeignWrite, foreignWrites } from '../../src/bm6-standin/standin-session.js';
import { BUILTIN_PACKAGES } from '../../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../../src/catalogue/create-catalogue.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { startSandbox } from '../../src/sandbox/create-sandbox.js';
import { type Bm6Standin, startBm6Standin } from './bm6-standin.js';
import { CPBILLMGR_ENTRY, type Doc, MODULE_ENTRY, parseDoc, rows, runEntry } from './harness.js';

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Bm6Harness {
  readonly standin: Bm6Standin;
  readonly knex: Knex;
  readonly sandboxUrl: string;
  readonly env: Record<string, string>;
  /** `pmcpbillmgr …` as BILLmanager runs it: one process per call. */
  module(args: string[], extraEnv?: Record<string, string>, stdin?: string): Promise<Run>;
  cpbillmgr(args: string[], extraEnv?: Record<string, string>): Promise<Run>;
  admin(func: string, params?: Record<string, string | number>): Promise<Doc>;
  ledger(): Promise<Array<Record<string, string>>>;
  licences(): Promise<Array<Record<string, string>>>;
  calls(func?: string): Promise<MgrctlCall[]>;
  foreignWrites(): Promise<ForeignWrite[]>;
  /** Changes BILLmanager's tables as the panel itself would (not a foreign write). */
  asPanel(work: (trx: Knex.Transaction) => Promise<unknown>): Promise<void>;
  close(): Promise<void>;
}

/**
 * A BILLmanager 5/6 stand-in (its real tables on MariaDB, its mgrctl, its crypt key) with the module
 * installed in bm6 mode against the sandbox upstream, driven only through `pmcpbillmgr` and `cpbillmgr`.
 */
export async function startBm6Harness(options: { conf?: string; password?: string } = {}): Promise<Bm6Harness> {
  const logger = createLogger('silent');
  const sandbox = await startSandbox({
    port: 0,
    statePath: ':memory:',
    catalogue: createCatalogue(BUILTIN_PACKAGES),
    logger,
    historicalSales: true,
    accounts: [{ username: 'reseller', password: 'secret', balance: 10_000 }],
  });
  const standin = await startBm6Standin({ password: options.password ?? 'secret' });
  await asStandin(standin.knex, (trx) =>
    trx('processingparam')
      .where({ processingmodule: 1, intname: 'url' })
      .update({ value: `${sandbox.url}/billmgr` }),
  );
  const etc = mkdtempSync(join(tmpdir(), 'cpbillmgr-bm6-etc-'));
  if (options.conf) writeFileSync(join(etc, 'cpbillmgr5.conf'), options.conf);
  const env: Record<string, string> = {
    CPBILLMGR_BILLING: 'bm6',
    CPBILLMGR_MGRCTL: standin.mgrctl,
    CPBILLMGR_MGR_ROOT: standin.mgrRoot,
    CPBILLMGR_DB: standin.url,
    CPBILLMGR_ETC: etc,
    CPBILLMGR_LOG_LEVEL: 'warn',
    CPBILLMGR_UPSTREAM_TIMEOUT_MS: '3000',
    CPBILLMGR_CRON: 'off',
  };
  const run = (entry: string, args: string[], extraEnv: Record<string, string> = {}, stdin?: string) =>
    runEntry(entry, args, { ...env, ...extraEnv }, stdin);
  const migrated = await run(CPBILLMGR_ENTRY, ['migrate']);
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stdout}${migrated.stderr}`);
  const admin = async (func: string, params: Record<string, string | number> = {}) => {
    const query = new URLSearchParams({
      func,
      authinfo: 'reseller:secret',
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
    });
    return parseDoc(await (await fetch(`${sandbox.url}/sandbox/admin?${query}`)).text());
  };
  return {
    standin,
    knex: standin.knex,
    sandboxUrl: sandbox.url,
    env,
    module: (args, extraEnv, stdin) => run(MODULE_ENTRY, args, extraEnv, stdin),
    cpbillmgr: (args, extraEnv) => run(CPBILLMGR_ENTRY, args, extraEnv),
    admin,
    ledger: async () => rows(await admin('ledger')),
    licences: async () => rows(await admin('licence.list')),
    calls: (func) => mgrctlCalls(standin.knex, func),
    foreignWrites: () => foreignWrites(standin.knex),
    asPanel: async (work) => {
      await asStandin(standin.knex, async (trx) => {
        await work(trx);
      });
    },
    close: async () => {
      await sandbox.close();
      await standin.close();
    },
  };
}
