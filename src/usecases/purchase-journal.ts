import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';
import { InProgressError } from '../errors/module-error.js';
import { UpstreamError } from '../errors/upstream-error.js';
import type { JournalEntry, LicenceLink, Stores } from '../ports/module-store.js';
import type { UpstreamClient, UpstreamLicence } from '../ports/upstream-client.js';
import type { LicenceTarget } from './licence-target.js';
import { isoNow, type ModuleDeps } from './module-deps.js';
import { recordLicence } from './record-licence.js';

const OWNER = `${hostname()}:${process.pid}`;

export type SettleOutcome = 'done' | 'lost' | 'pending';

/** True when the process that wrote the intent can no longer be sending it. */
export function ownerGone(deps: ModuleDeps, entry: JournalEntry): boolean {
  const ageSeconds = (deps.now().getTime() - Date.parse(entry.createdAt)) / 1000;
  if (ageSeconds > deps.policy.ownerGraceSeconds) return true;
  const [host, pid] = entry.owner.split(':');
  if (host !== hostname() || !pid) return false;
  // Calls for one item are serialised in-process (KeyedMutex), so an intent of this very process
  // that is still open belongs to a call that has already ended.
  if (Number(pid) === process.pid) return true;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Brings an unsettled order to a final state by looking for it upstream: by the key sent as
 * `remoteid`, else by name, IP and package among licences created after the intent. Found: the licence
 * is recorded as bought. Not found: it may only be declared lost (and bought again) once the order
 * window has passed, because an order in flight may still appear.
 */
export async function settleOrder(
  deps: ModuleDeps,
  client: UpstreamClient,
  entry: JournalEntry,
  listing?: readonly UpstreamLicence[],
): Promise<SettleOutcome> {
  const licences = listing ?? (await client.list());
  const found =
    licences.find((licence) => licence.remoteid === entry.key) ??
    licences.find(
      (licence) =>
        licence.remoteid === '' &&
        licence.licname === entry.licname &&
        licence.ip === entry.ip &&
        licence.packageId === entry.packageId &&
        licence.createdate >= entry.createdAt.slice(0, 10),
    );
  if (found) {
    await deps.stores.transaction(async (tx) => {
      await tx.journal.settle(
        entry.id,
        { state: 'done', licenceId: found.id, note: 'found upstream after an unanswered order' },
        isoNow(deps),
      );
      const existing = await tx.links.get(entry.item);
      if (!existing || existing.licenceId === found.id) {
        await recordLicence(tx, found, {
          item: entry.item,
          module: entry.module,
          periodId: entry.periodId,
          now: deps.now(),
        });
      }
    });
    deps.logger.warn(
      { item: entry.item, key: entry.key, licence: found.id },
      'unanswered order found upstream and recorded',
    );
    return 'done';
  }
  const ageSeconds = (deps.now().getTime() - Date.parse(entry.createdAt)) / 1000;
  if (ageSeconds < deps.policy.orderWindowSeconds) return 'pending';
  await deps.stores.journal.settle(
    entry.id,
    { state: 'lost', note: `not found upstream ${Math.round(ageSeconds)} s after the intent` },
    isoNow(deps),
  );
  deps.logger.warn(
    { item: entry.item, key: entry.key },
    'unanswered order not found upstream after the order window: marked lost',
  );
  return 'lost';
}

export interface OrderPlan {
  readonly pkg: CataloguePackage;
  readonly period: CataloguePeriod;
}

/**
 * Makes sure the target's item has exactly one licence, buying it if needed. The intent is committed
 * before the order is sent; concurrent callers for the same item meet the journal's unique index and
 * wait for the first one's outcome instead of buying again.
 */
export async function ensureLicence(
  deps: ModuleDeps,
  target: LicenceTarget,
  plan: () => OrderPlan,
  runningoperation: number | null,
): Promise<LicenceLink> {
  const { stores } = deps;
  const item = target.carrier.id;
  const deadline = Date.now() + deps.policy.waitSeconds * 1000;
  for (;;) {
    const link = await stores.links.get(item);
    if (link && link.status !== 4) return link;
    const open = await stores.journal.findOpen(item);
    if (open) {
      if (open.action === 'order' && ownerGone(deps, open)) {
        if ((await settleOrder(deps, target.client, open)) !== 'pending') continue;
        throw new InProgressError(
          `an order for item #${item} sent at ${open.createdAt} got no answer and is not upstream yet; it is looked for again until the order window passes, retry later`,
          'item',
          String(item),
        );
      }
      if (Date.now() > deadline) {
        throw new InProgressError(`another call is working on item #${item}; retry later`, 'item', String(item));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    const { pkg, period } = plan();
    const entry = await stores.journal.claim(
      {
        item,
        module: target.module.id,
        action: 'order',
        key: `cpb-${item}-${randomUUID().slice(0, 8)}`,
        packageId: pkg.id,
        periodId: period.id,
        ip: target.ip,
        licname: target.licname,
        licenceId: null,
        oldExpiredate: null,
        runningoperation,
        owner: OWNER,
      },
      isoNow(deps),
    );
    if (!entry) continue;
    // Our first look at the link and our claim are separate reads: a call that settled in between
    // has released its claim and recorded its licence, which is visible now that ours succeeded.
    const raced = await stores.links.get(item);
    if (raced && raced.status !== 4) {
      await stores.journal.settle(
        entry.id,
        { state: 'failed', note: 'not sent: another call recorded a licence first' },
        isoNow(deps),
      );
      return raced;
    }
    return placeOrder(deps, target, entry, { pkg, period });
  }
}

async function placeOrder(
  deps: ModuleDeps,
  target: LicenceTarget,
  entry: JournalEntry,
  plan: OrderPlan,
): Promise<LicenceLink> {
  const licenceId = await sendJournalled(deps, entry, () =>
    target.client.order({ ...plan, ip: target.ip, licname: target.licname, remoteid: entry.key }),
  );
  deps.fault('after-upstream-order');
  const licence = await target.client.get(licenceId).catch(
    (): UpstreamLicence => ({
      id: licenceId,
      packageId: plan.pkg.id,
      ip: target.ip,
      licname: target.licname,
      remoteid: entry.key,
      lickey: '',
      status: 5,
      expiredate: '',
      createdate: isoNow(deps).slice(0, 10),
    }),
  );
  return deps.stores.transaction(async (tx) => {
    await tx.journal.settle(entry.id, { state: 'done', licenceId }, isoNow(deps));
    return recordLicence(tx, licence, {
      item: entry.item,
      module: entry.module,
      periodId: plan.period.id,
      now: deps.now(),
    });
  });
}

export type { Stores };

/**
 * Sends a journalled purchase. A refusal (upstream error document) settles the entry as failed; an
 * unanswered call keeps the intent, so the next call or checkevent looks for its effect upstream.
 */
export async function sendJournalled<T>(deps: ModuleDeps, entry: JournalEntry, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof UpstreamError) {
      await deps.stores.journal.settle(
        entry.id,
        { state: 'failed', note: `${error.type}: ${error.message}` },
        isoNow(deps),
      );
    }
    throw error;
  }
}
