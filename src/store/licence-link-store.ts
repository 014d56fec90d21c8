import type { Knex } from 'knex';
import { isLicenceStatus, LicenceStatus } from '../domain/licence-status.js';
import type { LicenceLink, LicenceLinkStore } from '../ports/module-store.js';
import { chunked } from './chunked.js';
import { retryAlone } from './retry-alone.js';

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

function linkToRow(link: LicenceLink, now: string): Row {
  return {
    item: link.item,
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
}

const MERGED = [
  'module',
  'licence_id',
  'package_id',
  'period_id',
  'ip',
  'licname',
  'status',
  'expiredate',
  'lickey',
  'updated_at',
];

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

  async findByLicences(module: number, licenceIds: readonly number[]): Promise<LicenceLink[]> {
    const links: LicenceLink[] = [];
    for (const ids of chunked(licenceIds)) {
      links.push(...(await this.db(TABLE).where({ module }).whereIn('licence_id', ids)).map(rowToLink));
    }
    return links;
  }

  async listByModule(module: number): Promise<LicenceLink[]> {
    return (await this.db(TABLE).where({ module }).orderBy('item')).map(rowToLink);
  }

  async listAll(): Promise<LicenceLink[]> {
    return (await this.db(TABLE).orderBy('item')).map(rowToLink);
  }

  async upsert(link: LicenceLink): Promise<void> {
    await this.upsertMany([link]);
  }

  async upsertMany(links: readonly LicenceLink[]): Promise<void> {
    const now = new Date().toISOString();
    for (const batch of chunked(links, 200)) {
      await retryAlone(this.db, () =>
        this.db(TABLE)
          .insert(batch.map((link) => linkToRow(link, now)))
          .onConflict('item')
          .merge(MERGED),
      );
    }
  }

  async remove(item: number): Promise<void> {
    await this.db(TABLE).where({ item }).delete();
  }
}
