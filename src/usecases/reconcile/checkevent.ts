import { type BillingItem, MODULE_NAME, type ProcessingModule } from '../../domain/billing-types.js';
import { LicenceStatus } from '../../domain/licence-status.js';
import type { LicenceLink } from '../../ports/module-store.js';
import type { LicenceRow, UpstreamClient } from '../../ports/upstream-client.js';
import { accountOf } from '../item/licence-target.js';
import { itemStatusFor, mirrorStatus, publishLicence, shownStatus } from '../item/publish-licence.js';
import { ownerGone } from '../journal/owner.js';
import { settleEntry } from '../journal/settle-entry.js';
import { settleOrder } from '../journal/settle-order.js';
import { settleRenewal } from '../journal/settle-renewal.js';
import { type ModuleDeps, today } from '../module-deps.js';
import { finishSettledTake } from '../pool/complete-take.js';
import { convergeAddons } from './converge-addons.js';
import { noteDiscountedLicences } from './discount-notices.js';
import { problemText } from './problem-text.js';
import { RECONCILE_CLASSES, ReconcileTally } from './reconcile-tally.js';
import { LeaseLostError, RunLease } from './run-lease.js';
import { standalonePackages } from './tariff-packages.js';
import { findUnheld, type UnheldLicence } from './unheld-licences.js';

export interface CheckeventReport {
  readonly skipped?: string;
  modules: number;
  upstreamLicences: number;
  linked: number;
  updated: number;
  settled: number;
  addonActions: number;
  /** Upstream licences that look like ours (our licence names or IPs) but that no item holds. */
  unheld: UnheldLicence[];
  problems: string[];
}

const BATCH = 500;

/**
 * One reconciliation pass, one at a time across processes and hosts (a lease extended while it works;
 * a pass that loses it stops before its next upstream call). For every active module row: stream the
 * upstream list once and copy what changed (status, expiry, IP, name; the key once a licence becomes
 * ready) to the module's record and the billing — never onto an item the billing has deleted; settle
 * unanswered purchases; report licences gone upstream and licences that look like ours but that no
 * item holds (an order found late is reported, never silently paid for); then bring licence add-ons in
 * step with their servers.
 */
export async function checkevent(deps: ModuleDeps, progress?: (line: string) => void): Promise<CheckeventReport> {
  const report: CheckeventReport = {
    modules: 0,
    upstreamLicences: 0,
    linked: 0,
    updated: 0,
    settled: 0,
    addonActions: 0,
    unheld: [],
    problems: [],
  };
  const lease = await RunLease.acquire(deps, 'checkevent');
  if (!lease) {
    deps.logger.info('checkevent: another run holds the lease; skipping this one');
    return { ...report, skipped: 'another checkevent is running' };
  }
  try {
    for (const module of await deps.billing.reader.modules(MODULE_NAME)) {
      if (!module.active) continue;
      report.modules += 1;
      try {
        await reconcileModule(deps, module, report, lease, progress);
      } catch (error) {
        report.problems.push(`module #${module.id} '${module.name}': ${problemText(error)}`);
        deps.logger.error({ module: module.id, err: error }, 'checkevent: module not finished');
        if (error instanceof LeaseLostError) break;
      }
    }
  } finally {
    await lease.release();
  }
  deps.logger.info({ ...report, unheld: report.unheld.length, problems: report.problems.length }, 'checkevent done');
  return report;
}

