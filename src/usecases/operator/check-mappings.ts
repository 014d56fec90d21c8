import { type LocalPeriod, MODULE_NAME, type Tariff } from '../../domain/billing-types.js';
import { describeNotSold, describePeriod, monthsOf } from '../../domain/catalogue-types.js';
import { ModuleError } from '../../errors/module-error.js';
import { describeLocalPeriod, type LicenceSource, resolveOrder } from '../../resolve/resolve-order.js';
import { accountOf, isLicenceAddonTariff } from '../item/licence-target.js';
import type { ModuleDeps } from '../module-deps.js';

export interface MappingLine {
  readonly module: number;
  readonly tariff: Tariff;
  readonly name: string;
  readonly localPeriod: LocalPeriod;
  readonly resolved?: string;
  readonly failure?: string;
  /** The mapping resolves, but to a package or period the upstream no longer sells (or renews). */
  readonly warning?: string;
}

/**
 * `cpbillmgr check`: for every tariff (and licence add-on choice) this module serves and every order
 * period it is sold for, what it buys upstream — or why it can't ("those missing won't work").
 */
export async function checkMappings(deps: ModuleDeps): Promise<MappingLine[]> {
  const lines: MappingLine[] = [];
  const billing = deps.billing.reader;
  for (const module of await billing.modules(MODULE_NAME)) {
    const account = accountOf(module);
    const conf = deps.confs[account.api];
    const tariffs = await billing.moduleTariffs(module.id);
    const addons = tariffs.filter(isLicenceAddonTariff);
    const periods = await billing.tariffPeriods([
      ...tariffs.filter((t) => t.parentId === null).map((t) => t.id),
      ...addons.map((t) => t.parentId as number),
    ]);
    const choices = await billing.enumerationChoices(addons.filter((t) => t.addontype === 3).map((t) => t.id));
    const cases: Array<{ tariff: Tariff; name: string; source: LicenceSource; periodsOf: number }> = [];
    for (const tariff of tariffs) {
      if (tariff.parentId === null) {
        cases.push({ tariff, name: tariff.intname, source: { kind: 'standalone', tariff }, periodsOf: tariff.id });
      } else if (isLicenceAddonTariff(tariff)) {
        const names =
          tariff.addontype === 3
            ? choices.filter((c) => c.addonTariffId === tariff.id).map((c) => c.intname)
            : [tariff.intname];
        for (const name of names) {
          cases.push({
            tariff,
            name,
            source: { kind: 'addon', name, addonTariff: tariff },
            periodsOf: tariff.parentId as number,
          });
        }
      }
    }
    for (const { tariff, name, source, periodsOf } of cases) {
      for (const localPeriod of periods.filter((p) => p.pricelistId === periodsOf)) {
        try {
          const order = resolveOrder({ api: account.api, catalogue: deps.catalogue, conf, source, localPeriod });
          const unsold = !order.pkg.sold
            ? `package ${order.pkg.id} '${order.pkg.name}' is ${describeNotSold(order.pkg)} upstream: orders and renewals will be refused`
            : !order.period.sold
              ? `period ${order.period.id} (${describePeriod(order.period)}) of package ${order.pkg.id} is ${describeNotSold(order.period)} upstream`
              : undefined;
          lines.push({
            module: module.id,
            tariff,
            name,
            localPeriod,
            ...(unsold ? { warning: unsold } : {}),
            resolved: `package ${order.pkg.id} (${order.pkg.name}), period ${order.period.id} (${describePeriod(order.period)}, api${account.api} wire ${account.api === 5 ? monthsOf(order.period) : order.period.id}) — ${order.packageRule}; ${order.periodRule}`,
          });
        } catch (error) {
          if (!(error instanceof ModuleError)) throw error;
          lines.push({ module: module.id, tariff, name, localPeriod, failure: error.message });
        }
      }
    }
  }
  return lines;
}

export function describeMapping(line: MappingLine): string {
  return `module #${line.module} tariff #${line.tariff.id} '${line.name}' ${describeLocalPeriod(line.localPeriod)}`;
}
