import { createCatalogue } from '../../catalogue/create-catalogue.js';
import { MODULE_NAME } from '../../domain/billing-types.js';
import type { Catalogue, CataloguePackage } from '../../domain/catalogue-types.js';
import { ModuleError } from '../../errors/module-error.js';
import { accountOf } from '../item/licence-target.js';
import type { ModuleDeps } from '../module-deps.js';

/**
 * The built-in catalogue, refreshed from the first module's upstream `pricelist.export` where it
 * answers: exported packages replace the built-in ones of the same id, new ones are added.
 */
export async function refreshCatalogue(deps: ModuleDeps): Promise<{ catalogue: Catalogue; source: string }> {
  const reasons: string[] = [];
  for (const module of await deps.billing.reader.modules(MODULE_NAME)) {
    if (!module.active) continue;
    try {
      const exported = await deps.upstreamFor(accountOf(module)).priceList();
      const byId = new Map<number, CataloguePackage>(deps.catalogue.packages.map((pkg) => [pkg.id, pkg]));
      for (const pkg of exported) byId.set(pkg.id, pkg);
      return {
        catalogue: createCatalogue([...byId.values()]),
        source: `built-in, refreshed from module #${module.id}'s upstream (${exported.length} packages exported)`,
      };
    } catch (error) {
      reasons.push(`module #${module.id}: ${error instanceof ModuleError ? error.message : String(error)}`);
    }
  }
  return {
    catalogue: deps.catalogue,
    source: `built-in${reasons.length ? ` (upstream did not answer: ${reasons.join('; ')})` : ''}`,
  };
}
