import { isDeadlock } from './is-deadlock.js';
import { ModuleError } from './module-error.js';

/**
 * The billing database could not serve this call: unreachable, the connection was lost, too many
 * connections, or the transaction lost a deadlock and was rolled back. Retrying the call later may
 * succeed; every use case is written to be retried. The message names the driver's code only —
 * never the host, user or SQL, which may carry what the caller must not see.
 */
export class DatabaseUnavailableError extends ModuleError {
  readonly type = 'database';
  override readonly retryable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'database', undefined, options);
  }
}

/**
 * Socket-level codes. They count only on errors mysql2 marked `fatal` (the connection is dead):
 * the upstream HTTP client meets the same codes, and those are upstream failures, not ours.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOENT', // a unix socket path that does not exist
  'PROTOCOL_CONNECTION_LOST',
]);

/** Server answers that mean "not now" rather than "wrong": MariaDB/MySQL names and numbers. */
const SERVER_CODES = new Set([
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
]);
const SERVER_ERRNOS = new Set([1040, 1203, 1053, 1927]);

/**
 * Whether `error` (or an error in its `cause` chain) says the database could not be reached or the
 * connection broke — mysql2, knex's pool, or SQLite busy/unopenable. Not: bad SQL, constraint
 * violations, wrong credentials or an unknown database, which retrying won't fix.
 */
export function isConnectionError(error: unknown): boolean {
  return someInCauseChain(error, isConnectionErrorItself);
}

/** A lost connection or a lost deadlock as a `DatabaseUnavailableError`; anything else: undefined. */
export function toDatabaseError(error: unknown): DatabaseUnavailableError | undefined {
  if (error instanceof DatabaseUnavailableError) return error;
  if (isConnectionError(error)) {
    const code = codeOf(error);
    return new DatabaseUnavailableError(
      `the billing database is unavailable${code ? ` (${code})` : ''}; the call can be retried later`,
      { cause: error },
    );
  }
  if (someInCauseChain(error, isDeadlock)) {
    return new DatabaseUnavailableError(
      'the billing database rolled the transaction back (deadlock or lock wait timeout); the call can be retried',
      { cause: error },
    );
  }
  return undefined;
}

function isConnectionErrorItself(error: object): boolean {
  const { code, errno, fatal, name, message } = error as {
    code?: unknown;
    errno?: unknown;
    fatal?: unknown;
    name?: unknown;
    message?: unknown;
  };
  if (fatal === true) return typeof code !== 'string' || NETWORK_CODES.has(code) || code.startsWith('PROTOCOL_');
  if (typeof code === 'string' && SERVER_CODES.has(code)) return true;
  if (typeof errno === 'number' && SERVER_ERRNOS.has(errno) && typeof code === 'string') return true;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_CANTOPEN'))) return true;
  if (typeof message !== 'string') return false;
  if (name === 'KnexTimeoutError') return message.startsWith('Knex: Timeout acquiring a connection');
  // knex after destroy(); better-sqlite3 when the file's folder is gone (it gives no code).
  return message === 'Unable to acquire a connection' || message.startsWith('Cannot open database because');
}

function codeOf(error: unknown): string | undefined {
  let found: string | undefined;
  someInCauseChain(error, (each) => {
    const { code, name } = each as { code?: unknown; name?: unknown };
    found = typeof code === 'string' ? code : name === 'KnexTimeoutError' ? 'pool timeout' : undefined;
    return found !== undefined;
  });
  return found && /^[\w -]{1,40}$/.test(found) ? found : undefined;
}

function someInCauseChain(error: unknown, test: (error: object) => boolean): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (test(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
