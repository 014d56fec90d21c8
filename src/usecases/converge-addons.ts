import type { BillingItem, ProcessingModule } from '../domain/billing-types.js';
import { LicenceStatus } from '../domain/licence-status.js';
import { ModuleError } from '../errors/module-error.js';
import type { LicenceLink } from '../ports/module-store.js';
import { closeService } from './close.js';
import { LICENCE_ADDON_NAMES } from './licence-target.js';
import type { ModuleDeps } from './module-deps.js';
import { openService } from './open.js';
import { prolongService } from './prolong.js';
import { resumeService } from './resume.js';
import { setparamService } from './setparam.js';
import { suspendService } from './suspend.js';

export type AddonAction = 'order' | 'suspend' | 'resume' | 'renew' | 'delete' | 'move';

export interface AddonReport {
  actions: Array<{ item: number; action: AddonAction }>;
  problems: string[];
}

/** Days before expiry at which a licence under an active server is renewed. */
const RENEW_AHEAD_DAYS = 1;

/**
 * Licences sold as add-ons follow their main service (seed: "Reselling licenses as service package
 * add-ons"): ordered once the server is ready — behind VMmanager as soon as it has an IP (the OS
 * install needs the licence), otherwise once it is active — suspended, resumed and deleted with it,
 * moved with its IP, and renewed on their own period while it is active, never after it is gone.
 * Each add-on is compared with what its server says and only the difference is acted on, through the
 * same use cases (and the same journal) as BILLmanager's calls.
 */
export async function convergeAddons(
  deps: ModuleDeps,
  module: ProcessingModule,
  links: readonly LicenceLink[],
  /** Linked items the mirror pass already read; carriers deleted since are found among them. */
  linkedItems: ReadonlyMap<number, BillingItem>,
): Promise<AddonReport> {
  const report: AddonReport = { actions: [], problems: [] };
  const billing = deps.stores.billing;
  const addonTariffs = (await billing.listModuleTariffs(module.id)).filter(
    (t) => t.parentId !== null && LICENCE_ADDON_NAMES.includes(t.intname),
  );
  const live = await billing.listItemsOfTariffs(addonTariffs.map((t) => t.id));
  const liveIds = new Set(live.map((item) => item.id));
  const gone = links
    .filter((link) => !liveIds.has(link.item))
    .map((link) => linkedItems.get(link.item))
    .filter((item): item is BillingItem => item !== undefined && item.parentId !== null);
  const carriers = [...live, ...gone];
  const mains = new Map(
    (await billing.findItems([...new Set(carriers.map((c) => c.parentId as number))])).map((m) => [m.id, m]),
  );
  const mainModules = new Map<number, string>();
  for (const id of new Set(
    [...mains.values()].map((m) => m.processingModuleId).filter((id): id is number => id !== null),
  )) {
    mainModules.set(id, (await billing.findModule(id))?.module ?? '');
  }
  const linkOf = new Map(links.map((link) => [link.item, link]));
  const addonTariffIds = new Set(addonTariffs.map((t) => t.id));
  const today = deps.now().toISOString().slice(0, 10);

  for (const carrier of carriers) {
    const main = mains.get(carrier.parentId as number);
    const link = linkOf.get(carrier.id);
    const action = decide(carrier, main, link, addonTariffIds.has(carrier.pricelistId), mainModules, today);
    if (!action) continue;
    try {
      await act(deps, carrier.id, action, link);
      report.actions.push({ item: carrier.id, action });
    } catch (error) {
      const message = error instanceof ModuleError ? `${error.type}: ${error.message}` : String(error);
      report.problems.push(`add-on #${carrier.id} (${action}): ${message}`);
      if (!(error instanceof ModuleError))
        deps.logger.error({ item: carrier.id, action, err: error }, 'add-on convergence failed');
    }
  }
  return report;
}

function wanted(carrier: BillingItem, served: boolean): boolean {
  if (!served || carrier.status === LicenceStatus.deleted) return false;
  return carrier.boolvalue === 'on' || carrier.enumerationItemId !== null;
}

function decide(
  carrier: BillingItem,
  main: BillingItem | undefined,
  link: LicenceLink | undefined,
  served: boolean,
  mainModules: ReadonlyMap<number, string>,
  today: string,
): AddonAction | undefined {
  const alive = main !== undefined && main.status !== LicenceStatus.deleted && wanted(carrier, served);
  const licensed = link !== undefined && link.status !== LicenceStatus.deleted;
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
  if (link.status === LicenceStatus.suspended) return 'resume';
  if (link.expiredate !== '' && link.expiredate <= addDays(today, RENEW_AHEAD_DAYS)) return 'renew';
  return undefined;
}

async function act(deps: ModuleDeps, item: number, action: AddonAction, link: LicenceLink | undefined): Promise<void> {
  switch (action) {
    case 'order':
      await openService(deps, item, null);
      return;
    case 'suspend':
      await suspendService(deps, item);
      return;
    case 'delete':
      await closeService(deps, item);
      return;
    case 'move':
      await setparamService(deps, item);
      return;
    case 'renew':
      await prolongService(deps, item, null);
      return;
    case 'resume':
      try {
        await resumeService(deps, item);
      } catch (error) {
        // An expired licence can't be resumed, only renewed (which resumes it upstream).
        if (!(error instanceof ModuleError) || link === undefined) throw error;
        await prolongService(deps, item, null);
      }
      return;
  }
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
