import type { Knex } from 'knex';
import type { Logger } from '../logging/create-logger.js';
import type { Billing } from '../ports/billing.js';
import { Bm4Reader } from './bm4/bm4-reader.js';
import { Bm4Writer } from './bm4/bm4-writer.js';

export interface BillingOptions {
  readonly kind: 'bm4' | 'bm6';
  readonly db: Knex;
  readonly logger: Logger;
  readonly today: () => string;
}

/** The billing adapter `CPBILLMGR_BILLING` names: the use cases see only the port. */
export function createBilling(options: BillingOptions): Billing {
  if (options.kind === 'bm6') throw new Error('bm6 billing is not wired yet');
  return {
    kind: 'bm4',
    reader: new Bm4Reader(options.db),
    writer: new Bm4Writer(options.db, options.today, options.logger),
  };
}
