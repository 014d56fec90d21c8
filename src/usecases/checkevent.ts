import { hostname } from 'node:os';
import { type BillingItem, MODULE_NAME, type ProcessingModule } from '../domain/billing-types.js';
import { LicenceStatus } from '../domain/licence-status.js';
import { ModuleError } from '../errors/module-error.js';
import type { LicenceLink } from '../ports/module-store.js';
import type { UpstreamLicence } from '../ports/upstream-client.js';
import { convergeAddons } from './converge-addons.js';
import { accountOf } from './licence-target.js';
import type { ModuleDeps } from './module-deps.js';
import { settleOrder } from './purchase-journal.js';
import { itemStatusFor, recordLicence } from './record-licence.js';

export interface CheckeventReport {
  readonly skipped?: string;
  modules: number;
  upstreamLicences: number;
  linked: number;
  updated: number;
  settled: number;
  addonActions: number;
  problems: string[];
}

const LOCK = 'checkevent';
const BATCH = 200;

/**
 * One reconciliation pass: for every active module row, read the upstream list once, settle
 * unanswered orders from it, and copy upstream status, expiry, key and IP changes to the billing —
 * writing only what differs, in batched transactions. A named lock keeps cron in several processes
 * and a manual run from overlapping.
 */
export async function checkevent(deps: ModuleDeps, progress?: (line: string) => void): Promise<CheckeventReport> {
  const report: CheckeventReport = {
    modules: 0,
    upstreamLicences: 0,
    linked: 0,
    updated: 0,
    settled: 0,
    addonActions: 0,
    problems: [],
  };
  const holder = `${hostname()}:${process.pid}:${Date.now()}`;
  if (!(await deps.stores.locks.tryAcquire(LOCK, holder, 900, deps.now()))) {
    return { ...report, skipped: 'another checkevent is running' };
  }
  try {
    for (const module of await deps.stores.billing.listModules(MODULE_NAME)) {
      if (!module.active) continue;
      report.modules += 1;
      try {
        const linkedItems = await checkModule(deps, module, report, progress);
        await convergeModuleAddons(deps, module, report, linkedItems);
      } catch (error) {
        const message = error instanceof ModuleError ? `${error.type}: ${error.message}` : String(error);
        report.problems.push(`module #${module.id} '${module.name}': ${message}`);
        deps.logger.error({ module: module.id, err: error }, 'checkevent: module skipped');
      }
    }
  } finally {
    await deps.stores.locks.release(LOCK, holder);
  }
  deps.logger.info({ ...report, problems: report.problems.length }, 'checkevent done');
  return report;
}

async function checkModule(
  deps: ModuleDeps,
  module: ProcessingModule,
  report: CheckeventReport,
  progress?: (line: string) => void,
): Promise<ReadonlyMap<number, BillingItem>> {
  const client = deps.upstreamFor(accountOf(module));
  const listing = await client.list();
  report.upstreamLicences += listing.length;
  progress?.(`module #${module.id}: ${listing.length} licences upstream`);

  for (const entry of await deps.stores.journal.listOpen()) {
    if (entry.module !== module.id || entry.action !== 'order') continue;
    const outcome = await deps.itemLocks.run(`item:${entry.item}`, async () => {
      // The sender may have settled it while we waited for the item lock.
      const still = await deps.stores.journal.findOpen(entry.item);
      return still?.id === entry.id ? settleOrder(deps, client, entry, listing) : 'done';
    });
    if (outcome !== 'pending') report.settled += 1;
  }

  const byId = new Map(listing.map((licence) => [licence.id, licence]));
  const links = await deps.stores.links.listByModule(module.id);
  report.linked += links.length;
  const items = new Map(
    (await deps.stores.billing.findItems(links.map((link) => link.item))).map((item) => [item.id, item]),
  );
  const changed: Array<{ link: LicenceLink; licence: UpstreamLicence }> = [];
  for (const link of links) {
    const licence = byId.get(link.licenceId);
    const item = items.get(link.item);
    if (!licence) {
      if (link.status !== LicenceStatus.deleted) {
        report.problems.push(`item #${link.item}: licence #${link.licenceId} is missing upstream`);
      }
      continue;
    }
    if (item?.status === LicenceStatus.deleted && item.parentId === null && licence.status === LicenceStatus.active) {
      report.problems.push(`item #${link.item} is deleted but licence #${licence.id} is still active upstream`);
      continue;
    }
    if (differs(link, licence) || (item !== undefined && item.status !== itemStatusFor(licence.status))) {
      changed.push({ link, licence });
    }
  }
  for (let start = 0; start < changed.length; start += BATCH) {
    const batch = changed.slice(start, start + BATCH);
    await deps.stores.transaction(async (tx) => {
      for (const { link, licence } of batch) {
        await recordLicence(tx, licence, {
          item: link.item,
          module: module.id,
          periodId: link.periodId,
          now: deps.now(),
        });
        if (link.status !== licence.status) {
          deps.logger.info(
            { item: link.item, licence: licence.id, from: link.status, to: licence.status },
            'licence status changed upstream',
          );
        }
      }
    });
    report.updated += batch.length;
    progress?.(`module #${module.id}: ${Math.min(start + BATCH, changed.length)}/${changed.length} changes written`);
  }
  return items;
}

export async function convergeModuleAddons(
  deps: ModuleDeps,
  module: ProcessingModule,
  report: CheckeventReport,
  linkedItems: ReadonlyMap<number, BillingItem>,
): Promise<void> {
  const addons = await convergeAddons(deps, module, await deps.stores.links.listByModule(module.id), linkedItems);
  report.addonActions += addons.actions.length;
  report.problems.push(...addons.problems);
}

function differs(link: LicenceLink, licence: UpstreamLicence): boolean {
  return (
    link.status !== licence.status ||
    link.expiredate !== licence.expiredate ||
    link.lickey !== licence.lickey ||
    link.ip !== licence.ip ||
    link.licname !== licence.licname
  );
}
