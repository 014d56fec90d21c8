import type { Knex } from 'knex';
import type { BillingReader, RunningOperation, Tariff, TariffPeriod } from '../../ports/billing.js';
import { readAddonSlots } from './bm6-addon-slots.js';
import { readEnumerationChoice, readEnumerationChoices } from './bm6-enumeration-choices.js';
import { readItemRows, readItems, toBillingItems } from './bm6-items.js';
import { type Decrypt, MODULE_COLUMNS, withModuleParams } from './bm6-modules.js';
import { chunked, ITEM_COLUMNS, num, numOrNull, type Row, rowToTariff, safeKey, TARIFF_COLUMNS } from './bm6-rows.js';
import { periodFromMonths } from './period-from-months.js';

/** The bm6 reader, plus what the bm6 writer needs to decide on a failed operation. */
export interface Bm6Reader extends BillingReader {
  /** Tasks BILLmanager holds for a running operation, whatever their status (module.cpp L751-752). */
  operationTaskCount(runningoperation: number): Promise<number>;
}

export interface Bm6ReaderOptions {
  /** Decrypts a `processingcryptedparam` value (base64 of RSA PKCS#1 v1.5); see `lazyDecrypter`. */
  readonly decrypt: Decrypt;
}

const DELETED = 4;

/**
 * Reads a real BILLmanager 5/6 billing (contract §5b, research §1) and never writes to it. Every query
 * names its columns and takes ids in chunks of 1000.
 */
export function createBm6Reader(knex: Knex, options: Bm6ReaderOptions): Bm6Reader {
  const items = (ids: readonly number[]) => readItems(knex, ids);

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
      return (await withModuleParams(knex, rows, options.decrypt))[0];
    },

    async modules(moduleName) {
      const rows = (await knex('processingmodule')
        .select(MODULE_COLUMNS)
        .where({ module: moduleName })
        .orderBy('id')) as Row[];
      return withModuleParams(knex, rows, options.decrypt);
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

    enumerationChoices: (addonTariffIds) => readEnumerationChoices(knex, addonTariffIds),

    enumerationChoice: (id) => readEnumerationChoice(knex, id),

    async itemsOfTariffs(pricelistIds, opts = {}) {
      const rows = await readItemRows((chunk) => {
        const query = knex('item').select(ITEM_COLUMNS).whereIn('item.pricelist', chunk);
        return opts.includeDeleted ? query : query.whereNot('item.status', DELETED);
      }, pricelistIds);
      return toBillingItems(knex, rows);
    },

    addonSlots: (addonTariffs, opts = {}) => readAddonSlots(knex, addonTariffs, opts),

    async params(item) {
      const rows = (await knex('itemparam').select('intname', 'value').where({ item }).orderBy('id')) as Row[];
      const params: Record<string, string> = {};
      for (const row of rows) if (safeKey(String(row.intname))) params[String(row.intname)] = String(row.value ?? '');
      return params;
    },

    /**
     * Integer add-ons are child items of tariffs with addontype 2; their quantity is the included
     * amount plus what was ordered on top (research §1 query: IFNULL(addonlimit) + intvalue).
     */
    async integerAddons(item) {
      const rows = (await knex('item as a')
        .join('pricelist as p', 'p.id', 'a.pricelist')
        .leftJoin('itemtype as t', 't.id', 'p.itemtype')
        .select(
          'p.intname as intname',
          't.intname as typename',
          'a.addonlimit as own',
          'p.addonlimit as base',
          'a.intvalue',
        )
        .where('a.parent', item)
        .where('p.addontype', 2)
        .whereNot('a.status', DELETED)) as Row[];
      const quantities: Record<string, number> = {};
      for (const row of rows) {
        const name = String(row.intname || row.typename || '');
        if (!safeKey(name)) continue;
        quantities[name] = num(row.own ?? row.base ?? 0) + num(row.intvalue ?? 0);
      }
      return quantities;
    },

    async runningOperation(id) {
      // Only the columns a real query shows (research §1): whether the table names its item is not known.
      const row = (await knex('runningoperation').select('id', 'trycount').where({ id }).first()) as Row | undefined;
      if (!row) return undefined;
      const operation: RunningOperation = { id: num(row.id), trycount: num(row.trycount ?? 0) };
      return operation;
    },

    async operationTaskCount(runningoperation) {
      const row = (await knex('task').count({ n: '*' }).where({ runningoperation }).first()) as Row | undefined;
      return num(row?.n ?? 0);
    },
  };
}
