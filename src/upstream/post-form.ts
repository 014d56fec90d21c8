import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

// TLS and decompression are loaded when an exchange needs them, not by every process (issue 7).
const load = createRequire(import.meta.url);
const https = () => load('node:https') as typeof import('node:https');
const zlib = () => load('node:zlib') as typeof import('node:zlib');

/** The code of a connection that was not made within `CONNECT_TIMEOUT_MS`: nothing was sent on it. */
export const CONNECT_TIMEOUT = 'CPBILLMGR_CONNECT_TIMEOUT';

/** How long a TCP (and TLS) connection may take to open, as Node's fetch (undici) allowed. */
const CONNECT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 20;

export interface FormAnswer {
  readonly status: number;
  /** The decoded body; it fails with the signal's reason when the signal aborts. */
  readonly body: Readable;
}

/**
 * POSTs a urlencoded form over node:http(s) the way the global fetch did before (issue 7: fetch loads
 * undici, ~20 ms of each short-lived process): the same body and content type, gzip/deflate (and br
 * over https) accepted and decoded, redirects followed as fetch follows them (301/302/303 become a GET
 * without the form, 307/308 repeat it; at most 20), a connection that does not open within 10 s fails
 * with `CONNECT_TIMEOUT`, and `signal` aborts the whole exchange, reading the body included.
 */
export async function postForm(url: string, form: URLSearchParams, signal: AbortSignal): Promise<FormAnswer> {
  let target = new URL(url);
  let body: string | undefined = form.toString();
  for (let redirects = 0; ; redirects += 1) {
    const response = await send(target, body, signal);
    const location = response.headers.location;
    const status = response.statusCode ?? 0;
    if (![301, 302, 303, 307, 308].includes(status) || location === undefined) {
      return { status, body: abortable(decoded(response), signal) };
    }
    response.resume();
    if (redirects >= MAX_REDIRECTS) throw new Error('redirect count exceeded');
    target = new URL(location, target);
    if (status !== 307 && status !== 308) body = undefined;
  }
}

function send(target: URL, body: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') throw new Error(`URL scheme must be http or https: ${target.href}`);
  const headers: Record<string, string> = {
    accept: '*/*',
    'accept-encoding': secure ? 'br, gzip, deflate' : 'gzip, deflate',
    'accept-language': '*',
    'user-agent': 'node',
  };
  if (body !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const request = (secure ? https().request : httpRequest)(target, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      signal,
    });
    request.on('socket', (socket: Socket) => limitConnect(socket, secure));
    request.on('response', resolve);
    request.on('error', reject);
    request.end(body);
  });
}

function limitConnect(socket: Socket, secure: boolean): void {
  if (!socket.connecting) return;
  const timer = setTimeout(() => {
    socket.destroy(
      Object.assign(new Error(`connection not opened within ${CONNECT_TIMEOUT_MS} ms`), { code: CONNECT_TIMEOUT }),
    );
  }, CONNECT_TIMEOUT_MS);
  const clear = () => clearTimeout(timer);
  socket.once(secure ? 'secureConnect' : 'connect', clear);
  socket.once('close', clear);
}

/** As fetch's body did, the stream fails with the abort's reason itself (a timeout stays a timeout). */
function abortable(body: Readable, signal: AbortSignal): Readable {
  const abort = () => body.destroy(signal.reason);
  if (signal.aborted) abort();
  else {
    signal.addEventListener('abort', abort, { once: true });
    body.once('close', () => signal.removeEventListener('abort', abort));
  }
  return body;
}

function decoded(response: IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib().createGunzip()
      : encoding === 'deflate'
        ? zlib().createInflate()
        : encoding === 'br'
          ? zlib().createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  response.on('error', (error) => decoder.destroy(error));
  decoder.on('close', () => response.destroy());
  return response.pipe(decoder);
}
