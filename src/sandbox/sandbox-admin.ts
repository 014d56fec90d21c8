import type { Catalogue } from '../domain/catalogue-types.js';
import type { Logger } from '../logging/create-logger.js';
import type { RequestCounter } from './request-counter.js';
import type { SandboxClock } from './sandbox-clock.js';
import { authenticate, redactParams } from './sandbox-dispatch.js';
import type { SandboxEngine } from './sandbox-engine.js';
import { SandboxError } from './sandbox-error.js';
import type { Faults } from './sandbox-faults.js';
import { type FaultRule, HANG_MS, isFaultMode, LATE_MS } from './sandbox-faults.js';
import type { Params } from './sandbox-handler-types.js';
import { isSalesMode, type SalesMode } from './sandbox-sales.js';
import type { AccountRow, SandboxStore } from './sandbox-store.js';
import { doc, element, type Fields, fieldsXml, okDoc, softErrorDoc } from './sandbox-xml.js';
import { seedLicences } from './seed-licences.js';

export interface AdminDeps {
  readonly store: SandboxStore;
  readonly engine: SandboxEngine;
  readonly catalogue: Catalogue;
  readonly clock: SandboxClock;
  readonly faults: Faults;
  readonly requests: RequestCounter;
  readonly logger: Logger;
  readonly processing: { seconds: number };
  readonly sales: { mode: SalesMode };
}

function number(params: Params, name: string): number {
  const value = Number(params[name]);
  if (params[name] === undefined || params[name] === '')
    throw new SandboxError('missed', name, `'${name}' is required`);
  if (!Number.isFinite(value)) throw new SandboxError('value', name, `'${name}' must be a number`, params[name]);
  return value;
}

const rows = (list: readonly object[]) => doc(list.map((row) => element('elem', fieldsXml(row as Fields))).join(''));

/**
 * The upstream function a fault is limited to. It can't be called `func`, the admin function's own
 * parameter, so it is `target`.
 */
function faultRule(params: Params): FaultRule {
  const mode = params.mode;
  if (!isFaultMode(mode)) {
    throw new SandboxError(
      'value',
      'mode',
      'mode is timeout, error500 or down (before the call) or lost, late or truncated (after it)',
      mode,
    );
  }
  const count = params.count === undefined ? 1 : number(params, 'count');
  if (!Number.isInteger(count) || count < 1)
    throw new SandboxError('value', 'count', 'count is 1 or more', params.count);
  const ms = params.ms === undefined ? (mode === 'late' || mode === 'slow' ? LATE_MS : HANG_MS) : number(params, 'ms');
  if (ms < 0) throw new SandboxError('value', 'ms', 'ms is 0 or more', params.ms);
  return { mode, target: params.target ?? '', remaining: count, ms };
}

/**
 * Test and demo controls at `/sandbox/admin` (GET or POST, `authinfo=USER:PASS` of the account they act
 * on; answers `<doc>`, errors as BILLmanager 5 error documents in English):
 * - `clock` → now, today; `clock.advance` hours=N | days=N (then the time rules run);
 * - `balance.set` amount; `discount.set` percent [elid: one licence, else the account];
 * - `ledger` → elem{id, account, licence, kind (order|prolong|changepricelist|autoprolong|addon), amount, period, at};
 * - `licence.list` → every stored column of every licence (remoteid and nodes included: this is the
 *   test's view, not the upstream's); `licence.seed` → first, last, count (see `seedLicences`);
 * - `processing.set` seconds;
 * - `fault.set` mode [target] [count=1] [ms] replaces the fault rules, `fault.add` appends one,
 *   `fault.clear`, `faults` lists them (elem{mode, target, remaining, ms}). Modes before the call:
 *   timeout (held `ms`, default 120 000, then dropped), error500, down; after the call: lost, late
 *   (answer held `ms`, default 5 000), truncated; slow (carried out after `ms`, default 5 000, whether or
 *   not the client still waits, then answered if it does). `target` = the upstream function it applies to;
 * - `requests` → elem{func, count} per upstream function since the last `requests.reset`;
 * - `sales` → mode; `sales.set` mode=today|historical.
 */
export function createAdmin(deps: AdminDeps): (params: Params) => string {
  const { store, engine, clock, faults, processing, requests, sales } = deps;
  const now = () => fieldsXml({ now: clock.now().toISOString(), today: clock.today() });
  const faultRows = () => rows(faults.state());

  const funcs: Record<string, (params: Params, account: AccountRow) => string> = {
    clock: () => doc(now()),
    'clock.advance': (params) => {
      const hours = params.hours !== undefined ? number(params, 'hours') : number(params, 'days') * 24;
      if (hours < 0) throw new SandboxError('value', 'days', 'The sandbox clock only moves forward');
      clock.advance(hours * 3_600_000);
      engine.tick();
      return okDoc(now());
    },
    'balance.set': (params, account) => {
      store.setBalance(account.id, number(params, 'amount'));
      return okDoc(fieldsXml({ balance: store.account(account.id)?.balance ?? 0 }));
    },
    'discount.set': (params, account) => {
      const percent = number(params, 'percent');
      if (percent < 0 || percent > 100)
        throw new SandboxError('value', 'percent', 'Discount must be 0..100', params.percent);
      if (params.elid === undefined) store.setAccountDiscount(account.id, percent);
      else store.updateLicence(engine.owned(account, params.elid).id, { discount: percent });
      return okDoc();
    },
    ledger: (_params, account) => rows(store.ledgerOf(account.id)),
    'licence.list': () => {
      engine.tick();
      return rows(store.allLicences());
    },
    'licence.seed': (params, account) => {
      const { first, last } = seedLicences(store, deps.catalogue, clock, account, params);
      return okDoc(fieldsXml({ first, last, count: last - first + 1 }));
    },
    'processing.set': (params) => {
      processing.seconds = Math.max(0, number(params, 'seconds'));
      return okDoc();
    },
    'fault.set': (params) => {
      faults.set(faultRule(params));
      return okDoc(faultRows());
    },
    'fault.add': (params) => {
      faults.add(faultRule(params));
      return okDoc(faultRows());
    },
    'fault.clear': () => {
      faults.clear();
      return okDoc();
    },
    faults: faultRows,
    requests: () => rows(requests.list()),
    'requests.reset': () => {
      requests.reset();
      return okDoc();
    },
    sales: () => doc(fieldsXml({ mode: sales.mode })),
    'sales.set': (params) => {
      if (!isSalesMode(params.mode))
        throw new SandboxError('value', 'mode', 'mode is today or historical', params.mode);
      sales.mode = params.mode;
      return okDoc(fieldsXml({ mode: sales.mode }));
    },
  };

  return (params) => {
    let outcome = 'ok';
    try {
      const account = authenticate(store, params.authinfo);
      if (!account) throw new SandboxError('auth', '', 'Invalid username or password');
      const func = funcs[params.func ?? ''];
      if (!func) throw new SandboxError('missed', 'func', `Unknown admin function '${params.func ?? ''}'`);
      return func(params, account);
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      outcome = `error:${error.type}`;
      return softErrorDoc(error);
    } finally {
      deps.logger.debug({ admin: params.func, params: redactParams(params), outcome }, 'sandbox admin request');
    }
  };
}
