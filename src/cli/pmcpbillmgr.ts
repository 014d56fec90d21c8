#!/usr/bin/env node
import { composeApp } from '../app/compose.js';
import { loadSettings } from '../config/settings.js';
import { toModuleError } from '../errors/internal-error.js';
import { ModuleError } from '../errors/module-error.js';
import { createLogger } from '../logging/create-logger.js';
import { dispatchCommand } from '../protocol/dispatch-command.js';
import { ITEM_COMMANDS, OTHER_COMMANDS, parseCommand } from '../protocol/module-command.js';
import { parseConnectionXml } from '../protocol/parse-connection-xml.js';
import { renderError } from '../protocol/render-doc.js';
import { parseModuleArgv, readStdin } from './parse-module-argv.js';
import { startupError } from './startup-error.js';

const USAGE = `Usage: pmcpbillmgr --command COMMAND [--item ITEM_ID] [--runningoperation ID] [--module MODULE_ID]

The BILLmanager 5/6 processing-module entry of cpbillmgr. Prints one XML <doc> on stdout,
logs JSON lines to stderr, exits 0 on success and 1 with an <error> document on failure.

Commands: ${[...OTHER_COMMANDS, ...ITEM_COMMANDS].join(', ')}
check_connection reads the connection form (<doc><processingmodule>…</processingmodule></doc>) on stdin.
Settings come from the environment (CPBILLMGR_DB, CPBILLMGR_ETC, …; see README).
`;

async function main(): Promise<number> {
  const { params, help } = parseModuleArgv(process.argv.slice(2));
  if (help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const logger = createLogger();
  let settings: ReturnType<typeof loadSettings>;
  let app: Awaited<ReturnType<typeof composeApp>>;
  try {
    settings = loadSettings();
    app = await composeApp(settings, { logger, poolMax: 2 });
  } catch (error) {
    process.stdout.write(renderError(startupError(error)));
    return 1;
  }
  try {
    const stdin = params.command === 'check_connection' ? await readStdin() : '';
    const command = parseCommand(params.command, params, stdin.trim() ? parseConnectionXml(stdin) : undefined);
    process.stdout.write(await dispatchCommand(app.deps, command));
    return 0;
  } catch (error) {
    const moduleError = toModuleError(error, logger);
    if (error instanceof ModuleError)
      logger.warn(
        { command: params.command, item: params.item, type: moduleError.type, err: moduleError.message },
        'command failed',
      );
    process.stdout.write(renderError(moduleError));
    return 1;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stdout.write(renderError(startupError(error)));
    process.exitCode = 1;
  },
);
