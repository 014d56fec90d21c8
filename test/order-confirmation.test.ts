import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import type { BillingItem, Tariff } from '../src/domain/billing-types.js';
import { InProgressError } from '../src/errors/module-error.js';
import { createLogger } from '../src/logging/create-logger.js';
import { emptyModuleConf } from '../src/module-conf/module-conf.js';
import type { LicenceForm, LicenceRow, UpstreamClient } from '../src/ports/upstream-client.js';
import { createDb } from '../src/store/create-db.js';
import { createModuleStore } from '../src/store/create-module-store.js';
import { migrateLatest } from '../src/store/migrate.js';
import type { LicenceTarget } from '../src/usecases/item/licence-target.js';
import { ensureLicence } from '../src/usecases/journal/ensure-licence.js';
import { KeyedMutex } from '../src/usecases/keyed-mutex.js';
import type { ModuleDeps } from '../src/usecases/module-deps.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const catalogue = createCatalogue(BUILTIN_PACKAGES);
const IP = '203.0.113.200';
const NAME = 'shop.example.com';

function form(id: number, over: Partial<LicenceForm> = {}): LicenceForm {
  return {
    id,
    licname: NAME,
    ip: IP,
    packageId: 55227,
    status: 2,
    expiredate: '2027-01-01',
    lickey: `${id}-KEY`,
    ...over,
  };
}

function row(id: number, over: Partial<LicenceRow> = {}): LicenceRow {
  const today = new Date().toISOString().slice(0, 10);
  return {
    id,
    licname: NAME,
    ip: IP,
    status: 2,
    expiredate: '2027-01-01',
    createdate: today,
    tariffName: 'ispmanager 6 Lite',
    packageId: null,
    autoprolong: false,
    ipChangedOn: '',
    keyChangedOn: '',
    cost: null,
    ...over,
  };
}

/** An upstream whose order answer names another customer's licence. */
function fakeUpstream(forms: Map<number, LicenceForm>, rows: LicenceRow[]): UpstreamClient & { orders: number } {
  const client = {
    orders: 0,
    account: { moduleId: 1, url: 'http://fake', username: 'u', password: 'p', api: 5 as const },
    async order() {
      client.orders += 1;
      return 777;
    },
    async form(id: number) {
      const found = forms.get(id);
      if (!found) throw new Error(`no licence ${id}`);
      return found;
    },
    async list() {
      return rows;
    },
    async scan(onBatch: (rows: readonly LicenceRow[]) => void) {
      onBatch(rows);
      return rows.length;
    },
  };
  return client as unknown as UpstreamClient & { orders: number };
}

describe('the id an order answer names is accepted only when its form shows what was ordered', () => {
  let db: TestDatabase;
  let knex: Knex;
  let deps: ModuleDeps;
  before(async () => {
    db = await createTestDatabase('mysql');
    knex = createDb(db.url);
    await migrateLatest(knex);
    deps = {
      store: createModuleStore(knex),
      catalogue,
      logger: createLogger('silent'),
      now: () => new Date(),
      itemLocks: new KeyedMutex(),
      policy: { orderWindowSeconds: 900, waitSeconds: 1, ownerGraceSeconds: 60, leaseSeconds: 60 },
      fault: () => undefined,
    } as unknown as ModuleDeps;
  });
  after(async () => {
    await knex.destroy();
    await db.drop();
  });

  const target = (item: number, client: UpstreamClient): LicenceTarget => {
    const tariff = { id: 12, intname: '55227-ispmanager 6 Lite', parentId: null, moduleIds: [1] } as unknown as Tariff;
    const carrier = { id: item, parentId: null, status: 1 } as unknown as BillingItem;
    return {
      carrierId: item,
      carrier,
      kind: 'standalone',
      carrierTariff: tariff,
      main: carrier,
      source: { kind: 'standalone', tariff },
      choice: tariff.intname,
      localPeriod: { id: 121, length: 1, unit: 'month' },
      licname: NAME,
      ip: IP,
      nodes: 1,
      module: { id: 1, name: 'm', module: 'pmcpbillmgr', active: true, params: {} },
      account: client.account,
      client,
      conf: emptyModuleConf('cpbillmgr5.conf'),
    };
  };

  test('When the answer names a licence on another IP, then ours is found by what was sent and recorded instead', async () => {
    const forms = new Map([
      [777, form(777, { ip: '192.0.2.99', licname: 'someone else' })],
      [888, form(888)],
    ]);
    const client = fakeUpstream(forms, [row(777, { ip: '192.0.2.99', licname: 'someone else' }), row(888)]);
    const { link, bought } = await ensureLicence(deps, target(9001, client), null);
    assert.equal(link.licenceId, 888);
    assert.ok(bought);
    assert.equal(client.orders, 1);
  });

  test('When the named licence is not ours and ours is not listed yet, then nothing is recorded and nothing is bought again', async () => {
    const forms = new Map([[777, form(777, { packageId: 55228 })]]);
    const client = fakeUpstream(forms, [row(777)]);
    await assert.rejects(ensureLicence(deps, target(9002, client), null), InProgressError);
    assert.equal(await deps.store.links.get(9002), undefined);
    await assert.rejects(ensureLicence(deps, target(9002, client), null), InProgressError);
    assert.equal(client.orders, 1, 'the unsettled order blocks a second one');
  });
});
