import { InProgressError } from '../errors/module-error.js';
import type { LicenceLink } from '../ports/module-store.js';
import type { LicenceTarget } from './licence-target.js';
import type { ModuleDeps } from './module-deps.js';
import { ownerGone, settleOrder } from './purchase-journal.js';

/**
 * The item's licence link, after settling an unanswered order for it: acting on the billing alone
 * while a bought licence may be missing from our records would leave that licence behind.
 */
export async function currentLink(deps: ModuleDeps, target: LicenceTarget): Promise<LicenceLink | undefined> {
  const item = target.carrier.id;
  const open = await deps.stores.journal.findOpen(item);
  if (open && open.action === 'order') {
    if (!ownerGone(deps, open) || (await settleOrder(deps, target.client, open)) === 'pending') {
      throw new InProgressError(`an order for item #${item} is still unsettled; retry later`, 'item', String(item));
    }
  }
  return deps.stores.links.get(item);
}

/** Writes a known change of the licence to the link and the billing without asking upstream again. */
export async function markLink(
  deps: ModuleDeps,
  link: LicenceLink,
  change: Partial<Pick<LicenceLink, 'status' | 'ip' | 'licname' | 'expiredate'>>,
  itemStatus: number,
): Promise<LicenceLink> {
  const updated: LicenceLink = { ...link, ...change };
  await deps.stores.transaction(async (tx) => {
    await tx.links.upsert(updated, deps.now().toISOString());
    await tx.billing.updateItem(link.item, {
      status: itemStatus,
      ...(change.expiredate === undefined ? {} : { expiredate: change.expiredate || null }),
    });
  });
  return updated;
}
