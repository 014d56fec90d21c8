import type { LicenceStatus } from '../domain/licence-status.js';

export type JournalAction = 'order' | 'prolong';
/** `intent`: written, maybe sent, outcome unknown. The rest are final. */
export type JournalState = 'intent' | 'done' | 'failed' | 'lost';

export interface JournalEntry {
  readonly id: number;
  readonly item: number;
  readonly module: number;
  readonly action: JournalAction;
  readonly state: JournalState;
  /** Sent upstream as `remoteid` for orders; unique across the journal. */
  readonly key: string;
  readonly packageId: number | null;
  readonly periodId: number | null;
  readonly ip: string;
  readonly licname: string;
  readonly licenceId: number | null;
  readonly oldExpiredate: string | null;
  readonly runningoperation: number | null;
  /** `host:pid` of the process that wrote the intent, to tell a live sender from a dead one. */
  readonly owner: string;
  readonly note: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewJournalEntry = Omit<JournalEntry, 'id' | 'state' | 'note' | 'createdAt' | 'updatedAt'>;

/** The purchase journal (design-notes "A purchase journal that can't double-buy"). */
export interface JournalStore {
  /** Inserts an `intent`; returns undefined when the item already has an unsettled entry. */
  claim(entry: NewJournalEntry, now: string): Promise<JournalEntry | undefined>;
  findOpen(item: number): Promise<JournalEntry | undefined>;
  findByKey(key: string): Promise<JournalEntry | undefined>;
  listOpen(): Promise<JournalEntry[]>;
  listForItem(item: number): Promise<JournalEntry[]>;
  /** Moves an `intent` to a final state; false when someone else settled it first. */
  settle(
    id: number,
    outcome: { state: Exclude<JournalState, 'intent'>; licenceId?: number | null; note?: string },
    now: string,
  ): Promise<boolean>;
}

/** Which upstream licence serves which billing item, and what the module last saw of it. */
export interface LicenceLink {
  readonly item: number;
  readonly module: number;
  readonly licenceId: number;
  readonly packageId: number;
  readonly periodId: number | null;
  readonly ip: string;
  readonly licname: string;
  readonly status: LicenceStatus;
  readonly expiredate: string;
  readonly lickey: string;
}

export interface LicenceLinkStore {
  get(item: number): Promise<LicenceLink | undefined>;
  findByLicence(module: number, licenceId: number): Promise<LicenceLink | undefined>;
  listByModule(module: number): Promise<LicenceLink[]>;
  listAll(): Promise<LicenceLink[]>;
  upsert(link: LicenceLink, now: string): Promise<void>;
  remove(item: number): Promise<void>;
}

export interface SettingStore {
  get(name: string): Promise<string | undefined>;
  /** Stores the value unless one exists; returns the value in force. */
  setIfAbsent(name: string, value: string): Promise<string>;
}

export interface LockStore {
  /** A named lock with a lease, so a crashed holder can't block cron forever. */
  tryAcquire(name: string, holder: string, ttlSeconds: number, now: Date): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

/** All stores, bound to one connection or one transaction. */
export interface Stores {
  readonly billing: import('./billing-store.js').BillingStore;
  readonly journal: JournalStore;
  readonly links: LicenceLinkStore;
  readonly settings: SettingStore;
  readonly locks: LockStore;
  /** Runs `work` in one database transaction; the caller decides where it starts. */
  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T>;
}
