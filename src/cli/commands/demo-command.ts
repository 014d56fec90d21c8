import type { Command } from 'commander';
import { startServer } from '../../app/start-server.js';
import { seedDemoBilling } from '../../billing/bm4/demo-billing.js';
import { startSandbox } from '../../sandbox/create-sandbox.js';
import { runVerb } from './run-verb.js';
import { waitForSignal } from './serve-command.js';

/** `npm start`: a demo billing on SQLite, the sandbox upstream and `serve`, with a how-to on stderr. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the demo: SQLite billing with sample licence orders, the sandbox upstream and serve')
    .option('--sandbox-port <port>', 'port of the demo sandbox', '1581')
    .action((options: { sandboxPort: string }) =>
      runVerb(
        async (app) => {
          const sandbox = await startSandbox({
            host: '127.0.0.1',
            port: Number(options.sandboxPort),
            statePath: 'var/demo-sandbox.sqlite',
            catalogue: app.catalogue,
            logger: app.logger,
            processingSeconds: 20,
            // The demo billing sells the wiki's packages (5, 9), which only the historical upstream sells.
            historicalSales: true,
            accounts: [{ username: 'reseller', password: 'secret', balance: 500 }],
          });
          await seedDemoBilling(app.db, { url: `${sandbox.url}/billmgr`, username: 'reseller', password: 'secret' });
          const server = await startServer(app);
          const call = (func: string, elid?: number) =>
            `curl -s -H 'Authorization: Bearer ${server.token}' '${server.url}/cpbillmgr?func=${func}${elid ? `&elid=${elid}` : ''}'`;
          process.stderr.write(
            [
              '',
              'cpbillmgr demo is running:',
              `  module   ${server.url}/cpbillmgr   (token ${server.token})`,
              `  upstream ${sandbox.url}/billmgr  (sandbox, account reseller/secret, balance 500)`,
              `  billing  ${app.dbUrl}  (items 1001 trial, 1002 1 month, 1003 lifetime, 1004 Pro 1 month)`,
              '',
              'Try:',
              `  ${call('features')}`,
              `  ${call('open', 1002)}`,
              `  ${call('license.info', 1002)}`,
              `  ${call('suspend', 1002)}`,
              `  ${call('checkevent')}          # new licences leave status 5 after 20 s`,
              `  npx pmcpbillmgr --command open --item 1003`,
              '',
              'Ctrl-C stops the demo; its state stays in var/.',
              '',
            ].join('\n'),
          );
          await waitForSignal();
          await server.stop();
          await sandbox.close();
          return 0;
        },
        { migrate: true },
      ),
    );
}
