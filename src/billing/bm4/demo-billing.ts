import type { Knex } from 'knex';
import { createBillingSchema } from './bm4-schema.js';

export interface DemoUpstream {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/**
 * A small billing for `npm start`: one customer, the module row pointing at the sandbox, a
 * "5-ISPmanager Lite" licence tariff with the wiki's periods, and three ordered licences waiting
 * for `open`. Seeds once; later starts only point the module at the sandbox again.
 */
export async function seedDemoBilling(knex: Knex, upstream: DemoUpstream): Promise<void> {
  await createBillingSchema(knex);
  const seeded = await knex('account').where({ id: 1 }).first();
  if (!seeded) {
    await knex('account').insert({ id: 1, name: 'Demo customer' });
    await knex('itemtype').insert([
      { id: 1, intname: 'soft' },
      { id: 2, intname: 'vds' },
    ]);
    await knex('processingmodule').insert({
      id: 1,
      name: 'ISPsystem licences (sandbox)',
      module: 'pmcpbillmgr',
      active: 'on',
    });
    await knex('pricelist').insert([
      {
        id: 10,
        name: 'ISPmanager Lite',
        intname: '5-ISPmanager Lite',
        itemtype: 1,
        addontype: 0,
        processingmodule: 1,
        active: 'on',
      },
      {
        id: 11,
        name: 'ISPmanager Pro',
        intname: '9-ISPmanager Pro',
        itemtype: 1,
        addontype: 0,
        processingmodule: 1,
        active: 'on',
      },
    ]);
    await knex('period').insert([
      { id: 101, pricelist: 10, length: 14, unit: 'day' },
      { id: 102, pricelist: 10, length: 1, unit: 'month' },
      { id: 103, pricelist: 10, length: 3, unit: 'month' },
      { id: 104, pricelist: 10, length: 12, unit: 'month' },
      { id: 105, pricelist: 10, length: 1, unit: 'lifetime' },
      { id: 111, pricelist: 11, length: 1, unit: 'month' },
    ]);
    await knex('item').insert([
      {
        id: 1001,
        account: 1,
        name: 'trial.example.com',
        pricelist: 10,
        processingmodule: 1,
        period: 101,
        status: 1,
        ip: '192.0.2.10',
      },
      {
        id: 1002,
        account: 1,
        name: 'shop.example.com',
        pricelist: 10,
        processingmodule: 1,
        period: 102,
        status: 1,
        ip: '192.0.2.11',
      },
      {
        id: 1003,
        account: 1,
        name: 'forever.example.com',
        pricelist: 10,
        processingmodule: 1,
        period: 105,
        status: 1,
        ip: '192.0.2.12',
      },
      {
        id: 1004,
        account: 1,
        name: 'pro.example.com',
        pricelist: 11,
        processingmodule: 1,
        period: 111,
        status: 1,
        ip: '192.0.2.13',
      },
    ]);
  }
  await knex('processingparam').where({ processingmodule: 1 }).delete();
  await knex('processingparam').insert([
    { processingmodule: 1, intname: 'url', value: upstream.url },
    { processingmodule: 1, intname: 'username', value: upstream.username },
    { processingmodule: 1, intname: 'password', value: upstream.password },
    { processingmodule: 1, intname: 'api', value: '5' },
  ]);
}
