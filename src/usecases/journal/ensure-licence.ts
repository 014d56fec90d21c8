import { randomUUID } from 'node:crypto';
import { LicenceStatus } from '../../domain/licence-status.js';
import { InProgressError } from '../../errors/module-error.js';
import { UpstreamUnavailableError } from '../../errors/upstream-error.js';
import type { JournalEntry, LicenceLink } from '../../ports/module-store.js';
import type { LicenceTarget } from '../item/licence-target.js';
import { type OrderPlan, planOrder } from '../item/plan-order.js';
import type { ModuleDeps } from '../module-deps.js';
import { completeTake } from '../pool/complete-take.js';
import type { PoolView } from '../pool/pool-view.js';
import { poolServes } from '../pool/release-to-pool.js';
import { takeFromPool } from '../pool/take-from-pool.js';
import { explainIpTaken } from './explain-ip-taken.js';
import { OWNER, ownerGone } from './owner.js';
import { linkFromForm } from './record-link.js';
import { certainlyNotBought } from './refusal.js';
import { settleEntry } from './settle-entry.js';
import { matchesOrder, settleOrder } from './settle-order.js';

export interface EnsureOptions {
  /**
   * Whether a pool licence may serve the order: `auto` when the item's tariff is a ReusePrice of an
   * `Option ReUseLicense` conf (seed), `always` for a package change under `Option UseExistingOnUpgrade`.
   */
  readonly pool?: 'auto' | 'always';
  /** The pool as a batch run read it once. */
  readonly poolView?: PoolView;
}

export interface Ensured {
  readonly link: LicenceLink;
  /** True when this call bought the licence (or found the one an earlier unanswered call bought). */
  readonly bought: boolean;
}

const live = (link: LicenceLink | undefined): link is LicenceLink =>
  link !== undefined && link.status !== LicenceStatus.deleted;

/**
 * Makes sure the target has exactly one licence, buying it if needed. The intent is committed before
 * the order is sent; concurrent callers for the same item meet the journal's unique index and wait
 * for the first one's outcome instead of buying again; an intent whose sender died is settled by
 * looking for its licence upstream (settleOrder) before anything else may be bought.
 */
export async function ensureLicence(
  deps: ModuleDeps,
  target: LicenceTarget,
  runningoperation: number | null,
  options: EnsureOptions = {},
): Promise<Ensured> {
  const { store } = deps;
  const pool = options.pool === 'always' || poolServes(target.conf, target.carrierTariff.id);
  const item = target.carrierId;
  const deadline = Date.now() + deps.policy.waitSeconds * 1000;
  for (;;) {
    const link = await store.links.get(item);
    if (live(link)) return { link, bought: false };
    // Without a pool to try first, the claim's unique index says whether another entry is open: one
    // read fewer on the way to the order, which BILLmanager pays on every call (a new process each).
    const open = pool ? await store.journal.findOpen(item) : undefined;
    if (!open) {
      const plan = planOrder(deps, target);
      if (pool) {
        // Seed: a licence from the pool serves a new order of its package before anything is bought.
        const taken = await takeFromPool(deps, target, plan, runningoperation, options.poolView);
        if (taken.state === 'taken') return { link: taken.link, bought: true };
        if (taken.state === 'busy') continue;
      }
      const entry = await store.journal.claim({
        item,
        module: target.module.id,
        action: 'order',
        key: `cpb-${item}-${randomUUID().slice(0, 8)}`,
        packageId: plan.pkg.id,
        periodId: plan.period.id,
        ip: target.ip,
        licname: target.licname,
        licenceId: null,
        oldExpiredate: null,
        runningoperation,
        owner: OWNER,
      });
      if (entry) return placeOrder(deps, target, entry, plan);
    }
    const blocking = open ?? (await store.journal.findOpen(item));
    if (!blocking) continue;
    const outcome = await meetOpenEntry(deps, target, blocking, runningoperation, deadline);
    if (outcome) return outcome;
  }
}

/**
 * Another entry holds the item: its sender is gone → settle it by looking upstream (and answer with
 * what it bought, or go on when it did not happen); still alive → wait a little, then `in_progress`.
 * Undefined: try again.
 */
