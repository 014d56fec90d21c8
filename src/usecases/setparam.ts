import { LicenceStatus } from '../domain/licence-status.js';
import { NotConfiguredError, NotSupportedError } from '../errors/module-error.js';
import { type CommandResult, linkResult } from './command-result.js';
import { currentLink, markLink } from './current-link.js';
import { loadLicenceTarget } from './licence-target.js';
import type { ModuleDeps } from './module-deps.js';
import { planOrder } from './plan-order.js';

/**
 * `setparam`: the item's parameters changed in the billing. A new IP moves the licence (the upstream
 * allows one IP change a month and says so when it refuses). A different package would need an
 * upgrade upstream, which the module doesn't do yet: that answers `not_supported` before anything
 * is changed.
 */
export function setparamService(deps: ModuleDeps, itemId: number): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link || link.status === LicenceStatus.deleted) return { item: itemId, status: target.carrier.status };
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
    if (target.ip === link.ip) return linkResult(link);
    await target.client.edit(link.licenceId, { ip: target.ip });
    const moved = await markLink(deps, link, { ip: target.ip }, target.carrier.status);
    deps.logger.info(
      { item: itemId, licence: link.licenceId, from: link.ip, to: target.ip },
      'licence moved to the new IP',
    );
    return linkResult(moved);
  });
}
