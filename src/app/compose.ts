import { existsSync } from 'node:fs';
import type { Knex } from 'knex';
import { dbUrlFromParamlist, type Paramlist, readParamlist } from '../billing/bm6/read-paramlist.js';
import { createBilling } from '../billing/create-billing.js';
import { BUILTIN_PACKAGES } from '../catalogue/builtin-packages.js';
import { createCatalogue } from '../catalogue/create-catalogue.js';
import type { Settings } from '../config/settings.js';
import type { Catalogue } from '../domain/catalogue-types.js';
import { createLogger, type Logger } from '../logging/create-logger.js';
import { loadModuleConfs } from '../module-conf/load-module-confs.js';
import type { UpstreamAccount, UpstreamClient } from '../ports/upstream-client.js';
import { createDb } from '../store/create-db.js';
import { createModuleStore } from '../store/create-module-store.js';
import { migrateLatest } from '../store/migrate.js';
import { createUpstreamClient } from '../upstream/create-upstream-client.js';
import { KeyedMutex } from '../usecases/keyed-mutex.js';
import type { FaultPoint, ModuleDeps } from '../usecases/module-deps.js';

export interface App {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly db: Knex;
  readonly dbUrl: string;
  readonly catalogue: Catalogue;
  readonly deps: ModuleDeps;
  close(): Promise<void>;
}

export interface ComposeOptions {
  readonly logger?: Logger;
  /** Apply pending migrations of the module's own tables first (serve, demo). */
  readonly migrate?: boolean;
  /** One BILLmanager call in its own process: a small pool and no schema changes (see createDb). */
  readonly oneCall?: boolean;
}

/** `bm6` when told so, or when BILLmanager 5/6's mgrctl is on this host; else the seed's `bm4`. */
export function billingKindOf(settings: Settings): 'bm4' | 'bm6' {
  return settings.CPBILLMGR_BILLING ?? (existsSync(settings.CPBILLMGR_MGRCTL) ? 'bm6' : 'bm4');
}

/**
 * The one wiring point: settings → logger → cpbillmgr.conf → database → module store and billing
 * adapter → upstream clients → use-case dependencies. Entry points call this and `close()` when done.
 */
export async function composeApp(settings: Settings, options: ComposeOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(settings.CPBILLMGR_LOG_LEVEL);
  const catalogue = createCatalogue(BUILTIN_PACKAGES);
  // Read before the database is opened: a broken line stops the start with file and line.
  const confs = loadModuleConfs(settings.CPBILLMGR_ETC, catalogue);
  const kind = billingKindOf(settings);
  let paramlist: Promise<Paramlist> | undefined;
  const readPanel = () => {
    // Asked once per process; a failure is not kept (see createBilling).
    paramlist ??= readParamlist(settings.CPBILLMGR_MGRCTL, {
      logger,
      timeoutMs: settings.CPBILLMGR_MGRCTL_TIMEOUT_MS,
    }).catch((error: unknown) => {
      paramlist = undefined;
      throw error;
    });
    return paramlist;
  };
  // A real BILLmanager names its database in `mgrctl paramlist`; the seed's model defaults to SQLite.
  const dbUrl =
    settings.CPBILLMGR_DB ?? (kind === 'bm6' ? dbUrlFromParamlist(await readPanel()) : 'sqlite:var/cpbillmgr.sqlite');
  const db = createDb(dbUrl, options.oneCall ? { poolMax: 2, schemaChanges: false } : {});
  try {
    if (options.migrate) {
      const applied = await migrateLatest(db);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const clients = new Map<string, UpstreamClient>();
  const upstreamFor = (account: UpstreamAccount): UpstreamClient => {
    const key = JSON.stringify(account);
    let client = clients.get(key);
    if (!client) {
      client = createUpstreamClient(account, { logger, catalogue, timeoutMs: settings.CPBILLMGR_UPSTREAM_TIMEOUT_MS });
      clients.set(key, client);
    }
    return client;
  };
  const offset = settings.CPBILLMGR_CLOCK_OFFSET_SECONDS * 1000;
  const now = () => new Date(Date.now() + offset);
  const deps: ModuleDeps = {
    store: createModuleStore(db),
    billing: createBilling({
      kind,
      db,
      logger,
      today: () => now().toISOString().slice(0, 10),
      mgrctl: settings.CPBILLMGR_MGRCTL,
      mgrctlTimeoutMs: settings.CPBILLMGR_MGRCTL_TIMEOUT_MS,
      mgrRoot: settings.CPBILLMGR_MGR_ROOT,
      paramlist: readPanel,
    }),
    catalogue,
    confs,
    upstreamFor,
    logger,
    now,
    itemLocks: new KeyedMutex(),
    policy: {
      orderWindowSeconds: settings.CPBILLMGR_ORDER_WINDOW_SECONDS,
      waitSeconds: settings.CPBILLMGR_WAIT_SECONDS,
      ownerGraceSeconds: Math.ceil(settings.CPBILLMGR_UPSTREAM_TIMEOUT_MS / 1000) + 30,
      leaseSeconds: settings.CPBILLMGR_LEASE_SECONDS,
    },
    fault: (point: FaultPoint) => {
      if (settings.CPBILLMGR_FAULT !== point) return;
      logger.warn({ point }, 'CPBILLMGR_FAULT: exiting here on purpose');
      process.exit(70);
    },
  };
  return { settings, logger, db, dbUrl, catalogue, deps, close: () => db.destroy() };
}
