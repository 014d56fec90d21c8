import type { JournalEntry } from '../../ports/module-store.js';
import type { LicenceForm, UpstreamClient } from '../../ports/upstream-client.js';
import type { ModuleDeps } from '../module-deps.js';
import { ageSeconds } from './owner.js';

export type RenewalOutcome = { state: 'done'; form: LicenceForm } | { state: 'lost' } | { state: 'pending' };

/**
 * An unanswered renewal happened iff the licence now expires later than the expiry it renewed. Not
 * moved yet: pending until the order window has passed (the upstream may still be working on it),
 * then lost — and only then may that expiry be renewed again.
 */
export async function settleRenewal(
  deps: ModuleDeps,
  client: UpstreamClient,
  entry: JournalEntry,
): Promise<RenewalOutcome> {
  if (entry.licenceId === null) return { state: 'lost' };
  const form = await client.form(entry.licenceId);
  if (form.expiredate !== '' && form.expiredate > (entry.oldExpiredate ?? '')) {
    await deps.store.journal.settle(entry.id, {
      state: 'done',
      licenceId: form.id,
      note: `expiry moved to ${form.expiredate}: the unanswered renewal took effect`,
    });
    return { state: 'done', form };
  }
  const age = ageSeconds(entry, await deps.store.clock());
  if (age < deps.policy.orderWindowSeconds) return { state: 'pending' };
  await deps.store.journal.settle(entry.id, {
    state: 'lost',
    note: `expiry still ${form.expiredate || 'none'} ${Math.round(age)} s later: the unanswered renewal did not take effect`,
  });
  return { state: 'lost' };
}
