import { randomBytes } from 'node:crypto';
import type { Catalogue } from '../domain/catalogue-types.js';
import type { Logger } from '../logging/create-logger.js';
import type { SandboxEngine } from './sandbox-engine.js';
import { langOf, SandboxError, text } from './sandbox-error.js';
import type { Body, Handler, Params } from './sandbox-handler-types.js';
import { onSale, type SalesMode } from './sandbox-sales.js';
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
  readonly salesMode: () => SalesMode;
}

const BAD_LOGIN = text('Invalid username or password', 'Неверное имя пользователя или пароль');

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
export function createDispatcher(deps: DispatchDeps): (params: Params) => Body {
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
    throw new SandboxError(
      'auth',
      '',
      text(
        'Invalid username or password, or the session has expired',
        'Неверное имя пользователя или пароль, или сессия истекла',
      ),
    );
  }

  function run(func: string, params: Params): Body {
    if (func === '')
      throw new SandboxError('missed', 'func', text('The function (func) is required', 'Не указана функция'));
    if (func === 'pricelist.export') return priceListDoc(catalogue, deps.salesMode(), params.itemtype);
    if (func === 'auth') {
      const account = authenticate(store, `${params.username ?? ''}:${params.password ?? ''}`);
      if (!account) throw new SandboxError('auth', '', BAD_LOGIN);
      const sid = randomBytes(12).toString('hex');
      sessions.set(sid, { account: account.id, lastUsed: Date.now() });
      return doc(element('auth', sid, { id: sid }));
    }
    const account = accountOf(params);
    const handler = handlers[func];
    if (!handler) {
      throw new SandboxError(
        'missed',
        'func',
        text(`Unknown function '${func}'`, `Неизвестная функция «${func}»`),
        func,
      );
    }
    engine.tick();
    return handler({
      params,
      account: store.account(account.id) ?? account,
      engine,
      store,
      catalogue,
      lang: langOf(params.lang),
      sales: isBm4(func) ? 'historical' : deps.salesMode(),
    });
  }

  return (params) => {
    const func = params.func ?? '';
    let outcome = 'ok';
    try {
      return run(func, params);
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      outcome = `error:${error.type}`;
      const lang = langOf(params.lang);
      return isBm4(func) ? softwareErrorDoc(error, lang) : softErrorDoc(error, lang);
    } finally {
      logger.debug({ func, params: redactParams(params), outcome }, 'sandbox request');
    }
  };
}

/**
 * `pricelist.export` [R9][S15]: no auth; periods as `<period type="month" length="1" cost="…"/>` with no
 * id (research "Verified 2026-11-26"); the trial as `type="day"` with its length in days, lifetime as
 * `type="lifetime" length="1"`. Only what the upstream sells in its current mode is exported; another
 * `itemtype` than `soft` exports nothing, since the sandbox sells only licences.
 */
export function priceListDoc(catalogue: Catalogue, mode: SalesMode, itemtype: string | undefined): string {
  if (itemtype !== undefined && itemtype !== '' && itemtype !== 'soft') return doc();
  const rows = catalogue.packages
    .filter((pkg) => onSale(mode, pkg))
    .map((pkg) => {
      const periods = pkg.periods
        .filter((p) => onSale(mode, pkg, p))
        .map((p) => element('period', '', { type: p.unit, length: p.length, cost: p.cost.toFixed(2) }))
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
