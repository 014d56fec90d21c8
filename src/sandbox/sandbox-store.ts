import Database from 'better-sqlite3';

export interface AccountRow {
  id: number;
  username: string;
  password: string;
  balance: number;
  discount: number;
}

export interface LicenceRow {
  id: number;
  account: number;
  package: number;
  period: number;
  ip: string;
  /** The panel's own address behind NAT; '' = same as `ip` [S8]. */
  remoteip: string;
  licname: string;
  /** Stored as sent with the order or an edit, never answered back (research "Verified 2026-11-26"). */
  remoteid: string;
  lickey: string;
  status: number;
  createdate: string;
  expiredate: string;
  processing_until: string;
  /** Months of the automatic renewal; 0 = none (`autoprolong=null`). */
  autoprolong: number;
  /** Count of the package's node add-on (`addon_<id>`); 0 for packages without one. */
  nodes: number;
  discount: number;
  ip_change_date: string;
  key_change_date: string;
}

export type NewLicence = Omit<LicenceRow, 'id'>;
export type ChargeKind = 'order' | 'prolong' | 'changepricelist' | 'autoprolong' | 'addon';

export interface LedgerRow {
  id: number;
  account: number;
  licence: number;
  kind: ChargeKind;
  amount: number;
  period: number;
  at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS account (
  id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password TEXT NOT NULL,
  balance REAL NOT NULL, discount REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS licence (
  id INTEGER PRIMARY KEY, account INTEGER NOT NULL REFERENCES account(id), package INTEGER NOT NULL,
  period INTEGER NOT NULL, ip TEXT NOT NULL, licname TEXT NOT NULL, remoteid TEXT NOT NULL, lickey TEXT NOT NULL,
  status INTEGER NOT NULL, createdate TEXT NOT NULL, expiredate TEXT NOT NULL, processing_until TEXT NOT NULL,
  autoprolong INTEGER NOT NULL, discount REAL NOT NULL, ip_change_date TEXT NOT NULL, key_change_date TEXT NOT NULL,
  remoteip TEXT NOT NULL DEFAULT '', nodes INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS licence_ip ON licence(ip);
CREATE INDEX IF NOT EXISTS licence_account ON licence(account, id);
CREATE INDEX IF NOT EXISTS licence_due ON licence(status, expiredate);
CREATE TABLE IF NOT EXISTS ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT, account INTEGER NOT NULL, licence INTEGER NOT NULL, kind TEXT NOT NULL,
  amount REAL NOT NULL, period INTEGER NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trial (
  ip TEXT NOT NULL, line TEXT NOT NULL, licence INTEGER NOT NULL, at TEXT NOT NULL, PRIMARY KEY (ip, line));
`;

/** Licence ids start here so that they never look like the billing's own item ids. */
const FIRST_LICENCE_ID = 1000;

/** Columns added after the first state files were written; a state file from before gets them on open. */
const ADDED_COLUMNS: Readonly<Record<string, string>> = {
  remoteip: "TEXT NOT NULL DEFAULT ''",
  nodes: 'INTEGER NOT NULL DEFAULT 0',
};

const LICENCE_COLUMNS = [
  'account',
  'package',
  'period',
  'ip',
  'remoteip',
  'licname',
  'remoteid',
  'lickey',
  'status',
  'createdate',
  'expiredate',
  'processing_until',
  'autoprolong',
  'nodes',
  'discount',
  'ip_change_date',
  'key_change_date',
] as const;

/** All SQL of the sandbox's own state. Money is kept in cents-rounded REALs; dates as ISO text. */
export function createSandboxStore(path: string) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);
  const present = new Set(
    db
      .prepare<[], { name: string }>('PRAGMA table_info(licence)')
      .all()
      .map((c) => c.name),
  );
  for (const [column, type] of Object.entries(ADDED_COLUMNS)) {
    if (!present.has(column)) db.exec(`ALTER TABLE licence ADD COLUMN ${column} ${type}`);
  }
  const licenceColumns = LICENCE_COLUMNS.join(', ');
  const licenceValues = LICENCE_COLUMNS.map((c) => `@${c}`).join(', ');
  const statements = {
    accountByName: db.prepare<[string], AccountRow>('SELECT * FROM account WHERE username = ?'),
    accountById: db.prepare<[number], AccountRow>('SELECT * FROM account WHERE id = ?'),
    countAccounts: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM account'),
    insertAccount: db.prepare('INSERT INTO account (username, password, balance, discount) VALUES (?, ?, ?, 0)'),
    setBalance: db.prepare('UPDATE account SET balance = round(?, 2) WHERE id = ?'),
    setAccountDiscount: db.prepare('UPDATE account SET discount = ? WHERE id = ?'),
    debit: db.prepare('UPDATE account SET balance = round(balance - ?, 2) WHERE id = ?'),
    licence: db.prepare<[number], LicenceRow>('SELECT * FROM licence WHERE id = ?'),
    licencesOf: db.prepare<[number], LicenceRow>('SELECT * FROM licence WHERE account = ? ORDER BY id'),
    allLicences: db.prepare<[], LicenceRow>('SELECT * FROM licence ORDER BY id'),
    licencesOnIp: db.prepare<[string], LicenceRow>('SELECT * FROM licence WHERE ip = ? AND status <> 4'),
    insertLicence: db.prepare(
      `INSERT INTO licence (id, ${licenceColumns}) VALUES ((SELECT COALESCE(MAX(id), ${FIRST_LICENCE_ID - 1}) + 1 FROM licence), ${licenceValues})`,
    ),
    insertLicenceWithId: db.prepare(`INSERT INTO licence (id, ${licenceColumns}) VALUES (@id, ${licenceValues})`),
    nextLicenceId: db.prepare<[], { id: number }>(
      `SELECT COALESCE(MAX(id), ${FIRST_LICENCE_ID - 1}) + 1 AS id FROM licence`,
    ),
    licencePage: db.prepare<[number, number, number], LicenceRow>(
      'SELECT * FROM licence WHERE account = ? AND id > ? ORDER BY id LIMIT ?',
    ),
    due: db.prepare<[string, string, string], LicenceRow>(
      `SELECT * FROM licence WHERE (status = 5 AND processing_until <= ?)
         OR (status = 2 AND expiredate <> '' AND expiredate <= ?)
         OR (status = 3 AND expiredate <> '' AND expiredate <= ?) ORDER BY id`,
    ),
    insertLedger: db.prepare(
      'INSERT INTO ledger (account, licence, kind, amount, period, at) VALUES (?, ?, ?, round(?, 2), ?, ?)',
    ),
    ledgerOf: db.prepare<[number], LedgerRow>('SELECT * FROM ledger WHERE account = ? ORDER BY id'),
    trial: db.prepare<[string, string], { licence: number }>('SELECT licence FROM trial WHERE ip = ? AND line = ?'),
    insertTrial: db.prepare('INSERT OR IGNORE INTO trial (ip, line, licence, at) VALUES (?, ?, ?, ?)'),
    meta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
  };
  return {
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => db.close(),
    seedAccounts(accounts: readonly { username: string; password: string; balance: number }[]) {
      if ((statements.countAccounts.get()?.n ?? 0) > 0) return;
      for (const a of accounts) statements.insertAccount.run(a.username, a.password, a.balance);
    },
    accountByName: (username: string) => statements.accountByName.get(username),
    account: (id: number) => statements.accountById.get(id),
    setBalance: (account: number, amount: number) => void statements.setBalance.run(amount, account),
    setAccountDiscount: (account: number, percent: number) => void statements.setAccountDiscount.run(percent, account),
    licence: (id: number) => statements.licence.get(id),
    licencesOf: (account: number) => statements.licencesOf.all(account),
    allLicences: () => statements.allLicences.all(),
    licencesOnIp: (ip: string) => statements.licencesOnIp.all(ip),
    insertLicence(row: NewLicence): number {
      return Number(statements.insertLicence.run(row).lastInsertRowid);
    },
    /** Bulk insert for `licence.seed`: ids from the next free one up, all in one transaction. */
    insertLicences(count: number, rowAt: (index: number, id: number) => NewLicence): { first: number; last: number } {
      return db.transaction(() => {
        const first = statements.nextLicenceId.get()?.id ?? FIRST_LICENCE_ID;
        for (let i = 0; i < count; i++) statements.insertLicenceWithId.run({ ...rowAt(i, first + i), id: first + i });
        return { first, last: first + count - 1 };
      })();
    },
    /**
     * An account's licences in id order, one page at a time: a 100 000-row list is rendered and sent
     * page by page, and no SQLite cursor stays open across the awaits between pages.
     */
    *licencePages(account: number, pageSize: number): Generator<LicenceRow[]> {
      let after = 0;
      for (;;) {
        const page = statements.licencePage.all(account, after, pageSize);
        if (page.length === 0) return;
        yield page;
        after = page[page.length - 1]!.id;
      }
    },
    updateLicence(id: number, change: Partial<NewLicence>) {
      const keys = Object.keys(change);
      if (keys.length === 0) return;
      db.prepare(`UPDATE licence SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({
        ...change,
        id,
      });
    },
    /** Licences whose processing window ended, active ones at expiry, suspended ones due for deletion. */
    due: (nowIso: string, today: string, deleteUpTo: string) => statements.due.all(nowIso, today, deleteUpTo),
    charge(account: number, licence: number, kind: ChargeKind, amount: number, period: number, at: string) {
      statements.debit.run(amount, account);
      statements.insertLedger.run(account, licence, kind, amount, period, at);
    },
    ledgerOf: (account: number) => statements.ledgerOf.all(account),
    trialUsed: (ip: string, line: string) => statements.trial.get(ip, line) !== undefined,
    registerTrial: (ip: string, line: string, licence: number, at: string) =>
      void statements.insertTrial.run(ip, line, licence, at),
    meta: (key: string) => statements.meta.get(key)?.value,
    setMeta: (key: string, value: string) => void statements.setMeta.run(key, value),
  };
}

export type SandboxStore = ReturnType<typeof createSandboxStore>;
