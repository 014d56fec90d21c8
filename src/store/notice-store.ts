import type { Knex } from 'knex';
import type { NewNotice, Notice, NoticeKind, NoticeStore } from '../ports/module-store.js';
import { isUniqueViolation } from './is-unique-violation.js';
import { retryAlone } from './retry-alone.js';

const TABLE = 'cpbillmgr_notice';
type Row = Record<string, unknown>;

function rowToNotice(row: Row): Notice {
  return {
    id: Number(row.id),
    module: Number(row.module),
    item: Number(row.item),
    licenceId: Number(row.licence_id),
    kind: String(row.kind) as NoticeKind,
    key: String(row.notice_key ?? ''),
    text: String(row.text ?? ''),
    createdAt: String(row.created_at),
    seenAt: String(row.seen_at),
  };
}

export class KnexNoticeStore implements NoticeStore {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly clock: () => Promise<Date>,
  ) {}

  async raise(notice: NewNotice): Promise<boolean> {
    const now = (await this.clock()).toISOString();
    const key = {
      module: notice.module,
      licence_id: notice.licenceId,
      kind: notice.kind,
      notice_key: notice.key.slice(0, 64),
    };
    try {
      await retryAlone(this.db, () =>
        this.db(TABLE).insert({
          ...key,
          item: notice.item,
          text: notice.text.slice(0, 4000),
          created_at: now,
          seen_at: now,
        }),
      );
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.db(TABLE).where(key).update({ seen_at: now });
      return false;
    }
  }

  async find(module: number, licenceId: number, kind: NoticeKind, key: string): Promise<Notice | undefined> {
    const row = await this.db(TABLE)
      .where({ module, licence_id: licenceId, kind, notice_key: key.slice(0, 64) })
      .first();
    return row ? rowToNotice(row) : undefined;
  }

  async listByModule(module: number, kind?: NoticeKind): Promise<Notice[]> {
    const query = this.db(TABLE).where({ module }).orderBy('id');
    if (kind) query.where({ kind });
    return (await query).map(rowToNotice);
  }
}
