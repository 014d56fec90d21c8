import type { Knex } from 'knex';
import { NotConfiguredError } from '../../errors/module-error.js';
import type {
  AddonSlot,
  BillingItem,
  BillingReader,
  EnumerationChoice,
  ProcessingModule,
  RunningOperation,
  Tariff,
  TariffPeriod,
} from '../../ports/billing.js';
import {
  chunked,
  ITEM_COLUMNS,
  type ItemExtras,
  num,
  numOrNull,
  type Row,
  rowToItem,
  rowToTariff,
  TARIFF_COLUMNS,
} from './bm6-rows.js';
import { periodFromMonths } from './period-from-months.js';

/** The bm6 reader, plus what the bm6 writer needs to decide on a failed operation. */
export interface Bm6Reader extends BillingReader {
  /** Tasks BILLmanager holds for a running operation, whatever their status (module.cpp L751-752). */
  operationTaskCount(runningoperation: number): Promise<number>;
}

export interface Bm6ReaderOptions {
  /** Decrypts a `processingcryptedparam` value (base64 of RSA PKCS#1 v1.5); see `lazyDecrypter`. */
  readonly decrypt: (base64: string) => string | Promise<string>;
}

/** `billtype` codes that take an add-on out of the service's parameters (common.h L6-20, module.cpp AddItemAddon). */
const BT_COMPOUND = 4;
const BT_MANUAL = 10;
const DELETED = 4;
const AT_BOOLEAN = 1;
const AT_ENUM = 3;

/**
 * Reads a real BILLmanager 5/6 billing (contract §5b, research §1) and never writes to it. Every query
 * names its columns and takes ids in chunks of 1000.
 */
