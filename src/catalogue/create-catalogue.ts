import type { Catalogue, CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';

/**
 * Indexes a package list for the look-ups the resolvers and the sandbox make on every call. Period-row
 * ids are global upstream, so two rows with one id mean a broken list, not a choice to make here.
 */
export function createCatalogue(packages: readonly CataloguePackage[]): Catalogue {
  const byId = new Map<number, CataloguePackage>();
  const byPeriod = new Map<number, { pkg: CataloguePackage; period: CataloguePeriod }>();
  for (const pkg of packages) {
    byId.set(pkg.id, pkg);
    for (const period of pkg.periods) {
      const taken = byPeriod.get(period.id);
      if (taken) throw new Error(`period row ${period.id} belongs to packages ${taken.pkg.id} and ${pkg.id}`);
      byPeriod.set(period.id, { pkg, period });
    }
  }
  return {
    packages,
    findPackage: (id) => byId.get(id),
    findPeriod: (periodId) => byPeriod.get(periodId),
  };
}
