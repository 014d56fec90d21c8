import type { CataloguePackage } from '../../domain/catalogue-types.js';
import { LicenceStatus } from '../../domain/licence-status.js';
import { IpTakenError } from '../../errors/ip-taken-error.js';
import { UpstreamError } from '../../errors/upstream-error.js';
import type { LicenceRow } from '../../ports/upstream-client.js';
import type { LicenceTarget } from '../item/licence-target.js';
import type { OrderPlan } from '../item/plan-order.js';
import { type ModuleDeps, today } from '../module-deps.js';
import { addDaysTo, addMonths, packageOfRow } from '../pool/pool-licence.js';

/** Wiki FAQ: "If you have a lifetime ISPmanager Pro, you will be able to order ISPmanager Lite only in three months." */
const LIFETIME_PRO_MONTHS = 3;
/** ISPsystem KB "License renewal and deletion": a licence not renewed is deleted 30 days after it expires. */
const DELETED_AFTER_DAYS = 30;

export interface IpRule {
  readonly rule: string;
  /** YYYY-MM-DD from which the IP takes the order, '' when nothing but deleting or moving the licence frees it. */
  readonly freeFrom: string;
  /** False when `freeFrom` holds only if the holder is not renewed (its deletion date). */
  readonly certain: boolean;
}

/**
 * Why a licence of `want` can't go on an IP another licence holds, after the wiki FAQ:
 * a non-lifetime Pro blocks a Lite; a lifetime Pro blocks it for its first three months; otherwise one
 * licence per product line and IP. A lifetime licence is one the list shows without an expiry.
 */
export function ipRule(
  want: CataloguePackage,
  holder: CataloguePackage | undefined,
  row: LicenceRow,
  day: string,
): IpRule {
  const lifetime = row.expiredate === '';
  if (want.edition === 'lite' && holder?.edition === 'pro') {
    if (lifetime && row.createdate !== '') {
      const free = addMonths(row.createdate, LIFETIME_PRO_MONTHS);
      if (free > day) {
        return {
          rule: `a lifetime Pro blocks a Lite on its IP for its first three months (wiki FAQ); licence #${row.id} was created on ${row.createdate}`,
          freeFrom: free,
          certain: true,
        };
      }
    }
    if (!lifetime) {
      return {
        rule: `a Pro that is not lifetime blocks a Lite on its IP (wiki FAQ): licence #${row.id} (${row.tariffName || 'Pro'}) must go first`,
        freeFrom: deletionDate(row),
        certain: false,
      };
    }
  }
  return {
    rule: `one licence per product line and IP: licence #${row.id} (${row.tariffName || holder?.name || 'same line'}, ${row.licname}) holds it`,
    freeFrom: deletionDate(row),
    certain: false,
  };
}

/** An expiring licence left unrenewed frees its IP when the upstream deletes it. */
function deletionDate(row: LicenceRow): string {
  return row.expiredate === '' ? '' : addDaysTo(row.expiredate, DELETED_AFTER_DAYS);
}

/**
 * Turns the upstream's "IP taken" refusal into an `ip_taken` error naming the rule and, where known,
 * when the IP becomes free — by looking at the account's licences on that IP. Any other error, or a
 * list that can't be read, is returned as it was. The journal is settled by the caller before this.
 */
export async function explainIpTaken(
  deps: ModuleDeps,
  target: LicenceTarget,
  plan: OrderPlan,
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof UpstreamError) || error.type !== 'ip_taken') return error;
  let holders: LicenceRow[];
  try {
    holders = (await target.client.list()).filter(
      (row) => row.ip === target.ip && row.status !== LicenceStatus.deleted,
    );
  } catch {
    return error;
  }
  const day = today(deps);
  const rules = holders
    .map((row) => ({ row, holder: packageOfRow(deps.catalogue.packages, row) }))
    .filter(({ holder }) => holder === undefined || holder.line === plan.pkg.line)
    .map(({ row, holder }) => ipRule(plan.pkg, holder, row, day));
  if (rules.length === 0) {
    return new IpTakenError(
      `IP ${target.ip} can't take ${plan.pkg.name}: the upstream says a licence already holds it (${error.message}), and none of this account's licences is on it`,
      'ip',
      target.ip,
    );
  }
  const dates = rules.map((r) => r.freeFrom);
  const freeFrom = dates.includes('') ? '' : (dates.sort().at(-1) ?? '');
  const certain = rules.every((r) => r.certain);
  const when = !freeFrom
    ? '; the IP is free once that licence is deleted or moved'
    : certain
      ? `; the IP takes it from ${freeFrom}`
      : `; the IP is free once that licence is deleted or moved — if it is not renewed, the upstream deletes it on ${freeFrom}`;
  return new IpTakenError(
    `IP ${target.ip} can't take ${plan.pkg.name}: ${rules.map((r) => r.rule).join('; ')}${when}`,
    'ip',
    freeFrom || target.ip,
  );
}
