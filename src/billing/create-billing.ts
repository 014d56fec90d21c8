import type { Knex } from 'knex';
import type { Logger } from '../logging/create-logger.js';
import type { Billing } from '../ports/billing.js';
import { Bm4Reader } from './bm4/bm4-reader.js';
import { Bm4Writer } from './bm4/bm4-writer.js';
import { createBm6Reader } from './bm6/bm6-reader.js';
import { createBm6Writer } from './bm6/bm6-writer.js';
import { loadCryptKey } from './bm6/decrypt-param.js';
import type { Paramlist } from './bm6/read-paramlist.js';

export interface BillingOptions {
  readonly kind: 'bm4' | 'bm6';
  readonly db: Knex;
  readonly logger: Logger;
  readonly today: () => string;
  /** bm6: BILLmanager's mgrctl and the panel's root. */
  readonly mgrctl: string;
  readonly mgrctlTimeoutMs?: number;
  readonly mgrRoot: string;
  /** bm6: `mgrctl paramlist`, asked once and only when needed (a crypted value to decrypt). */
  readonly paramlist: () => Promise<Paramlist>;
}

/** The billing adapter `CPBILLMGR_BILLING` names: the use cases see only the port. */
export function createBilling(options: BillingOptions): Billing {
  if (options.kind === 'bm4') {
    return {
      kind: 'bm4',
      reader: new Bm4Reader(options.db),
      writer: new Bm4Writer(options.db, options.today, options.logger),
    };
  }
  let key: ReturnType<typeof loadCryptKey> | undefined;
  const decrypt = async (base64: string) => {
    // A failure is not kept: `serve` lives for months, and one mgrctl that hung must not fail it for good.
    key ??= options
      .paramlist()
      .then((p) => loadCryptKey(options.mgrRoot, p.cryptKey))
      .catch((error: unknown) => {
        key = undefined;
        throw error;
      });
    return (await key).decrypt(base64);
  };
  const reader = createBm6Reader(options.db, { decrypt });
  return {
    kind: 'bm6',
    reader,
    writer: createBm6Writer({
      mgrctl: options.mgrctl,
      logger: options.logger,
      reader,
      timeoutMs: options.mgrctlTimeoutMs,
    }),
  };
}
