import type { Knex } from 'knex';
import type { Logger } from '../../logging/create-logger.js';
import type { BillingWriter } from '../../ports/billing.js';

/**
 * The bm4 billing (contract §5) has no mgrctl: the module writes what BILLmanager's post-calls would
 * — `item.status`, `item.expiredate`, `item.opendate`, `itemparam` rows — directly.
 */
export class Bm4Writer implements BillingWriter {
  constructor(
    private readonly db: Knex,
    private readonly today: () => string,
    private readonly logger: Logger,
  ) {}

  async opened(item: number): Promise<void> {
    await this.db('item').where({ id: item }).update({ status: 2 });
    await this.db('item').where({ id: item }).whereNull('opendate').update({ opendate: this.today() });
  }

  async suspended(item: number): Promise<void> {
    await this.setStatus(item, 3);
  }

  async resumed(item: number): Promise<void> {
    await this.setStatus(item, 2);
  }

  async closed(item: number): Promise<void> {
    await this.setStatus(item, 4);
  }

  async prolonged(): Promise<void> {
    // The new expiry is written by setExpiry; BILLmanager 4 has no operation to close.
  }

  async paramsChanged(): Promise<void> {}

  async saveParam(item: number, name: string, value: string): Promise<void> {
    const updated = await this.db('itemparam').where({ item, intname: name }).update({ value });
    if (updated === 0) await this.db('itemparam').insert({ item, intname: name, value });
  }

  async setExpiry(item: number, expiredate: string | null): Promise<void> {
    await this.db('item').where({ id: item }).update({ expiredate });
  }

  async setStatus(item: number, status: number): Promise<void> {
    await this.db('item').where({ id: item }).update({ status });
  }

  async rollbackTariffChange(item: number, previousPricelistId: number): Promise<void> {
    await this.db('item').where({ id: item }).update({ pricelist: previousPricelistId });
  }

  async operationFailed(runningoperation: number, command: string, item: number | null): Promise<void> {
    // BILLmanager 4 keeps no running operations; the failure is in the module's log and answer.
    this.logger.debug({ runningoperation, command, item }, 'bm4: no running operation to update');
  }
}
