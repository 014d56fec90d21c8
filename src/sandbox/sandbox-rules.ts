import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Catalogue, CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';
import { addDays, addMonths, parseDate } from './sandbox-clock.js';
import { IP_TAKEN, SandboxError, type Text, text } from './sandbox-error.js';
import type { AccountRow, LicenceRow, SandboxStore } from './sandbox-store.js';

export const POOL_IP = '0.0.0.0';
/** A lifetime Pro stops shadowing a Lite on its IP after this many months (wiki FAQ). */
const LIFETIME_PRO_WINDOW_MONTHS = 3;

export function requirePackage(catalogue: Catalogue, raw: string | undefined): CataloguePackage {
  if (!raw)
    throw new SandboxError('missed', 'pricelist', text('The tariff (pricelist) is required', 'Не указан тариф'));
  const pkg = catalogue.findPackage(Number(raw));
  if (!pkg)
    throw new SandboxError('value', 'pricelist', text(`Unknown tariff ${raw}`, `Неизвестный тариф ${raw}`), raw);
  return pkg;
}

/** BILLmanager 5+ periods: a month count, 0 for lifetime, -100 for the trial. */
export function periodByMonths(pkg: CataloguePackage, raw: string | undefined): CataloguePeriod {
  if (!raw) throw new SandboxError('missed', 'period', text('The order period is required', 'Не указан период'));
  const months = Number(raw);
  const period = pkg.periods.find((p) =>
    months === -100
      ? p.unit === 'day'
      : months === 0
        ? p.unit === 'lifetime'
        : p.unit === 'month' && p.length === months,
  );
  if (!period) throw noPeriod(pkg, raw);
  return period;
}

/** BILLmanager 4 periods: the id of one of the package's period rows. */
export function periodByRow(pkg: CataloguePackage, raw: string | undefined): CataloguePeriod {
  if (!raw) throw new SandboxError('missed', 'period', text('The order period is required', 'Не указан период'));
  const period = pkg.periods.find((p) => p.id === Number(raw));
  if (!period) throw noPeriod(pkg, raw);
  return period;
}

const noPeriod = (pkg: CataloguePackage, raw: string) =>
  new SandboxError(
    'value',
    'period',
    text(`Tariff ${pkg.id} has no order period ${raw}`, `У тарифа ${pkg.id} нет периода ${raw}`),
    raw,
  );

export function requireIp(raw: string | undefined): string {
  if (!raw) throw new SandboxError('missed', 'ip', text('The IP address is required', 'Не указан IP-адрес'));
  if (isIP(raw) === 0) {
    throw new SandboxError(
      'value',
      'ip',
      text(`'${raw}' is not a valid IP address`, `«${raw}» не является IP-адресом`),
      raw,
    );
  }
  return raw;
}

/** `remoteip`: '' (same as `ip`) or an address. */
export function optionalIp(raw: string | undefined, object: string): string {
  if (raw === undefined || raw === '') return '';
  if (isIP(raw) === 0) {
    throw new SandboxError(
      'value',
      object,
      text(`'${raw}' is not a valid IP address`, `«${raw}» не является IP-адресом`),
      raw,
    );
  }
  return raw;
}

/**
 * The node count of `addon_<id>` for a package with a node add-on: required, a whole number ≥ 1
 * (ISPsystem's WHMCS module and JBS always send it for such tariffs). Packages without one take 0.
 */
export function requireNodes(pkg: CataloguePackage, raw: string | undefined): number {
  if (pkg.nodeAddon === undefined) return 0;
  const object = `addon_${pkg.nodeAddon}`;
  if (raw === undefined || raw === '') {
    throw new SandboxError(
      'value',
      object,
      text(
        `Tariff ${pkg.id} needs the number of nodes (${object}, at least 1)`,
        `Для тарифа ${pkg.id} нужно указать количество узлов (${object}, не меньше 1)`,
      ),
    );
  }
  const nodes = Number(raw);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 1000) {
    throw new SandboxError(
      'value',
      object,
      text(
        `The number of nodes must be 1..1000, not '${raw}'`,
        `Количество узлов должно быть от 1 до 1000, а не «${raw}»`,
      ),
      raw,
    );
  }
  return nodes;
}

/** What the listed period cost is multiplied by: the node count for node-add-on packages ([U] costly). */
export function unitsOf(pkg: CataloguePackage, nodes: number): number {
  return pkg.nodeAddon === undefined ? 1 : Math.max(1, nodes);
}

