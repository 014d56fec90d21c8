import type { Catalogue, CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';
import { isoDate, parseDate, type SandboxClock } from './sandbox-clock.js';
import { SandboxError, text } from './sandbox-error.js';
import { settleDueLicences } from './sandbox-lifecycle.js';
import {
  assertFunds,
  assertIpFree,
  assertNotDeleted,
  assertPaid,
  assertTrialUnused,
  extend,
  limitOncePerMonth,
  newLickey,
  POOL_IP,
  priceAfterDiscount,
  requireIp,
  unitsOf,
} from './sandbox-rules.js';
import type { SalesMode } from './sandbox-sales.js';
import type { AccountRow, LicenceRow, NewLicence, SandboxStore } from './sandbox-store.js';

export interface OrderInput {
  readonly pkg: CataloguePackage;
  readonly period: CataloguePeriod;
  readonly ip: string;
  readonly remoteip: string;
  readonly licname: string;
  readonly remoteid: string;
  /** `skipbasket=on`: charge at once; otherwise the licence waits in status 1 for a payment. */
  readonly pay: boolean;
  /** Months of the upstream's own renewal, 0 for none. */
  readonly autoprolong: number;
  /** Node add-on count; 0 for packages without one. */
  readonly nodes: number;
}

export interface LicenceChange {
  readonly ip?: string;
  readonly remoteip?: string;
  readonly licname?: string;
  readonly remoteid?: string;
  readonly nodes?: number;
}

/** The upstream's rules, independent of the wire generation that asked. */
export function createSandboxEngine(deps: {
  store: SandboxStore;
  catalogue: Catalogue;
  clock: SandboxClock;
  processingSeconds: () => number;
  salesMode: () => SalesMode;
}) {
  const { store, catalogue, clock } = deps;
  const nowIso = () => clock.now().toISOString();

  function licenceParts(licence: LicenceRow) {
    const found = catalogue.findPeriod(licence.period);
    if (!found) {
      throw new SandboxError(
        'internal',
        'period',
        text(`Licence ${licence.id} has an unknown period`, `У лицензии ${licence.id} неизвестный период`),
      );
    }
    return found;
  }

  function checkIp(pkg: CataloguePackage, period: CataloguePeriod, ip: string) {
    assertTrialUnused(store, pkg, period, ip);
    assertIpFree(store, catalogue, { pkg, period, ip, createdate: clock.today() }, clock.now());
  }

  return {
    tick: () => settleDueLicences(store, catalogue, clock, deps.salesMode()),

    checkIp,

    order(account: AccountRow, input: OrderInput): LicenceRow {
      const { pkg, period, ip } = input;
      const now = clock.now();
      return store.transaction(() => {
        checkIp(pkg, period, ip);
        const price = priceAfterDiscount(period.cost * unitsOf(pkg, input.nodes), account.discount);
        if (input.pay) assertFunds(account, price);
        const seconds = deps.processingSeconds();
        const row: NewLicence = {
          account: account.id,
          package: pkg.id,
          period: period.id,
          ip,
          remoteip: input.remoteip,
          licname: input.licname,
          remoteid: input.remoteid,
          lickey: '',
          status: input.pay ? (seconds > 0 ? 5 : 2) : 1,
          createdate: isoDate(now),
          expiredate: input.pay ? extend(now, period) : '',
          processing_until: new Date(now.getTime() + seconds * 1000).toISOString(),
          autoprolong: input.autoprolong,
          nodes: input.nodes,
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
      if (!elid) {
        throw new SandboxError('missed', 'elid', text('The licence id (elid) is required', 'Не указан код лицензии'));
      }
      const licence = store.licence(Number(elid));
      if (!licence || licence.account !== account.id) {
        throw new SandboxError(
          'access',
          'elid',
          text(`Licence ${elid} does not exist or is not yours`, `Лицензия ${elid} не существует или недоступна`),
          elid,
        );
      }
      return licence;
    },

    /**
     * A form submit. More nodes are charged at once at the full price of the licence's period per added
     * node, and fewer are not refunded ([U] costly: the real proration is not documented).
     */
    edit(account: AccountRow, licence: LicenceRow, change: LicenceChange): LicenceRow {
      assertNotDeleted(licence);
      const update: Partial<NewLicence> = {};
      if (change.licname !== undefined) update.licname = change.licname;
      if (change.remoteid !== undefined) update.remoteid = change.remoteid;
      if (change.remoteip !== undefined) update.remoteip = change.remoteip;
      const { pkg, period } = licenceParts(licence);
      if (change.ip !== undefined && change.ip !== licence.ip) {
        const ip = requireIp(change.ip);
        limitOncePerMonth(
          clock.now(),
          licence.ip_change_date,
          'ipchange_limit',
          'ip',
          text('The IP address', 'IP-адрес'),
        );
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
      const added = change.nodes === undefined ? 0 : change.nodes - licence.nodes;
      const price = added > 0 ? priceAfterDiscount(period.cost * added, licence.discount) : 0;
      if (price > 0) assertFunds(account, price);
      if (change.nodes !== undefined) update.nodes = change.nodes;
      store.transaction(() => {
        if (price > 0) store.charge(account.id, licence.id, 'addon', price, period.id, nowIso());
        store.updateLicence(licence.id, update);
      });
      return store.licence(licence.id)!;
    },

    newKey(licence: LicenceRow): string {
      assertNotDeleted(licence);
      assertPaid(licence);
      if (licence.status === 5) {
        throw new SandboxError(
          'status',
          'status',
          text(`Licence ${licence.id} is still being processed`, `Лицензия ${licence.id} ещё обрабатывается`),
        );
      }
      limitOncePerMonth(
        clock.now(),
        licence.key_change_date,
        'keychange_limit',
        'lickey',
        text('The licence key', 'Ключ лицензии'),
      );
      const lickey = newLickey(licence.id);
      store.updateLicence(licence.id, { lickey, key_change_date: nowIso() });
      return lickey;
    },

    suspend(licence: LicenceRow) {
      assertNotDeleted(licence);
      assertPaid(licence);
      store.updateLicence(licence.id, { status: 3 });
    },

    resume(licence: LicenceRow) {
      assertNotDeleted(licence);
      assertPaid(licence);
      if (licence.expiredate !== '' && licence.expiredate <= clock.today()) {
        throw new SandboxError(
          'status',
          'expiredate',
          text(
            `Licence ${licence.id} expired on ${licence.expiredate}; prolong it`,
            `Срок лицензии ${licence.id} истёк ${licence.expiredate}; продлите её`,
          ),
        );
      }
      if (licence.status === 3) store.updateLicence(licence.id, { status: 2 });
    },

    remove(licence: LicenceRow) {
      assertNotDeleted(licence);
      store.updateLicence(licence.id, { status: 4 });
    },

    /** Active: from the old expiry; suspended or expired: from today, and active again [S11]. */
    prolong(account: AccountRow, licence: LicenceRow, period: CataloguePeriod): string {
      assertNotDeleted(licence);
      const current = licenceParts(licence);
      if (current.period.unit === 'day') {
        throw new SandboxError(
          'status',
          'period',
          text('A trial licence cannot be prolonged', 'Пробную лицензию нельзя продлить'),
        );
      }
      if (current.period.unit === 'lifetime' || period.unit !== 'month') {
        throw new SandboxError(
          'value',
          'period',
          text(
            'Only monthly periods of a non-lifetime licence can be prolonged',
            'Продлить можно только срочную лицензию и только на период в месяцах',
          ),
        );
      }
      assertPaid(licence);
      const today = clock.today();
      const running = licence.status !== 3 && licence.expiredate > today;
      const from = running ? parseDate(licence.expiredate) : parseDate(today);
      const expiredate = extend(from, period);
      const price = priceAfterDiscount(period.cost * unitsOf(current.pkg, licence.nodes), licence.discount);
      assertFunds(account, price);
      store.transaction(() => {
        store.charge(account.id, licence.id, 'prolong', price, period.id, nowIso());
        store.updateLicence(licence.id, { expiredate, status: licence.status === 3 ? 2 : licence.status });
      });
      return expiredate;
    },

    /** Within the product line; the difference of the period costs is charged, never refunded [I]. */
    changePackage(
      account: AccountRow,
      licence: LicenceRow,
      pkg: CataloguePackage,
      period: CataloguePeriod,
      nodes: number,
    ) {
      assertNotDeleted(licence);
      const current = licenceParts(licence);
      if (pkg.line !== current.pkg.line) {
        throw new SandboxError(
          'value',
          'pricelist',
          text(
            `Tariff ${pkg.id} is not a ${current.pkg.line} tariff`,
            `Тариф ${pkg.id} не из линейки ${current.pkg.line}`,
          ),
          String(pkg.id),
        );
      }
      if (period.unit === 'day') {
        throw new SandboxError(
          'value',
          'period',
          text('A licence cannot be changed to a trial', 'Лицензию нельзя перевести на пробный тариф'),
        );
      }
      assertIpFree(
        store,
        catalogue,
        { pkg, period, ip: licence.ip, createdate: licence.createdate, excludeId: licence.id },
        clock.now(),
      );
      const was = current.period.unit === 'day' ? 0 : current.period.cost * unitsOf(current.pkg, licence.nodes);
      const difference = Math.max(0, period.cost * unitsOf(pkg, nodes) - was);
      const fromTrial = current.period.unit === 'day' || period.unit === 'lifetime';
      const price = priceAfterDiscount(difference, licence.discount);
      assertFunds(account, price);
      store.transaction(() => {
        store.charge(account.id, licence.id, 'changepricelist', price, period.id, nowIso());
        const change: Partial<NewLicence> = { package: pkg.id, period: period.id, nodes };
        if (fromTrial) change.expiredate = extend(clock.now(), period);
        store.updateLicence(licence.id, change);
      });
    },
  };
}

export type SandboxEngine = ReturnType<typeof createSandboxEngine>;
