import type { Knex } from 'knex';
import type {
  JournalAction,
  JournalEntry,
  JournalOutcome,
  JournalState,
  JournalStore,
  NewJournalEntry,
} from '../ports/module-store.js';
import { isUniqueViolation } from './is-unique-violation.js';
import { retryAlone } from './retry-alone.js';

const TABLE = 'cpbillmgr_journal';
type Row = Record<string, unknown>;

const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const strOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));

function rowToEntry(row: Row): JournalEntry {
  return {
    id: Number(row.id),
    item: Number(row.item),
    module: Number(row.module),
    action: String(row.action) as JournalAction,
    state: String(row.state) as JournalState,
    key: String(row.idem_key),
    packageId: numOrNull(row.package_id),
    periodId: numOrNull(row.period_id),
    ip: String(row.ip ?? ''),
    licname: String(row.licname ?? ''),
    licenceId: numOrNull(row.licence_id),
    oldExpiredate: strOrNull(row.old_expiredate),
    runningoperation: numOrNull(row.runningoperation),
    owner: String(row.owner ?? ''),
    note: strOrNull(row.note),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

export class KnexJournalStore implements JournalStore {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly clock: () => Promise<Date>,
  ) {}

  async claim(entry: NewJournalEntry): Promise<JournalEntry | undefined> {
    const now = (await this.clock()).toISOString();
    let inserted: unknown[];
    try {
      inserted = await retryAlone(this.db, () =>
        this.db(TABLE).insert({
          item: entry.item,
          module: entry.module,
          action: entry.action,
          state: 'intent',
          idem_key: entry.key,
          open_item: entry.item,
          once_key: entry.once ?? null,
          package_id: entry.packageId,
          period_id: entry.periodId,
          ip: entry.ip,
          licname: entry.licname,
          licence_id: entry.licenceId,
          old_expiredate: entry.oldExpiredate,
          runningoperation: entry.runningoperation,
          owner: entry.owner,
          created_at: now,
          updated_at: now,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
    // The row is exactly what was written: no read back (every round trip counts on a module call).
    const id = Number(inserted[0]);
    if (!Number.isInteger(id) || id <= 0) return this.findByKey(entry.key);
    const { once: _once, ...fields } = entry;
    return { ...fields, id, state: 'intent', note: null, createdAt: now, updatedAt: now };
  }

  async findOpen(item: number): Promise<JournalEntry | undefined> {
    const row = await this.db(TABLE).where({ open_item: item }).first();
    return row ? rowToEntry(row) : undefined;
  }

  async findByKey(key: string): Promise<JournalEntry | undefined> {
    const row = await this.db(TABLE).where({ idem_key: key }).first();
    return row ? rowToEntry(row) : undefined;
  }

  async findOnce(once: string): Promise<JournalEntry | undefined> {
    const row = await this.db(TABLE).where({ once_key: once }).first();
    return row ? rowToEntry(row) : undefined;
  }

  async listForOperation(item: number, runningoperation: number): Promise<JournalEntry[]> {
    return (await this.db(TABLE).where({ item, runningoperation }).orderBy('id')).map(rowToEntry);
  }

  async listOpen(module?: number): Promise<JournalEntry[]> {
    const query = this.db(TABLE).whereNotNull('open_item').orderBy('id');
    if (module !== undefined) query.where({ module });
    return (await query).map(rowToEntry);
  }

  async listForItem(item: number): Promise<JournalEntry[]> {
    return (await this.db(TABLE).where({ item }).orderBy('id')).map(rowToEntry);
  }

  async noteLicence(id: number, licenceId: number): Promise<void> {
    await this.db(TABLE).where({ id, state: 'intent' }).update({ licence_id: licenceId });
  }

  async settle(id: number, outcome: JournalOutcome): Promise<boolean> {
    const changes: Row = {
      state: outcome.state,
      open_item: null,
      updated_at: (await this.clock()).toISOString(),
    };
    // A renewal that did not happen gives its claim back, so the expiry may be renewed again.
    if (outcome.state === 'failed' || outcome.state === 'lost') changes.once_key = null;
    if (outcome.licenceId !== undefined) changes.licence_id = outcome.licenceId;
    if (outcome.note !== undefined) changes.note = outcome.note.slice(0, 4000);
    const updated = await this.db(TABLE).where({ id, state: 'intent' }).update(changes);
    return updated > 0;
  }
}
