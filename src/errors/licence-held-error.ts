import { ModuleError } from './module-error.js';

/** A licence about to be recorded for an item is recorded as another live item's: neither record is changed. */
export class LicenceHeldError extends ModuleError {
  readonly type = 'value';
}
