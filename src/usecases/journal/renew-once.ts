import { randomUUID } from 'node:crypto';
import type { CataloguePeriod } from '../../domain/catalogue-types.js';
import { InProgressError } from '../../errors/module-error.js';
import { UpstreamUnavailableError } from '../../errors/upstream-error.js';
import type { JournalEntry, LicenceLink } from '../../ports/module-store.js';
import type { LicenceForm } from '../../ports/upstream-client.js';
import type { LicenceTarget } from '../item/licence-target.js';
import type { ModuleDeps } from '../module-deps.js';
import { OWNER, ownerGone } from './owner.js';
import { certainlyNotBought } from './refusal.js';
import { settleRenewal } from './settle-renewal.js';

export interface Renewal {
  /** True when this call renewed (or found its own earlier unanswered renewal had). */
  readonly renewed: boolean;
  /** The licence as the upstream shows it afterwards. */
  readonly form: LicenceForm;
  readonly reason: string;
}

export interface RenewOptions {
  readonly runningoperation: number | null;
  /** Re-decided on the fresh form under the item's claim: false means no renewal is due any more. */
  readonly due?: (form: LicenceForm) => boolean;
}

/**
 * One upstream renewal per (licence, expiry being renewed). The decision is taken from a fresh read
 * of the licence while the item's journal claim is held; the claim names `licence:expiry`, which the
 * database lets exist once, so a stale view, a second checkevent or a retried call can't renew the
 * same expiry twice. A retry of the same BILLmanager running operation is answered from the journal.
 * An unanswered renewal stays an intent and is settled by reading the expiry (settleRenewal).
 */
export async function renewOnce(
  deps: ModuleDeps,
  target: LicenceTarget,
  link: LicenceLink,
  period: CataloguePeriod,
  options: RenewOptions,
): Promise<Renewal> {
  const { store } = deps;
  const item = target.carrierId;
  if (options.runningoperation !== null) {
    const earlier = (await store.journal.listForOperation(item, options.runningoperation)).filter(
      (e) => e.action === 'prolong',
    );
    if (earlier.some((e) => e.state === 'done')) {
      return {
        renewed: false,
        form: await target.client.form(link.licenceId),
        reason: 'this running operation already renewed it',
      };
    }
    for (const entry of earlier.filter((e) => e.state === 'intent')) {
      const settled = await settleOpen(deps, target, entry);
      if (settled)
        return { renewed: true, form: settled, reason: 'the earlier unanswered attempt of this operation took effect' };
    }
  }
  const open = await store.journal.findOpen(item);
  if (open) {
    const settled = await settleOpen(deps, target, open);
    if (settled && open.action === 'prolong' && open.runningoperation === options.runningoperation) {
      return { renewed: true, form: settled, reason: 'an earlier unanswered renewal took effect' };
    }
  }

  const form = await target.client.form(link.licenceId);
  if (options.due && !options.due(form)) return { renewed: false, form, reason: 'not due on a fresh read' };
  const once = `renew:${link.licenceId}:${form.expiredate}`;
  const entry = await store.journal.claim({
    item,
    module: target.module.id,
    action: 'prolong',
    key: `prolong-${item}-${randomUUID().slice(0, 8)}`,
    once,
    packageId: form.packageId,
    periodId: period.id,
    ip: form.ip,
    licname: form.licname,
    licenceId: link.licenceId,
    oldExpiredate: form.expiredate,
    runningoperation: options.runningoperation,
    owner: OWNER,
  });
  if (!entry) {
    const holder = await store.journal.findOnce(once);
    if (holder?.state === 'done') {
      return { renewed: false, form, reason: `expiry ${form.expiredate} was renewed already (journal #${holder.id})` };
    }
    throw new InProgressError(`another call is renewing item #${item}; retry later`, 'item', String(item));
  }
  // Our look at the operation's journal and our claim are separate reads: a call for the same running
  // operation that renewed in between has released its claim, and its entry is visible now that ours holds.
  if (options.runningoperation !== null) {
    const earlier = await store.journal.listForOperation(item, options.runningoperation);
    const renewed = earlier.find((e) => e.id !== entry.id && e.action === 'prolong' && e.state === 'done');
    if (renewed) {
      await store.journal.settle(entry.id, {
        state: 'failed',
        note: `not sent: running operation ${options.runningoperation} was renewed by journal #${renewed.id}`,
      });
      return {
        renewed: false,
        form: await target.client.form(link.licenceId),
        reason: 'this running operation already renewed it',
      };
    }
  }
  let newExpiry: string;
  try {
    newExpiry = await target.client.prolong(link.licenceId, period);
  } catch (error) {
    if (certainlyNotBought(error)) {
      await store.journal.settle(entry.id, {
        state: 'failed',
        note: `refused: ${error instanceof Error ? error.message : String(error)}`,
      });
      throw error;
    }
    throw new UpstreamUnavailableError(
      `the renewal of item #${item} got no usable answer (${error instanceof Error ? error.message : String(error)}); it is settled by reading the licence's expiry, never by renewing again — retry later`,
      { cause: error },
    );
  }
  deps.fault('after-upstream-prolong');
  await store.journal.settle(entry.id, {
    state: 'done',
    licenceId: link.licenceId,
    note: newExpiry ? `new expiry ${newExpiry}` : undefined,
  });
  const after = await target.client
    .form(link.licenceId)
    .catch(() => ({ ...form, expiredate: newExpiry || form.expiredate }));
  return { renewed: true, form: after, reason: 'renewed' };
}

/** Settles an unsettled entry of the item if its sender is gone; the renewal's fresh form when it took effect. */
async function settleOpen(
  deps: ModuleDeps,
  target: LicenceTarget,
  entry: JournalEntry,
): Promise<LicenceForm | undefined> {
  if (entry.state !== 'intent') return undefined;
  if (!ownerGone(deps, entry, await deps.store.clock())) {
    throw new InProgressError(
      `a ${entry.action} of item #${entry.item} is in progress; retry later`,
      'item',
      String(entry.item),
    );
  }
  if (entry.action !== 'prolong') {
    throw new InProgressError(
      `a ${entry.action} of item #${entry.item} is unsettled; retry later`,
      'item',
      String(entry.item),
    );
  }
  const outcome = await settleRenewal(deps, target.client, entry);
  if (outcome.state === 'pending') {
    throw new InProgressError(
      `a renewal of item #${entry.item} sent at ${entry.createdAt} got no answer and the expiry has not moved yet; retry later`,
      'item',
      String(entry.item),
    );
  }
  return outcome.state === 'done' ? outcome.form : undefined;
}
