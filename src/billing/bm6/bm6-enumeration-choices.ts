import type { Knex } from 'knex';
import type { EnumerationChoice } from '../../ports/billing.js';
import { chunked, num, numOrNull, type Row } from './bm6-rows.js';

/**
 * The items of the tariff's `enumeration` (research §1: an enumeration item belongs to an
 * enumeration, not to a tariff); when `pricelist2enumerationitem` lists items for the tariff, only
 * those ~ (or those alone when the tariff names no enumeration).
 */
export async function readEnumerationChoices(
  knex: Knex,
  addonTariffIds: readonly number[],
): Promise<EnumerationChoice[]> {
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
}

/** An enumeration may serve several tariffs ✘: the choice names the lowest-numbered one. */
export async function readEnumerationChoice(knex: Knex, id: number): Promise<EnumerationChoice | undefined> {
  const row = (await knex('enumerationitem').select('id', 'enumeration', 'name', 'intname').where({ id }).first()) as
    | Row
    | undefined;
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
}
