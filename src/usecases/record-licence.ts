import { LicenceStatus } from '../domain/licence-status.js';
import type { LicenceLink, Stores } from '../ports/module-store.js';
import type { UpstreamLicence } from '../ports/upstream-client.js';

/** The billing status an item shows for a licence in this upstream status. */
export function itemStatusFor(status: LicenceStatus): number {
  return status === LicenceStatus.ordered ? LicenceStatus.processing : status;
}

export interface RecordOptions {
  readonly item: number;
  readonly module: number;
  readonly periodId: number | null;
  readonly now: Date;
  /** Billing item status to write; defaults to the one matching the licence. */
  readonly itemStatus?: number;
}

/**
 * Writes what the upstream says of a licence to the module's link table and to the billing (item
 * status, expiry, `licenseid`/`lickey` params) — the writes BILLmanager's post-calls would make.
 * Idempotent: writing the same licence twice changes nothing the second time.
 */
export async function recordLicence(
  stores: Stores,
  licence: UpstreamLicence,
  options: RecordOptions,
): Promise<LicenceLink> {
  const link: LicenceLink = {
    item: options.item,
    module: options.module,
    licenceId: licence.id,
    packageId: licence.packageId,
    periodId: options.periodId,
    ip: licence.ip,
    licname: licence.licname,
    status: licence.status,
    expiredate: licence.expiredate,
    lickey: licence.lickey,
  };
  const now = options.now.toISOString();
  await stores.links.upsert(link, now);
  const item = await stores.billing.findItem(options.item);
  await stores.billing.updateItem(options.item, {
    status: options.itemStatus ?? itemStatusFor(licence.status),
    expiredate: licence.expiredate || null,
    ...(item && !item.opendate ? { opendate: now.slice(0, 10) } : {}),
  });
  const params = await stores.billing.getParams(options.item);
  if (params.licenseid !== String(licence.id))
    await stores.billing.saveParam(options.item, 'licenseid', String(licence.id));
  if (licence.lickey && params.lickey !== licence.lickey)
    await stores.billing.saveParam(options.item, 'lickey', licence.lickey);
  return link;
}
