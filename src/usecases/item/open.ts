import { LicenceStatus } from '../../domain/licence-status.js';
import { ValueError } from '../../errors/module-error.js';
import { ensureLicence } from '../journal/ensure-licence.js';
import type { ModuleDeps } from '../module-deps.js';
import { type CommandResult, linkResult } from './command-result.js';
import { refreshLink } from './current-link.js';
import { loadLicenceTarget } from './licence-target.js';
import { publishLicence } from './publish-licence.js';

/**
 * `open`: the item should have a working licence. Buys one (at most one, whatever the retries,
 * concurrency or crashes — see ensureLicence), or, when the item already has one, brings it back to
 * active and refreshes what the billing shows. A licence still being created upstream (status 5) is
 * confirmed and shown as processing; checkevent finishes it.
 */
export function openService(deps: ModuleDeps, itemId: number, runningoperation: number | null): Promise<CommandResult> {
  return deps.itemLocks.run(`item:${itemId}`, async () => {
    const target = await loadLicenceTarget(deps, itemId);
    if (target.carrier?.status === LicenceStatus.deleted) {
      throw new ValueError(`item #${itemId} is deleted and can't be opened`, 'item', String(itemId));
    }
    let { link, bought } = await ensureLicence(deps, target, runningoperation);
    if (!bought) {
      if (link.status === LicenceStatus.suspended) await target.client.resume(link.licenceId);
      if (link.status !== LicenceStatus.active) link = await refreshLink(deps, target, link);
    }
    await publishLicence(deps, target.carrier, link, 'opened');
    deps.logger.info({ item: itemId, licence: link.licenceId, status: link.status, bought }, 'open done');
    return linkResult(link);
  });
}
