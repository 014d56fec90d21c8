import type { LocalPeriod } from '../domain/billing-types.js';
import type { Catalogue, CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';
import { describePeriod } from '../domain/catalogue-types.js';
import { NotConfiguredError } from '../errors/module-error.js';
import { describePeriodRule } from '../module-conf/describe-rule.js';
import type { ModuleConf, PeriodRule } from '../module-conf/module-conf.js';
import { describeLocalPeriod } from './describe-local-period.js';

export interface ResolvedPeriod {
  readonly period: CataloguePeriod;
  readonly rule: string;
}

/**
 * Which period row of `pkg` a local order period buys. The most specific `Period` line wins (this
 * local period and this package, then ALL for this package, then the two-field form whose row is
 * this package's); with none, the row of the same length, which is what the wiki calls "order
 * periods match".
 */
export function resolvePeriod(
  catalogue: Catalogue,
  conf: ModuleConf,
  pkg: CataloguePackage,
  local: LocalPeriod,
): ResolvedPeriod {
  const rule =
    conf.periods.find((r) => r.localPeriodId === local.id && r.packageId === pkg.id) ??
    conf.periods.find((r) => r.localPeriodId === 'ALL' && r.packageId === pkg.id) ??
    conf.periods.find(
      (r) =>
        r.localPeriodId === local.id &&
        r.packageId === null &&
        catalogue.findPeriod(r.remotePeriodId)?.pkg.id === pkg.id,
    );
  if (rule) return { period: ruledPeriod(pkg, rule, conf), rule: describePeriodRule(rule, conf.file) };

  const same = pkg.periods.find((p) => p.unit === local.unit && (p.unit === 'lifetime' || p.length === local.length));
  if (same) return { period: same, rule: `same length (${describePeriod(same)})` };

  const offered = pkg.periods.map((p) => `${p.id} ${describePeriod(p)}`).join(', ') || 'none';
  throw new NotConfiguredError(
    `no upstream period for ${describeLocalPeriod(local)} on package ${pkg.id} '${pkg.name}' ` +
      `(its periods: ${offered}); add "Period ${local.id} <period id> ${pkg.id}" to ${conf.file}; ` +
      `see 'cpbillmgr catalogue'`,
    'period',
    String(local.id),
  );
}

/** The parser checked the row against the same catalogue; this guards a conf parsed against another. */
function ruledPeriod(pkg: CataloguePackage, rule: PeriodRule, conf: ModuleConf): CataloguePeriod {
  const period = pkg.periods.find((p) => p.id === rule.remotePeriodId);
  if (period) return period;
  throw new NotConfiguredError(
    `${describePeriodRule(rule, conf.file)} names period ${rule.remotePeriodId}, which package ${pkg.id} '${pkg.name}' does not have`,
    'period',
    String(rule.remotePeriodId),
  );
}
