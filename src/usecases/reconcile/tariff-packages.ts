import type { ProcessingModule, Tariff } from '../../domain/billing-types.js';
import { resolvePackage } from '../../resolve/resolve-package.js';
import { accountOf } from '../item/licence-target.js';
import type { ModuleDeps } from '../module-deps.js';

/**
 * The upstream package each standalone tariff of the module sells, read once (the module's tariffs are
 * few); a tariff that resolves to no package, or is not the module's, maps to undefined.
 */
export async function standalonePackages(
  deps: ModuleDeps,
  module: ProcessingModule,
  tariffs?: readonly Tariff[],
): Promise<(tariffId: number) => number | undefined> {
  const api = accountOf(module).api;
  const byId = new Map<number, number | undefined>();
  for (const tariff of tariffs ?? (await deps.billing.reader.moduleTariffs(module.id))) {
    if (tariff.parentId !== null) continue;
    try {
      byId.set(tariff.id, resolvePackage(api, deps.catalogue, deps.confs[api], { kind: 'standalone', tariff }).pkg.id);
    } catch {
      byId.set(tariff.id, undefined);
    }
  }
  return (tariffId) => byId.get(tariffId);
}
