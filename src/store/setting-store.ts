import type { Knex } from 'knex';
import type { SettingStore } from '../ports/module-store.js';
import { isUniqueViolation } from './is-unique-violation.js';

const TABLE = 'cpbillmgr_setting';

export class KnexSettingStore implements SettingStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async get(name: string): Promise<string | undefined> {
    const row = await this.db(TABLE).where({ name }).first();
    return row ? String(row.value) : undefined;
  }

  async setIfAbsent(name: string, value: string): Promise<string> {
    try {
      await this.db(TABLE).insert({ name, value });
      return value;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return (await this.get(name)) ?? value;
    }
  }
}
