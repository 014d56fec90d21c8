import type { Knex } from 'knex';
import type { PeriodUnit } from '../../domain/catalogue-types.js';
import type {
  AddonSlot,
  BillingItem,
  BillingReader,
  EnumerationChoice,
  LocalPeriod,
  ProcessingModule,
  Tariff,
  TariffPeriod,
} from '../../ports/billing.js';
import { chunked } from '../../store/chunked.js';

type Row = Record<string, unknown>;

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const dateOrNull = (value: unknown): string | null =>
  value === null || value === undefined || value === '' ? null : String(value).slice(0, 10);

const UNITS: readonly PeriodUnit[] = ['day', 'month', 'lifetime'];

function toPeriod(row: Row): TariffPeriod {
  const unit = String(row.unit);
  return {
    id: num(row.id),
    pricelistId: num(row.pricelist),
    length: num(row.length),
    // A unit the module doesn't know can't match any upstream period; resolution reports it.
    unit: (UNITS as readonly string[]).includes(unit) ? (unit as PeriodUnit) : 'month',
  };
}

const ITEM_COLUMNS = [
  'item.id',
  'item.account',
  'item.name',
  'item.pricelist',
  'item.parent',
  'item.processingmodule',
  'item.status',
  'item.ip',
  'item.opendate',
  'item.expiredate',
  'item.boolvalue',
  'item.enumerationitem',
  'period.id as period_id',
  'period.length as period_length',
  'period.unit as period_unit',
  'period.pricelist as period_pricelist',
];

function toItem(row: Row): BillingItem {
  const boolvalue = row.boolvalue === 'on' || row.boolvalue === 'off' ? row.boolvalue : null;
  const period: LocalPeriod | null =
    row.period_id === null || row.period_id === undefined
      ? null
      : toPeriod({
          id: row.period_id,
          pricelist: row.period_pricelist,
          length: row.period_length,
          unit: row.period_unit,
        });
  return {
    id: num(row.id),
    accountId: num(row.account),
    name: String(row.name ?? ''),
    pricelistId: num(row.pricelist),
    parentId: numOrNull(row.parent),
    processingModuleId: numOrNull(row.processingmodule),
    period: period ? { id: period.id, length: period.length, unit: period.unit } : null,
    status: num(row.status),
    ip: String(row.ip ?? ''),
    licname: String(row.name ?? ''),
    opendate: dateOrNull(row.opendate),
    expiredate: dateOrNull(row.expiredate),
    boolvalue,
    enumerationItemId: numOrNull(row.enumerationitem),
    lastPricelistId: null,
    serviceStatus: null,
  };
}

function toTariff(row: Row): Tariff {
  return {
    id: num(row.id),
    intname: String(row.intname ?? ''),
    itemtype: String(row.itemtype_intname ?? ''),
    parentId: numOrNull(row.parent),
    addontype: num(row.addontype ?? 0),
    active: row.active !== 'off',
    moduleIds: row.processingmodule === null || row.processingmodule === undefined ? [] : [num(row.processingmodule)],
    defaultEnumerationItemId: null,
    defaultBool: null,
  };
}

function toChoice(row: Row): EnumerationChoice {
  return {
    id: num(row.id),
    addonTariffId: num(row.pricelist),
    name: String(row.name ?? ''),
    intname: String(row.intname ?? ''),
  };
}

const TARIFF_COLUMNS = [
  'pricelist.id',
  'pricelist.intname',
  'pricelist.parent',
  'pricelist.addontype',
  'pricelist.processingmodule',
  'pricelist.active',
  'itemtype.intname as itemtype_intname',
];

/**
 * The bm4 billing (contract §5, the seed's BILLmanager 4 model): `period` rows, `item.ip`,
 * `pricelist.processingmodule`, enumeration items per add-on tariff, add-on items always present.
 */
export class Bm4Reader implements BillingReader {
  constructor(private readonly db: Knex) {}

  async item(id: number): Promise<BillingItem | undefined> {
    return (await this.items([id]))[0];
  }

  async items(ids: readonly number[]): Promise<BillingItem[]> {
    const items: BillingItem[] = [];
    for (const chunk of chunked(ids)) items.push(...(await this.itemQuery().whereIn('item.id', chunk)).map(toItem));
    return items;
  }

  async tariff(id: number): Promise<Tariff | undefined> {
    return (await this.tariffs([id]))[0];
  }

  async tariffs(ids: readonly number[]): Promise<Tariff[]> {
    const tariffs: Tariff[] = [];
    for (const chunk of chunked(ids)) {
      tariffs.push(...(await this.tariffQuery().whereIn('pricelist.id', chunk)).map(toTariff));
    }
    return tariffs;
  }

