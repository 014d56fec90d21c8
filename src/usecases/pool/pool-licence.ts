import type { CataloguePackage } from '../../domain/catalogue-types.js';
import { LicenceStatus } from '../../domain/licence-status.js';
import type { LicenceForm, LicenceRow } from '../../ports/upstream-client.js';

/** Seed: "You can re-use only the license which name is specified as free.lic, and its IP address is 0.0.0.0." */
export const POOL_LICNAME = 'free.lic';
export const POOL_IP = '0.0.0.0';

/** A licence parked in the pool: exactly free.lic on 0.0.0.0, paid for (active or suspended). */
export function isPooled(licence: Pick<LicenceRow, 'licname' | 'ip' | 'status'>): boolean {
  return (
    licence.licname === POOL_LICNAME &&
    licence.ip === POOL_IP &&
    (licence.status === LicenceStatus.active || licence.status === LicenceStatus.suspended)
  );
}

/** Calendar months on YYYY-MM-DD, clamped to the end of a shorter month (Jan 31 + 1 = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
}

export function addDaysTo(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The first day on which the upstream certainly allows the licence's next IP and key change: it allows
 * one of each a month (public offer §7.7; BILLmanager's own pool rule [S10]), counted from the moment
 * of the last change, which the list shows only as a date — so the day after the month is out. '' when
 * neither ever changed.
 */
export function nextMoveOn(row: Pick<LicenceRow, 'ipChangedOn' | 'keyChangedOn'>): string {
  const after = [row.ipChangedOn, row.keyChangedOn].filter((d) => d !== '').map((d) => addDaysTo(addMonths(d, 1), 1));
  return after.sort().at(-1) ?? '';
}

/** Whether the upstream lets the licence change IP and key today (a licence moved less than a month ago is skipped). */
export function movableOn(row: Pick<LicenceRow, 'ipChangedOn' | 'keyChangedOn'>, day: string): boolean {
  return nextMoveOn(row) <= day;
}

/** Days of paid time left; null for a lifetime licence (no expiry), negative once expired. */
export function paidDaysLeft(expiredate: string, day: string): number | null {
  return expiredate === '' ? null : daysBetween(day, expiredate);
}

const normalised = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Whether a list row is of this package: by id where the list carries one (api 4), else by the tariff
 * name the list shows (api 5), which the catalogue holds as the upstream names it. The form confirms.
 */
export function rowIsPackage(row: Pick<LicenceRow, 'packageId' | 'tariffName'>, pkg: CataloguePackage): boolean {
  if (row.packageId !== null) return row.packageId === pkg.id;
  return row.tariffName !== '' && normalised(row.tariffName) === normalised(pkg.name);
}

/** The catalogue package a list row names, by id or by name; undefined when the catalogue has no such name. */
export function packageOfRow(
  packages: readonly CataloguePackage[],
  row: Pick<LicenceRow, 'packageId' | 'tariffName'>,
): CataloguePackage | undefined {
  return packages.find((pkg) => rowIsPackage(row, pkg));
}

/** The form of a pool licence still says it is in the pool and of this package. */
export function formConfirmsPool(form: LicenceForm, pkg: CataloguePackage): boolean {
  return form.packageId === pkg.id && isPooled(form);
}
