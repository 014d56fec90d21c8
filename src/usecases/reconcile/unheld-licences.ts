import type { ProcessingModule } from '../../domain/billing-types.js';
import type { Catalogue } from '../../domain/catalogue-types.js';
import { LicenceStatus } from '../../domain/licence-status.js';
import type { JournalEntry } from '../../ports/module-store.js';
import type { LicenceRow } from '../../ports/upstream-client.js';
import { POOL_IP, POOL_LICNAME } from '../item/close.js';
import { isLicenceAddonTariff } from '../item/licence-target.js';
import { awaitingIndex } from '../journal/awaiting-entry.js';
import type { ModuleDeps } from '../module-deps.js';

export interface UnheldLicence {
  readonly licenceId: number;
  readonly licname: string;
  readonly ip: string;
  readonly status: number;
  readonly tariffName: string;
  readonly monthlyCost: number;
  readonly reason: string;
}

const ADDON_NAME = /^Item #\d+ addon /;

/**
 * Live upstream licences that no item holds but that look like the module's own — named the way the
 * module names add-on licences, or on the IP of a service it serves — with what they cost a month.
 * An order whose answer was lost and that turned up after its window shows here instead of being
 * silently paid for. Pool licences (free.lic on 0.0.0.0) and licences an unsettled order, pool take or
 * change may still claim (awaitingEntry) are left out.
 */
export async function findUnheld(
  deps: ModuleDeps,
  module: ProcessingModule,
  unlinked: readonly LicenceRow[],
  open: readonly JournalEntry[],
): Promise<UnheldLicence[]> {
  const awaiting = awaitingIndex(open);
  const candidates = unlinked.filter(
    (row) =>
      row.status !== LicenceStatus.deleted &&
      !(row.licname === POOL_LICNAME && row.ip === POOL_IP) &&
      awaiting(row) === undefined,
  );
  if (candidates.length === 0) return [];
  const ips = await servedIps(deps, module);
  const unheld: UnheldLicence[] = [];
  for (const row of candidates) {
    const reason = ADDON_NAME.test(row.licname)
      ? 'named like an add-on licence of this module'
      : ips.has(row.ip)
        ? `on ${row.ip}, the IP of a service this module serves`
        : undefined;
    if (!reason) continue;
    unheld.push({
      licenceId: row.id,
      licname: row.licname,
      ip: row.ip,
      status: row.status,
      tariffName: row.tariffName,
      monthlyCost: monthlyCost(deps.catalogue, row),
      reason,
    });
  }
  return unheld;
}

async function servedIps(deps: ModuleDeps, module: ProcessingModule): Promise<Set<string>> {
  const reader = deps.billing.reader;
  const tariffs = await reader.moduleTariffs(module.id);
  const standalone = await reader.itemsOfTariffs(tariffs.filter((t) => t.parentId === null).map((t) => t.id));
  const slots = await reader.addonSlots(tariffs.filter(isLicenceAddonTariff));
  return new Set([...standalone.map((i) => i.ip), ...slots.map((s) => s.main.ip)].filter((ip) => ip !== ''));
}

/** The catalogue's monthly price of the licence's tariff (by id where the list has it, else by name). */
export function monthlyCost(catalogue: Catalogue, row: Pick<LicenceRow, 'packageId' | 'tariffName' | 'cost'>): number {
  const name = row.tariffName.trim().toLowerCase();
  const pkg =
    (row.packageId === null ? undefined : catalogue.findPackage(row.packageId)) ??
    catalogue.packages.find((p) => p.name.toLowerCase() === name);
  const monthly = pkg?.periods
    .filter((p) => p.unit === 'month' && p.length > 0)
    .map((p) => p.cost / p.length)
    .sort((a, b) => b - a)[0];
  return monthly ?? row.cost ?? 0;
}
