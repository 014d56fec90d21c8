import type { Catalogue } from '../domain/catalogue-types.js';
import type { Logger } from '../logging/create-logger.js';

export interface UpstreamClientDeps {
  readonly logger: Logger;
  readonly catalogue: Catalogue;
  /** Per-call limit; past it the call counts as unavailable (it may still have taken effect). */
  readonly timeoutMs?: number;
}
