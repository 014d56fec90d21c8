import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { createLogger } from '../src/logging/create-logger.js';
import { createDb } from '../src/store/create-db.js';
import { createModuleStore } from '../src/store/create-module-store.js';
import { migrateLatest } from '../src/store/migrate.js';
import type { ModuleDeps } from '../src/usecases/module-deps.js';
import { LeaseLostError, RunLease } from '../src/usecases/reconcile/run-lease.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

describe('run leases on the database clock (MariaDB)', () => {
  let db: TestDatabase;
  let knex: Knex;
  let deps: ModuleDeps;
  before(async () => {
    db = await createTestDatabase('mysql');
    knex = createDb(db.url);
    await migrateLatest(knex);
    deps = {
      store: createModuleStore(knex),
      logger: createLogger('silent'),
      policy: { orderWindowSeconds: 900, waitSeconds: 1, ownerGraceSeconds: 60, leaseSeconds: 30 },
    } as unknown as ModuleDeps;
  });
  after(async () => {
    await knex.destroy();
    await db.drop();
  });

  const expiry = async (name: string) => String((await knex('cpbillmgr_lock').where({ name }).first())?.expires_at);

  test('A held lease keeps others out, is extended while the run works, and is given back at the end', async () => {
    const first = await RunLease.acquire(deps, 'bench');
    assert.ok(first);
    assert.equal(await RunLease.acquire(deps, 'bench'), undefined, 'a second run is refused');
    const before = await expiry('bench');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await first.renew();
    assert.ok((await expiry('bench')) > before, 'extended by the database clock');
    first.guard();
    await first.release();
    const next = await RunLease.acquire(deps, 'bench');
    assert.ok(next);
    await next.release();
  });

  test('A run whose lease was taken over stops before its next upstream call', async () => {
    const run = await RunLease.acquire(deps, 'takeover');
    assert.ok(run);
    // The lease ran out while the run stalled, and another run took it.
    await knex('cpbillmgr_lock')
      .where({ name: 'takeover' })
      .update({ holder: 'other:1:1', expires_at: '2999-01-01T00:00:00.000Z' });
    await run.renew();
    assert.throws(() => run.guard(), LeaseLostError);
    await run.release();
    assert.equal(
      String((await knex('cpbillmgr_lock').where({ name: 'takeover' }).first())?.holder),
      'other:1:1',
      'the other run keeps it',
    );
  });
});
