import type { AddonSlot, ProcessingModule } from '../../domain/billing-types.js';
import { LicenceStatus } from '../../domain/licence-status.js';
import type { LicenceLink } from '../../ports/module-store.js';
import { closeService } from '../item/close.js';
import { isLicenceAddonTariff } from '../item/licence-target.js';
import { openService } from '../item/open.js';
import { resumeService } from '../item/resume.js';
import { setparamService } from '../item/setparam.js';
import { suspendService } from '../item/suspend.js';
import { type ModuleDeps, today } from '../module-deps.js';
import { addonPackageResolver, noteRefusal, refusedRecently } from './addon-refusals.js';
import { problemText } from './problem-text.js';
import type { ReconcileTally } from './reconcile-tally.js';
import { renewAddon } from './renew-addon.js';
import { LeaseLostError, type RunLease } from './run-lease.js';

export type AddonAction = 'order' | 'suspend' | 'resume' | 'renew' | 'delete' | 'move' | 'change';

export interface AddonReport {
  actions: Array<{ item: number; action: AddonAction }>;
  problems: string[];
}

/** Days before expiry at which a licence under an active server is renewed. */
export const RENEW_AHEAD_DAYS = 1;

/**
 * Licences sold as add-ons follow their main service (seed: "Reselling licenses as service package
 * add-ons"): ordered once the server is ready — behind VMmanager as soon as it has an IP (the OS
 * install needs the licence), otherwise once it is active — suspended, resumed and deleted with it,
 * moved with its IP, deleted when the add-on is (even while the server lives), and renewed on their
 * own period while the server is active: only when due or expired upstream, never because a resume
 * failed. Each add-on is compared with what its server says and only the difference is acted on,
 * through the same use cases (and the same journal) as BILLmanager's calls.
 */
export async function convergeAddons(
  deps: ModuleDeps,
  module: ProcessingModule,
  lease: RunLease,
  /** Add-on items holding a licence, as the mirror pass found them (it reads every linked item anyway). */
  linkedAddons: ReadonlySet<number>,
  /** The module's licence links by item, read once for the whole pass. */
  links: ReadonlyMap<number, LicenceLink>,
  /** Fed with every add-on compared here, for the pass's reconcile counts. */
  tally?: ReconcileTally,
): Promise<AddonReport> {
  const report: AddonReport = { actions: [], problems: [] };
  const reader = deps.billing.reader;
  const addonTariffs = (await reader.moduleTariffs(module.id)).filter(isLicenceAddonTariff);
  const slots = await reader.addonSlots(addonTariffs);
  const slotIds = await deps.store.slots.listAll();
  const mainModules = await modulesOfMains(deps, slots);
  const day = today(deps);
  const horizon = addDays(day, RENEW_AHEAD_DAYS);
  const wantedPackage = addonPackageResolver(deps, module);

  const plans: Array<{ carrier: number; action: AddonAction; wanted?: number }> = [];
  const covered = new Set<number>();
  for (const slot of slots) {
    const carrier = slot.child?.id ?? slotIds.get(`${slot.main.id}:${slot.tariff.id}`) ?? null;
    if (carrier !== null) covered.add(carrier);
    const link = carrier === null ? undefined : links.get(carrier);
    let action = decide(slot, link, mainModules, day, horizon);
    // The add-on's choice names another package (Lite → Pro): carried out like a tariff change.
    const wanted = wantedPackage(slot);
    tally?.slot(slot, carrier, link, wanted);
    if ((action === undefined || action === 'renew') && link && link.status !== LicenceStatus.deleted) {
      if (wanted !== undefined && wanted !== link.packageId && slot.main.status === LicenceStatus.active)
        action = 'change';
    }
    if (!action) continue;
    if (
      (action === 'renew' || action === 'change') &&
      link &&
      (await refusedRecently(deps, module.id, link, action, wanted))
    )
      continue;
    plans.push({ carrier: carrier ?? (await deps.store.slots.idFor(slot.main.id, slot.tariff.id)), action, wanted });
  }
  // Live add-on licences whose add-on or server is gone from the billing's view: deleted upstream.
  for (const link of links.values()) {
    if (link.status === LicenceStatus.deleted || covered.has(link.item)) continue;
    if (link.item < 0 || linkedAddons.has(link.item)) plans.push({ carrier: link.item, action: 'delete' });
  }

  for (const { carrier, action, wanted } of plans) {
    try {
      lease.guard();
      await act(deps, carrier, action);
      report.actions.push({ item: carrier, action });
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      const link = links.get(carrier);
      if ((action === 'renew' || action === 'change') && link) {
        // A refusal is reported once and tried again at most daily, never every pass.
        if ((await noteRefusal(deps, module.id, link, action, wanted, error)) === false) continue;
      }
      report.problems.push(`add-on #${carrier} (${action}): ${problemText(error)}`);
      deps.logger.warn({ item: carrier, action, err: problemText(error) }, 'add-on convergence failed');
    }
  }
  return report;
}

async function modulesOfMains(deps: ModuleDeps, slots: readonly AddonSlot[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const id of new Set(slots.map((s) => s.main.processingModuleId).filter((id): id is number => id !== null))) {
    names.set(id, (await deps.billing.reader.module(id))?.module ?? '');
  }
  return names;
}

function decide(
  slot: AddonSlot,
  link: LicenceLink | undefined,
  mainModules: ReadonlyMap<number, string>,
  day: string,
  horizon: string,
): AddonAction | undefined {
  const { main } = slot;
  const licensed = link !== undefined && link.status !== LicenceStatus.deleted;
  const alive = main.status !== LicenceStatus.deleted && slot.choice !== null;
  if (!alive) return licensed ? 'delete' : undefined;
  if (!licensed) {
    const behindVmmanager = main.processingModuleId !== null && mainModules.get(main.processingModuleId) === 'vmmgr';
    const ready =
      main.ip !== '' &&
      (main.status === LicenceStatus.active || (behindVmmanager && main.status === LicenceStatus.processing));
    return ready ? 'order' : undefined;
  }
  if (main.status === LicenceStatus.suspended) return link.status === LicenceStatus.suspended ? undefined : 'suspend';
  if (main.status !== LicenceStatus.active && main.status !== LicenceStatus.processing) return undefined;
  if (main.ip !== '' && main.ip !== link.ip) return 'move';
  const due = link.expiredate !== '' && link.expiredate <= horizon;
  if (link.status === LicenceStatus.suspended)
    return link.expiredate !== '' && link.expiredate <= day ? 'renew' : 'resume';
  return due ? 'renew' : undefined;
}

async function act(deps: ModuleDeps, item: number, action: AddonAction): Promise<void> {
  switch (action) {
    case 'order':
      await openService(deps, item, null);
      return;
    case 'suspend':
      await suspendService(deps, item);
      return;
    case 'resume':
      await resumeService(deps, item);
      return;
    case 'delete':
      await closeService(deps, item);
      return;
    case 'move':
    case 'change':
      await setparamService(deps, item);
      return;
    case 'renew':
      await renewAddon(deps, item);
      return;
  }
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
