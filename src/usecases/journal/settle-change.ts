import { LicenceStatus } from '../../domain/licence-status.js';
import type { JournalEntry, LicenceLink } from '../../ports/module-store.js';
import type { UpstreamClient } from '../../ports/upstream-client.js';
import type { ModuleDeps } from '../module-deps.js';
import { isPooled } from '../pool/pool-licence.js';
import { ageSeconds } from './owner.js';

/** A package change is one of two upstream acts, told apart by its journal key. */
export const CHANGE_PACKAGE_KEY = 'chg-pkg-';
export const PARK_OLD_KEY = 'chg-park-';

export type ChangeOutcome = { state: 'done'; link: LicenceLink | undefined } | { state: 'failed' | 'lost' | 'pending' };

/**
 * Settles an unanswered package change by reading the licence's form.
 * - `service.changepricelist` (key `chg-pkg-`): the form shows the new package → done; not yet →
 *   pending for the order window (the upstream may still be working on it), then lost.
 * - parking the old licence before a new one is taken or bought (key `chg-park-`): in the pool → done
 *   (the item holds no licence until the new one is acquired); still on the item → pending for the
 *   order window (a late move would leave the old licence in the pool beside a new one), then failed.
 */
export async function settleChange(
  deps: ModuleDeps,
  client: UpstreamClient,
  entry: JournalEntry,
): Promise<ChangeOutcome> {
  const { store } = deps;
  if (entry.licenceId === null) {
    await store.journal.settle(entry.id, { state: 'failed', note: 'no licence named' });
    return { state: 'failed' };
  }
  const form = await client.form(entry.licenceId);
  const link = await store.links.get(entry.item);
  if (entry.key.startsWith(PARK_OLD_KEY)) {
    if (isPooled(form)) {
      await store.transaction(async (tx) => {
        if (!(await tx.journal.settle(entry.id, { state: 'done', note: 'old licence found parked in the pool' })))
          return;
        if (link?.licenceId === form.id) await tx.links.upsert({ ...link, status: LicenceStatus.deleted });
      });
      return { state: 'done', link: await store.links.get(entry.item) };
    }
    if (ageSeconds(entry, await store.clock()) < deps.policy.orderWindowSeconds) return { state: 'pending' };
    await store.journal.settle(entry.id, {
      state: 'failed',
      note: `licence #${form.id} is still at ${form.licname} ${form.ip}: not parked`,
    });
    return { state: 'failed' };
  }
  if (form.packageId === entry.packageId) {
    await store.transaction(async (tx) => {
      if (
        !(await tx.journal.settle(entry.id, { state: 'done', note: `package ${form.packageId} found on the licence` }))
      )
        return;
      if (link?.licenceId === form.id)
        await tx.links.upsert({ ...link, packageId: form.packageId, periodId: entry.periodId });
    });
    return { state: 'done', link: await store.links.get(entry.item) };
  }
  const age = ageSeconds(entry, await store.clock());
  if (age < deps.policy.orderWindowSeconds) return { state: 'pending' };
  await store.journal.settle(entry.id, {
    state: 'lost',
    note: `licence #${form.id} still has package ${form.packageId} ${Math.round(age)} s later: the change did not take effect`,
  });
  return { state: 'lost' };
}
