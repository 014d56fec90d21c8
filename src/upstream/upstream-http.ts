import type { UpstreamError } from '../errors/upstream-error.js';
import { UpstreamUnavailableError } from '../errors/upstream-error.js';
import type { Logger } from '../logging/create-logger.js';
import { parseUpstreamXml, type XmlNode } from './parse-upstream-xml.js';

export type UpstreamParams = Record<string, string | number | undefined>;

export interface UpstreamHttpOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly logger: Logger;
  readonly timeoutMs: number;
  /** Turns an error document into the error to throw; the two generations spell errors differently. */
  readonly readError: (doc: XmlNode) => UpstreamError | undefined;
}

/** Sends one function call and returns its `<doc>`; `auth: false` for public functions (`pricelist.export`). */
export type UpstreamCall = (func: string, params?: UpstreamParams, options?: { auth?: boolean }) => Promise<XmlNode>;

export function createUpstreamHttp(options: UpstreamHttpOptions): UpstreamCall {
  const { url, username, password, logger, timeoutMs, readError } = options;
  return async (func, params = {}, { auth = true } = {}) => {
    const form = new URLSearchParams({ func, out: 'xml' });
    for (const [key, value] of Object.entries(params)) if (value !== undefined) form.set(key, String(value));
    if (auth) form.set('authinfo', `${username}:${password}`);
    const logged = { func, params: loggableParams(params, auth ? username : undefined) };
    const started = performance.now();
    const finish = (outcome: string, extra: Record<string, unknown> = {}) =>
      logger.info({ ...logged, ms: Math.round(performance.now() - started), outcome, ...extra }, 'upstream call');
    let doc: XmlNode | undefined;
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: form,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await response.text();
      if (response.status !== 200) throw new UpstreamUnavailableError(`Upstream ${func}: HTTP ${response.status}`);
      doc = parseUpstreamXml(body);
      if (doc === undefined) throw new UpstreamUnavailableError(`Upstream ${func}: the answer is not a <doc> document`);
    } catch (cause) {
      const error =
        cause instanceof UpstreamUnavailableError
          ? cause
          : new UpstreamUnavailableError(`Upstream ${func}: ${describeFailure(cause, timeoutMs)}`, { cause });
      finish('unavailable', { reason: error.message });
      throw error;
    }
    const error = readError(doc);
    if (error) {
      finish(`error:${error.upstreamType}`, { object: error.object });
      throw error;
    }
    finish('ok');
    return doc;
  };
}

/** The password never reaches the log: authinfo shows only its user, password-like fields are masked. */
function loggableParams(params: UpstreamParams, user: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    out[key] = /pass|authinfo/i.test(key) ? '***' : String(value);
  }
  if (user !== undefined) out.authinfo = `${user}:***`;
  return out;
}

function describeFailure(cause: unknown, timeoutMs: number): string {
  if (cause instanceof Error) {
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return `${cause.message}${inner}`;
  }
  return String(cause);
}
