import type { LicenceLink } from '../ports/module-store.js';
import type { UpstreamLicence } from '../ports/upstream-client.js';
import type { LicenceTarget } from './licence-target.js';
import type { ModuleDeps } from './module-deps.js';
import { recordLicence } from './record-licence.js';

/** Reads the licence upstream and writes what it says to the link and the billing. */
export async function refreshLicence(deps: ModuleDeps, target: LicenceTarget, link: LicenceLink): Promise<LicenceLink> {
  const licence = await target.client.get(link.licenceId);
  return writeLicence(deps, target, link, licence);
}

export function writeLicence(
  deps: ModuleDeps,
  target: LicenceTarget,
  link: LicenceLink,
  licence: UpstreamLicence,
  itemStatus?: number,
): Promise<LicenceLink> {
  return deps.stores.transaction((tx) =>
    recordLicence(tx, licence, {
      item: target.carrier.id,
      module: target.module.id,
      periodId: link.periodId,
      now: deps.now(),
      ...(itemStatus === undefined ? {} : { itemStatus }),
    }),
  );
}
