import { type BillingItem, MODULE_NAME } from '../../domain/billing-types.js';
import { LicenceStatus } from '../../domain/licence-status.js';
import type { LicenceLink } from '../../ports/module-store.js';
import { accountOf, isLicenceAddonTariff } from '../item/licence-target.js';
import { type ModuleDeps, today } from '../module-deps.js';
import { addonPackageResolver } from './addon-refusals.js';
import { problemText } from './problem-text.js';
import {
  emptyCounts,
  type Finding,
  needsAction,
  RECONCILE_CLASSES,
  type ReconcileCounts,
  ReconcileTally,
} from './reconcile-tally.js';
import { standalonePackages } from './tariff-packages.js';

export interface ReconcileReport {
  readonly day: string;
  readonly modules: number;
  readonly upstreamLicences: number;
  readonly counts: ReconcileCounts;
  readonly findings: Finding[];
  /** Modules whose upstream could not be read completely: their findings are missing, the report is not whole. */
  readonly failures: string[];
  readonly needsAction: boolean;
}

const BATCH = 1000;

/**
 * `cpbillmgr reconcile`: billing, module and upstream side by side, changing nothing. Per active
 * module: the module's links, the billing's standalone items and licence add-ons (set reads), then the
 * upstream list streamed once; every licence and service is classified by ReconcileTally.
 */
export async function reconcileReport(deps: ModuleDeps): Promise<ReconcileReport> {
  const day = today(deps);
  const counts = emptyCounts();
  const findings: Finding[] = [];
  const failures: string[] = [];
  let modules = 0;
  let upstreamLicences = 0;
  for (const module of await deps.billing.reader.modules(MODULE_NAME)) {
    if (!module.active) continue;
    modules += 1;
    try {
      const reader = deps.billing.reader;
      const client = deps.upstreamFor(accountOf(module));
      const tariffs = await reader.moduleTariffs(module.id);
      const tally = new ReconcileTally(deps.catalogue, module.id, day, await standalonePackages(deps, module, tariffs));
      const links = new Map<number, LicenceLink>();
      for (const link of await deps.store.links.listByModule(module.id)) links.set(link.licenceId, link);
      const standalone = new Map<number, BillingItem>(
        (await reader.itemsOfTariffs(tariffs.filter((t) => t.parentId === null).map((t) => t.id))).map((i) => [
          i.id,
          i,
        ]),
      );
      const slots = await reader.addonSlots(tariffs.filter(isLicenceAddonTariff));
      const slotIds = await deps.store.slots.listAll();
      const children = new Map<number, BillingItem>();
      for (const slot of slots) if (slot.child) children.set(slot.child.id, slot.child);
      // A licence add-on without a child item (bm6 tariff defaults) is carried by a slot id: it stands for its server.
      const slotCarriers = new Map<number, BillingItem>();
      for (const slot of slots) {
        const id = slot.child ? undefined : slotIds.get(`${slot.main.id}:${slot.tariff.id}`);
        if (id !== undefined) slotCarriers.set(id, { ...slot.main, id, parentId: slot.main.id });
      }
      const carrierOf = (id: number) => standalone.get(id) ?? children.get(id) ?? slotCarriers.get(id);
      // Carriers the set reads above did not cover (deleted items, items of tariffs no longer the module's).
      const others = new Map<number, BillingItem>(
        (
          await reader.items(
            [...links.values()].map((l) => l.item).filter((id) => id > 0 && carrierOf(id) === undefined),
          )
        ).map((i) => [i.id, i]),
      );

      const seen = new Set<number>();
      upstreamLicences += await client.scan((rows) => {
        for (const row of rows) {
          seen.add(row.id);
          const link = links.get(row.id);
          if (!link) tally.unlinked(row);
          else tally.held(row, link, carrierOf(link.item) ?? others.get(link.item));
        }
      }, BATCH);

      const linkedItems = new Map<number, LicenceLink>();
      for (const link of links.values()) {
        if (link.status !== LicenceStatus.deleted) linkedItems.set(link.item, link);
        if (!seen.has(link.licenceId)) tally.gone(link, carrierOf(link.item) ?? others.get(link.item));
      }
      for (const item of standalone.values()) if (!linkedItems.has(item.id)) tally.unlicensed(item);
      const wanted = addonPackageResolver(deps, module);
      for (const slot of slots) {
        const carrier = slot.child?.id ?? slotIds.get(`${slot.main.id}:${slot.tariff.id}`) ?? null;
        tally.slot(slot, carrier, carrier === null ? undefined : linkedItems.get(carrier), wanted(slot));
      }
      for (const c of RECONCILE_CLASSES) {
        counts[c].count += tally.counts[c].count;
        counts[c].monthlyCost = Math.round((counts[c].monthlyCost + tally.counts[c].monthlyCost) * 100) / 100;
      }
      findings.push(...tally.findings);
    } catch (error) {
      failures.push(`module #${module.id} '${module.name}': ${problemText(error)}`);
    }
  }
  return {
    day,
    modules,
    upstreamLicences,
    counts,
    findings,
    failures,
    needsAction: needsAction(counts) || failures.length > 0,
  };
}
