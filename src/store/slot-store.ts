import type { Knex } from 'knex';
import type { SlotStore } from '../ports/module-store.js';
import { isUniqueViolation } from './is-unique-violation.js';
import { retryAlone } from './retry-alone.js';

const TABLE = 'cpbillmgr_slot';

/** Slot ids are negated row ids, so they never meet a billing item id in the journal or the links. */
export class KnexSlotStore implements SlotStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async idFor(main: number, addonTariff: number): Promise<number> {
    const existing = await this.db(TABLE).where({ main, addon_pricelist: addonTariff }).first();
    if (existing) return -Number(existing.id);
    try {
      await retryAlone(this.db, () => this.db(TABLE).insert({ main, addon_pricelist: addonTariff }));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const row = await this.db(TABLE).where({ main, addon_pricelist: addonTariff }).first();
    return -Number(row.id);
  }

  async listAll(): Promise<Map<string, number>> {
    const rows = await this.db(TABLE).select('id', 'main', 'addon_pricelist');
    return new Map(rows.map((row) => [`${row.main}:${row.addon_pricelist}`, -Number(row.id)]));
  }

  async find(id: number): Promise<{ main: number; addonTariff: number } | undefined> {
    const row = await this.db(TABLE)
      .where({ id: Math.abs(id) })
      .first();
    return row ? { main: Number(row.main), addonTariff: Number(row.addon_pricelist) } : undefined;
  }
}
