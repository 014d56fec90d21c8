import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/create-logger.js';
import { toDatabaseError } from './database-unavailable-error.js';
import { ModuleError } from './module-error.js';

/** Anything that isn't a ModuleError: the caller gets an id to find the stack in the log, never the stack. */
export class InternalError extends ModuleError {
  readonly type = 'internal';
}

/**
 * The one translation of a thrown value into what the caller is told. A database that is down or a
 * lost deadlock is not a bug: it answers the retryable `database` type, and the log keeps the cause.
 */
export function toModuleError(error: unknown, logger: Logger): ModuleError {
  if (error instanceof ModuleError) return error;
  const database = toDatabaseError(error);
  if (database) {
    logger.warn({ err: error }, 'database unavailable');
    return database;
  }
  const id = randomUUID().slice(0, 8);
  logger.error({ err: error, errorId: id }, 'internal error');
  return new InternalError(`internal error ${id}; the module log has the details`, 'module');
}
