import type { Command } from 'commander';
import { startServer } from '../../app/start-server.js';
import { runVerb } from './run-verb.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('the long-running module: HTTP XML interface plus its own checkevent cron')
    .option('--listen <host:port>', 'where to listen (default CPBILLMGR_LISTEN, 127.0.0.1:1580)')
    .action((options: { listen?: string }) =>
      runVerb(
        async (app) => {
          const server = await startServer(app, options.listen);
          process.stderr.write(`cpbillmgr serving on ${server.url}/cpbillmgr (Ctrl-C to stop)\n`);
          await waitForSignal();
          await server.stop();
          return 0;
        },
        { migrate: true },
      ),
    );
}

export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
