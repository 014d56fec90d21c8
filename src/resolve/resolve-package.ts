import type { Catalogue, CataloguePackage } from '../domain/catalogue-types.js';
import { NotConfiguredError } from '../errors/module-error.js';
import { describePriceRule } from '../module-conf/describe-rule.js';
import type { ModuleConf } from '../module-conf/module-conf.js';
import { builtinPackageDefault } from './builtin-package-defaults.js';
import type { LicenceSource } from './resolve-order.js';

export interface ResolvedPackage {
  readonly pkg: CataloguePackage;
  readonly rule: string;
}

/**
 * Which upstream package a tariff or add-on sells, in the wiki's order of precedence: the operator's
 * `Price` line, then an id carried by the internal name itself, then the built-in Lite/Prof names.
 */
export function resolvePackage(
  api: 4 | 5,
  catalogue: Catalogue,
  conf: ModuleConf,
  source: LicenceSource,
): ResolvedPackage {
  const name = source.kind === 'standalone' ? source.tariff.intname : source.name;
  const what = whatIsNamed(source);

  const price = conf.prices.find((rule) => rule.names.includes(name));
  if (price)
    return { pkg: known(catalogue, conf, price.packageId, name, what), rule: describePriceRule(price, conf.file) };

  const builtin = builtinPackageDefault(api, name);
  const carried = builtin === undefined ? idInName(catalogue, conf, source, name) : undefined;
  if (carried !== undefined) {
    return { pkg: known(catalogue, conf, carried, name, what), rule: `${what} '${name}'` };
  }
  if (builtin !== undefined) {
    return {
      pkg: known(catalogue, conf, builtin, name, what),
      rule: `built-in default ${name} → ${builtin} (api ${api})`,
    };
  }
  throw new NotConfiguredError(
    `no upstream package for ${what} '${name}'; ${howToConfigure(conf, name)}`,
    'package',
    name,
  );
}

/**
 * A standalone tariff's internal name starts with the package id (`5-ISPmanager Lite`, taken from the
 * server's preset list); an add-on's enumeration name may hold it anywhere (`3541`, `pkg3541`).
 * The built-in names are checked first by the caller because `Lite5` holds a digit that is not an id.
 */
function idInName(catalogue: Catalogue, conf: ModuleConf, source: LicenceSource, name: string): number | undefined {
  if (source.kind === 'standalone') {
    const leading = /^\d+/.exec(name);
    return leading ? Number(leading[0]) : undefined;
  }
  const runs = (name.match(/\d+/g) ?? []).map(Number);
  if (runs.length <= 1) return runs[0];
  const inCatalogue = [...new Set(runs.filter((id) => catalogue.findPackage(id)))];
  if (inCatalogue.length === 1) return inCatalogue[0];
  throw new NotConfiguredError(
    `${whatIsNamed(source)} '${name}' holds several numbers (${runs.join(', ')}), so its package is ambiguous; ` +
      howToConfigure(conf, name),
    'package',
    name,
  );
}

function known(catalogue: Catalogue, conf: ModuleConf, id: number, name: string, what: string): CataloguePackage {
  const pkg = catalogue.findPackage(id);
  if (pkg) return pkg;
  throw new NotConfiguredError(
    `${what} '${name}' resolves to package ${id}, which is not in the catalogue; ${howToConfigure(conf, name)}`,
    'package',
    String(id),
  );
}

function whatIsNamed(source: LicenceSource): string {
  if (source.kind === 'standalone') return 'tariff internal name';
  return source.name === source.addonTariff.intname ? 'add-on internal name' : 'enumeration internal name';
}

/** A name with blanks, commas or `#` can't be written in a `Price` line, so say what else works. */
function howToConfigure(conf: ModuleConf, name: string): string {
  if (/[\s,#]/.test(name)) {
    return `'${name}' can't be written in a Price line of ${conf.file}; start the internal name with the package id (e.g. '5-ISPmanager Lite'); see 'cpbillmgr catalogue'`;
  }
  return `add "Price ${name} <package id>" to ${conf.file}; see 'cpbillmgr catalogue'`;
}
