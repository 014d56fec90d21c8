import { randomUUID } from 'node:crypto';
import { LicenceStatus } from '../../domain/licence-status.js';
import { ChangeIncompleteError, ChangeRefusedError } from '../../errors/change-refused-error.js';
import { InProgressError, ModuleError } from '../../errors/module-error.js';
import { UpstreamError, UpstreamUnavailableError } from '../../errors/upstream-error.js';
import type { JournalEntry, LicenceLink } from '../../ports/module-store.js';
import type { LicenceRow } from '../../ports/upstream-client.js';
import { resolvePackage } from '../../resolve/resolve-package.js';
import { ensureLicence } from '../journal/ensure-licence.js';
import { OWNER } from '../journal/owner.js';
import { CHANGE_PACKAGE_KEY, PARK_OLD_KEY } from '../journal/settle-change.js';
import { type ModuleDeps, today } from '../module-deps.js';
import { choosePoolLicences } from '../pool/choose-pool-licence.js';
import { isPooled, movableOn, nextMoveOn } from '../pool/pool-licence.js';
import { PoolView } from '../pool/pool-view.js';
import { poolServes, releaseToPool } from '../pool/release-to-pool.js';
import { markLink } from './current-link.js';
import type { LicenceTarget } from './licence-target.js';
import type { OrderPlan } from './plan-order.js';

/**
 * Carries out a package change of the item's licence (standalone: a new tariff; add-on: another
 * enumeration choice), after the seed:
 * - `Option UseExistingOnUpgrade`: a pool licence of the new package takes over and the old one is
 *   parked; with none in the pool, or a balance that would not cover buying one should the pool licence
 *   fail after the park, the current licence's package is changed (`service.changepricelist`);
 * - otherwise, when the item's licences go to the pool (ReUseLicense + ReusePrice): a new licence is
 *   ordered — from the pool first, like any new order — and the old one parked;
 * - otherwise the current licence's package is changed.
 * Every upstream act is journalled first. A refusal before anything changed throws ChangeRefusedError
 * (the old licence still works; the caller rolls the billing back).
 */
export async function changePackage(
  deps: ModuleDeps,
  target: LicenceTarget,
  link: LicenceLink,
  plan: OrderPlan,
  runningoperation: number | null,
  previousTariffId: number | null,
): Promise<LicenceLink> {
  const { conf } = target;
  const day = today(deps);
  if (conf.useExistingOnUpgrade) {
    const view = await PoolView.read(deps, target.client, target.module.id, [link.licenceId]);
    const want = { pkg: plan.pkg, lifetime: plan.period.unit === 'lifetime' };
    // Once the old licence is parked it can't come back this month (one IP change a month): if the pool
    // licence then fails, a purchase is the item's only way to a licence. Without the balance for it,
    // the change is made in place, where a refusal leaves the old licence working.
    if (choosePoolLicences(view.rows(), want, day).length > 0) {
      const balance = await target.client.balance();
      if (balance >= plan.period.cost)
        return swapLicence(deps, target, link, plan, runningoperation, view, 'always', balance);
    }
    return changeInPlace(deps, target, link, plan, runningoperation);
  }
  const pooled =
    poolServes(conf, target.carrierTariff.id) || (previousTariffId !== null && poolServes(conf, previousTariffId));
  if (pooled) {
    const view = await PoolView.read(deps, target.client, target.module.id, [link.licenceId]);
    return swapLicence(deps, target, link, plan, runningoperation, view, 'auto');
  }
  return changeInPlace(deps, target, link, plan, runningoperation);
}

function claimChange(
  deps: ModuleDeps,
  target: LicenceTarget,
  link: LicenceLink,
  plan: OrderPlan,
  prefix: string,
  runningoperation: number | null,
): Promise<JournalEntry> {
  return deps.store.journal
    .claim({
      item: target.carrierId,
      module: target.module.id,
      action: 'change',
      key: `${prefix}${target.carrierId}-${randomUUID().slice(0, 8)}`,
      packageId: plan.pkg.id,
      periodId: plan.period.id,
      ip: link.ip,
      licname: link.licname,
      licenceId: link.licenceId,
      oldExpiredate: link.expiredate,
      runningoperation,
      owner: OWNER,
    })
    .then((entry) => {
      if (!entry) {
        throw new InProgressError(
          `another call is working on item #${target.carrierId}; retry later`,
          'item',
          String(target.carrierId),
        );
      }
      return entry;
    });
}

