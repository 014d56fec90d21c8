import type { LocalPeriod } from '../domain/billing-types.js';

/** `local period #10 (1 month)`: the billing's own period row, as messages name it. */
export function describeLocalPeriod(p: LocalPeriod): string {
  return `local period #${p.id} (${describeLength(p)})`;
}

function describeLength(p: LocalPeriod): string {
  switch (p.unit) {
    case 'lifetime':
      return 'lifetime';
    case 'day':
      return p.length === 1 ? '1 day' : `${p.length} days`;
    case 'month':
      return p.length === 1 ? '1 month' : `${p.length} months`;
  }
}