/** The expiry after one more period from `from`; '' for lifetime. */
export function extend(from: Date, period: CataloguePeriod): string {
  if (period.unit === 'lifetime') return '';
  const until = period.unit === 'day' ? addDays(from, period.length) : addMonths(from, period.length);
  return until.toISOString().slice(0, 10);
}

export function priceAfterDiscount(cost: number, percent: number): number {
  return Math.round(cost * (100 - percent)) / 100;
}

interface Candidate {
  readonly pkg: CataloguePackage;
  readonly period: CataloguePeriod;
  readonly createdate: string;
  readonly ip: string;
  readonly excludeId?: number;
}

/**
 * One licence per IP per product line, except that a lifetime Pro older than three months no longer
 * blocks a Lite (and vice versa); deleted licences and the pool address never count.
 */
export function assertIpFree(store: SandboxStore, catalogue: Catalogue, candidate: Candidate, now: Date): void {
  if (candidate.ip === POOL_IP) return;
  const agedLifetimePro = (pkg: CataloguePackage, period: CataloguePeriod | undefined, createdate: string) =>
    pkg.edition === 'pro' &&
    period?.unit === 'lifetime' &&
    now.getTime() >= addMonths(parseDate(createdate), LIFETIME_PRO_WINDOW_MONTHS).getTime();
  for (const other of store.licencesOnIp(candidate.ip)) {
    if (other.id === candidate.excludeId) continue;
    const found = catalogue.findPeriod(other.period);
    const otherPkg = catalogue.findPackage(other.package);
    if (!otherPkg || otherPkg.line !== candidate.pkg.line) continue;
    const { pkg, period, createdate } = candidate;
    if (
      pkg.edition === 'lite' &&
      otherPkg.edition === 'pro' &&
      agedLifetimePro(otherPkg, found?.period, other.createdate)
    )
      continue;
    if (pkg.edition === 'pro' && otherPkg.edition === 'lite' && agedLifetimePro(pkg, period, createdate)) continue;
    throw new SandboxError('exists', 'ip', IP_TAKEN, candidate.ip);
  }
}

/** One trial per IP and product line, ever (deleting the trial does not give it back). */
export function assertTrialUnused(store: SandboxStore, pkg: CataloguePackage, period: CataloguePeriod, ip: string) {
  if (period.unit !== 'day' || ip === POOL_IP) return;
  if (store.trialUsed(ip, pkg.line)) {
    throw new SandboxError(
      'exists',
      'trial',
      text(
        `A trial licence of ${pkg.line} was already issued for ${ip}`,
        `Пробная лицензия ${pkg.line} для ${ip} уже выдавалась`,
      ),
      ip,
    );
  }
}

export function assertNotDeleted(licence: LicenceRow): void {
  if (licence.status === 4) {
    throw new SandboxError(
      'status',
      'status',
      text(`Licence ${licence.id} is deleted`, `Лицензия ${licence.id} удалена`),
    );
  }
}

export function assertPaid(licence: LicenceRow): void {
  if (licence.status === 1) {
    throw new SandboxError(
      'status',
      'status',
      text(`Licence ${licence.id} is not paid yet`, `Лицензия ${licence.id} ещё не оплачена`),
    );
  }
}

/** ispmanager keys start with the licence id and a dash (research §9 [R2]). */
export function newLickey(id: number): string {
  return `${id}-${randomBytes(10).toString('hex').toUpperCase()}`;
}

/** IP and key changes: at most one a month (public offer §7.7; BILLmanager's pool rule [S10]). */
export function limitOncePerMonth(now: Date, last: string, type: string, object: string, what: Text): void {
  if (last === '') return;
  const next = addMonths(parseDate(last), 1);
  if (now.getTime() < next.getTime()) {
    const when = next.toISOString().slice(0, 10);
    throw new SandboxError(
      type,
      object,
      text(
        `${what.en} can be changed once a month; next change after ${when}`,
        `${what.ru} можно менять раз в месяц; следующая смена после ${when}`,
      ),
    );
  }
}

export function assertFunds(account: AccountRow, amount: number): void {
  if (amount <= account.balance) return;
  const need = amount.toFixed(2);
  const have = account.balance.toFixed(2);
  throw new SandboxError(
    'balance',
    'balance',
    text(
      `Insufficient funds: ${need} needed, ${have} available`,
      `Недостаточно средств: нужно ${need}, на счёте ${have}`,
    ),
    need,
  );
}