/** `service.changepricelist` on the current licence; the answer is checked against the licence's form. */
async function changeInPlace(
  deps: ModuleDeps,
  target: LicenceTarget,
  link: LicenceLink,
  plan: OrderPlan,
  runningoperation: number | null,
): Promise<LicenceLink> {
  const { client } = target;
  const entry = await claimChange(deps, target, link, plan, CHANGE_PACKAGE_KEY, runningoperation);
  try {
    await client.changePackage(link.licenceId, plan.pkg, plan.period);
  } catch (error) {
    const form = await client.form(link.licenceId).catch(() => undefined);
    if (form?.packageId !== plan.pkg.id) {
      if (error instanceof UpstreamError) {
        await deps.store.journal.settle(entry.id, { state: 'failed', note: `refused: ${error.message}` });
        throw new ChangeRefusedError(
          `the upstream refused to change licence #${link.licenceId} from package ${link.packageId} to ${plan.pkg.id} '${plan.pkg.name}': ${error.message}; the licence is unchanged`,
          error,
        );
      }
      throw new UpstreamUnavailableError(
        `changing licence #${link.licenceId} to package ${plan.pkg.id} got no usable answer; it is settled by reading the licence's package later — retry`,
        { cause: error },
      );
    }
  }
  deps.fault('after-upstream-change');
  const form = await client.form(link.licenceId);
  const changed: LicenceLink = {
    ...link,
    packageId: form.packageId,
    periodId: plan.period.id,
    status: form.status,
    expiredate: form.expiredate,
  };
  await deps.store.transaction(async (tx) => {
    await tx.journal.settle(entry.id, { state: 'done', note: `package ${link.packageId} → ${form.packageId}` });
    await tx.links.upsert(changed);
  });
  deps.logger.info(
    { item: target.carrierId, licence: link.licenceId, from: link.packageId, to: form.packageId },
    'licence package changed',
  );
  return changed;
}

/**
 * Parks the old licence, then acquires one of the new package through the normal order path (the
 * pool first). The upstream allows one licence of a product line per IP, so the old one has to leave
 * the IP before the new one can come; what can be checked first is: the old licence may move this
 * month, and the balance covers a purchase (the fallback should a planned pool licence fail).
 */
async function swapLicence(
  deps: ModuleDeps,
  target: LicenceTarget,
  link: LicenceLink,
  plan: OrderPlan,
  runningoperation: number | null,
  view: PoolView,
  pool: 'auto' | 'always',
  /** The reseller balance when the caller has just read it (one upstream call, not two). */
  balance?: number,
): Promise<LicenceLink> {
  const { client } = target;
  const day = today(deps);
  await preflight(target, link, plan, view, view.kept.get(link.licenceId), day, balance);
  const entry = await claimChange(deps, target, link, plan, PARK_OLD_KEY, runningoperation);
  try {
    await releaseToPool(deps, client, await client.form(link.licenceId));
  } catch (error) {
    const form = await client.form(link.licenceId).catch(() => undefined);
    if (!form || !isPooled(form)) {
      if (error instanceof UpstreamError) {
        await deps.store.journal.settle(entry.id, { state: 'failed', note: `not parked: ${error.message}` });
        if (form?.status === LicenceStatus.suspended && link.status === LicenceStatus.active) {
          await client.resume(link.licenceId).catch(() => undefined);
        }
        throw new ChangeRefusedError(
          `licence #${link.licenceId} could not be parked for the change to package ${plan.pkg.id}: ${error.message}; it still serves the item`,
          error,
        );
      }
      throw new UpstreamUnavailableError(
        `parking licence #${link.licenceId} got no usable answer; it is settled by reading the licence later — retry`,
        { cause: error },
      );
    }
  }
  deps.fault('after-old-parked');
  await deps.store.transaction(async (tx) => {
    await tx.journal.settle(entry.id, { state: 'done', note: `parked for the change to package ${plan.pkg.id}` });
    await tx.links.upsert({ ...link, status: LicenceStatus.deleted });
  });
  try {
    const ensured = await ensureLicence(deps, target, runningoperation, { pool, poolView: view });
    deps.logger.info(
      { item: target.carrierId, old: link.licenceId, new: ensured.link.licenceId, package: plan.pkg.id },
      'package change: old licence parked, new one in service',
    );
    return ensured.link;
  } catch (error) {
    throw await restoreOld(deps, target, link, error);
  }
}

