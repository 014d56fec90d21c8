import type { Knex } from 'knex';
import type { Stores } from '../ports/module-store.js';
import { KnexBillingStore } from './billing-store.js';
import { KnexJournalStore } from './journal-store.js';
import { KnexLicenceLinkStore } from './licence-link-store.js';
import { KnexLockStore } from './lock-store.js';
import { KnexSettingStore } from './setting-store.js';

/** Binds every store to one connection pool or, inside `transaction`, to one transaction. */
export function createStores(db: Knex | Knex.Transaction): Stores {
  return {
    billing: new KnexBillingStore(db),
    journal: new KnexJournalStore(db),
    links: new KnexLicenceLinkStore(db),
    settings: new KnexSettingStore(db),
    locks: new KnexLockStore(db),
    transaction: <T>(work: (stores: Stores) => Promise<T>) =>
      'isTransaction' in db && db.isTransaction
        ? work(createStores(db))
        : (db as Knex).transaction((trx) => work(createStores(trx))),
  };
}
