import type { BillingItem } from '../../domain/billing-types.js';
import { LicenceStatus } from '../../domain/licence-status.js';
import type { LicenceLink } from '../../ports/module-store.js';
import type { ModuleDeps } from '../module-deps.js';

/** BILLmanager's post-calls a command ends with. */
export type PostCall = 'opened' | 'suspended' | 'resumed' | 'closed' | 'prolonged' | 'paramsChanged';

/** The status the billing shows for the item's licence: what the module last reported (bm6), else the item's. */
export function shownStatus(item: BillingItem): number {
  return item.serviceStatus ?? item.status;
}

/** The billing status an item shows for a licence in this upstream status. */
export function itemStatusFor(status: LicenceStatus): number {
  return status === LicenceStatus.ordered ? LicenceStatus.processing : status;
}

/**
 * Tells the billing what the module's record says of the item's licence, after the module's own
 * transaction has committed: `licenseid`/`lickey` params and, for a standalone licence, its expiry —
 * each only when the billing shows something else — then the command's post-call. A licence still
 * being created upstream is confirmed (`opened`) and shown as processing; checkevent finishes it.
 * An add-on slot without a child item has nothing in the billing to write to; an add-on child item run
 * by another module gets its params but no post-call.
 */
export async function publishLicence(
  deps: ModuleDeps,
  carrier: BillingItem | null,
  link: LicenceLink,
  postCall?: PostCall,
): Promise<void> {
  if (!carrier) return;
  const { reader, writer } = deps.billing;
  const params = await reader.params(carrier.id);
  if (params.licenseid !== String(link.licenceId))
    await writer.saveParam(carrier.id, 'licenseid', String(link.licenceId));
  if (link.lickey && params.lickey !== link.lickey) await writer.saveParam(carrier.id, 'lickey', link.lickey);
  if (carrier.parentId === null && (carrier.expiredate ?? '') !== link.expiredate) {
    await writer.setExpiry(carrier.id, link.expiredate || null);
  }
  // A post-call completes an operation BILLmanager ran on this module. An add-on child item belongs to
  // its server's module (a VPS add-on change reaches the VPS module): confirming an open there is not
  // ours to do, and what BILLmanager would make of it (notices, the server's own operation) is unknown.
  if (!postCall || carrier.processingModuleId !== link.module) return;
  await writer[postCall](carrier.id);
  if (postCall === 'opened' && itemStatusFor(link.status) === LicenceStatus.processing) {
    await writer.setStatus(carrier.id, LicenceStatus.processing);
  }
}

/**
 * Reconciliation's write: the billing status that matches the licence, unless the item is deleted in
 * the billing — status 4 is final there and is never changed back.
 */
export async function mirrorStatus(deps: ModuleDeps, carrier: BillingItem | null, link: LicenceLink): Promise<boolean> {
  if (!carrier || carrier.status === LicenceStatus.deleted) return false;
  const wanted = itemStatusFor(link.status);
  if (shownStatus(carrier) === wanted) return false;
  await deps.billing.writer.setStatus(carrier.id, wanted);
  return true;
}
