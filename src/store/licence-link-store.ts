import type { Knex } from 'knex';
import { isLicenceStatus, LicenceStatus } from '../domain/licence-status.js';
import type { LicenceLink, LicenceLinkStore } from '../ports/module-store.js';

const TABLE = 'cpbillmgr_licence';
type Row = Record<string, unknown>;

function rowToLink(row: Row): LicenceLink {
  const status = Number(row.status);
  return {
    item: Number(row.item),
    module: Number(row.module),
    licenceId: Number(row.licence_id),
    packageId: Number(row.package_id),
    periodId: row.period_id === null || row.period_id === undefined ? null : Number(row.period_id),
    ip: String(row.ip ?? ''),
    licname: String(row.licname ?? ''),
    status: isLicenceStatus(status) ? status : LicenceStatus.processing,
    expiredate: String(row.expiredate ?? ''),
    lickey: String(row.lickey ?? ''),
  };
}

export class KnexLicenceLinkStore implements LicenceLinkStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async get(item: number): Promise<LicenceLink | undefined> {
    const row = await this.db(TABLE).where({ item }).first();
    return row ? rowToLink(row) : undefined;
  }

  async findByLicence(module: number, licenceId: number): Promise<LicenceLink | undefined> {
    const row = await this.db(TABLE).where({ module, licence_id: licenceId }).first();
    return row ? rowToLink(row) : undefined;
  }

  async listByModule(module: number): Promise<LicenceLink[]> {
    return (await this.db(TABLE).where({ module }).orderBy('item')).map(rowToLink);
  }

  async listAll(): Promise<LicenceLink[]> {
    return (await this.db(TABLE).orderBy('item')).map(rowToLink);
  }

  async upsert(link: LicenceLink, now: string): Promise<void> {
    const row = {
      module: link.module,
      licence_id: link.licenceId,
      package_id: link.packageId,
      period_id: link.periodId,
      ip: link.ip,
      licname: link.licname,
      status: link.status,
      expiredate: link.expiredate,
      lickey: link.lickey,
      updated_at: now,
    };
    const updated = await this.db(TABLE).where({ item: link.item }).update(row);
    if (updated === 0) await this.db(TABLE).insert({ item: link.item, ...row });
  }

  async remove(item: number): Promise<void> {
    await this.db(TABLE).where({ item }).delete();
  }
}
