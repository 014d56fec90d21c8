import { LicenceStatus } from '../../domain/licence-status.js';
import { ValueError } from '../../errors/module-error.js';
import type { ModuleDeps } from '../module-deps.js';
import { type CommandResult, linkResult } from './command-result.js';
import { currentLink, refreshLink } from './current-link.js';
import { loadLicenceTarget } from './licence-target.js';
import { publishLicence } from './publish-licence.js';

/** `resume`: the licence is resumed upstream, then the billing shows what the upstream says. */
export function resumeService(deps: ModuleDeps, itemId: number): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async (): Promise<CommandResult> => {
    const target = await loadLicenceTarget(deps, itemId);
    const link = await currentLink(deps, target);
    if (!link) {
      if (target.carrier) await deps.billing.writer.resumed(target.carrier.id);
      return { item: itemId, status: LicenceStatus.active };
    }
    if (link.status === LicenceStatus.deleted) {
      throw new ValueError(
        `licence #${link.licenceId} of item #${itemId} is deleted upstream`,
        'licence',
        String(link.licenceId),
      );
    }
    if (link.status !== LicenceStatus.active) await target.client.resume(link.licenceId);
    const updated = await refreshLink(deps, target, link);
    await publishLicence(deps, target.carrier, updated, 'resumed');
    deps.logger.info({ item: itemId, licence: link.licenceId, status: updated.status }, 'resume done');
    return linkResult(updated);
  });
}