  async module(id: number): Promise<ProcessingModule | undefined> {
    // One statement for the row and its parameters: every module call reads it before its first upstream call.
    const rows: Row[] = await this.db('processingmodule')
      .leftJoin('processingparam', 'processingparam.processingmodule', 'processingmodule.id')
      .where('processingmodule.id', id)
      .select(
        'processingmodule.id',
        'processingmodule.name',
        'processingmodule.module',
        'processingmodule.active',
        'processingparam.intname as param_name',
        'processingparam.value as param_value',
      )
      .orderBy('processingparam.id');
    const [first] = rows;
    if (!first) return undefined;
    const params: Record<string, string> = {};
    for (const row of rows) if (row.param_name !== null) params[String(row.param_name)] = String(row.param_value ?? '');
    return {
      id: num(first.id),
      name: String(first.name ?? ''),
      module: String(first.module ?? ''),
      active: first.active !== 'off',
      params,
    };
  }

  async modules(moduleName: string): Promise<ProcessingModule[]> {
    return this.withParams(await this.db('processingmodule').where({ module: moduleName }).orderBy('id'));
  }

  async moduleTariffs(moduleId: number): Promise<Tariff[]> {
    return (await this.tariffQuery().where('pricelist.processingmodule', moduleId).orderBy('pricelist.id')).map(
      toTariff,
    );
  }

  async tariffPeriods(pricelistIds: readonly number[]): Promise<TariffPeriod[]> {
    if (pricelistIds.length === 0) return [];
    return (await this.db('period').whereIn('pricelist', pricelistIds).orderBy('id')).map(toPeriod);
  }

  async enumerationChoices(addonTariffIds: readonly number[]): Promise<EnumerationChoice[]> {
    if (addonTariffIds.length === 0) return [];
    return (await this.db('enumerationitem').whereIn('pricelist', addonTariffIds).orderBy('id')).map(toChoice);
  }

  async enumerationChoice(id: number): Promise<EnumerationChoice | undefined> {
    const row = await this.db('enumerationitem').where({ id }).first();
    return row ? toChoice(row) : undefined;
  }

  async itemsOfTariffs(
    pricelistIds: readonly number[],
    options: { includeDeleted?: boolean } = {},
  ): Promise<BillingItem[]> {
    if (pricelistIds.length === 0) return [];
    const query = this.itemQuery().whereIn('item.pricelist', pricelistIds).orderBy('item.id');
    if (!options.includeDeleted) query.whereNot('item.status', 4);
    return (await query).map(toItem);
  }

  async addonSlots(
    addonTariffs: readonly Tariff[],
    options: { mainIds?: readonly number[] } = {},
  ): Promise<AddonSlot[]> {
    if (addonTariffs.length === 0) return [];
    const tariffIds = addonTariffs.map((t) => t.id);
    const children: BillingItem[] = [];
    if (options.mainIds) {
      for (const chunk of chunked(options.mainIds)) {
        const rows = await this.itemQuery()
          .whereIn('item.pricelist', tariffIds)
          .whereIn('item.parent', chunk)
          .orderBy('item.id');
        children.push(...rows.map(toItem));
      }
    } else {
      children.push(...(await this.itemsOfTariffs(tariffIds, { includeDeleted: true })));
    }
    const relevant = children.filter((child) => child.parentId !== null);
    const mains = new Map(
      (await this.items([...new Set(relevant.map((c) => c.parentId as number))])).map((m) => [m.id, m]),
    );
    const choices = new Map(
      (await this.enumerationChoices(addonTariffs.filter((t) => t.addontype === 3).map((t) => t.id))).map((c) => [
        c.id,
        c,
      ]),
    );
    const tariffOf = new Map(addonTariffs.map((t) => [t.id, t]));
    const slots: AddonSlot[] = [];
    for (const child of relevant) {
      const main = mains.get(child.parentId as number);
      const tariff = tariffOf.get(child.pricelistId);
      if (!main || !tariff || main.status === 4) continue;
      slots.push({ main, tariff, child, choice: choiceOf(child, tariff, choices) });
    }
    return slots;
  }

  async params(item: number): Promise<Record<string, string>> {
    const rows = await this.db('itemparam').where({ item }).orderBy('id');
    const params: Record<string, string> = {};
    for (const row of rows) params[String(row.intname)] = String(row.value ?? '');
    return params;
  }

  async integerAddons(): Promise<Record<string, number>> {
    return {};
  }

  async runningOperation(): Promise<undefined> {
    return undefined;
  }

  private itemQuery() {
    return this.db('item').leftJoin('period', 'period.id', 'item.period').select(ITEM_COLUMNS);
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

/** Enumeration add-ons ask for the chosen item's intname; boolean ones for the tariff's, when switched on. */
function choiceOf(child: BillingItem, tariff: Tariff, choices: ReadonlyMap<number, EnumerationChoice>): string | null {
  if (child.status === 4) return null;
  if (tariff.addontype === 3) {
    return child.enumerationItemId === null ? null : (choices.get(child.enumerationItemId)?.intname ?? null);
  }
  return child.boolvalue === 'on' ? tariff.intname : null;
}
