import { basename } from 'node:path';
import type { PeriodRule, PriceRule } from './module-conf.js';

/** The rule as a config line, prefixed with where it is: `cpbillmgr5.conf:3 Price ipmgr 2891`. */
export function describePriceRule(rule: PriceRule, file: string): string {
  return `${basename(file)}:${rule.line} Price ${rule.names.join(',')} ${rule.packageId}`;
}

export function describePeriodRule(rule: PeriodRule, file: string): string {
  const pkg = rule.packageId === null ? '' : ` ${rule.packageId}`;
  return `${basename(file)}:${rule.line} Period ${rule.localPeriodId} ${rule.remotePeriodId}${pkg}`;
}
