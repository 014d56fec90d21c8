import type { CataloguePackage } from '../../domain/catalogue-types.js';
import type { LicenceRow } from '../../ports/upstream-client.js';
import { isPooled, movableOn, paidDaysLeft, rowIsPackage } from './pool-licence.js';

export interface PoolWant {
  readonly pkg: CataloguePackage;
  /** A lifetime order takes only a lifetime licence and a term order only a term one: renewals must keep working. */
  readonly lifetime: boolean;
}

/**
 * The pool licences an order may take, best first: in the pool, of the ordered package, of the same
 * kind of term, and allowed to move today (one IP and one key change a month); the one with the most
 * paid time left first — an expired one last, since it must be renewed before it works.
 */
export function choosePoolLicences(rows: readonly LicenceRow[], want: PoolWant, day: string): LicenceRow[] {
  const rank = (row: LicenceRow) => paidDaysLeft(row.expiredate, day) ?? Number.POSITIVE_INFINITY;
  return rows
    .filter(
      (row) =>
        isPooled(row) &&
        rowIsPackage(row, want.pkg) &&
        (row.expiredate === '') === want.lifetime &&
        movableOn(row, day),
    )
    .sort((a, b) => rank(b) - rank(a) || a.id - b.id);
}
