import { randomUUID } from 'node:crypto';
import { isTrial } from '../../domain/catalogue-types.js';
import { LicenceStatus } from '../../domain/licence-status.js';
import { UpstreamError, UpstreamUnavailableError } from '../../errors/upstream-error.js';
import type { JournalEntry, LicenceLink } from '../../ports/module-store.js';
import type { LicenceRow } from '../../ports/upstream-client.js';
import type { LicenceTarget } from '../item/licence-target.js';
import type { OrderPlan } from '../item/plan-order.js';
import { OWNER } from '../journal/owner.js';
import { movedForTake, recordTake } from '../journal/settle-take.js';
import { type ModuleDeps, today } from '../module-deps.js';
import { choosePoolLicences } from './choose-pool-licence.js';
import { completeTake } from './complete-take.js';
import { formConfirmsPool } from './pool-licence.js';
import { PoolView } from './pool-view.js';

export type TakeResult =
  | { readonly state: 'taken'; readonly link: LicenceLink }
  | { readonly state: 'none'; readonly reason: string }
  /** Another call holds the item's journal: the caller waits for it, as for an order. */
  | { readonly state: 'busy' };

/** Candidates tried per order before buying: each costs a form read, a refused one a journal row. */
const MAX_TRIES = 3;

type Attempt = TakeResult | { readonly state: 'skip'; readonly reason: string };

/**
 * Serves a new order from the free.lic pool instead of buying (seed: ReUseLicense): the best pool
 * licence of the ordered package ([choosePoolLicences]) is confirmed by its form, claimed in the
 * journal (intent `take`, committed before anything is changed upstream, one claim per licence and
 * move), moved to the item's IP under its name — the one change a take makes, after which the licence
 * is the item's — then given a new key and resumed, or renewed first when it has expired. A candidate
 * that can't be moved is left where it was and the next is tried; with none left the caller buys.
 */
export async function takeFromPool(
  deps: ModuleDeps,
  target: LicenceTarget,
  plan: OrderPlan,
  runningoperation: number | null,
  pool?: PoolView,
): Promise<TakeResult> {
  if (isTrial(plan.period)) return { state: 'none', reason: 'a trial is never served from the pool' };
  const view = pool ?? (await PoolView.read(deps, target.client, target.module.id));
  const candidates = choosePoolLicences(
    view.rows(),
    { pkg: plan.pkg, lifetime: plan.period.unit === 'lifetime' },
    today(deps),
  );
  if (candidates.length === 0) return { state: 'none', reason: `no movable pool licence of package ${plan.pkg.id}` };
  let reason = '';
  for (const row of candidates.slice(0, MAX_TRIES)) {
    const attempt = await tryTake(deps, target, plan, row, runningoperation);
    if (attempt.state !== 'busy') view.forget(row.id);
    if (attempt.state !== 'skip') return attempt;
    reason = attempt.reason;
    deps.logger.info({ item: target.carrierId, licence: row.id, reason }, 'pool licence skipped');
  }
  return { state: 'none', reason };
}

async function tryTake(
  deps: ModuleDeps,
  target: LicenceTarget,
  plan: OrderPlan,
  row: LicenceRow,
  runningoperation: number | null,
): Promise<Attempt> {
  const { store } = deps;
  const { client } = target;
  const item = target.carrierId;
  const form = await client.form(row.id).catch(() => undefined);
  if (!form) return { state: 'skip', reason: `licence #${row.id}: its form could not be read` };
  if (!formConfirmsPool(form, plan.pkg)) {
    return {
      state: 'skip',
      reason: `licence #${row.id}: its form shows package ${form.packageId} at ${form.licname} ${form.ip}`,
    };
  }
  const entry = await store.journal.claim({
    item,
    module: target.module.id,
    action: 'take',
    key: `take-${item}-${randomUUID().slice(0, 8)}`,
    // One take per licence and move: two items can't take the same pool licence, whoever asks first.
    once: `take:${row.id}:${row.ipChangedOn || 'never'}`,
    packageId: form.packageId,
    periodId: plan.period.id,
    ip: target.ip,
    licname: target.licname,
    licenceId: row.id,
    oldExpiredate: form.expiredate,
    runningoperation,
    owner: OWNER,
  });
  if (!entry) {
    if (await store.journal.findOpen(item)) return { state: 'busy' };
    return { state: 'skip', reason: `licence #${row.id} is being taken by another order` };
  }
  const raced = await store.links.get(item);
  if (raced && raced.status !== LicenceStatus.deleted) {
    await store.journal.settle(entry.id, { state: 'failed', note: 'not sent: another call recorded a licence first' });
    return { state: 'busy' };
  }
  deps.fault('after-pool-claim');
  const moved = await move(deps, target, entry);
  if (moved.state !== 'moved') return moved;
  deps.fault('after-pool-move');
  const link = await recordTake(
    deps,
    entry,
    moved.form,
    `taken from the pool (was free.lic, expiry ${form.expiredate || 'none'})`,
  );
  deps.logger.info({ item, licence: row.id, ip: target.ip }, 'pool licence taken instead of buying');
  try {
    return { state: 'taken', link: await completeTake(deps, target, link, plan, runningoperation) };
  } catch (error) {
    // Put back into the pool by completeTake: the order goes on to the next candidate or a purchase.
    if ((await store.links.get(item))?.status === LicenceStatus.deleted) {
      return {
        state: 'skip',
        reason: `licence #${row.id} put back: ${error instanceof Error ? error.message : error}`,
      };
    }
    throw error;
  }
}

/**
 * The move (IP and name in one edit, as every public client sends them). The licence's form says where
 * it is: on the item → moved; refused and still in the pool → the take failed and the licence stays
 * there; unanswered or unreadable → the intent stays open and is settled later by the same reading.
 */
async function move(
  deps: ModuleDeps,
  target: LicenceTarget,
  entry: JournalEntry,
): Promise<Attempt | { state: 'moved'; form: Awaited<ReturnType<LicenceTarget['client']['form']>> }> {
  const licenceId = entry.licenceId as number;
  let failure: unknown;
  try {
    await target.client.edit(licenceId, { ip: target.ip, licname: target.licname });
  } catch (error) {
    failure = error;
  }
  const form = await target.client.form(licenceId).catch(() => undefined);
  if (form && movedForTake(form, entry)) return { state: 'moved', form };
  if (failure === undefined && form === undefined) {
    throw new UpstreamUnavailableError(
      `pool licence #${licenceId} was moved to item #${entry.item} but can't be read back; it is settled by reading it later — retry`,
    );
  }
  // An unanswered move may still be carried out after this read (a request is served after its client
  // left): like an unanswered order, it is settled by reading the licence once the order window has
  // passed, never declared not to have happened now — another licence taken or bought for the item
  // meanwhile would leave this one stranded on its IP.
  if (form === undefined || (failure instanceof UpstreamUnavailableError && failure.sent)) {
    throw new UpstreamUnavailableError(
      `taking pool licence #${licenceId} for item #${entry.item} got no usable answer; it is settled by reading the licence later — retry`,
      { cause: failure },
    );
  }
  const why = failure instanceof Error ? failure.message : `the licence is at ${form.licname} ${form.ip}`;
  await deps.store.journal.settle(entry.id, { state: 'failed', note: `not moved: ${why}` });
  if (failure instanceof UpstreamError && failure.type === 'ip_taken') {
    // The item's IP can't take this package at all: buying would meet the same rule, and says why.
    return { state: 'none', reason: `the upstream refused IP ${target.ip}: ${why}` };
  }
  return { state: 'skip', reason: `licence #${licenceId} not moved: ${why}` };
}
