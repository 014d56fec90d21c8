import assert from 'node:assert/strict';
import { addLicenceItem, itemParams, P, PRO } from './billing-fixture.js';
import type { Harness } from './harness.js';
import { confDir } from './upstream-fixture.js';

/** cpbillmgr.conf folders for each package-change branch of the seed. */
export const USE_EXISTING = confDir('Option UseExistingOnUpgrade\n');
export const REUSE = confDir('Option ReUseLicense\nReusePrice 10\nReusePrice 11\n');
export const PLAIN = confDir('# no options\n');

/** A Lite item with its licence (opened over HTTP), then switched to the Pro tariff in the billing. */
export async function liteSwitchedToPro(h: Harness, ip: string): Promise<{ item: number; old: string }> {
  const item = await addLicenceItem(h.knex, { period: P.month, ip, name: `${ip}.example.com` });
  assert.ok('ok' in (await h.http('open', { elid: item })).doc);
  const old = (await itemParams(h.knex, item)).licenseid as string;
  await h.knex('item').where({ id: item }).update({ pricelist: PRO, period: P.proMonth });
  return { item, old };
}

/** The sandbox ledger's charges since a baseline, as [licence, kind] pairs. */
export async function newCharges(h: Harness, since: number): Promise<Array<[string, string]>> {
  return (await h.ledger()).slice(since).map((c) => [String(c.licence), String(c.kind)]);
}
