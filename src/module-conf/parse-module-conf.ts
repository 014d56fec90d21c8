import type { Catalogue } from '../domain/catalogue-types.js';
import { printable } from '../errors/printable.js';
import { ConfigFileError } from './config-file-error.js';
import type { ModuleConf, PeriodRule, PriceRule } from './module-conf.js';

type OptionFlag = 'reuseLicense' | 'useExistingOnUpgrade' | 'noFixSuspended';

/** Spelled as in the wiki for messages; matched case-insensitively like the directives. */
const OPTIONS: ReadonlyMap<string, { spelling: string; flag: OptionFlag }> = new Map([
  ['reuselicense', { spelling: 'ReUseLicense', flag: 'reuseLicense' }],
  ['useexistingonupgrade', { spelling: 'UseExistingOnUpgrade', flag: 'useExistingOnUpgrade' }],
  ['nofixsuspended', { spelling: 'NoFixSuspended', flag: 'noFixSuspended' }],
]);

/** Raised inside the line handlers; the loop adds file and line number. */
class LineError extends Error {}

/**
 * Parses one module config file. Every id is checked against the catalogue here, at start-up, so a
 * typo stops the module with a line number instead of failing some order weeks later.
 */
export function parseModuleConf(text: string, file: string, catalogue: Catalogue): ModuleConf {
  const parser = new ConfParser(catalogue);
  // CR alone ends a line too (old Mac editors): otherwise the whole file would be one line, and the
  // first '#' would silently comment out everything after it.
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const content = raw.split('#', 1)[0] ?? '';
    const fields = content.trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    try {
      parser.directive(fields, index + 1);
    } catch (error) {
      if (error instanceof LineError) throw new ConfigFileError(file, index + 1, error.message);
      throw error;
    }
  });
  return deepFreeze({ file, ...parser.result() });
}

class ConfParser {
  private readonly prices: PriceRule[] = [];
  private readonly periods: PeriodRule[] = [];
  private readonly reusePrices: number[] = [];
  private readonly flags: Record<OptionFlag, boolean> = {
    reuseLicense: false,
    useExistingOnUpgrade: false,
    noFixSuspended: false,
  };
  private readonly priceByName = new Map<string, PriceRule>();
  /** `local/package` → rule; a two-field `Period` counts for the package owning its row. */
  private readonly periodByKey = new Map<string, PeriodRule>();

  constructor(private readonly catalogue: Catalogue) {}

  result(): Omit<ModuleConf, 'file'> {
    return { prices: this.prices, periods: this.periods, reusePrices: this.reusePrices, ...this.flags };
  }

  directive([keyword = '', ...args]: string[], line: number): void {
    switch (keyword.toLowerCase()) {
      case 'price':
        this.price(args, line);
        return;
      case 'period':
        this.period(args, line);
        return;
      case 'reuseprice':
        this.reusePrice(args);
        return;
      case 'option':
        this.option(args);
        return;
      default:
        throw new LineError(`unknown directive '${printable(keyword)}' (expected Price, Period, ReusePrice or Option)`);
    }
  }

  private price(args: string[], line: number): void {
    const [nameList, packageField] = args;
    if (args.length !== 2 || nameList === undefined || packageField === undefined) {
      throw new LineError(`Price takes INTERNAL_NAME[,INTERNAL_NAME…] REMOTE_PACKAGE, got ${args.length} field(s)`);
    }
    const names = nameList.split(',');
    if (names.some((name) => name === '')) throw new LineError(`empty internal name in '${printable(nameList)}'`);
    const packageId = this.packageId(packageField);
    const rule: PriceRule = { names: [...new Set(names)], packageId, line };
    for (const name of rule.names) {
      const earlier = this.priceByName.get(name);
      if (earlier && earlier.packageId !== packageId) {
        throw new LineError(
          `Price ${printable(name)} ${packageId} conflicts with line ${earlier.line}, ` +
            `which maps '${printable(name)}' to package ${earlier.packageId}`,
        );
      }
    }
    for (const name of rule.names) if (!this.priceByName.has(name)) this.priceByName.set(name, rule);
    this.prices.push(rule);
  }

  private period(args: string[], line: number): void {
    const [localField, remoteField, packageField] = args;
    if ((args.length !== 2 && args.length !== 3) || localField === undefined || remoteField === undefined) {
      throw new LineError(`Period takes LOCAL REMOTE_PERIOD [REMOTE_PACKAGE], got ${args.length} field(s)`);
    }
    const localPeriodId = localField.toUpperCase() === 'ALL' ? 'ALL' : parseId(localField, 'LOCAL period id');
    const remotePeriodId = parseId(remoteField, 'REMOTE_PERIOD id');
    if (localPeriodId === 'ALL' && packageField === undefined) {
      throw new LineError('Period ALL needs a package: Period ALL REMOTE_PERIOD REMOTE_PACKAGE');
    }
    const packageId = packageField === undefined ? null : this.packageId(packageField);
    const owner = this.catalogue.findPeriod(remotePeriodId);
    if (!owner) {
      throw new LineError(`period ${remotePeriodId} is not in the catalogue (see 'cpbillmgr catalogue')`);
    }
    if (packageId !== null && owner.pkg.id !== packageId) {
      const named = this.catalogue.findPackage(packageId);
      throw new LineError(
        `period ${remotePeriodId} belongs to package ${owner.pkg.id} '${owner.pkg.name}', ` +
          `not to package ${packageId} '${named?.name ?? '?'}'`,
      );
    }
    const rule: PeriodRule = { localPeriodId, remotePeriodId, packageId, line };
    const key = `${localPeriodId}/${owner.pkg.id}`;
    const earlier = this.periodByKey.get(key);
    if (earlier) {
      if (earlier.remotePeriodId === remotePeriodId) return;
      throw new LineError(
        `conflicts with line ${earlier.line}, which maps local period ${localPeriodId} of package ${owner.pkg.id} ` +
          `to period ${earlier.remotePeriodId}, not ${remotePeriodId}`,
      );
    }
    this.periodByKey.set(key, rule);
    this.periods.push(rule);
  }

  private reusePrice(args: string[]): void {
    const [idField] = args;
    if (args.length !== 1 || idField === undefined) {
      throw new LineError(`ReusePrice takes one local tariff/add-on id, got ${args.length} field(s)`);
    }
    const id = parseId(idField, 'ReusePrice id');
    if (!this.reusePrices.includes(id)) this.reusePrices.push(id);
  }

  private option(args: string[]): void {
    const [name] = args;
    if (args.length !== 1 || name === undefined) {
      throw new LineError(`Option takes one option name, got ${args.length} field(s)`);
    }
    const option = OPTIONS.get(name.toLowerCase());
    if (!option) {
      const known = [...OPTIONS.values()].map((o) => o.spelling).join(', ');
      throw new LineError(`unknown option '${printable(name)}' (known: ${known})`);
    }
    this.flags[option.flag] = true;
  }

  private packageId(field: string): number {
    const id = parseId(field, 'REMOTE_PACKAGE id');
    if (!this.catalogue.findPackage(id)) {
      throw new LineError(`package ${id} is not in the catalogue (see 'cpbillmgr catalogue')`);
    }
    return id;
  }
}

function parseId(field: string, what: string): number {
  const id = /^\d+$/.test(field) ? Number(field) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new LineError(`${what} must be a positive number, not '${printable(field)}'`);
  return id;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