export function createBm6Reader(knex: Knex, options: Bm6ReaderOptions): Bm6Reader {
  async function itemRows(query: (chunk: number[]) => Knex.QueryBuilder, ids: readonly number[]): Promise<Row[]> {
    const rows: Row[] = [];
    for (const chunk of chunked([...new Set(ids)])) rows.push(...((await query(chunk)) as Row[]));
    return rows;
  }

  /**
   * A standalone licence's address is its `ip` param and its name its `licname` param; a server's
   * address comes from the `ip` table through its `ip` add-on item (research §1 "VPS IP"), which wins
   * when both exist. Which of several addresses is the main one is not known ✘: the lowest `ip.id`.
   */
  async function extrasOf(rows: readonly Row[]): Promise<Map<number, ItemExtras>> {
    const ids = rows.map((row) => num(row.id));
    const params = new Map<number, Record<string, string>>();
    const addresses = new Map<number, string>();
    for (const chunk of chunked(ids)) {
      const paramRows = (await knex('itemparam')
        .select('item', 'intname', 'value')
        .whereIn('item', chunk)
        .whereIn('intname', ['ip', 'licname'])
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
      });
    }
    return extras;
  }

  async function toItems(rows: readonly Row[]): Promise<BillingItem[]> {
    const extras = await extrasOf(rows);
    return rows.map((row) => rowToItem(row, extras.get(num(row.id)) ?? { ip: '', licname: '' }));
  }

  async function items(ids: readonly number[]): Promise<BillingItem[]> {
    const rows = await itemRows((chunk) => knex('item').select(ITEM_COLUMNS).whereIn('item.id', chunk), ids);
    return toItems(rows.sort((a, b) => num(a.id) - num(b.id)));
  }

  async function tariffs(ids: readonly number[]): Promise<Tariff[]> {
    const unique = [...new Set(ids)];
    const rows: Row[] = [];
    const links = new Map<number, number[]>();
    for (const chunk of chunked(unique)) {
      rows.push(
        ...((await knex('pricelist')
          .leftJoin('itemtype', 'itemtype.id', 'pricelist.itemtype')
          .select(TARIFF_COLUMNS)
          .whereIn('pricelist.id', chunk)) as Row[]),
      );
      const linkRows = (await knex('processingmodule2pricelist')
        .select('processingmodule', 'pricelist')
        .whereIn('pricelist', chunk)
        .orderBy('processingmodule')) as Row[];
      for (const link of linkRows) {
        const own = links.get(num(link.pricelist)) ?? [];
        own.push(num(link.processingmodule));
        links.set(num(link.pricelist), own);
      }
    }
    return rows.map((row) => rowToTariff(row, links.get(num(row.id)) ?? [])).sort((a, b) => a.id - b.id);
  }

  async function withParams(rows: readonly Row[]): Promise<ProcessingModule[]> {
    const ids = rows.map((row) => num(row.id));
    if (ids.length === 0) return [];
    const plain = (await knex('processingparam')
      .select('processingmodule', 'intname', 'value')
      .whereIn('processingmodule', ids)) as Row[];
    const crypted = (await knex('processingcryptedparam')
      .select('processingmodule', 'intname', 'value')
      .whereIn('processingmodule', ids)) as Row[];
    const modules: ProcessingModule[] = [];
    for (const row of rows) {
      const id = num(row.id);
      const name = String(row.name ?? '');
      const params: Record<string, string> = {};
      for (const param of plain) {
        if (num(param.processingmodule) === id) params[String(param.intname)] = String(param.value ?? '');
      }
      // A crypted parameter lives only in processingcryptedparam; should both hold one, the crypted wins.
      for (const param of crypted) {
        if (num(param.processingmodule) !== id) continue;
        const intname = String(param.intname);
        try {
          params[intname] = await options.decrypt(String(param.value ?? ''));
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new NotConfiguredError(
            `processing module #${id} '${name}': crypted parameter '${intname}' can't be used: ${reason}`,
            intname,
            String(id),
            { cause: error },
          );
        }
      }
      modules.push({ id, name, module: String(row.module ?? ''), active: row.active === 'on', params });
    }
    return modules;
  }

  const MODULE_COLUMNS = ['id', 'name', 'module', 'active'];

  async function enumerationIntnames(ids: readonly number[]): Promise<Map<number, string>> {
    const names = new Map<number, string>();
    for (const chunk of chunked([...new Set(ids)])) {
      const rows = (await knex('enumerationitem').select('id', 'intname').whereIn('id', chunk)) as Row[];
      for (const row of rows) names.set(num(row.id), String(row.intname ?? ''));
    }
    return names;
  }

  return {
    async item(id) {
      return (await items([id]))[0];
    },

    items,

    async tariff(id) {
      return (await tariffs([id]))[0];
    },

    tariffs,

    async module(id) {
      const rows = (await knex('processingmodule').select(MODULE_COLUMNS).where({ id })) as Row[];
      return (await withParams(rows))[0];
    },

    async modules(moduleName) {
      const rows = (await knex('processingmodule')
        .select(MODULE_COLUMNS)
        .where({ module: moduleName })
        .orderBy('id')) as Row[];
      return withParams(rows);
    },

    /**
     * Tariffs linked to the module in `processingmodule2pricelist` (module.cpp L800-807), plus the add-on
     * tariffs under them. How an operator marks a licence add-on of a VPS tariff as this module's is not
     * known ✘; linking the add-on tariff itself in processingmodule2pricelist works too.
     */
    async moduleTariffs(moduleId) {
      const linked = (
        (await knex('processingmodule2pricelist').select('pricelist').where({ processingmodule: moduleId })) as Row[]
      ).map((row) => num(row.pricelist));
      const children: number[] = [];
      for (const chunk of chunked(linked)) {
        const rows = (await knex('pricelist').select('id').whereIn('parent', chunk)) as Row[];
        children.push(...rows.map((row) => num(row.id)));
      }
      return tariffs([...linked, ...children]);
    },

    /**
     * BILLmanager has no period table: the periods of a tariff are the distinct `item.period` values of
     * its items (those whose code names a period; see periodFromMonths). A tariff nobody has ordered yet
     * has none.
     */
    async tariffPeriods(pricelistIds) {
      const periods: TariffPeriod[] = [];
      for (const chunk of chunked([...new Set(pricelistIds)])) {
        const rows = (await knex('item')
          .distinct('pricelist', 'period')
          .whereIn('pricelist', chunk)
          .whereNotNull('period')) as Row[];
        for (const row of rows) {
          const period = periodFromMonths(numOrNull(row.period));
          if (period) periods.push({ pricelistId: num(row.pricelist), ...period });
        }
      }
      return periods.sort((a, b) => a.pricelistId - b.pricelistId || a.id - b.id);
    },

    /**
     * The items of the tariff's `enumeration` (research §1: an enumeration item belongs to an
     * enumeration, not to a tariff); when `pricelist2enumerationitem` lists items for the tariff, only
     * those ~ (or those alone when the tariff names no enumeration).
     */
    async enumerationChoices(addonTariffIds) {
      const choices: EnumerationChoice[] = [];
      for (const chunk of chunked([...new Set(addonTariffIds)])) {
        const ofEnumeration = (await knex('pricelist')
          .join('enumerationitem', 'enumerationitem.enumeration', 'pricelist.enumeration')
          .select('pricelist.id as tariff', 'enumerationitem.id', 'enumerationitem.name', 'enumerationitem.intname')
          .whereIn('pricelist.id', chunk)) as Row[];
        const listed = (await knex('pricelist2enumerationitem')
          .join('enumerationitem', 'enumerationitem.id', 'pricelist2enumerationitem.enumerationitem')
          .select(
            'pricelist2enumerationitem.pricelist as tariff',
            'enumerationitem.id',
            'enumerationitem.name',
            'enumerationitem.intname',
          )
          .whereIn('pricelist2enumerationitem.pricelist', chunk)) as Row[];
        const restricted = new Map<number, Set<number>>();
        for (const row of listed) {
          const own = restricted.get(num(row.tariff)) ?? new Set<number>();
          own.add(num(row.id));
          restricted.set(num(row.tariff), own);
        }
        const seen = new Set<string>();
        for (const row of [...ofEnumeration, ...listed]) {
          const tariff = num(row.tariff);
          const only = restricted.get(tariff);
          const key = `${tariff}:${num(row.id)}`;
          if ((only && !only.has(num(row.id))) || seen.has(key)) continue;
          seen.add(key);
          choices.push({
            id: num(row.id),
            addonTariffId: tariff,
            name: String(row.name ?? ''),
            intname: String(row.intname ?? ''),
          });
        }
      }
      return choices.sort((a, b) => a.addonTariffId - b.addonTariffId || a.id - b.id);
    },

    /** An enumeration may serve several tariffs ✘: the choice names the lowest-numbered one. */
    async enumerationChoice(id) {
      const row = (await knex('enumerationitem')
        .select('id', 'enumeration', 'name', 'intname')
        .where({ id })
        .first()) as Row | undefined;
      if (!row) return undefined;
      const viaEnumeration =
        row.enumeration === null
          ? undefined
          : ((await knex('pricelist').min({ tariff: 'id' }).where({ enumeration: row.enumeration }).first()) as
              | Row
              | undefined);
      const viaList = (await knex('pricelist2enumerationitem')
        .min({ tariff: 'pricelist' })
        .where({ enumerationitem: id })
        .first()) as Row | undefined;
      const candidates = [numOrNull(viaEnumeration?.tariff), numOrNull(viaList?.tariff)].filter(
        (tariff): tariff is number => tariff !== null,
      );
      if (candidates.length === 0) return undefined;
      return {
        id: num(row.id),
        addonTariffId: Math.min(...candidates),
        name: String(row.name ?? ''),
        intname: String(row.intname ?? ''),
      };
    },

    async itemsOfTariffs(pricelistIds, opts = {}) {
      const rows = await itemRows((chunk) => {
        const query = knex('item').select(ITEM_COLUMNS).whereIn('item.pricelist', chunk);
        return opts.includeDeleted ? query : query.whereNot('item.status', DELETED);
      }, pricelistIds);
      return toItems(rows.sort((a, b) => num(a.id) - num(b.id)));
    },

    /**
     * One slot per (main service not deleted, add-on tariff under its tariff), as module.cpp
     * AddItemAddon lists add-ons: the child item when there is one, else the tariff's defaults; an
     * add-on billed as compound or manual is left out, and so is an inactive or `compound` one the
     * service has no child for. Of several children, a live one (the newest) is taken; a deleted child
     * means the add-on was taken away ~, so it asks for nothing.
     */
    async addonSlots(addonTariffs, opts = {}) {
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
        mainRows = await itemRows(
          (chunk) =>
            knex('item')
              .select(ITEM_COLUMNS)
              .whereIn('item.id', chunk)
              .whereIn('item.pricelist', mainTariffIds)
              .whereNot('item.status', DELETED),
          opts.mainIds,
        );
      } else {
        mainRows = await itemRows(
          (chunk) =>
            knex('item').select(ITEM_COLUMNS).whereIn('item.pricelist', chunk).whereNot('item.status', DELETED),
          mainTariffIds,
        );
      }
      mainRows.sort((a, b) => num(a.id) - num(b.id));
      const mains = await toItems(mainRows);

      const addonIds = addons.map((t) => t.id);
      const childRows = await itemRows(
        (chunk) => knex('item').select(ITEM_COLUMNS).whereIn('item.parent', chunk).whereIn('item.pricelist', addonIds),
        mains.map((m) => m.id),
      );
      const children = await toItems(childRows);
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
      const intnames = await enumerationIntnames(enumIds);
      return slots.map((slot): AddonSlot => ({ ...slot, choice: choiceOf(slot.tariff, slot.child, intnames) }));
    },

    async params(item) {
      const rows = (await knex('itemparam').select('intname', 'value').where({ item }).orderBy('id')) as Row[];
      const params: Record<string, string> = {};
      for (const row of rows) params[String(row.intname)] = String(row.value ?? '');
      return params;
    },

    async runningOperation(id) {
      const row = (await knex('runningoperation').select('id', 'item', 'trycount').where({ id }).first()) as
        | Row
        | undefined;
      if (!row) return undefined;
      const operation: RunningOperation = {
        id: num(row.id),
        item: numOrNull(row.item),
        trycount: num(row.trycount ?? 0),
      };
      return operation;
    },

    async operationTaskCount(runningoperation) {
      const row = (await knex('task').count({ n: '*' }).where({ runningoperation }).first()) as Row | undefined;
      return num(row?.n ?? 0);
    },
  };
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
