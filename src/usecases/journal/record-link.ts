import { LicenceStatus } from '../../domain/licence-status.js';
import { LicenceHeldError } from '../../errors/licence-held-error.js';
import type { LicenceLink, LicenceLinkStore } from '../../ports/module-store.js';
import type { LicenceForm } from '../../ports/upstream-client.js';

/** The module's record of a licence as its form shows it. */
export function linkFromForm(
  form: LicenceForm,
  at: { item: number; module: number; periodId: number | null },
): LicenceLink {
  return {
    item: at.item,
    module: at.module,
    licenceId: form.id,
    packageId: form.packageId,
    periodId: at.periodId,
    ip: form.ip,
    licname: form.licname,
    status: form.status,
    expiredate: form.expiredate,
    lickey: form.lickey,
  };
}

/**
 * Records a licence that changes hands (taken from the pool, adopted) as `link.item`'s. The closed
 * link of the item that released it still names it, and a licence is recorded once per module: that
 * closed record goes first — MariaDB's upsert would otherwise rewrite the old item's row (reviving it
 * as the holder, so a repeated close of the old item parks the new holder's licence) and record
 * nothing for the new one. A live holder is never displaced. Run it inside the caller's transaction.
 */
export async function recordHandOver(links: LicenceLinkStore, link: LicenceLink): Promise<void> {
  const holder = await links.findByLicence(link.module, link.licenceId);
  if (holder && holder.item !== link.item) {
    if (holder.status !== LicenceStatus.deleted) {
      throw new LicenceHeldError(
        `licence #${link.licenceId} is recorded as item #${holder.item}'s: it is not recorded for item #${link.item}`,
        'licence',
        String(link.licenceId),
      );
    }
    await links.remove(holder.item);
  }
  await links.upsert(link);
}
