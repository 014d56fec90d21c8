import type { Catalogue, CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';

/** Indexes a package list for the look-ups the resolvers and the sandbox make on every call. */
export function createCatalogue(packages: readonly CataloguePackage[]): Catalogue {
  const byId = new Map<number, CataloguePackage>();
  const byPeriod = new Map<number, { pkg: CataloguePackage; period: CataloguePeriod }>();
  for (const pkg of packages) {
    byId.set(pkg.id, pkg);
    for (const period of pkg.periods) byPeriod.set(period.id, { pkg, period });
  }
  return {
    packages,
    findPackage: (id) => byId.get(id),
    findPeriod: (periodId) => byPeriod.get(periodId),
  };
}
