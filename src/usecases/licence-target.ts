import type { BillingItem, LocalPeriod, ProcessingModule, Tariff } from '../domain/billing-types.js';
import { MODULE_NAME } from '../domain/billing-types.js';
import { AccessError, MissedError, NotConfiguredError, NotFoundError } from '../errors/module-error.js';
import type { ModuleConf } from '../module-conf/module-conf.js';
import type { UpstreamAccount, UpstreamClient } from '../ports/upstream-client.js';
import type { LicenceSource } from '../resolve/resolve-order.js';
import type { ModuleDeps } from './module-deps.js';

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

/**
 * What one billing item asks of the upstream: which item carries the licence (its params and status),
 * which item drives it (IP, period, status: the main service for an add-on), and how to reach the
 * upstream account that sells it.
 */
export interface LicenceTarget {
  readonly carrier: BillingItem;
  readonly carrierTariff: Tariff;
  readonly main: BillingItem;
  readonly source: LicenceSource;
  readonly localPeriod: LocalPeriod | null;
  readonly licname: string;
  readonly ip: string;
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

/** Loads the item and everything needed to act on its licence; rejects unknown and foreign items. */
export async function loadLicenceTarget(deps: ModuleDeps, itemId: number): Promise<LicenceTarget> {
  const billing = deps.stores.billing;
  const carrier = await billing.findItem(itemId);
  if (!carrier) throw new NotFoundError(`item #${itemId} does not exist`, 'item', String(itemId));
  const carrierTariff = await billing.findTariff(carrier.pricelistId);
  if (!carrierTariff) {
    throw new NotFoundError(`tariff #${carrier.pricelistId} of item #${itemId} does not exist`, 'pricelist');
  }
  const moduleId = carrier.processingModuleId ?? carrierTariff.processingModuleId;
  const module = moduleId === null ? undefined : await billing.findModule(moduleId);
  if (!module || module.module !== MODULE_NAME) {
    throw new AccessError(`item #${itemId} is not served by ${MODULE_NAME}`, 'item', String(itemId));
  }
  const account = accountOf(module);
  const common = {
    carrier,
    carrierTariff,
    module,
    account,
    client: deps.upstreamFor(account),
    conf: deps.confs[account.api],
  };

  if (carrier.parentId === null) {
    if (!carrier.ip) throw new MissedError('ip', `item #${itemId} has no IP address to license`);
    return {
      ...common,
      main: carrier,
      source: { kind: 'standalone', tariff: carrierTariff },
      localPeriod: carrier.periodId === null ? null : ((await billing.findPeriod(carrier.periodId)) ?? null),
      licname: carrier.name || `Item #${carrier.id}`,
      ip: carrier.ip,
    };
  }

  const main = await billing.findItem(carrier.parentId);
  if (!main) throw new NotFoundError(`main service #${carrier.parentId} of add-on #${itemId} does not exist`, 'item');
  return {
    ...common,
    main,
    source: { kind: 'addon', name: await addonName(deps, carrier, carrierTariff), addonTariff: carrierTariff },
    localPeriod: main.periodId === null ? null : ((await billing.findPeriod(main.periodId)) ?? null),
    licname: `Item #${main.id} addon ${main.name}`,
    ip: main.ip,
  };
}

async function addonName(deps: ModuleDeps, carrier: BillingItem, tariff: Tariff): Promise<string> {
  if (tariff.addontype === 3 && carrier.enumerationItemId !== null) {
    const choice = await deps.stores.billing.findEnumerationItem(carrier.enumerationItemId);
    if (choice) return choice.intname;
  }
  return tariff.intname;
}
