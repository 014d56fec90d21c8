import type { Knex } from 'knex';
import type { BillingItem } from '../../ports/billing.js';
import { chunked, ITEM_COLUMNS, type ItemExtras, num, type Row, rowToItem } from './bm6-rows.js';

/** Rows of `item` a query gives for chunks of at most 1000 ids (duplicates dropped), in id order. */
export async function readItemRows(
  query: (chunk: number[]) => Knex.QueryBuilder,
  ids: readonly number[],
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const chunk of chunked([...new Set(ids)])) rows.push(...((await query(chunk)) as Row[]));
  return rows.sort((a, b) => num(a.id) - num(b.id));
}

/** `item` rows by id, as BillingItems. */
export async function readItems(knex: Knex, ids: readonly number[]): Promise<BillingItem[]> {
  const rows = await readItemRows((chunk) => knex('item').select(ITEM_COLUMNS).whereIn('item.id', chunk), ids);
  return toBillingItems(knex, rows);
}

/** `item` rows with their address and licence name, read for all of them in chunked queries. */
export async function toBillingItems(knex: Knex, rows: readonly Row[]): Promise<BillingItem[]> {
  const extras = await extrasOf(knex, rows);
  return rows.map((row) => rowToItem(row, extras.get(num(row.id)) ?? { ip: '', licname: '', serviceStatus: null }));
}

/**
 * A standalone licence's address is its `ip` param and its name its `licname` param; a server's
 * address comes from the `ip` table through its `ip` add-on item (research §1 "VPS IP"), which wins
 * when both exist. Which of several addresses is the main one is not known ✘: the lowest `ip.id`.
 * `service_status` is what the module last reported through `service.setstatus`.
 */
async function extrasOf(knex: Knex, rows: readonly Row[]): Promise<Map<number, ItemExtras>> {
  const ids = rows.map((row) => num(row.id));
  const params = new Map<number, Record<string, string>>();
  const addresses = new Map<number, string>();
  for (const chunk of chunked(ids)) {
    const paramRows = (await knex('itemparam')
      .select('item', 'intname', 'value')
      .whereIn('item', chunk)
      .whereIn('intname', ['ip', 'licname', 'service_status'])
      .orderBy('id')) as Row[];
    for (const row of paramRows) {
      const own = params.get(num(row.item)) ?? {};
      own[String(row.intname)] = String(row.value ?? '').trim();
      params.set(num(row.item), own);
    }
    const ipRows = (await knex('ip')
      .join('item as addon', 'ip.item', 'addon.id')
      .join('pricelist', 'addon.pricelist', 'pricelist.id')
      .join('itemtype', 'pricelist.itemtype', 'itemtype.id')
      .select('addon.parent as main', 'ip.name as address')
      .whereIn('addon.parent', chunk)
      .where('itemtype.intname', 'ip')
      .orderBy('ip.id')) as Row[];
    for (const row of ipRows) {
      const address = String(row.address ?? '').trim();
      if (address && !addresses.has(num(row.main))) addresses.set(num(row.main), address);
    }
  }
  const extras = new Map<number, ItemExtras>();
  for (const row of rows) {
    const id = num(row.id);
    const own = params.get(id) ?? {};
    extras.set(id, {
      ip: addresses.get(id) ?? own.ip ?? '',
      licname: own.licname || String(row.name ?? ''),
      serviceStatus: own.service_status && /^\d+$/.test(own.service_status) ? Number(own.service_status) : null,
    });
  }
  return extras;
}
