import type { Knex } from 'knex';
import type { AddonSlot, BillingItem, Tariff } from '../../ports/billing.js';
import { readItemRows, toBillingItems } from './bm6-items.js';
import { chunked, ITEM_COLUMNS, num, numOrNull, type Row } from './bm6-rows.js';

/** `billtype` codes that take an add-on out of the service's parameters (common.h L6-20, module.cpp AddItemAddon). */
const BT_COMPOUND = 4;
const BT_MANUAL = 10;
const DELETED = 4;
const AT_BOOLEAN = 1;
const AT_ENUM = 3;

/**
 * One slot per (main service not deleted, add-on tariff under its tariff), as module.cpp
 * AddItemAddon lists add-ons: the child item when there is one, else the tariff's defaults; an
 * add-on billed as compound or manual is left out, and so is an inactive or `compound` one the
 * service has no child for. Of several children, a live one (the newest) is taken; a deleted child
 * means the add-on was taken away ~, so it asks for nothing.
 */
export async function readAddonSlots(
  knex: Knex,
  addonTariffs: readonly Tariff[],
  opts: { mainIds?: readonly number[] } = {},
): Promise<AddonSlot[]> {
  const addons = addonTariffs.filter((t) => t.parentId !== null);
  if (addons.length === 0) return [];
  const byMainTariff = new Map<number, Tariff[]>();
  for (const tariff of [...addons].sort((a, b) => a.id - b.id)) {
    const own = byMainTariff.get(tariff.parentId as number) ?? [];
    own.push(tariff);
    byMainTariff.set(tariff.parentId as number, own);
  }
  const billing = new Map<number, Row>();
  for (const chunk of chunked(addons.map((t) => t.id))) {
    const rows = (await knex('pricelist').select('id', 'billtype', 'compound').whereIn('id', chunk)) as Row[];
    for (const row of rows) billing.set(num(row.id), row);
  }

  const mainTariffIds = [...byMainTariff.keys()];
  let mainRows: Row[];
  if (opts.mainIds) {
    mainRows = await readItemRows(
      (chunk) =>
        knex('item')
          .select(ITEM_COLUMNS)
          .whereIn('item.id', chunk)
          .whereIn('item.pricelist', mainTariffIds)
          .whereNot('item.status', DELETED),
      opts.mainIds,
    );
  } else {
    mainRows = await readItemRows(
      (chunk) => knex('item').select(ITEM_COLUMNS).whereIn('item.pricelist', chunk).whereNot('item.status', DELETED),
      mainTariffIds,
    );
  }
  const mains = await toBillingItems(knex, mainRows);

  const addonIds = addons.map((t) => t.id);
  const childRows = await readItemRows(
    (chunk) => knex('item').select(ITEM_COLUMNS).whereIn('item.parent', chunk).whereIn('item.pricelist', addonIds),
    mains.map((m) => m.id),
  );
  const children = await toBillingItems(knex, childRows);
  const childOf = new Map<string, BillingItem>();
  for (const child of children) {
    const key = `${child.parentId}:${child.pricelistId}`;
    const held = childOf.get(key);
    if (!held || preferChild(child, held)) childOf.set(key, child);
  }

  const slots: Array<{ main: BillingItem; tariff: Tariff; child: BillingItem | null }> = [];
  for (const main of mains) {
    for (const tariff of byMainTariff.get(main.pricelistId) ?? []) {
      const child = childOf.get(`${main.id}:${tariff.id}`) ?? null;
      const row = billing.get(tariff.id);
      const billtype = numOrNull(row?.billtype);
      if (billtype === BT_COMPOUND || billtype === BT_MANUAL) continue;
      if (!child && (!tariff.active || numOrNull(row?.compound) !== null)) continue;
      slots.push({ main, tariff, child });
    }
  }

  const enumIds = slots
    .filter((s) => s.tariff.addontype === AT_ENUM)
    .map((s) => s.child?.enumerationItemId ?? s.tariff.defaultEnumerationItemId)
    .filter((id): id is number => id !== null);
  const intnames = await enumerationIntnames(knex, enumIds);
  return slots.map((slot): AddonSlot => ({ ...slot, choice: choiceOf(slot.tariff, slot.child, intnames) }));
}

async function enumerationIntnames(knex: Knex, ids: readonly number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const chunk of chunked([...new Set(ids)])) {
    const rows = (await knex('enumerationitem').select('id', 'intname').whereIn('id', chunk)) as Row[];
    for (const row of rows) names.set(num(row.id), String(row.intname ?? ''));
  }
  return names;
}

function preferChild(candidate: BillingItem, held: BillingItem): boolean {
  const live = (item: BillingItem) => item.status !== DELETED;
  if (live(candidate) !== live(held)) return live(candidate);
  return candidate.id > held.id;
}

/**
 * What the slot asks for (module.cpp AddItemAddon): an enumeration add-on its chosen item's intname,
 * the child's or else the tariff's default; a boolean one its tariff's intname when the child's value,
 * else the default, is `on`. Integer add-ons ask for no licence.
 */
function choiceOf(tariff: Tariff, child: BillingItem | null, intnames: ReadonlyMap<number, string>): string | null {
  if (child && child.status === DELETED) return null;
  if (tariff.addontype === AT_ENUM) {
    const id = child?.enumerationItemId ?? tariff.defaultEnumerationItemId;
    return id === null ? null : intnames.get(id) || null;
  }
  if (tariff.addontype === AT_BOOLEAN) return (child?.boolvalue ?? tariff.defaultBool) === 'on' ? tariff.intname : null;
  return null;
}