async function meetOpenEntry(
  deps: ModuleDeps,
  target: LicenceTarget,
  open: JournalEntry,
  runningoperation: number | null,
  deadline: number,
): Promise<Ensured | undefined> {
  const item = target.carrierId;
  if (ownerGone(deps, open, await deps.store.clock())) {
    if (open.action === 'take' || open.action === 'change') {
      const outcome = await settleEntry(deps, target.client, open);
      if (outcome.state === 'pending') {
        throw new InProgressError(
          `a ${open.action === 'take' ? 'pool take' : 'package change'} of item #${item} got no answer and is not visible upstream yet; it is looked for until the order window passes, retry later`,
          'item',
          String(item),
        );
      }
      if (open.action === 'take' && outcome.state === 'done' && outcome.link) {
        return {
          link: await completeTake(deps, target, outcome.link, planOrder(deps, target), runningoperation),
          bought: true,
        };
      }
      return undefined;
    }
    if (open.action !== 'order')
      throw new InProgressError(`a ${open.action} of item #${item} is unsettled; retry later`, 'item', String(item));
    const outcome = await settleOrder(deps, target.client, open);
    if (outcome.state === 'done') return { link: outcome.link, bought: true };
    if (outcome.state === 'lost') return undefined;
    throw new InProgressError(
      `an order for item #${item} was started at ${open.createdAt} and its outcome is unknown (it may not have reached the upstream); it is looked for upstream until the order window passes, retry later`,
      'item',
      String(item),
    );
  }
  if (Date.now() > deadline) {
    throw new InProgressError(`another call is working on item #${item}; retry later`, 'item', String(item));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  return undefined;
}

async function placeOrder(
  deps: ModuleDeps,
  target: LicenceTarget,
  entry: JournalEntry,
  plan: OrderPlan,
): Promise<Ensured> {
  const { store } = deps;
  let sending = false;
  let licenceId: number | undefined;
  try {
    // Our first look at the link and our claim are separate reads: a call that settled in between
    // has released its claim and recorded its licence, which is visible now that ours succeeded.
    const raced = await store.links.get(entry.item);
    if (live(raced)) {
      await store.journal.settle(entry.id, {
        state: 'failed',
        note: 'not sent: another call recorded a licence first',
      });
      return { link: raced, bought: false };
    }
    const { pkg, period } = plan;
    const addons = pkg.nodeAddon === undefined ? {} : { [pkg.nodeAddon]: target.nodes };
    sending = true;
    licenceId = await target.client.order({
      pkg,
      period,
      ip: target.ip,
      licname: target.licname,
      reference: entry.key,
      addons,
    });
  } catch (error) {
    if (!sending || certainlyNotBought(error)) {
      const note = sending ? `refused: ${error instanceof Error ? error.message : String(error)}` : 'not sent';
      await store.journal.settle(entry.id, { state: 'failed', note }).catch(() => undefined);
      throw await explainIpTaken(deps, target, plan, error);
    }
    throw new UpstreamUnavailableError(
      `the order for item #${entry.item} got no usable answer (${error instanceof Error ? error.message : String(error)}); it may have gone through and is looked for upstream before anything is ordered again — retry later`,
      { cause: error },
    );
  }
  deps.fault('after-upstream-order');
  if (licenceId !== undefined) await store.journal.noteLicence(entry.id, licenceId);
  const form = licenceId === undefined ? undefined : await target.client.form(licenceId).catch(() => undefined);
  if (form && matchesOrder(form, { ...entry, licenceId: licenceId ?? null })) {
    const link = linkFromForm(form, { item: entry.item, module: entry.module, periodId: plan.period.id });
    await store.transaction(async (tx) => {
      await tx.journal.settle(entry.id, { state: 'done', licenceId: form.id });
      await tx.links.upsert(link);
    });
    return { link, bought: true };
  }
  // The answer named no licence, or one that isn't what we ordered: look for ours by what was sent.
  const outcome = await settleOrder(deps, target.client, { ...entry, licenceId: licenceId ?? null });
  if (outcome.state === 'done') return { link: outcome.link, bought: true };
  throw new InProgressError(
    `the order for item #${entry.item} was sent but its licence is not confirmed upstream yet; retry later`,
    'item',
    String(entry.item),
  );
}
