import { LicenceStatus } from '../../domain/licence-status.js';
import { UpstreamError } from '../../errors/upstream-error.js';
import type { LicenceLink } from '../../ports/module-store.js';
import type { LicenceForm } from '../../ports/upstream-client.js';
import { markLink, recordForm } from '../item/current-link.js';
import { type LicenceTarget, loadLicenceTarget } from '../item/licence-target.js';
import { type OrderPlan, planOrder } from '../item/plan-order.js';
import { renewOnce } from '../journal/renew-once.js';
import { type ModuleDeps, today } from '../module-deps.js';
import { POOL_IP, POOL_LICNAME } from './pool-licence.js';

const expired = (form: LicenceForm, day: string) => form.expiredate !== '' && form.expiredate <= day;

/**
 * Finishes a take once the licence is the item's: a new key (the previous holder's must not keep
 * working), then resumed — or, when it has expired, renewed first (journalled, once per expiry, so a
 * repeat after a crash can't renew twice). Repeatable: a key already changed this month is kept.
 * When renewing or resuming is refused, the licence goes back to the pool if the upstream lets it move
 * again (otherwise it stays the item's) and the refusal is thrown.
 */
export async function completeTake(
  deps: ModuleDeps,
  target: LicenceTarget,
  link: LicenceLink,
  plan: OrderPlan,
  runningoperation: number | null,
): Promise<LicenceLink> {
  const { client } = target;
  let current = link;
  try {
    const lickey = await client.newKey(link.licenceId);
    current = await markLink(deps, current, { lickey });
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    // Refused: most often because this take already changed it (one key change a month); the licence works with it.
    deps.logger.warn({ item: link.item, licence: link.licenceId, err: error.message }, 'pool licence: new key refused');
  }
  const day = today(deps);
  let form = await client.form(link.licenceId);
  try {
    if (expired(form, day) && plan.period.unit === 'month') {
      const renewal = await renewOnce(deps, target, current, plan.period, {
        runningoperation,
        due: (fresh) => fresh.status !== LicenceStatus.deleted && expired(fresh, day),
      });
      form = renewal.form;
    }
    if (form.status === LicenceStatus.suspended && !expired(form, day)) {
      await client.resume(link.licenceId);
      form = await client.form(link.licenceId);
    }
  } catch (error) {
    if (error instanceof UpstreamError) await putBack(deps, target, current, error);
    throw error;
  }
  return recordForm(deps, current, { ...form, lickey: form.lickey || current.lickey });
}

/** Seed [S10]: on a failure the licence goes back to the pool — when the upstream's monthly move limit allows. */
async function putBack(deps: ModuleDeps, target: LicenceTarget, link: LicenceLink, cause: Error): Promise<void> {
  try {
    await target.client.edit(link.licenceId, { ip: POOL_IP, licname: POOL_LICNAME });
    await markLink(deps, link, { status: LicenceStatus.deleted, ip: POOL_IP, licname: POOL_LICNAME });
    deps.logger.warn(
      { item: link.item, licence: link.licenceId, err: cause.message },
      'pool take failed: licence put back',
    );
  } catch (error) {
    deps.logger.error(
      { item: link.item, licence: link.licenceId, err: cause.message, putBack: String(error) },
      'pool take failed and the licence could not be put back: it stays with the item',
    );
  }
}

/** Finishes a take that checkevent found done after its caller died (the item's lock is held). */
export async function finishSettledTake(deps: ModuleDeps, link: LicenceLink): Promise<LicenceLink> {
  const target = await loadLicenceTarget(deps, link.item);
  return completeTake(deps, target, link, planOrder(deps, target), null);
}
