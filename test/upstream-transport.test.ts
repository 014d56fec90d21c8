import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { UpstreamUnavailableError } from '../src/errors/upstream-error.js';
import { createUpstreamHttp } from '../src/upstream/upstream-http.js';
import type { ElemFields } from '../src/upstream/xml/stream-elems.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/**
 * The upstream transport over node:http against a local server whose answers each test sets: what
 * fetch did (form, redirects, compression, BOM) is what the module still does.
 */
describe('upstream transport', () => {
  const seen: Seen[] = [];
  let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_req, res) => res.end();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(req, res, body);
    });
  });
  let base = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const client = (timeoutMs = 1000) =>
    createUpstreamHttp({
      url: `${base}/billmgr`,
      username: 'reseller',
      password: 'p&ss word',
      logger: pino({ level: 'silent' }),
      timeoutMs,
      readError: () => undefined,
    });
  const failure = async (promise: Promise<unknown>): Promise<UpstreamUnavailableError> => {
    const error = await promise.then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof UpstreamUnavailableError, String(error));
    return error;
  };

  test('When a function is called, then one POST carries the urlencoded form with out=xml, lang=en and authinfo', async () => {
    seen.length = 0;
    answer = (_req, res) => res.end('<doc><ok/></doc>');
    assert.deepEqual(await client().call('soft.edit', { elid: 7, ip: '10.0.0.1', skipped: undefined }), { ok: '' });
    assert.equal(seen.length, 1);
    const [request] = seen;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, '/billmgr');
    assert.equal(request?.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
    assert.equal(request?.body, 'func=soft.edit&out=xml&lang=en&elid=7&ip=10.0.0.1&authinfo=reseller%3Ap%26ss+word');
  });

  test('When the answer is gzip-compressed or starts with a byte-order mark, then it is read as the document', async () => {
    answer = (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync('\uFEFF<?xml version="1.0"?><doc><balance>12.50</balance></doc>'));
    };
    assert.deepEqual(await client().call('subaccount'), { balance: '12.50' });
    assert.match(String(seen.at(-1)?.headers['accept-encoding']), /gzip/);
  });

  test('When the upstream redirects, then 307 repeats the form at the new place and 302 fetches it without the form', async () => {
    seen.length = 0;
    answer = (req, res) => {
      if (req.url === '/billmgr') res.writeHead(307, { location: '/moved' }).end();
      else if (req.url === '/moved') res.writeHead(302, { location: `${base}/final` }).end();
      else res.end('<doc><ok/></doc>');
    };
    assert.deepEqual(await client().call('soft.order.param', { ip: '10.0.0.2' }), { ok: '' });
    assert.deepEqual(
      seen.map((s) => [s.method, s.url, s.body.includes('func=soft.order.param')]),
      [
        ['POST', '/billmgr', true],
        ['POST', '/moved', true],
        ['GET', '/final', false],
      ],
    );
  });

  test('When the answer is not HTTP 200, then the call is unavailable with the status, maybe sent', async () => {
    answer = (_req, res) => res.writeHead(502).end('<html>bad gateway</html>');
    const error = await failure(client().call('soft'));
    assert.equal(error.message, 'Upstream soft: HTTP 502');
    assert.equal(error.sent, true);
  });

  test('When no whole answer comes within the timeout, then the call is unavailable, maybe sent', async () => {
    answer = (_req, res) => {
      res.writeHead(200);
      res.write('<doc><ok/>');
    };
    const started = Date.now();
    const error = await failure(client(300).call('service.prolong'));
    assert.equal(error.message, 'Upstream service.prolong: no answer within 300 ms');
    assert.equal(error.sent, true);
    assert.ok(Date.now() - started < 3000);
  });

  test('When a list keeps arriving, then it may take longer than the timeout; silence longer than it fails the list', async () => {
    const rows = (from: number) => Array.from({ length: 5 }, (_, i) => `<elem><id>${from + i}</id></elem>`).join('');
    const drip = (res: ServerResponse, parts: string[], gapMs: number) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      const next = () => {
        const part = parts.shift();
        if (part === undefined) return;
        if (parts.length === 0) res.end(part);
        else res.write(part);
        setTimeout(next, gapMs);
      };
      next();
    };
    answer = (_req, res) => drip(res, ['<doc>', rows(1), rows(6), rows(11), '</doc>'], 120);
    const got: ElemFields[] = [];
    const count = await client(300).stream('soft', {}, (batch) => {
      got.push(...batch);
    });
    assert.equal(count, 15);
    assert.deepEqual(
      got.map((row) => row.id),
      Array.from({ length: 15 }, (_, i) => String(i + 1)),
    );

    answer = (_req, res) => drip(res, ['<doc>', rows(1), '</doc>'], 600);
    const error = await failure(client(300).stream('soft', {}, () => undefined));
    assert.equal(error.message, 'Upstream soft: the answer is not a whole <doc> document (idle)');
    assert.equal(error.sent, true);
  });

  test('When the address is https, then the exchange goes over TLS (a plain HTTP server fails the handshake)', async () => {
    seen.length = 0;
    const tls = createUpstreamHttp({
      url: `${base.replace('http:', 'https:')}/billmgr`,
      username: 'reseller',
      password: 'secret',
      logger: pino({ level: 'silent' }),
      timeoutMs: 1000,
      readError: () => undefined,
    });
    const error = await failure(tls.call('soft'));
    assert.match(error.message, /SSL|TLS|EPROTO|wrong version/i);
    assert.equal(seen.length, 0, 'no HTTP request reached the server');
  });

  test('When nothing listens at the address, then the call is known not to have been sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = createUpstreamHttp({
      url: `http://127.0.0.1:${port}/billmgr`,
      username: 'reseller',
      password: 'secret',
      logger: pino({ level: 'silent' }),
      timeoutMs: 1000,
      readError: () => undefined,
    });
    const error = await failure(refused.call('soft.order.param'));
    assert.equal(error.sent, false);
    assert.match(error.message, /ECONNREFUSED/);
  });
});
