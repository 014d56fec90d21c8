import type { Knex } from 'knex';
import { isDeadlock } from '../errors/is-deadlock.js';
import type { ModuleStore } from '../ports/module-store.js';
import { dbClock } from './db-clock.js';
import { KnexJournalStore } from './journal-store.js';
import { KnexLicenceLinkStore } from './licence-link-store.js';
import { KnexLockStore } from './lock-store.js';
import { KnexNoticeStore } from './notice-store.js';
import { KnexSettingStore } from './setting-store.js';
import { KnexSlotStore } from './slot-store.js';

const DEADLOCK_RETRIES = 3;

/** Binds every module store to one connection pool or, inside `transaction`, to one transaction. */
export function createModuleStore(db: Knex | Knex.Transaction): ModuleStore {
  const clock = () => dbClock(db);
  return {
    journal: new KnexJournalStore(db, clock),
    links: new KnexLicenceLinkStore(db),
    settings: new KnexSettingStore(db),
    locks: new KnexLockStore(db, clock),
    slots: new KnexSlotStore(db),
    notices: new KnexNoticeStore(db, clock),
    clock,
    transaction: async <T>(work: (store: ModuleStore) => Promise<T>): Promise<T> => {
      if ('isTransaction' in db && db.isTransaction) return work(createModuleStore(db));
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await (db as Knex).transaction((trx) => work(createModuleStore(trx)));
        } catch (error) {
          // MariaDB broke a deadlock by rolling this transaction back: nothing of it was written.
          if (!isDeadlock(error) || attempt >= DEADLOCK_RETRIES) throw error;
          await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
        }
      }
    },
  };
}
