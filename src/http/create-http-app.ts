import express, { type NextFunction, type Request, type Response } from 'express';
import { toModuleError } from '../errors/internal-error.js';
import { ValueError } from '../errors/module-error.js';
import type { Logger } from '../logging/create-logger.js';
import { dispatchCommand } from '../protocol/dispatch-command.js';
import { parseCommand } from '../protocol/module-command.js';
import { parseConnectionXml } from '../protocol/parse-connection-xml.js';
import { renderError } from '../protocol/render-doc.js';
import type { ModuleDeps } from '../usecases/module-deps.js';
import { type ApiCredentials, checkAuth } from './check-auth.js';

function flatten(source: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (typeof source !== 'object' || source === null) return params;
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'string') params[key] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') params[key] = value[0];
  }
  return params;
}

function sendXml(res: Response, status: number, xml: string): void {
  res.status(status).type('text/xml; charset=utf-8').send(xml);
}

/**
 * The HTTP XML interface of `serve` (contract §3): `GET|POST /cpbillmgr?func=…&elid=…`. Form bodies
 * and query strings are merged; a `text/xml` body is the connection form for check_connection.
 * Errors are BILLmanager error documents; the HTTP status says the class (400/401/404/409/502).
 */
export function createHttpApp(deps: ModuleDeps, credentials: ApiCredentials, logger: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));
  app.use(express.text({ type: ['text/xml', 'application/xml'], limit: '64kb' }));

  app.all('/cpbillmgr', async (req: Request, res: Response) => {
    const started = process.hrtime.bigint();
    const params = { ...flatten(req.query), ...flatten(req.body) };
    try {
      checkAuth(credentials, req.get('authorization'), params.authinfo);
      const connection = typeof req.body === 'string' && req.body.trim() ? parseConnectionXml(req.body) : undefined;
      const command = parseCommand(params.func, params, connection);
      const xml = await dispatchCommand(deps, command);
      sendXml(res, 200, xml);
    } catch (error) {
      const moduleError = toModuleError(error, logger);
      logger.warn(
        { func: params.func, elid: params.elid, type: moduleError.type, err: moduleError.message },
        'call failed',
      );
      sendXml(res, httpStatusFor(moduleError.type), renderError(moduleError));
    } finally {
      logger.debug(
        { func: params.func, elid: params.elid, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'http call',
      );
    }
  });

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });

  app.use((_req: Request, res: Response) => {
    sendXml(res, 404, renderError(new ValueError('Unknown path: use /cpbillmgr?func=NAME', 'path')));
  });

  // Body-parser failures (malformed form body, too large) end here.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const message = error instanceof Error ? error.message : 'malformed request';
    sendXml(res, 400, renderError(new ValueError(`Malformed request body: ${message}`, 'body')));
  });
  return app;
}

function httpStatusFor(type: string): number {
  switch (type) {
    case 'auth':
      return 401;
    case 'access':
      return 403;
    case 'notfound':
      return 404;
    case 'in_progress':
      return 409;
    case 'internal':
      return 500;
    case 'database':
      return 503;
    case 'upstream':
    case 'upstream_auth':
      return 502;
    default:
      return 400;
  }
}
