import type { BillingItem, LocalPeriod, ProcessingModule, Tariff } from '../../domain/billing-types.js';
import { MODULE_NAME } from '../../domain/billing-types.js';
import { AccessError, MissedError, NotConfiguredError, NotFoundError } from '../../errors/module-error.js';
import type { ModuleConf } from '../../module-conf/module-conf.js';
import type { UpstreamAccount, UpstreamClient } from '../../ports/upstream-client.js';
import type { LicenceSource } from '../../resolve/resolve-order.js';
import type { ModuleDeps } from '../module-deps.js';

/** Internal names of add-on tariffs that stand for a licence (seed: "Configuring add-ons"). */
export const LICENCE_ADDON_NAMES: readonly string[] = [
  'panel',
  'vdsmgr',
  'ispmgr',
  'dnsmgr',
  'ipmgr',
  'vmmgr',
  'billmgr',
  'ifxmgr',
];

export function isLicenceAddonTariff(tariff: Tariff): boolean {
  return tariff.parentId !== null && LICENCE_ADDON_NAMES.includes(tariff.intname);
}

/**
 * What one billing item asks of the upstream: which item carries the licence (its id, params and
 * status; for an add-on without a child item, a negative slot id and no item), which item drives it
 * (IP, period, status: the main service for an add-on), and how to reach the upstream account.
 */
export interface LicenceTarget {
  readonly carrierId: number;
  /** The item the licence is recorded on; null for an add-on slot with no child item (tariff defaults). */
  readonly carrier: BillingItem | null;
  readonly kind: 'standalone' | 'addon';
  readonly carrierTariff: Tariff;
  readonly main: BillingItem;
  readonly source: LicenceSource;
  /** For an add-on: what it asks for (choice); null when it asks for no licence. */
  readonly choice: string | null;
  readonly localPeriod: LocalPeriod | null;
  readonly licname: string;
  readonly ip: string;
  /** Cluster nodes ordered with a tariff that needs them (at least 1). */
  readonly nodes: number;
  readonly module: ProcessingModule;
  readonly account: UpstreamAccount;
  readonly client: UpstreamClient;
  readonly conf: ModuleConf;
}

export function accountOf(module: ProcessingModule): UpstreamAccount {
  const { url, username, password = '', api = '5' } = module.params;
  if (!url || !username) {
    throw new NotConfiguredError(
      `processing module #${module.id} '${module.name}' has no upstream url/username parameters`,
      'processingmodule',
      String(module.id),
    );
  }
  if (api !== '4' && api !== '5') {
    throw new NotConfiguredError(`processing module #${module.id}: api must be 4 or 5, not '${api}'`, 'api', api);
  }
  return { moduleId: module.id, url, username, password, api: api === '4' ? 4 : 5 };
}

/** The add-on licence name (seed: "Forming license name"). */
export function addonLicname(main: BillingItem): string {
  return `Item #${main.id} addon ${main.name}`;
}

