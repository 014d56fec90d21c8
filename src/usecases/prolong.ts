import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LicenceStatus } from '../domain/licence-status.js';
import { InProgressError, NotFoundError, ValueError } from '../errors/module-error.js';
import type { JournalEntry } from '../ports/module-store.js';
import { type CommandResult, linkResult } from './command-result.js';
import { currentLink } from './current-link.js';
import { type LicenceTarget, loadLicenceTarget } from './licence-target.js';
import { isoNow, type ModuleDeps } from './module-deps.js';
import { planOrder } from './plan-order.js';
import { ownerGone, sendJournalled } from './purchase-journal.js';
import { refreshLicence } from './refresh-licence.js';

/**
 * `prolong`: renews the licence upstream for one period of the item's current order period and
 * writes the new expiry. A renewal costs money, so it goes through the journal like an order: with a
 * `--runningoperation` a retried call is answered from the journal; an unanswered renewal is settled
 * by comparing the licence's expiry with the one recorded before sending.
 */
export function prolongService(
  deps: ModuleDeps,
  itemId: number,
  runningoperation: number | null,
): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link) throw new NotFoundError(`item #${itemId} has no licence to prolong`, 'licence');
    if (link.status === LicenceStatus.deleted) {
      throw new ValueError(`licence #${link.licenceId} is deleted upstream and can't be prolonged`, 'licence');
    }
    const key =
      runningoperation === null
        ? `prolong-${itemId}-${randomUUID().slice(0, 8)}`
        : `prolong-${itemId}-ro${runningoperation}`;
    // An unanswered renewal found to have taken effect was this call's earlier attempt (BILLmanager
    // retries what got no answer; checkevent re-decides from the refreshed expiry): renewing again
    // would charge twice.
    const open = await deps.stores.journal.findOpen(itemId);
    if (open && (await settleProlong(deps, target, open)) === 'done') {
      return linkResult(await refreshLicence(deps, target, link));
    }
    const previous = await deps.stores.journal.findByKey(key);
    if (previous?.state === 'done') return linkResult(link);

    const { period } = planOrder(deps, target);
    if (period.unit === 'lifetime') return linkResult(link);
    const entry = await deps.stores.journal.claim(
      {
        item: itemId,
        module: target.module.id,
        action: 'prolong',
        key: previous ? `${key}-${randomUUID().slice(0, 4)}` : key,
        packageId: link.packageId,
        periodId: period.id,
        ip: link.ip,
        licname: link.licname,
        licenceId: link.licenceId,
        oldExpiredate: link.expiredate,
        runningoperation,
        owner: `${hostname()}:${process.pid}`,
      },
      isoNow(deps),
    );
    if (!entry) throw new InProgressError(`another renewal of item #${itemId} is in progress`, 'item', String(itemId));
    await sendJournalled(deps, entry, () => target.client.prolong(link.licenceId, period));
    deps.fault('after-upstream-prolong');
    const updated = await refreshLicence(deps, target, link);
    await deps.stores.journal.settle(entry.id, { state: 'done', licenceId: link.licenceId }, isoNow(deps));
    deps.logger.info({ item: itemId, licence: link.licenceId, expiredate: updated.expiredate }, 'prolong done');
    return linkResult(updated);
  });
}

/** An unanswered renewal happened iff the licence now expires later than before it was sent. */
export async function settleProlong(
  deps: ModuleDeps,
  target: LicenceTarget,
  entry: JournalEntry,
): Promise<'done' | 'lost' | 'skipped'> {
  if (entry.action !== 'prolong' || entry.licenceId === null) return 'skipped';
  if (!ownerGone(deps, entry)) throw new InProgressError(`a renewal of item #${entry.item} is in progress`, 'item');
  const licence = await target.client.get(entry.licenceId);
  const renewed = licence.expiredate !== '' && licence.expiredate > (entry.oldExpiredate ?? '');
  await deps.stores.journal.settle(
    entry.id,
    renewed
      ? { state: 'done', licenceId: licence.id, note: 'expiry moved: the unanswered renewal took effect' }
      : { state: 'lost', note: 'expiry unchanged: the unanswered renewal did not take effect' },
    isoNow(deps),
  );
  return renewed ? 'done' : 'lost';
}
