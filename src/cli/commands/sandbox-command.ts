import type { Command } from 'commander';
import { BUILTIN_PACKAGES } from '../../catalogue/builtin-packages.js';
import { createCatalogue } from '../../catalogue/create-catalogue.js';
import { createLogger } from '../../logging/create-logger.js';
import { startSandbox } from '../../sandbox/create-sandbox.js';
import { waitForSignal } from './serve-command.js';

interface SandboxOptions {
  listen: string;
  state: string;
  processingSeconds: string;
  user: string;
  password: string;
  balance: string;
  historical?: boolean;
}

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description("a faithful stand-in for ISPsystem's billing API, to try a configuration without spending money")
    .option('--listen <host:port>', 'where to listen', '127.0.0.1:1581')
    .option('--state <path>', 'SQLite file keeping accounts, licences and the ledger', 'var/sandbox.sqlite')
    .option('--processing-seconds <n>', 'how long a new licence stays in status 5 (processing)', '30')
    .option('--user <name>', 'reseller account created with a new state file', 'reseller')
    .option('--password <password>', 'its password', 'secret')
    .option('--balance <amount>', 'its starting balance', '1000')
    .option(
      '--historical',
      'sell the whole catalogue as the upstream did when the wiki page was written (default: only what is sold today)',
    )
    .action(async (options: SandboxOptions) => {
      const [host = '127.0.0.1', port = '1581'] = options.listen.split(':');
      const logger = createLogger();
      const running = await startSandbox({
        host,
        port: Number(port),
        statePath: options.state,
        catalogue: createCatalogue(BUILTIN_PACKAGES),
        logger,
        processingSeconds: Number(options.processingSeconds),
        historicalSales: options.historical === true,
        accounts: [{ username: options.user, password: options.password, balance: Number(options.balance) }],
      });
      const sales = options.historical ? 'historical sales: the whole catalogue' : "today's sales: ispmanager 6 only";
      process.stderr.write(
        `sandbox upstream on ${running.url}/billmgr (and /manager/billmgr); account ${options.user}; state ${options.state}; ${sales}\n` +
          `point the module at it: processingparam url=${running.url}/billmgr username=${options.user} password=… api=5\n`,
      );
      await waitForSignal();
      await running.close();
    });
}
