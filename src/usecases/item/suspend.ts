import { LicenceStatus } from '../../domain/licence-status.js';
import { ValueError } from '../../errors/module-error.js';
import type { ModuleDeps } from '../module-deps.js';
import type { CommandResult } from './command-result.js';
import { currentLink, markLink } from './current-link.js';
import { loadLicenceTarget } from './licence-target.js';
import { publishLicence } from './publish-licence.js';

/** `suspend`: the licence is suspended upstream, then the billing is told. */
export function suspendService(deps: ModuleDeps, itemId: number): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async (): Promise<CommandResult> => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link) {
      if (target.carrier) await deps.billing.writer.suspended(target.carrier.id);
      return { item: itemId, status: LicenceStatus.suspended };
    }
    if (link.status === LicenceStatus.deleted) {
      throw new ValueError(
        `licence #${link.licenceId} of item #${itemId} is deleted upstream`,
        'licence',
        String(link.licenceId),
      );
    }
    if (link.status !== LicenceStatus.suspended) await target.client.suspend(link.licenceId);
    const suspended = await markLink(deps, link, { status: LicenceStatus.suspended });
    await publishLicence(deps, target.carrier, suspended, 'suspended');
    deps.logger.info({ item: itemId, licence: link.licenceId }, 'suspend done');
    return { item: itemId, licenseid: link.licenceId, status: LicenceStatus.suspended };
  });
}
