import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import type { Catalogue } from '../domain/catalogue-types.js';
import type { Logger } from '../logging/create-logger.js';
import { createAdmin } from './sandbox-admin.js';
import { createSandboxClock } from './sandbox-clock.js';
import { createDispatcher } from './sandbox-dispatch.js';
import { createSandboxEngine } from './sandbox-engine.js';
import { createFaults } from './sandbox-faults.js';
import type { Params } from './sandbox-handler-types.js';
import { createSandboxStore } from './sandbox-store.js';

export interface SandboxOptions {
  /** SQLite file holding the sandbox's state, or ':memory:'. */
  statePath: string;
  catalogue: Catalogue;
  logger: Logger;
  /** Seeded when the state is new; default one account reseller/secret with balance 1000. */
  accounts?: { username: string; password: string; balance: number }[];
  /** How long a new licence stays in status 5 (processing); default 0. */
  processingSeconds?: number;
}

export interface Sandbox {
  handler: express.Express;
  close(): void;
}

const DEFAULT_ACCOUNTS = [{ username: 'reseller', password: 'secret', balance: 1000 }];
const BILLMGR_PATHS = ['/billmgr', '/manager/billmgr'];

/** GET query and POST form merged, last value of a repeated name winning, as BILLmanager reads them. */
function paramsOf(req: Request): Params {
  const merged: Record<string, string> = {};
  for (const source of [req.query, req.body] as unknown[]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [key, value] of Object.entries(source)) {
      const last = Array.isArray(value) ? value.at(-1) : value;
      if (typeof last === 'string') merged[key] = last;
    }
  }
  return merged;
}

/** A stand-in for ISPsystem's billing: both licence API generations, its rules, and an admin API (contract §6). */
export function createSandbox(opts: SandboxOptions): Sandbox {
  const store = createSandboxStore(opts.statePath);
  store.seedAccounts(opts.accounts ?? DEFAULT_ACCOUNTS);
  const clock = createSandboxClock(store);
  const processing = { seconds: opts.processingSeconds ?? 0 };
  const engine = createSandboxEngine({
    store,
    catalogue: opts.catalogue,
    clock,
    processingSeconds: () => processing.seconds,
  });
  const faults = createFaults();
  const logger = opts.logger.child({ component: 'sandbox' });
  const dispatch = createDispatcher({ store, engine, catalogue: opts.catalogue, logger });
  const admin = createAdmin({ store, engine, clock, faults, logger, processing });

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }));
  app.use(BILLMGR_PATHS, (req, res, next) => faults.middleware(req, res, next));
  app.all(BILLMGR_PATHS, (req, res) => {
    res.type('text/xml; charset=utf-8').send(dispatch(paramsOf(req)));
  });
  app.all('/sandbox/admin', (req, res) => {
    res.type('text/xml; charset=utf-8').send(admin(paramsOf(req)));
  });
  return {
    handler: app,
    close() {
      faults.releaseAll();
      store.close();
    },
  };
}

/** Listens on host:port (port 0 = any free port) and answers the base URL to put in front of `/billmgr`. */
export async function startSandbox(
  opts: SandboxOptions & { host?: string; port?: number },
): Promise<{ url: string; close(): Promise<void>; sandbox: Sandbox }> {
  const sandbox = createSandbox(opts);
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = sandbox.handler.listen(opts.port ?? 0, host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    sandbox,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          sandbox.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
