import type { UpstreamError } from '../errors/upstream-error.js';
import { UpstreamUnavailableError } from '../errors/upstream-error.js';
import type { Logger } from '../logging/create-logger.js';
import { CONNECT_TIMEOUT, postForm } from './post-form.js';
import { parseDoc, type XmlNode } from './xml/parse-doc.js';
import { type ElemFields, MalformedXmlError, streamElems } from './xml/stream-elems.js';

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

export interface UpstreamHttp {
  /** Sends one function call and returns its whole, well-formed `<doc>`; `auth: false` for public functions. */
  call(func: string, params?: UpstreamParams, options?: { auth?: boolean }): Promise<XmlNode>;
  /** Sends a list function and streams its `<elem>` rows (see `streamElems`); resolves to the row count. */
  stream(
    func: string,
    params: UpstreamParams,
    onBatch: (rows: ElemFields[]) => Promise<void> | void,
    batchSize?: number,
  ): Promise<number>;
}

/** Failures that happen before a request leaves this host: the upstream cannot have acted on it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', CONNECT_TIMEOUT, 'ERR_INVALID_URL']);

/**
 * The upstream's HTTP transport: POSTs `func` with `out=xml`, `lang=en` and `authinfo`, logs every
 * call with the password redacted, and turns every failure into a typed error. No answer within the
 * timeout, an HTTP error, and a malformed or truncated body are all `UpstreamUnavailableError`: the
 * call may have taken effect.
 */
export function createUpstreamHttp(options: UpstreamHttpOptions): UpstreamHttp {
  const { url, username, password, logger, timeoutMs, readError } = options;

  const request = async (func: string, params: UpstreamParams, auth: boolean, signal: AbortSignal) => {
    const form = new URLSearchParams({ func, out: 'xml', lang: 'en' });
    for (const [key, value] of Object.entries(params)) if (value !== undefined) form.set(key, String(value));
    if (auth) form.set('authinfo', `${username}:${password}`);
    const answer = await postForm(url, form, signal);
    if (answer.status !== 200) {
      answer.body.destroy();
      throw new UpstreamUnavailableError(`Upstream ${func}: HTTP ${answer.status}`);
    }
    return answer.body;
  };

  const logCall = (func: string, params: UpstreamParams, auth: boolean) => {
    const logged = { func, params: loggableParams(params, auth ? username : undefined) };
    const started = performance.now();
    return (outcome: string, extra: Record<string, unknown> = {}) =>
      logger.info({ ...logged, ms: Math.round(performance.now() - started), outcome, ...extra }, 'upstream call');
  };

  const failed = (func: string, cause: unknown, finish: ReturnType<typeof logCall>): never => {
    const error =
      cause instanceof UpstreamUnavailableError
        ? cause
        : new UpstreamUnavailableError(`Upstream ${func}: ${describeFailure(cause, timeoutMs)}`, {
            cause,
            sent: !notSent(cause),
          });
    finish('unavailable', { reason: error.message, sent: error.sent });
    throw error;
  };

  const refused = (doc: XmlNode, finish: ReturnType<typeof logCall>) => {
    const error = readError(doc);
    if (error) {
      finish(`error:${error.upstreamType}`, { object: error.object });
      throw error;
    }
  };

  return {
    async call(func, params = {}, { auth = true } = {}) {
      const finish = logCall(func, params, auth);
      let doc: XmlNode | undefined;
      try {
        const body = await request(func, params, auth, AbortSignal.timeout(timeoutMs));
        doc = parseDoc(await readText(body));
        if (doc === undefined) {
          throw new UpstreamUnavailableError(`Upstream ${func}: the answer is not a whole <doc> document`);
        }
      } catch (cause) {
        failed(func, cause, finish);
      }
      const answer = doc as XmlNode;
      refused(answer, finish);
      finish('ok');
      return answer;
    },

    async stream(func, params, onBatch, batchSize) {
      const finish = logCall(func, params, true);
      // A long list may take longer than one call's timeout to arrive: the limit is on silence.
      const abort = new AbortController();
      let idle = setTimeout(() => abort.abort(new DOMException('idle', 'TimeoutError')), timeoutMs);
      const touch = () => {
        clearTimeout(idle);
        idle = setTimeout(() => abort.abort(new DOMException('idle', 'TimeoutError')), timeoutMs);
      };
      let result: Awaited<ReturnType<typeof streamElems>> | undefined;
      try {
        const body = await request(func, params, true, abort.signal);
        async function* chunks(): AsyncIterable<Uint8Array> {
          for await (const chunk of body) {
            touch();
            yield chunk;
          }
        }
        result = await streamElems(chunks(), onBatch, batchSize);
      } catch (cause) {
        const error =
          cause instanceof MalformedXmlError
            ? new UpstreamUnavailableError(
                `Upstream ${func}: the answer is not a whole <doc> document (${cause.message})`,
              )
            : cause;
        failed(func, error, finish);
      } finally {
        clearTimeout(idle);
      }
      const streamed = result as Awaited<ReturnType<typeof streamElems>>;
      if (streamed.error) refused({ error: streamed.error }, finish);
      finish('ok', { rows: streamed.elems });
      return streamed.elems;
    },
  };
}

/** The whole body as text, as fetch's `text()` read it: UTF-8, a byte-order mark dropped, bad bytes replaced. */
async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}

function notSent(cause: unknown): boolean {
  for (let current: unknown = cause, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code && NOT_SENT_CODES.has(code)) return true;
    current = current.cause;
  }
  return false;
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
  if (cause instanceof Error || cause instanceof DOMException) {
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return `${cause.message}${inner}`;
  }
  return String(cause);
}
