import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import type { Catalogue } from '../domain/catalogue-types.js';
import type { Logger } from '../logging/create-logger.js';
import { createRequestCounter } from './request-counter.js';
import { createAdmin } from './sandbox-admin.js';
import { createSandboxClock } from './sandbox-clock.js';
import { createDispatcher } from './sandbox-dispatch.js';
import { createSandboxEngine } from './sandbox-engine.js';
import { createFaults, isBeforeMode } from './sandbox-faults.js';
import type { Body, Params } from './sandbox-handler-types.js';
import type { SalesMode } from './sandbox-sales.js';
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
  /**
   * Sell the whole catalogue, as the upstream did when the seed's wiki page was written. Default (false):
   * today's upstream, which neither sells nor renews a package or period marked `sold: false`.
   * The BILLmanager 4 functions (`software.*`) always sell everything.
   */
  historicalSales?: boolean;
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
  const sales: { mode: SalesMode } = { mode: opts.historicalSales ? 'historical' : 'today' };
  const salesMode = () => sales.mode;
  const { catalogue } = opts;
  const engine = createSandboxEngine({
    store,
    catalogue,
    clock,
    processingSeconds: () => processing.seconds,
    salesMode,
  });
  const faults = createFaults();
  const requests = createRequestCounter();
  const logger = opts.logger.child({ component: 'sandbox' });
  const dispatch = createDispatcher({ store, engine, catalogue, logger, salesMode });
  const admin = createAdmin({ store, engine, catalogue, clock, faults, requests, logger, processing, sales });

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.all(BILLMGR_PATHS, (req, res) => {
    const params = paramsOf(req);
    const func = params.func ?? '';
    requests.count(func);
    const fault = faults.take(func);
    if (fault && isBeforeMode(fault.mode)) return faults.before(res, fault);
    if (fault?.mode === 'slow') {
      return faults.slow(fault, () => {
        const late = dispatch(params);
        if (!res.destroyed && !res.writableEnded) send(res, late, logger);
      });
    }
    const body = dispatch(params);
    if (!fault) return void send(res, body, logger);
    const whole = typeof body === 'string' ? body : [...body].join('');
    faults.after(res, fault, whole, () => void send(res, whole, logger));
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

/**
 * Sends a document; a chunked one is written as it is produced, waiting for the socket to drain, so a
 * 100 000-row list never exists as one string. A client that goes away stops the rendering.
 */
async function send(res: Response, body: Body, logger: Logger): Promise<void> {
  res.type('text/xml; charset=utf-8');
  if (typeof body === 'string') return void res.send(body);
  try {
    for (const chunk of body) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await drained(res);
    }
    res.end();
  } catch (error) {
    logger.error({ err: error }, 'sandbox: a streamed answer failed');
    if (res.headersSent) res.destroy();
    else res.status(500).type('text/plain').send('Internal Server Error');
  }
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
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