async function reconcileModule(
  deps: ModuleDeps,
  module: ProcessingModule,
  report: CheckeventReport,
  lease: RunLease,
  progress?: (line: string) => void,
): Promise<void> {
  const client = deps.upstreamFor(accountOf(module));
  const open = await deps.store.journal.listOpen(module.id);
  const sought = new Set(open.filter((e) => e.action === 'order').map((e) => `${e.ip}\n${e.licname}`));
  const orderRows: LicenceRow[] = [];
  const linkedAddons = new Set<number>();
  const unlinked: LicenceRow[] = [];
  const seen = new Set<number>();
  const tally = new ReconcileTally(
    deps.catalogue,
    module.id,
    today(deps),
    await standalonePackages(deps, module),
    (cls) => cls === 'no_autorenew',
  );

  lease.guard();
  const total = await client.scan(async (rows) => {
    for (const row of rows) {
      seen.add(row.id);
      if (sought.has(`${row.ip}\n${row.licname}`)) orderRows.push(row);
    }
    await mirrorBatch(deps, client, module, rows, { unlinked, linkedAddons, tally }, report, lease);
    progress?.(`module #${module.id}: ${seen.size} upstream licences read, ${report.updated} changes written`);
  }, BATCH);
  report.upstreamLicences += total;

  for (const entry of open) {
    lease.guard();
    try {
      const settled = await deps.itemLocks.run(`item:${entry.item}`, async () => {
        const still = await deps.store.journal.findOpen(entry.item);
        if (still?.id !== entry.id || !ownerGone(deps, entry, await deps.store.clock())) return false;
        if (entry.action === 'order') {
          const outcome = await settleOrder(deps, client, entry, orderRows);
          if (outcome.state === 'done') await completeOpen(deps, outcome.link);
          return outcome.state !== 'pending';
        }
        if (entry.action === 'prolong') return (await settleRenewal(deps, client, entry)).state !== 'pending';
        const outcome = await settleEntry(deps, client, entry);
        if (outcome.state === 'done' && outcome.link && outcome.link.status !== LicenceStatus.deleted) {
          const link = entry.action === 'take' ? await finishSettledTake(deps, outcome.link) : outcome.link;
          await completeOpen(deps, link);
        }
        return outcome.state !== 'pending';
      });
      if (settled) report.settled += 1;
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      report.problems.push(
        `item #${entry.item}: unsettled ${entry.action} (journal #${entry.id}): ${problemText(error)}`,
      );
    }
  }

  const links = new Map((await deps.store.links.listByModule(module.id)).map((link) => [link.item, link]));
  report.linked += links.size;
  for (const link of links.values()) {
    if (link.status !== LicenceStatus.deleted && !seen.has(link.licenceId)) {
      report.problems.push(`item #${link.item}: licence #${link.licenceId} is missing upstream`);
    }
  }
  for (const row of unlinked) tally.unlinked(row);
  const unheld = await findUnheld(deps, module, unlinked, open);
  report.unheld.push(...unheld);
  for (const licence of unheld) {
    report.problems.push(
      `licence #${licence.licenceId} (${licence.licname}, ${licence.ip}) looks like ours but no item holds it: ${licence.reason}; it costs about ${licence.monthlyCost.toFixed(2)} a month`,
    );
  }

  const addons = await convergeAddons(deps, module, lease, linkedAddons, links, tally);
  report.addonActions += addons.actions.length;
  report.problems.push(...addons.problems);
  // The reconcile report's counts, from what this pass read (cpbillmgr reconcile has the details).
  const counts = Object.fromEntries(RECONCILE_CLASSES.map((c) => [c, tally.counts[c].count]));
  deps.logger.info({ module: module.id, ...counts }, 'checkevent: reconcile counts');
  report.problems.push(...(await noteDiscountedLicences(deps, module.id, tally.findings)));
}

/**
 * A licence found for an order whose call died: the billing is told as the open would have told it,
 * so BILLmanager's operation completes even if it never calls again.
 */
async function completeOpen(deps: ModuleDeps, link: LicenceLink): Promise<void> {
  const item = link.item > 0 ? await deps.billing.reader.item(link.item) : undefined;
  if (!item || item.status === LicenceStatus.deleted) return;
  const opening = item.status === LicenceStatus.ordered || item.status === LicenceStatus.processing;
  await publishLicence(deps, item, link, opening ? 'opened' : undefined);
  if (!opening) await mirrorStatus(deps, item, link);
}

