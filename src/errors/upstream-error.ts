import { ModuleError } from './module-error.js';

/**
 * The upstream answered with an error document. Its own type is kept in `upstreamType`; `type` is the
 * module's stable name for it, so BILLmanager and operators see `balance` or `ip_taken` rather than
 * whatever the upstream generation calls them.
 */
export class UpstreamError extends ModuleError {
  readonly type: string;
  readonly upstreamType: string;

  constructor(upstreamType: string, message: string, object = '', value?: string) {
    super(message, object, value);
    this.upstreamType = upstreamType;
    this.type = moduleTypeFor(upstreamType, object);
  }
}

function moduleTypeFor(upstreamType: string, object: string): string {
  if (upstreamType === 'balance') return 'balance';
  if (upstreamType === 'exists' && object === 'ip') return 'ip_taken';
  if (upstreamType === 'auth' || upstreamType === 'access') return 'upstream_auth';
  return 'upstream';
}

/**
 * The upstream could not be reached or did not answer in time. The request may or may not have taken
 * effect upstream: purchases that end like this stay unsettled in the journal until found again.
 */
export class UpstreamUnavailableError extends ModuleError {
  readonly type = 'upstream';
  override readonly retryable = true;
  /**
   * False only when the request certainly never reached the upstream (connection refused, unknown
   * host): then a purchase can be settled as not made. True means "maybe": no answer, a late one, a
   * malformed or truncated one, an HTTP error page.
   */
  readonly sent: boolean;

  constructor(message: string, options?: { cause?: unknown; sent?: boolean }) {
    super(message, 'connection', undefined, options);
    this.sent = options?.sent ?? true;
  }
}
