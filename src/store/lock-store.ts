import type { Knex } from 'knex';
import type { LockStore } from '../ports/module-store.js';
import { isUniqueViolation } from './is-unique-violation.js';
import { retryAlone } from './retry-alone.js';

const TABLE = 'cpbillmgr_lock';

/**
 * A lock row with a lease works the same on MariaDB and SQLite and survives a crashed holder: an
 * expired lease can be taken over. Leases are timed by the database's clock, never a host's.
 */
export class KnexLockStore implements LockStore {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly clock: () => Promise<Date>,
  ) {}

  async tryAcquire(name: string, holder: string, ttlSeconds: number): Promise<boolean> {
    const now = await this.clock();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    try {
      await retryAlone(this.db, () => this.db(TABLE).insert({ name, holder, expires_at: expiresAt }));
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const taken = await retryAlone(this.db, () =>
      this.db(TABLE)
        .where({ name })
        .andWhere((q) => q.where('expires_at', '<', now.toISOString()).orWhere({ holder }))
        .update({ holder, expires_at: expiresAt }),
    );
    return taken > 0;
  }

  async renew(name: string, holder: string, ttlSeconds: number): Promise<boolean> {
    const now = await this.clock();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    const renewed = await this.db(TABLE)
      .where({ name, holder })
      .andWhere('expires_at', '>=', now.toISOString())
      .update({ expires_at: expiresAt });
    return renewed > 0;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db(TABLE).where({ name, holder }).delete();
  }
}