/** Compares one batch of list rows with the module's record and the billing; writes only what differs. */
async function mirrorBatch(
  deps: ModuleDeps,
  client: UpstreamClient,
  module: ProcessingModule,
  rows: readonly LicenceRow[],
  found: { unlinked: LicenceRow[]; linkedAddons: Set<number>; tally?: ReconcileTally },
  report: CheckeventReport,
  lease: RunLease,
): Promise<void> {
  const links = new Map(
    (
      await deps.store.links.findByLicences(
        module.id,
        rows.map((row) => row.id),
      )
    ).map((link) => [link.licenceId, link]),
  );
  const items = new Map<number, BillingItem>(
    (await deps.billing.reader.items([...links.values()].map((link) => link.item).filter((id) => id > 0))).map(
      (item) => [item.id, item],
    ),
  );
  const changed: LicenceLink[] = [];
  const toPublish: Array<{ item: BillingItem; link: LicenceLink; opening: boolean }> = [];
  for (const row of rows) {
    const link = links.get(row.id);
    if (!link) {
      found.unlinked.push(row);
      continue;
    }
    if (link.item > 0) found.tally?.held(row, link, items.get(link.item));
    // A link the module closed (deleted, or parked in the pool) stays closed whatever the licence does.
    if (link.status === LicenceStatus.deleted) continue;
    let next = link;
    if (differs(link, row)) {
      next = { ...link, status: row.status, expiredate: row.expiredate, ip: row.ip, licname: row.licname };
      if (next.lickey === '' && row.status === LicenceStatus.active) {
        lease.guard();
        next = { ...next, lickey: (await client.form(row.id)).lickey };
      }
      changed.push(next);
      if (link.status !== row.status) {
        deps.logger.info(
          { item: link.item, licence: row.id, from: link.status, to: row.status },
          'licence status changed upstream',
        );
      }
    }
    const item = items.get(link.item);
    if (item !== undefined && item.parentId !== null) found.linkedAddons.add(item.id);
    // Status 4 in the billing is final: a deleted item is never reopened or changed from here.
    if (!item || item.status === LicenceStatus.deleted) {
      if (item && item.parentId === null && row.status !== LicenceStatus.deleted) {
        report.problems.push(
          `item #${item.id} is deleted in the billing but its licence #${row.id} is still live upstream`,
        );
      }
      continue;
    }
    const opening = unconfirmedOpen(item, next);
    if (next !== link || opening || needsPublish(item, next)) toPublish.push({ item, link: next, opening });
  }
  if (changed.length > 0) {
    // A call may have changed a link since this batch read it (an open, a close): its write wins.
    const now = new Map(
      (
        await deps.store.links.findByLicences(
          module.id,
          changed.map((l) => l.licenceId),
        )
      ).map((l) => [l.item, l]),
    );
    const untouched = changed.filter((next) => {
      const read = links.get(next.licenceId);
      const current = now.get(next.item);
      return read !== undefined && current !== undefined && sameLink(read, current);
    });
    await deps.store.links.upsertMany(untouched);
  }
  for (const { item, link, opening } of toPublish) {
    await publishLicence(deps, item, link, opening ? 'opened' : undefined);
    if (!opening) await mirrorStatus(deps, item, link);
  }
  report.updated += changed.length;
}

/**
 * A standalone service still ordered (or processing) in the billing whose licence the module holds: its
 * open bought the licence but the post-call never went through (mgrctl failed, hung or the process died
 * after the purchase). The open is confirmed as the open would have confirmed it, so the service does not
 * stay "ordered" while its licence is paid for, whether or not BILLmanager runs the operation again.
 */
function unconfirmedOpen(item: BillingItem, link: LicenceLink): boolean {
  return (
    item.parentId === null &&
    (item.status === LicenceStatus.ordered || item.status === LicenceStatus.processing) &&
    link.status !== LicenceStatus.deleted
  );
}

function needsPublish(item: BillingItem, link: LicenceLink): boolean {
  return (
    shownStatus(item) !== itemStatusFor(link.status) ||
    (item.parentId === null && (item.expiredate ?? '') !== link.expiredate)
  );
}

function sameLink(a: LicenceLink, b: LicenceLink): boolean {
  return (
    a.licenceId === b.licenceId &&
    a.status === b.status &&
    a.expiredate === b.expiredate &&
    a.ip === b.ip &&
    a.licname === b.licname &&
    a.lickey === b.lickey
  );
}

function differs(link: LicenceLink, row: LicenceRow): boolean {
  return (
    link.status !== row.status ||
    link.expiredate !== row.expiredate ||
    link.ip !== row.ip ||
    link.licname !== row.licname ||
    (link.lickey === '' && row.status === LicenceStatus.active)
  );
}
