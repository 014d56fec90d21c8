import type { Catalogue, CataloguePeriod } from '../domain/catalogue-types.js';
import { addDays, isoDate, parseDate, type SandboxClock } from './sandbox-clock.js';
import { extend, newLickey, priceAfterDiscount, unitsOf } from './sandbox-rules.js';
import { onSale, type SalesMode } from './sandbox-sales.js';
import type { LicenceRow, SandboxStore } from './sandbox-store.js';

/** ISPsystem deletes a licence this long after it expired unpaid (KB "License renewal and deletion"). */
const DELETE_AFTER_DAYS = 30;
/** Bounds catch-up renewals after a big clock jump. */
const MAX_RENEWALS = 1200;

/**
 * Applies the time rules lazily, before each request and on `clock.advance`: processing ends (5 → 2,
 * and only then is the key issued); at expiry an active licence with automatic renewal renews itself,
 * charged to the balance (ledger kind `autoprolong`), unless its discount is 100 % (seed wiki: such
 * licences "cannot be renewed automatically"), the balance does not cover it, or the upstream no longer
 * renews its tariff; otherwise it is suspended; 30 days after expiry a suspended licence is deleted.
 */
export function settleDueLicences(
  store: SandboxStore,
  catalogue: Catalogue,
  clock: SandboxClock,
  mode: SalesMode,
): void {
  const now = clock.now();
  const today = isoDate(now);
  const deleteUpTo = isoDate(addDays(now, -DELETE_AFTER_DAYS));
  store.transaction(() => {
    for (const due of store.due(now.toISOString(), today, deleteUpTo)) {
      const licence: LicenceRow = { ...due };
      if (licence.status === 5) {
        licence.status = 2;
        licence.lickey = licence.lickey || newLickey(licence.id);
      }
      if (licence.status === 2 && licence.expiredate !== '' && licence.expiredate <= today) {
        licence.expiredate = autoRenew(store, catalogue, licence, today, now.toISOString(), mode);
        if (licence.expiredate <= today) licence.status = 3;
      }
      if (licence.status === 3 && licence.expiredate !== '' && licence.expiredate <= deleteUpTo) licence.status = 4;
      store.updateLicence(licence.id, {
        status: licence.status,
        lickey: licence.lickey,
        expiredate: licence.expiredate,
      });
    }
  });
}

/** The period an automatic renewal buys: the `autoprolong` month count where the tariff has it, else the licence's own. */
function renewalPeriod(catalogue: Catalogue, licence: LicenceRow): CataloguePeriod | undefined {
  const found = catalogue.findPeriod(licence.period);
  if (!found || found.period.unit !== 'month') return undefined;
  return found.pkg.periods.find((p) => p.unit === 'month' && p.length === licence.autoprolong) ?? found.period;
}

function autoRenew(
  store: SandboxStore,
  catalogue: Catalogue,
  licence: LicenceRow,
  today: string,
  at: string,
  mode: SalesMode,
): string {
  let expiredate = licence.expiredate;
  const pkg = catalogue.findPackage(licence.package);
  const period = renewalPeriod(catalogue, licence);
  if (licence.autoprolong <= 0 || licence.discount >= 100 || !pkg || !period || !onSale(mode, pkg, period)) {
    return expiredate;
  }
  const price = priceAfterDiscount(period.cost * unitsOf(pkg, licence.nodes), licence.discount);
  for (let i = 0; i < MAX_RENEWALS && expiredate <= today; i++) {
    const balance = store.account(licence.account)?.balance ?? 0;
    if (price > balance) break;
    store.charge(licence.account, licence.id, 'autoprolong', price, period.id, at);
    expiredate = extend(parseDate(expiredate), period);
  }
  return expiredate;
}
