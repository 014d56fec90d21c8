import { ModuleError } from './module-error.js';

/**
 * The upstream refused a licence for an IP that another licence holds. The message names the rule
 * that applies (one licence per product line and IP; the wiki FAQ's Pro-over-Lite rules) and `value`
 * carries the date the IP becomes free for the order, when it can be known.
 */
export class IpTakenError extends ModuleError {
  readonly type = 'ip_taken';
}
