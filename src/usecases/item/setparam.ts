import { LicenceStatus } from '../../domain/licence-status.js';
import { NotConfiguredError, NotSupportedError } from '../../errors/module-error.js';
import type { ModuleDeps } from '../module-deps.js';
import { type CommandResult, linkResult } from './command-result.js';
import { currentLink, markLink } from './current-link.js';
import { loadLicenceTarget } from './licence-target.js';
import { planOrder } from './plan-order.js';
import { publishLicence } from './publish-licence.js';

/**
 * `setparam`: the item's parameters changed in the billing. A new IP moves the licence (IP and name
 * together, as the upstream expects; it allows one IP change a month and says so when it refuses).
 * A different package answers `not_supported` before anything is changed.
 */
export function setparamService(deps: ModuleDeps, itemId: number): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link || link.status === LicenceStatus.deleted) {
      if (target.carrier) await deps.billing.writer.paramsChanged(target.carrier.id);
      return { item: itemId, status: target.carrier?.status ?? target.main.status };
    }
    let wanted: number | undefined;
    try {
      wanted = planOrder(deps, target).pkg.id;
    } catch (error) {
      if (!(error instanceof NotConfiguredError)) throw error;
      deps.logger.warn(
        { item: itemId, err: error.message },
        'setparam: package not resolvable, only the IP is checked',
      );
    }
    if (wanted !== undefined && wanted !== link.packageId) {
      throw new NotSupportedError(
        `item #${itemId} now asks for package ${wanted} but its licence #${link.licenceId} is package ${link.packageId}; changing the package is not supported yet`,
        'pricelist',
        String(wanted),
      );
    }
    let current = link;
    if (target.ip !== link.ip || target.licname !== link.licname) {
      await target.client.edit(link.licenceId, { ip: target.ip, licname: target.licname });
      current = await markLink(deps, link, { ip: target.ip, licname: target.licname });
      deps.logger.info(
        { item: itemId, licence: link.licenceId, from: link.ip, to: target.ip },
        'licence moved to the new IP',
      );
    }
    await publishLicence(deps, target.carrier, current, 'paramsChanged');
    return linkResult(current);
  });
}
