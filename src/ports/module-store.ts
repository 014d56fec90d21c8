import type { LicenceStatus } from '../domain/licence-status.js';

/**
 * `order` buys a licence; `prolong` renews one; `take` moves a pool licence to the item; `change`
 * changes a licence's package or parks it for a new one; `adopt` records a licence already on the
 * account (fixchilds: nothing is sent upstream, the entry is written settled).
 */
export type JournalAction = 'order' | 'prolong' | 'take' | 'change' | 'adopt';
/** `intent`: written, maybe sent, outcome unknown. The rest are final. */
export type JournalState = 'intent' | 'done' | 'failed' | 'lost';

export interface JournalEntry {
  readonly id: number;
  /** The billing item the licence serves (negative: an add-on slot without a child item). */
  readonly item: number;
  readonly module: number;
  readonly action: JournalAction;
  readonly state: JournalState;
  /** Unique across the journal; sent upstream as `remoteid` for orders (never read back). */
  readonly key: string;
  readonly packageId: number | null;
  readonly periodId: number | null;
  readonly ip: string;
  readonly licname: string;
  /** The licence acted on; for an order, the id its answer named (confirmed or not) or the one found. */
  readonly licenceId: number | null;
  /** Renewals: the expiry being renewed. */
  readonly oldExpiredate: string | null;
  readonly runningoperation: number | null;
  /** `host:pid` of the process that wrote the intent, to tell a live sender from a dead one. */
  readonly owner: string;
  readonly note: string | null;
  /** ISO times from the database's clock, so ages mean the same on every host. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewJournalEntry = Omit<JournalEntry, 'id' | 'state' | 'note' | 'createdAt' | 'updatedAt'> & {
  /**
   * What may be done only once: a renewal claims `licence:expiry`, so a second renewal of the same
   * expiry is refused by the database, whoever asks and however stale their view. Released when the
   * entry fails or is lost.
   */
  readonly once?: string;
};

export type JournalOutcome = {
  readonly state: Exclude<JournalState, 'intent'>;
  readonly licenceId?: number | null;
  readonly note?: string;
};

/** The purchase journal (design-notes "A purchase journal that can't double-buy"). */
export interface JournalStore {
  /** Inserts an `intent`; undefined when the item already has an unsettled entry or `once` is taken. */
  claim(entry: NewJournalEntry): Promise<JournalEntry | undefined>;
  findOpen(item: number): Promise<JournalEntry | undefined>;
  findByKey(key: string): Promise<JournalEntry | undefined>;
  /** The entry holding a `once` claim (done or still open). */
  findOnce(once: string): Promise<JournalEntry | undefined>;
  /** Renewal entries of an item for one BILLmanager running operation, oldest first. */
  listForOperation(item: number, runningoperation: number): Promise<JournalEntry[]>;
  listOpen(module?: number): Promise<JournalEntry[]>;
  listForItem(item: number): Promise<JournalEntry[]>;
  /** Records the licence id an order's answer named, before it is confirmed. */
  noteLicence(id: number, licenceId: number): Promise<void>;
  /** Moves an `intent` to a final state; false when someone else settled it first. */
  settle(id: number, outcome: JournalOutcome): Promise<boolean>;
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
  /** Links of these licences (any number of ids; chunked). */
  findByLicences(module: number, licenceIds: readonly number[]): Promise<LicenceLink[]>;
  listByModule(module: number): Promise<LicenceLink[]>;
  listAll(): Promise<LicenceLink[]>;
  /** One statement per link (INSERT … ON CONFLICT UPDATE): no gap-lock deadlock between concurrent opens. */
  upsert(link: LicenceLink): Promise<void>;
  upsertMany(links: readonly LicenceLink[]): Promise<void>;
  remove(item: number): Promise<void>;
}

export interface SettingStore {
  get(name: string): Promise<string | undefined>;
  /** Stores the value unless one exists; returns the value in force. */
  setIfAbsent(name: string, value: string): Promise<string>;
}

/** Named leases, timed by the database's clock so that hosts with skewed clocks agree. */
export interface LockStore {
  tryAcquire(name: string, holder: string, ttlSeconds: number): Promise<boolean>;
  /** Extends a lease still held; false when it was lost (expired and taken over). */
  renew(name: string, holder: string, ttlSeconds: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

/** Stable negative ids for licence add-ons that have no child item in the billing (bm6 tariff defaults). */
export interface SlotStore {
  idFor(main: number, addonTariff: number): Promise<number>;
  find(id: number): Promise<{ main: number; addonTariff: number } | undefined>;
  /** Every slot, keyed `main:addonTariff`. */
  listAll(): Promise<Map<string, number>>;
}

/** What a notice is about; see `NoticeStore`. */
export type NoticeKind = 'no_autorenew' | 'renewal_refused' | 'change_refused';

export interface Notice {
  readonly id: number;
  readonly module: number;
  readonly item: number;
  readonly licenceId: number;
  readonly kind: NoticeKind;
  /** What within the kind it is about: the expiry concerned, the package asked for. */
  readonly key: string;
  readonly text: string;
  /** First raised (ISO, database clock). */
  readonly createdAt: string;
  /** Last raised again. */
  readonly seenAt: string;
}

export type NewNotice = Omit<Notice, 'id' | 'createdAt' | 'seenAt'>;

/** Reports made once per (module, licence, kind, key), so a refused action is neither repeated nor retried in a loop. */
export interface NoticeStore {
  /** Records the notice; false when the same one exists already (then only its `seenAt` moves). */
  raise(notice: NewNotice): Promise<boolean>;
  find(module: number, licenceId: number, kind: NoticeKind, key: string): Promise<Notice | undefined>;
  listByModule(module: number, kind?: NoticeKind): Promise<Notice[]>;
}

/** The module's own tables (`cpbillmgr_*`), bound to one connection pool or one transaction. */
export interface ModuleStore {
  readonly journal: JournalStore;
  readonly links: LicenceLinkStore;
  readonly settings: SettingStore;
  readonly locks: LockStore;
  readonly slots: SlotStore;
  readonly notices: NoticeStore;
  /** The database's clock (ISO, UTC). */
  clock(): Promise<Date>;
  /** Runs `work` in one transaction of the module's tables, retried when the database broke a deadlock. */
  transaction<T>(work: (store: ModuleStore) => Promise<T>): Promise<T>;
}