/** Loads the item (or add-on slot) and everything needed to act on its licence; rejects unknown and foreign items. */
export async function loadLicenceTarget(deps: ModuleDeps, itemId: number): Promise<LicenceTarget> {
  const reader = deps.billing.reader;
  if (itemId < 0) return loadSlotTarget(deps, itemId);
  const carrier = await reader.item(itemId);
  if (!carrier) throw new NotFoundError(`item #${itemId} does not exist`, 'item', String(itemId));
  const carrierTariff = await reader.tariff(carrier.pricelistId);
  if (!carrierTariff) {
    throw new NotFoundError(`tariff #${carrier.pricelistId} of item #${itemId} does not exist`, 'pricelist');
  }
  const module = await servingModule(deps, [carrier.processingModuleId, ...carrierTariff.moduleIds]);
  if (!module) throw new AccessError(`item #${itemId} is not served by ${MODULE_NAME}`, 'item', String(itemId));

  if (carrier.parentId === null) {
    if (!carrier.ip) throw new MissedError('ip', `item #${itemId} has no IP address to license`);
    return {
      ...(await upstreamOf(deps, module)),
      carrierId: carrier.id,
      carrier,
      kind: 'standalone',
      carrierTariff,
      main: carrier,
      source: { kind: 'standalone', tariff: carrierTariff },
      choice: carrierTariff.intname,
      localPeriod: carrier.period,
      licname: carrier.licname || `Item #${carrier.id}`,
      ip: carrier.ip,
      nodes: await nodesOf(deps, carrier.id),
    };
  }
  const main = await reader.item(carrier.parentId);
  if (!main) throw new NotFoundError(`main service #${carrier.parentId} of add-on #${itemId} does not exist`, 'item');
  const slot = (await reader.addonSlots([carrierTariff], { mainIds: [main.id] })).find(
    (s) => s.child?.id === carrier.id,
  );
  return addonTarget(deps, module, {
    carrierId: carrier.id,
    carrier,
    tariff: carrierTariff,
    main,
    choice: slot?.choice ?? null,
  });
}

/** An add-on slot without a child item: the main service and add-on tariff it stands for, with the tariff's default. */
async function loadSlotTarget(deps: ModuleDeps, slotId: number): Promise<LicenceTarget> {
  const reader = deps.billing.reader;
  const slotRow = await deps.store.slots.find(slotId);
  if (!slotRow) throw new NotFoundError(`add-on slot #${slotId} does not exist`, 'item', String(slotId));
  const [main, tariff] = await Promise.all([reader.item(slotRow.main), reader.tariff(slotRow.addonTariff)]);
  if (!main || !tariff) throw new NotFoundError(`add-on slot #${slotId}: its service or tariff is gone`, 'item');
  const module = await servingModule(deps, tariff.moduleIds);
  if (!module) throw new AccessError(`add-on slot #${slotId} is not served by ${MODULE_NAME}`, 'item');
  const slot = (await reader.addonSlots([tariff], { mainIds: [main.id] }))[0];
  return addonTarget(deps, module, { carrierId: slotId, carrier: null, tariff, main, choice: slot?.choice ?? null });
}

/** A licence add-on takes its IP, period and status from the main service and its name from the seed's rule. */
async function addonTarget(
  deps: ModuleDeps,
  module: ProcessingModule,
  at: { carrierId: number; carrier: BillingItem | null; tariff: Tariff; main: BillingItem; choice: string | null },
): Promise<LicenceTarget> {
  return {
    ...(await upstreamOf(deps, module)),
    carrierId: at.carrierId,
    carrier: at.carrier,
    kind: 'addon',
    carrierTariff: at.tariff,
    main: at.main,
    source: { kind: 'addon', name: at.choice ?? at.tariff.intname, addonTariff: at.tariff },
    choice: at.choice,
    localPeriod: at.main.period,
    licname: addonLicname(at.main),
    ip: at.main.ip,
    nodes: await nodesOf(deps, at.main.id),
  };
}

async function servingModule(
  deps: ModuleDeps,
  candidates: ReadonlyArray<number | null>,
): Promise<ProcessingModule | undefined> {
  for (const id of new Set(candidates)) {
    if (id === null) continue;
    const module = await deps.billing.reader.module(id);
    if (module?.module === MODULE_NAME) return module;
  }
  return undefined;
}

async function upstreamOf(deps: ModuleDeps, module: ProcessingModule) {
  const account = accountOf(module);
  return { module, account, client: deps.upstreamFor(account), conf: deps.confs[account.api] };
}

/** The item's node count for tariffs that need one: its integer add-on named like "node", at least 1. */
async function nodesOf(deps: ModuleDeps, item: number): Promise<number> {
  const quantities = await deps.billing.reader.integerAddons(item);
  const nodes = Object.entries(quantities).find(([name]) => /node/i.test(name))?.[1];
  return Math.max(1, nodes ?? 1);
}
