import type { Knex } from 'knex';
import { isDeadlock } from '../errors/is-deadlock.js';

const ATTEMPTS = 5;

/**
 * Runs one write that stands alone (autocommit) again when InnoDB broke a deadlock with it. Inserts
 * racing on one unique key take shared locks on the duplicate, and three or more of them deadlock
 * each other (seen with 20 concurrent opens of one item); the loser's statement was undone, nothing
 * else, so running it again is exact — and then it usually meets the winner's row as a duplicate.
 * Inside a transaction the whole transaction was rolled back, so the error goes up to
 * `ModuleStore.transaction`, which retries it from the start.
 */
export async function retryAlone<T>(db: Knex | Knex.Transaction, write: () => Promise<T>): Promise<T> {
  const alone = !('isTransaction' in db && db.isTransaction);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!alone || !isDeadlock(error) || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
    }
  }
}
