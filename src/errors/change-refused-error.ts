import { ModuleError } from './module-error.js';

/**
 * A package change refused before anything changed: the old licence still serves the item, and the
 * billing's tariff change is rolled back. `type` is the refusal's own (balance, ip_taken, upstream…).
 */
export class ChangeRefusedError extends ModuleError {
  readonly type: string;

  constructor(message: string, cause?: unknown) {
    const inner = cause instanceof ModuleError ? cause : undefined;
    super(message, inner?.object ?? 'pricelist', inner?.value, { cause });
    this.type = inner?.type ?? 'upstream';
  }
}

/**
 * A package change that parked the old licence and then could not acquire the new one, nor bring the
 * old one back: the item has no licence until a retry succeeds. `type` is the refusal's own.
 */
export class ChangeIncompleteError extends ModuleError {
  readonly type: string;

  constructor(message: string, cause: ModuleError) {
    super(message, cause.object, cause.value, { cause });
    this.type = cause.type;
  }
}
