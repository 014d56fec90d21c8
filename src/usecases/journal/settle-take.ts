import { LicenceStatus } from '../../domain/licence-status.js';
import type { JournalEntry, LicenceLink } from '../../ports/module-store.js';
import type { LicenceForm, UpstreamClient } from '../../ports/upstream-client.js';
import type { ModuleDeps } from '../module-deps.js';
import { ageSeconds } from './owner.js';
import { linkFromForm, recordHandOver } from './record-link.js';

export type TakeOutcome = { state: 'done'; link: LicenceLink } | { state: 'failed' | 'pending' };

/** The pool licence of a take is on the item's IP under its name: the one upstream change a take makes. */
export function movedForTake(form: LicenceForm, entry: Pick<JournalEntry, 'ip' | 'licname'>): boolean {
  return form.ip === entry.ip && form.licname === entry.licname && form.status !== LicenceStatus.deleted;
}

/**
 * Records a take whose licence is on the item's IP under its name: the entry done and the link in one
 * transaction — unless another licence was recorded for the item meanwhile (then only the entry).
 */
export async function recordTake(
  deps: ModuleDeps,
  entry: JournalEntry,
  form: LicenceForm,
  note: string,
): Promise<LicenceLink> {
  const link = linkFromForm(form, { item: entry.item, module: entry.module, periodId: entry.periodId });
  await deps.store.transaction(async (tx) => {
    if (!(await tx.journal.settle(entry.id, { state: 'done', licenceId: form.id, note }))) return;
    const existing = await tx.links.get(entry.item);
    if (!existing || existing.status === LicenceStatus.deleted || existing.licenceId === form.id)
      await recordHandOver(tx.links, link);
  });
  return (await deps.store.links.get(entry.item)) ?? link;
}

/**
 * An unsettled take is settled by reading its licence's form: on the item's IP under its name → the
 * licence is the item's (done); still in the pool, taken elsewhere or deleted → the take did not
 * happen (failed), and the item may take another licence or buy one — but, like an order, only once
 * the order window has passed: a move still on its way would otherwise land after a second licence
 * was bought for the same item.
 */
export async function settleTake(deps: ModuleDeps, client: UpstreamClient, entry: JournalEntry): Promise<TakeOutcome> {
  if (entry.licenceId === null) {
    await deps.store.journal.settle(entry.id, { state: 'failed', note: 'no pool licence named' });
    return { state: 'failed' };
  }
  const form = await client.form(entry.licenceId);
  if (movedForTake(form, entry)) {
    const link = await recordTake(deps, entry, form, 'pool licence found on the item after an unanswered take');
    deps.logger.warn({ item: entry.item, licence: form.id }, 'unfinished pool take found done and recorded');
    return { state: 'done', link };
  }
  if (
    form.status !== LicenceStatus.deleted &&
    ageSeconds(entry, await deps.store.clock()) < deps.policy.orderWindowSeconds
  ) {
    return { state: 'pending' };
  }
  await deps.store.journal.settle(entry.id, {
    state: 'failed',
    note: `licence #${form.id} is at ${form.licname} ${form.ip || '(no IP)'} (status ${form.status}): the take did not happen`,
  });
  return { state: 'failed' };
}
