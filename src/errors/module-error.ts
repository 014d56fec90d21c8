/**
 * Base of every error the module reports. `type` is the stable BILLmanager error type that ends up in
 * `<error type="…">`; `object` and `value` name what it is about. Entry points translate these once
 * (HTTP → XML document, CLI → XML on stdout and a non-zero exit); anything else is an internal error.
 */
export abstract class ModuleError extends Error {
  abstract readonly type: string;
  readonly object: string;
  readonly value: string | undefined;
  /** Whether retrying the same call later may succeed (timeouts, work in progress). */
  readonly retryable: boolean = false;

  constructor(message: string, object = '', value?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.object = object;
    this.value = value;
  }
}

/** A required parameter is absent. */
export class MissedError extends ModuleError {
  readonly type = 'missed';
  constructor(object: string, message = `Required parameter '${object}' is missing`) {
    super(message, object);
  }
}

/** A parameter is present but unusable. */
export class ValueError extends ModuleError {
  readonly type = 'value';
}

export class NotFoundError extends ModuleError {
  readonly type = 'notfound';
}

export class AccessError extends ModuleError {
  readonly type = 'access';
}

export class AuthError extends ModuleError {
  readonly type = 'auth';
}

/** The billing or cpbillmgr.conf doesn't say how to serve this item (no package, no period match). */
export class NotConfiguredError extends ModuleError {
  readonly type = 'not_configured';
}

export class NotSupportedError extends ModuleError {
  readonly type = 'not_supported';
}

/** Another call is working on the same service right now; BILLmanager should retry. */
export class InProgressError extends ModuleError {
  readonly type = 'in_progress';
  override readonly retryable = true;
}
