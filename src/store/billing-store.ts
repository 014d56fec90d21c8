import type { Knex } from 'knex';
import type { BillingItem, EnumerationItem, LocalPeriod, ProcessingModule, Tariff } from '../domain/billing-types.js';
import type { PeriodUnit } from '../domain/catalogue-types.js';
import type { BillingStore, ItemPatch } from '../ports/billing-store.js';

type Row = Record<string, unknown>;

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const strOrNull = (value: unknown): string | null =>
  value === null || value === undefined || value === '' ? null : String(value).slice(0, 10);

function rowToItem(row: Row): BillingItem {
  const boolvalue = row.boolvalue === 'on' || row.boolvalue === 'off' ? row.boolvalue : null;
  return {
    id: num(row.id),
    accountId: num(row.account),
    name: String(row.name ?? ''),
    pricelistId: num(row.pricelist),
    parentId: numOrNull(row.parent),
    processingModuleId: numOrNull(row.processingmodule),
    periodId: numOrNull(row.period),
    status: num(row.status),
    ip: String(row.ip ?? ''),
    opendate: strOrNull(row.opendate),
    expiredate: strOrNull(row.expiredate),
    boolvalue,
    enumerationItemId: numOrNull(row.enumerationitem),
  };
}

function rowToTariff(row: Row): Tariff {
  return {
    id: num(row.id),
    name: String(row.name ?? ''),
    intname: String(row.intname ?? ''),
    itemtype: String(row.itemtype_intname ?? ''),
    parentId: numOrNull(row.parent),
    addontype: num(row.addontype ?? 0),
    processingModuleId: numOrNull(row.processingmodule),
    active: row.active !== 'off',
  };
}

const UNITS: readonly PeriodUnit[] = ['day', 'month', 'lifetime'];

function rowToPeriod(row: Row): LocalPeriod {
  const unit = String(row.unit);
  return {
    id: num(row.id),
    pricelistId: num(row.pricelist),
    length: num(row.length),
    // A unit the module doesn't know can't match any upstream period; resolution reports it.
    unit: (UNITS as readonly string[]).includes(unit) ? (unit as PeriodUnit) : ('month' as PeriodUnit),
  };
}

function rowToEnumerationItem(row: Row): EnumerationItem {
  return {
    id: num(row.id),
    pricelistId: num(row.pricelist),
    name: String(row.name ?? ''),
    intname: String(row.intname ?? ''),
  };
}

const ID_CHUNK = 1000;

const TARIFF_COLUMNS = [
  'pricelist.id',
  'pricelist.name',
  'pricelist.intname',
  'pricelist.parent',
  'pricelist.addontype',
  'pricelist.processingmodule',
  'pricelist.active',
  'itemtype.intname as itemtype_intname',
];

export class KnexBillingStore implements BillingStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async findItem(id: number): Promise<BillingItem | undefined> {
    const row = await this.db('item').where({ id }).first();
    return row ? rowToItem(row) : undefined;
  }

  async findItems(ids: readonly number[]): Promise<BillingItem[]> {
    // Chunked: checkevent asks for every linked item, and SQLite caps bound variables per statement.
    const items: BillingItem[] = [];
    for (let start = 0; start < ids.length; start += ID_CHUNK) {
      const rows = await this.db('item').whereIn('id', ids.slice(start, start + ID_CHUNK));
      items.push(...rows.map(rowToItem));
    }
    return items;
  }

  async findTariff(id: number): Promise<Tariff | undefined> {
    return (await this.findTariffs([id]))[0];
  }

  async findTariffs(ids: readonly number[]): Promise<Tariff[]> {
    if (ids.length === 0) return [];
    const rows = await this.tariffQuery().whereIn('pricelist.id', ids);
    return rows.map(rowToTariff);
  }

  async findPeriod(id: number): Promise<LocalPeriod | undefined> {
    const row = await this.db('period').where({ id }).first();
    return row ? rowToPeriod(row) : undefined;
  }

  async findEnumerationItem(id: number): Promise<EnumerationItem | undefined> {
    const row = await this.db('enumerationitem').where({ id }).first();
    return row ? rowToEnumerationItem(row) : undefined;
  }

  async findModule(id: number): Promise<ProcessingModule | undefined> {
    const row = await this.db('processingmodule').where({ id }).first();
    if (!row) return undefined;
    return (await this.withParams([row]))[0];
  }

  async listModules(moduleName: string): Promise<ProcessingModule[]> {
    const rows = await this.db('processingmodule').where({ module: moduleName }).orderBy('id');
    return this.withParams(rows);
  }

  async listModuleTariffs(moduleId: number): Promise<Tariff[]> {
    const rows = await this.tariffQuery().where('pricelist.processingmodule', moduleId).orderBy('pricelist.id');
    return rows.map(rowToTariff);
  }

  async listTariffPeriods(pricelistIds: readonly number[]): Promise<LocalPeriod[]> {
    if (pricelistIds.length === 0) return [];
    return (await this.db('period').whereIn('pricelist', pricelistIds).orderBy('id')).map(rowToPeriod);
  }

  async listEnumerationItems(pricelistIds: readonly number[]): Promise<EnumerationItem[]> {
    if (pricelistIds.length === 0) return [];
    return (await this.db('enumerationitem').whereIn('pricelist', pricelistIds).orderBy('id')).map(
      rowToEnumerationItem,
    );
  }

  async listItemsOfTariffs(pricelistIds: readonly number[]): Promise<BillingItem[]> {
    if (pricelistIds.length === 0) return [];
    const rows = await this.db('item').whereIn('pricelist', pricelistIds).whereNot('status', 4).orderBy('id');
    return rows.map(rowToItem);
  }

  async updateItem(id: number, patch: ItemPatch): Promise<void> {
    const changes: Row = {};
    if (patch.status !== undefined) changes.status = patch.status;
    if (patch.expiredate !== undefined) changes.expiredate = patch.expiredate;
    if (patch.opendate !== undefined) changes.opendate = patch.opendate;
    if (Object.keys(changes).length > 0) await this.db('item').where({ id }).update(changes);
  }

  async getParams(item: number): Promise<Record<string, string>> {
    const rows = await this.db('itemparam').where({ item }).orderBy('id');
    const params: Record<string, string> = {};
    for (const row of rows) params[String(row.intname)] = String(row.value ?? '');
    return params;
  }

  async saveParam(item: number, intname: string, value: string): Promise<void> {
    const updated = await this.db('itemparam').where({ item, intname }).update({ value });
    if (updated === 0) await this.db('itemparam').insert({ item, intname, value });
  }

  private tariffQuery() {
    return this.db('pricelist').leftJoin('itemtype', 'itemtype.id', 'pricelist.itemtype').select(TARIFF_COLUMNS);
  }

  private async withParams(rows: Row[]): Promise<ProcessingModule[]> {
    const ids = rows.map((row) => num(row.id));
    const params = ids.length ? await this.db('processingparam').whereIn('processingmodule', ids) : [];
    return rows.map((row) => {
      const own: Record<string, string> = {};
      for (const param of params) {
        if (num(param.processingmodule) === num(row.id)) own[String(param.intname)] = String(param.value ?? '');
      }
      return {
        id: num(row.id),
        name: String(row.name ?? ''),
        module: String(row.module ?? ''),
        active: row.active !== 'off',
        params: own,
      };
    });
  }
}
