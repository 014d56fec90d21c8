import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/create-logger.js';
import { ModuleError } from './module-error.js';

/** Anything that isn't a ModuleError: the caller gets an id to find the stack in the log, never the stack. */
export class InternalError extends ModuleError {
  readonly type = 'internal';
}

export function toModuleError(error: unknown, logger: Logger): ModuleError {
  if (error instanceof ModuleError) return error;
  const id = randomUUID().slice(0, 8);
  logger.error({ err: error, errorId: id }, 'internal error');
  return new InternalError(`internal error ${id}; the module log has the details`, 'module');
}
