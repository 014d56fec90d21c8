import type { Catalogue, CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';
import { isoDate, parseDate, type SandboxClock } from './sandbox-clock.js';
import { SandboxError } from './sandbox-error.js';
import { settleDueLicences } from './sandbox-lifecycle.js';
import {
  assertFunds,
  assertIpFree,
  assertNotDeleted,
  assertTrialUnused,
  extend,
  limitOncePerMonth,
  newLickey,
  POOL_IP,
  priceAfterDiscount,
  requireIp,
} from './sandbox-rules.js';
import type { AccountRow, LicenceRow, NewLicence, SandboxStore } from './sandbox-store.js';

export interface OrderInput {
  readonly pkg: CataloguePackage;
  readonly period: CataloguePeriod;
  readonly ip: string;
  readonly licname: string;
  readonly remoteid: string;
  /** `skipbasket=on`: charge at once; otherwise the licence waits in status 1 for a payment. */
  readonly pay: boolean;
  readonly autoprolong: boolean;
}

export interface LicenceChange {
  readonly ip?: string;
  readonly licname?: string;
  readonly remoteid?: string;
}

/** The upstream's rules, independent of the wire generation that asked. */
export function createSandboxEngine(deps: {
  store: SandboxStore;
  catalogue: Catalogue;
  clock: SandboxClock;
  processingSeconds: () => number;
}) {
  const { store, catalogue, clock } = deps;
  const nowIso = () => clock.now().toISOString();

  function licenceParts(licence: LicenceRow) {
    const found = catalogue.findPeriod(licence.period);
    if (!found) throw new SandboxError('internal', 'period', `Licence ${licence.id} has an unknown period`);
    return found;
  }

  function checkIp(pkg: CataloguePackage, period: CataloguePeriod, ip: string) {
    assertTrialUnused(store, pkg, period, ip);
    assertIpFree(store, catalogue, { pkg, period, ip, createdate: clock.today() }, clock.now());
  }

  return {
    tick: () => settleDueLicences(store, catalogue, clock),

    checkIp,

    order(account: AccountRow, input: OrderInput): LicenceRow {
      const { pkg, period, ip } = input;
      const now = clock.now();
      return store.transaction(() => {
        checkIp(pkg, period, ip);
        const price = priceAfterDiscount(period.cost, account.discount);
        if (input.pay) assertFunds(account, price);
        const seconds = deps.processingSeconds();
        const row: NewLicence = {
          account: account.id,
          package: pkg.id,
          period: period.id,
          ip,
          licname: input.licname,
          remoteid: input.remoteid,
          lickey: '',
          status: input.pay ? (seconds > 0 ? 5 : 2) : 1,
          createdate: isoDate(now),
          expiredate: input.pay ? extend(now, period) : '',
          processing_until: new Date(now.getTime() + seconds * 1000).toISOString(),
          autoprolong: input.autoprolong ? 1 : 0,
          discount: account.discount,
          ip_change_date: '',
          key_change_date: '',
        };
        const id = store.insertLicence(row);
        if (row.status === 2) store.updateLicence(id, { lickey: newLickey(id) });
        if (input.pay) store.charge(account.id, id, 'order', price, period.id, nowIso());
        if (period.unit === 'day' && ip !== POOL_IP) store.registerTrial(ip, pkg.line, id, nowIso());
        return store.licence(id)!;
      });
    },

    owned(account: AccountRow, elid: string | undefined): LicenceRow {
      if (!elid) throw new SandboxError('missed', 'elid', 'The licence id (elid) is required');
      const licence = store.licence(Number(elid));
      if (!licence || licence.account !== account.id) {
        throw new SandboxError('access', 'elid', `Licence ${elid} does not exist or is not yours`, elid);
      }
      return licence;
    },

    edit(licence: LicenceRow, change: LicenceChange): LicenceRow {
      assertNotDeleted(licence);
      const update: Partial<NewLicence> = {};
      if (change.licname !== undefined) update.licname = change.licname;
      if (change.remoteid !== undefined) update.remoteid = change.remoteid;
      if (change.ip !== undefined && change.ip !== licence.ip) {
        const ip = requireIp(change.ip);
        limitOncePerMonth(clock.now(), licence.ip_change_date, 'ipchange_limit', 'ip', 'The IP address');
        const { pkg, period } = licenceParts(licence);
        assertTrialUnused(store, pkg, period, ip);
        assertIpFree(
          store,
          catalogue,
          { pkg, period, ip, createdate: licence.createdate, excludeId: licence.id },
          clock.now(),
        );
        update.ip = ip;
        update.ip_change_date = nowIso();
      }
      store.updateLicence(licence.id, update);
      return store.licence(licence.id)!;
    },

    newKey(licence: LicenceRow): string {
      assertNotDeleted(licence);
      limitOncePerMonth(clock.now(), licence.key_change_date, 'keychange_limit', 'lickey', 'The licence key');
      const lickey = newLickey(licence.id);
      store.updateLicence(licence.id, { lickey, key_change_date: nowIso() });
      return lickey;
    },

    suspend(licence: LicenceRow) {
      assertNotDeleted(licence);
      if (licence.status === 1) throw new SandboxError('status', 'status', `Licence ${licence.id} is not paid yet`);
      store.updateLicence(licence.id, { status: 3 });
    },

    resume(licence: LicenceRow) {
      assertNotDeleted(licence);
      if (licence.status === 1) throw new SandboxError('status', 'status', `Licence ${licence.id} is not paid yet`);
      if (licence.expiredate !== '' && licence.expiredate <= clock.today()) {
        throw new SandboxError(
          'status',
          'expiredate',
          `Licence ${licence.id} expired on ${licence.expiredate}; prolong it`,
        );
      }
      if (licence.status === 3) store.updateLicence(licence.id, { status: 2 });
    },

    remove(licence: LicenceRow) {
      assertNotDeleted(licence);
      store.updateLicence(licence.id, { status: 4 });
    },

    /** Active: from the old expiry; suspended or expired: from today, and active again. */
    prolong(account: AccountRow, licence: LicenceRow, period: CataloguePeriod): string {
      assertNotDeleted(licence);
      const current = licenceParts(licence);
      if (current.period.unit === 'day')
        throw new SandboxError('status', 'period', 'A trial licence cannot be prolonged');
      if (current.period.unit === 'lifetime' || period.unit !== 'month') {
        throw new SandboxError('value', 'period', 'Only monthly periods of a non-lifetime licence can be prolonged');
      }
      if (licence.status === 1) throw new SandboxError('status', 'status', `Licence ${licence.id} is not paid yet`);
      const today = clock.today();
      const running = licence.status !== 3 && licence.expiredate > today;
      const from = running ? parseDate(licence.expiredate) : parseDate(today);
      const expiredate = extend(from, period);
      const price = priceAfterDiscount(period.cost, licence.discount);
      assertFunds(account, price);
      store.transaction(() => {
        store.charge(account.id, licence.id, 'prolong', price, period.id, nowIso());
        store.updateLicence(licence.id, { expiredate, status: licence.status === 3 ? 2 : licence.status });
      });
      return expiredate;
    },

    changePackage(account: AccountRow, licence: LicenceRow, pkg: CataloguePackage, period: CataloguePeriod) {
      assertNotDeleted(licence);
      const current = licenceParts(licence);
      if (pkg.line !== current.pkg.line) {
        throw new SandboxError(
          'value',
          'pricelist',
          `Package ${pkg.id} is not a ${current.pkg.line} package`,
          String(pkg.id),
        );
      }
      if (period.unit === 'day') throw new SandboxError('value', 'period', 'A licence cannot be changed to a trial');
      assertIpFree(
        store,
        catalogue,
        { pkg, period, ip: licence.ip, createdate: licence.createdate, excludeId: licence.id },
        clock.now(),
      );
      const difference = Math.max(0, period.cost - (current.period.unit === 'day' ? 0 : current.period.cost));
      const fromTrial = current.period.unit === 'day' || period.unit === 'lifetime';
      const price = priceAfterDiscount(difference, licence.discount);
      assertFunds(account, price);
      store.transaction(() => {
        store.charge(account.id, licence.id, 'changepricelist', price, period.id, nowIso());
        const change: Partial<NewLicence> = { package: pkg.id, period: period.id };
        if (fromTrial) change.expiredate = extend(clock.now(), period);
        store.updateLicence(licence.id, change);
      });
    },
  };
}

export type SandboxEngine = ReturnType<typeof createSandboxEngine>;
