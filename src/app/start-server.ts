import type { Server } from 'node:http';
import { createHttpApp } from '../http/create-http-app.js';
import { Scheduler } from '../jobs/scheduler.js';
import { checkevent } from '../usecases/reconcile/checkevent.js';
import { apiToken } from './api-token.js';
import type { App } from './compose.js';

export interface RunningServer {
  readonly url: string;
  readonly token: string;
  readonly user: string;
  stop(): Promise<void>;
}

/** `serve`: the HTTP interface plus the module's own cron (checkevent every 5 minutes by default). */
export async function startServer(app: App, listen: string = app.settings.CPBILLMGR_LISTEN): Promise<RunningServer> {
  const token = await apiToken(app);
  const user = app.settings.CPBILLMGR_API_USER;
  const http = createHttpApp(app.deps, { user, token }, app.logger);
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon);
  const port = Number(listen.slice(colon + 1));
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = http.listen(port, host, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;

  const scheduler = new Scheduler(app.logger);
  if (app.settings.CPBILLMGR_CRON !== 'off') {
    scheduler.add({ name: 'checkevent', cron: app.settings.CPBILLMGR_CRON, run: () => checkevent(app.deps) });
  }
  app.logger.info({ url, cron: app.settings.CPBILLMGR_CRON }, 'cpbillmgr serving');
  return {
    url,
    token,
    user,
    stop: async () => {
      await scheduler.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