async function preflight(
  target: LicenceTarget,
  link: LicenceLink,
  plan: OrderPlan,
  view: PoolView,
  oldRow: LicenceRow | undefined,
  day: string,
  knownBalance: number | undefined,
): Promise<void> {
  if (oldRow && !movableOn(oldRow, day)) {
    throw new ChangeRefusedError(
      `licence #${link.licenceId} changed its IP or key less than a month ago and the upstream allows one change a month, so it can't be parked before ${nextMoveOn(oldRow)}; the package change is refused and the licence still serves the item`,
      new UpstreamError('ipchange_limit', 'one IP change a month', 'ip', nextMoveOn(oldRow)),
    );
  }
  // Checked even when a pool licence will serve: should it fail once the old one is parked, a purchase
  // is the only way back to a licence (the old one can't move again this month).
  const fromPool = choosePoolLicences(view.rows(), { pkg: plan.pkg, lifetime: plan.period.unit === 'lifetime' }, day);
  const balance = knownBalance ?? (await target.client.balance());
  if (balance < plan.period.cost) {
    const pool =
      fromPool.length > 0
        ? `, which has to be bought if the pool licence #${fromPool[0]?.id} can't be taken after the old one is parked`
        : '';
    throw new ChangeRefusedError(
      `the reseller balance (${balance.toFixed(2)}) does not cover a licence of package ${plan.pkg.id} '${plan.pkg.name}' (${plan.period.cost.toFixed(2)})${pool}; the package change is refused and the old licence still serves the item`,
      new UpstreamError('balance', 'insufficient balance', 'balance', String(plan.period.cost)),
    );
  }
}

/**
 * The new licence could not be had after the old one was parked: the old one goes back to the item if
 * the upstream lets it move again (it usually does not within a month), and the error says which.
 */
async function restoreOld(
  deps: ModuleDeps,
  target: LicenceTarget,
  link: LicenceLink,
  error: unknown,
): Promise<unknown> {
  // Unanswered or still in progress: the new licence may yet come, so the old one stays parked.
  if (!(error instanceof ModuleError) || error.retryable) return error;
  try {
    await target.client.edit(link.licenceId, { ip: target.ip, licname: target.licname });
    if (link.status === LicenceStatus.active) await target.client.resume(link.licenceId);
    await markLink(deps, link, { ip: target.ip, licname: target.licname });
    return new ChangeRefusedError(
      `the new licence was refused (${error.message}); licence #${link.licenceId} was brought back and still serves the item`,
      error,
    );
  } catch (restore) {
    return new ChangeIncompleteError(
      `the new licence was refused (${error.message}) after licence #${link.licenceId} had been parked, and it can't come back (${restore instanceof Error ? restore.message : restore}): item #${target.carrierId} has no licence; the old one is in the pool (cpbillmgr pool)`,
      error,
    );
  }
}

/**
 * The tariff the licence was bought for, to roll a refused change back to: bm6 names it
 * (`item.lastpricelist`); otherwise the one tariff of this module whose package is the licence's.
 */
export async function previousTariffOf(
  deps: ModuleDeps,
  target: LicenceTarget,
  link: LicenceLink,
): Promise<number | null> {
  if (target.kind !== 'standalone' || !target.carrier) return null;
  if (target.carrier.lastPricelistId !== null) return target.carrier.lastPricelistId;
  const tariffs = (await deps.billing.reader.moduleTariffs(target.module.id)).filter(
    (t) => t.parentId === null && t.id !== target.carrierTariff.id && t.itemtype === target.carrierTariff.itemtype,
  );
  const matching = tariffs.filter((tariff) => {
    try {
      return (
        resolvePackage(target.account.api, deps.catalogue, target.conf, { kind: 'standalone', tariff }).pkg.id ===
        link.packageId
      );
    } catch {
      return false;
    }
  });
  return matching.length === 1 ? (matching[0]?.id ?? null) : null;
}
