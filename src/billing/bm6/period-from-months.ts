import type { LocalPeriod } from '../../ports/billing.js';

/** `item.period` of a trial (research §1 "Semantics", L145-148). */
export const TRIAL_PERIOD = -100;

/**
 * BILLmanager 5/6 has no period table: `item.period` is a number of months (`INTERVAL item_period
 * MONTH`, pmregistrar L334), −100 a trial. The local period's id is that number, which is what
 * `Period` lines of cpbillmgr5.conf name in bm6.
 *
 * The code of a lifetime service is not known (research: "Lifetime code ✘"), nor any other code ≤ 0.
 * [U] costly: those give null, so the module refuses to serve the item (not_configured) instead of
 * guessing a lifetime purchase from a 0 that may mean something else.
 */
export function periodFromMonths(code: number | null): LocalPeriod | null {
  if (code === null || !Number.isInteger(code)) return null;
  if (code === TRIAL_PERIOD) return { id: TRIAL_PERIOD, length: 14, unit: 'day' };
  if (code > 0) return { id: code, length: code, unit: 'month' };
  return null;
}
