import type { Catalogue } from '../domain/catalogue-types.js';
import { addDays, isoDate, parseDate, type SandboxClock } from './sandbox-clock.js';
import { extend, newLickey, priceAfterDiscount } from './sandbox-rules.js';
import type { LicenceRow, SandboxStore } from './sandbox-store.js';

/** ISPsystem deletes a licence this long after it expired unpaid (KB "License renewal and deletion"). */
const DELETE_AFTER_DAYS = 30;
/** Bounds catch-up renewals after a big clock jump. */
const MAX_RENEWALS = 1200;

/**
 * Applies the time rules lazily, on each request: processing ends (5 → 2, key issued); at expiry an
 * active licence renews itself only if ordered with autoprolong, discounted below 100 % and covered by
 * the balance, else it is suspended; 30 days after expiry a suspended licence is deleted.
 */
export function settleDueLicences(store: SandboxStore, catalogue: Catalogue, clock: SandboxClock): void {
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
        licence.expiredate = autoRenew(store, catalogue, licence, today, now.toISOString());
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

function autoRenew(store: SandboxStore, catalogue: Catalogue, licence: LicenceRow, today: string, at: string): string {
  const period = catalogue.findPeriod(licence.period)?.period;
  let expiredate = licence.expiredate;
  if (!licence.autoprolong || licence.discount >= 100 || period?.unit !== 'month') return expiredate;
  const price = priceAfterDiscount(period.cost, licence.discount);
  for (let i = 0; i < MAX_RENEWALS && expiredate <= today; i++) {
    const balance = store.account(licence.account)?.balance ?? 0;
    if (price > balance) break;
    store.charge(licence.account, licence.id, 'autoprolong', price, period.id, at);
    expiredate = extend(parseDate(expiredate), period);
  }
  return expiredate;
}
