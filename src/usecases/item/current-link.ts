import { LicenceStatus } from '../../domain/licence-status.js';
import { InProgressError } from '../../errors/module-error.js';
import type { LicenceLink } from '../../ports/module-store.js';
import type { LicenceForm } from '../../ports/upstream-client.js';
import { ownerGone } from '../journal/owner.js';
import { linkFromForm } from '../journal/record-link.js';
import { settleEntry } from '../journal/settle-entry.js';
import type { ModuleDeps } from '../module-deps.js';
import type { LicenceTarget } from './licence-target.js';

/**
 * The item's licence link, after settling an unanswered order for it: acting on the billing alone
 * while a bought licence may be missing from our records would leave that licence behind.
 */
export async function currentLink(deps: ModuleDeps, target: LicenceTarget): Promise<LicenceLink | undefined> {
  const item = target.carrierId;
  const open = await deps.store.journal.findOpen(item);
  if (open && open.action !== 'prolong') {
    const pending =
      !ownerGone(deps, open, await deps.store.clock()) ||
      (await settleEntry(deps, target.client, open)).state === 'pending';
    if (pending)
      throw new InProgressError(
        `a ${open.action} for item #${item} is still unsettled; retry later`,
        'item',
        String(item),
      );
  }
  return deps.store.links.get(item);
}

/** Writes a known change of the licence to the module's record. */
export async function markLink(
  deps: ModuleDeps,
  link: LicenceLink,
  change: Partial<Pick<LicenceLink, 'status' | 'ip' | 'licname' | 'expiredate' | 'lickey'>>,
): Promise<LicenceLink> {
  const updated: LicenceLink = { ...link, ...change };
  await deps.store.links.upsert(updated);
  return updated;
}

/** Reads the licence's form upstream and records what it says. */
export async function refreshLink(deps: ModuleDeps, target: LicenceTarget, link: LicenceLink): Promise<LicenceLink> {
  return recordForm(deps, link, await target.client.form(link.licenceId));
}

export async function recordForm(deps: ModuleDeps, link: LicenceLink, form: LicenceForm): Promise<LicenceLink> {
  const updated = linkFromForm(form, link);
  await deps.store.links.upsert(updated);
  return updated;
}

export function isLive(link: LicenceLink | undefined): link is LicenceLink {
  return link !== undefined && link.status !== LicenceStatus.deleted;
}
