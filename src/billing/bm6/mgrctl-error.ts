import { ModuleError } from '../../errors/module-error.js';

/**
 * An mgrctl call failed: a non-zero exit, an `<error>` document, no answer in time, or an answer that
 * isn't a `<doc>`. `type` is the module's stable `billing`; `billingType`/`billingObject` keep what
 * BILLmanager said. Messages name the function and BILLmanager's text, never a parameter value (a
 * saved parameter may be a secret).
 */
export class MgrctlError extends ModuleError {
  readonly type = 'billing';
  override readonly retryable: boolean;
  readonly func: string;
  readonly billingType: string;
  readonly billingObject: string;
  readonly exitCode: number | null;

  constructor(
    func: string,
    message: string,
    details: { billingType?: string; billingObject?: string; exitCode?: number | null; retryable?: boolean } = {},
    options?: { cause?: unknown },
  ) {
    super(`mgrctl ${func}: ${message}`, func, undefined, options);
    this.func = func;
    this.billingType = details.billingType ?? '';
    this.billingObject = details.billingObject ?? '';
    this.exitCode = details.exitCode ?? null;
    this.retryable = details.retryable ?? false;
  }
}
