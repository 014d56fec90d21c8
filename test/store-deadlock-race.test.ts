import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { createDb } from '../src/store/create-db.js';
import { createModuleStore } from '../src/store/create-module-store.js';
import { migrateLatest } from '../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

/**
 * InnoDB's documented three-inserter deadlock: one session holds an uncommitted row, two more insert
 * the same unique key and wait for a shared lock; when the first rolls back both waiters hold the
 * shared lock and want the exclusive one, and one of them is killed as a deadlock. A claim is a
 * single autocommit insert, so losing that deadlock must end as a lost claim, never as an error.
 */
describe('claims and locks racing on one key (MariaDB)', () => {
  let db: TestDatabase;
  let knex: Knex;
  before(async () => {
    db = await createTestDatabase('mysql');
    knex = createDb(db.url);
    await migrateLatest(knex);
  });
  after(async () => {
    await knex.destroy();
    await db.drop();
  });

  const entry = (item: number, owner: string) => ({
    item,
    module: 1,
    action: 'order' as const,
    key: `cpb-${item}-${owner}`,
    packageId: 5,
    periodId: 1,
    ip: '203.0.113.9',
    licname: 'race.example.com',
    licenceId: null,
    oldExpiredate: null,
    runningoperation: null,
    owner,
  });

  test('When the first claimant rolls back under two waiting claims, then exactly one claim wins and none fails', async () => {
    for (let round = 0; round < 3; round += 1) {
      const item = 7000 + round;
      const holder = await knex.transaction();
      const first = await createModuleStore(holder).journal.claim(entry(item, 'holder'));
      assert.ok(first, 'the holder inserted its row');
      const store = createModuleStore(knex);
      const waiting = [store.journal.claim(entry(item, 'a')), store.journal.claim(entry(item, 'b'))].map((claim) =>
        claim.then(
          (won) => (won ? 'won' : 'lost'),
          (error: unknown) => `error: ${(error as Error).message}`,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await holder.rollback();
      const outcomes = (await Promise.all(waiting)).sort();
      assert.deepEqual(outcomes, ['lost', 'won'], `round ${round}: ${outcomes.join(' / ')}`);
      const rows = await knex('cpbillmgr_journal').where({ open_item: item });
      assert.equal(rows.length, 1);
    }
  });

  test('When the first locker rolls back under two waiting lockers, then exactly one takes the lock and none fails', async () => {
    for (let round = 0; round < 3; round += 1) {
      const name = `item:${8000 + round}`;
      const holder = await knex.transaction();
      assert.equal(await createModuleStore(holder).locks.tryAcquire(name, 'holder', 60), true);
      const store = createModuleStore(knex);
      const waiting = ['a', 'b'].map((who) =>
        store.locks.tryAcquire(name, who, 60).then(
          (taken) => (taken ? 'took' : 'refused'),
          (error: unknown) => `error: ${(error as Error).message}`,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await holder.rollback();
      const outcomes = (await Promise.all(waiting)).sort();
      assert.deepEqual(outcomes, ['refused', 'took'], `round ${round}: ${outcomes.join(' / ')}`);
    }
  });
});
