import { LicenceStatus } from '../../domain/licence-status.js';
import { ValueError } from '../../errors/module-error.js';
import type { LicenceLink } from '../../ports/module-store.js';
import { ensureLicence } from '../journal/ensure-licence.js';
import type { ModuleDeps } from '../module-deps.js';
import { completeTake } from '../pool/complete-take.js';
import { type CommandResult, linkResult } from './command-result.js';
import { refreshLink } from './current-link.js';
import { type LicenceTarget, loadLicenceTarget } from './licence-target.js';
import { planOrder } from './plan-order.js';
import { publishLicence } from './publish-licence.js';

/**
 * `open`: the item should have a working licence. Buys one (at most one, whatever the retries,
 * concurrency or crashes — see ensureLicence), or, when the item already has one, brings it back to
 * active and refreshes what the billing shows. A licence still being created upstream (status 5) is
 * confirmed and shown as processing; checkevent finishes it.
 */
export function openService(deps: ModuleDeps, itemId: number, runningoperation: number | null): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    if (target.carrier?.status === LicenceStatus.deleted) {
      throw new ValueError(`item #${itemId} is deleted and can't be opened`, 'item', String(itemId));
    }
    let { link, bought } = await ensureLicence(deps, target, runningoperation);
    if (!bought) {
      if (await takeUnfinished(deps, target, link)) {
        link = await completeTake(deps, target, link, planOrder(deps, target), runningoperation);
      } else {
        if (link.status === LicenceStatus.suspended) await target.client.resume(link.licenceId);
        if (link.status !== LicenceStatus.active) link = await refreshLink(deps, target, link);
      }
    }
    await publishLicence(deps, target.carrier, link, 'opened');
    deps.logger.info({ item: itemId, licence: link.licenceId, status: link.status, bought }, 'open done');
    return linkResult(link);
  });
}

/**
 * The item's licence came from the pool and the open that took it stopped before it was working (its
 * new key, its renewal when it had expired, or its resume got no answer or was refused): the retry
 * finishes the take — a plain resume of an expired licence is refused, and only the take renews it.
 * Only while the billing has not opened the item, so a later call never changes a working key.
 */
async function takeUnfinished(deps: ModuleDeps, target: LicenceTarget, link: LicenceLink): Promise<boolean> {
  const status = target.carrier?.status;
  if (link.status === LicenceStatus.active) return false;
  if (status !== LicenceStatus.ordered && status !== LicenceStatus.processing) return false;
  const entries = await deps.store.journal.listForItem(target.carrierId);
  return entries.some((e) => e.action === 'take' && e.state === 'done' && e.licenceId === link.licenceId);
}
