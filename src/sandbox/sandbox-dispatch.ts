import { randomBytes } from 'node:crypto';
import type { Catalogue } from '../domain/catalogue-types.js';
import type { Logger } from '../logging/create-logger.js';
import type { SandboxEngine } from './sandbox-engine.js';
import { SandboxError } from './sandbox-error.js';
import type { Handler, Params } from './sandbox-handler-types.js';
import type { AccountRow, SandboxStore } from './sandbox-store.js';
import { doc, element, escapeXml, softErrorDoc, softwareErrorDoc } from './sandbox-xml.js';
import { SOFT_HANDLERS } from './soft-handlers.js';
import { SOFTWARE_HANDLERS } from './software-handlers.js';

/** Sessions from `func=auth` end after an hour without requests, as on a real BILLmanager [S9]. */
const SESSION_IDLE_MS = 3_600_000;

export interface DispatchDeps {
  readonly store: SandboxStore;
  readonly engine: SandboxEngine;
  readonly catalogue: Catalogue;
  readonly logger: Logger;
}

/** Masks the password in `authinfo` and `password` so request logs never carry it. */
export function redactParams(params: Params): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (key === 'authinfo') out[key] = `${value.split(':')[0]}:***`;
    else out[key] = /pass/i.test(key) ? '***' : value;
  }
  return out;
}

export function authenticate(store: SandboxStore, authinfo: string | undefined): AccountRow | undefined {
  if (!authinfo) return undefined;
  const colon = authinfo.indexOf(':');
  if (colon < 0) return undefined;
  const account = store.accountByName(authinfo.slice(0, colon));
  return account && account.password === authinfo.slice(colon + 1) ? account : undefined;
}

const isBm4 = (func: string) => func === 'software' || func.startsWith('software.') || func === 'accountinfo';

/** One `/billmgr` call: parameters in, complete XML document out (errors included, as HTTP 200). */
export function createDispatcher(deps: DispatchDeps): (params: Params) => string {
  const { store, engine, catalogue, logger } = deps;
  const sessions = new Map<string, { account: number; lastUsed: number }>();
  const handlers: Record<string, Handler> = { ...SOFT_HANDLERS, ...SOFTWARE_HANDLERS };

  function accountOf(params: Params): AccountRow {
    const byAuthinfo = authenticate(store, params.authinfo);
    if (byAuthinfo) return byAuthinfo;
    const session = params.auth ? sessions.get(params.auth) : undefined;
    if (session && Date.now() - session.lastUsed < SESSION_IDLE_MS) {
      session.lastUsed = Date.now();
      const account = store.account(session.account);
      if (account) return account;
    }
    throw new SandboxError('auth', '', 'Invalid username or password, or the session has expired');
  }

  function run(func: string, params: Params): string {
    if (func === '') throw new SandboxError('missed', 'func', 'The function (func) is required');
    if (func === 'pricelist.export') return priceListDoc(catalogue);
    if (func === 'auth') {
      const account = authenticate(store, `${params.username ?? ''}:${params.password ?? ''}`);
      if (!account) throw new SandboxError('auth', '', 'Invalid username or password');
      const sid = randomBytes(12).toString('hex');
      sessions.set(sid, { account: account.id, lastUsed: Date.now() });
      return doc(element('auth', sid, { id: sid }));
    }
    const account = accountOf(params);
    const handler = handlers[func];
    if (!handler) throw new SandboxError('missed', 'func', `Unknown function '${func}'`, func);
    engine.tick();
    return handler({ params, account: store.account(account.id) ?? account, engine, store, catalogue });
  }

  return (params) => {
    const func = params.func ?? '';
    let outcome = 'ok';
    try {
      return run(func, params);
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      outcome = `error:${error.type}`;
      return isBm4(func) ? softwareErrorDoc(error) : softErrorDoc(error);
    } finally {
      logger.debug({ func, params: redactParams(params), outcome }, 'sandbox request');
    }
  };
}

/** `pricelist.export` [R9][S15]; each period carries its BILLmanager 4 row id so both generations can map it. */
export function priceListDoc(catalogue: Catalogue): string {
  const rows = catalogue.packages.map((pkg) => {
    const periods = pkg.periods
      .map((p) => element('period', '', { id: p.id, type: p.unit, length: p.length, cost: p.cost.toFixed(2) }))
      .join('');
    return element(
      'pricelist',
      element('id', String(pkg.id)) +
        element('name', escapeXml(pkg.name)) +
        element('itemtype', 'soft') +
        element('active', 'on') +
        element('price', periods, { currency: 'EUR' }),
    );
  });
  return doc(rows.join(''));
}
