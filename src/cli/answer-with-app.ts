import { type App, composeApp } from '../app/compose.js';
import { loadSettings } from '../config/settings.js';
import { toModuleError } from '../errors/internal-error.js';
import { ModuleError } from '../errors/module-error.js';
import { createLogger, type Logger } from '../logging/create-logger.js';
import { dispatchCommand } from '../protocol/dispatch-command.js';
import { parseCommand } from '../protocol/module-command.js';
import { parseConnectionXml } from '../protocol/parse-connection-xml.js';
import { renderError } from '../protocol/render-doc.js';
import { startupError } from './startup-error.js';

/**
 * The part of `pmcpbillmgr` that needs settings, the database and the upstream: one command through the
 * composed app, its `<doc>` on stdout; the exit code is returned. A failed command with
 * `--runningoperation` also saves its error on that operation.
 */
export async function answerWithApp(params: Record<string, string>, stdin: string): Promise<number> {
  const logger = createLogger();
  let app: App;
  try {
    app = await composeApp(loadSettings(), { logger, oneCall: true });
  } catch (error) {
    process.stdout.write(renderError(startupError(error)));
    return 1;
  }
  try {
    const connection = params.command === 'check_connection' && stdin.trim() ? parseConnectionXml(stdin) : undefined;
    const parsed = parseCommand(params.command, params, connection, stdin);
    process.stdout.write(await dispatchCommand(app.deps, parsed));
    return 0;
  } catch (error) {
    const moduleError = toModuleError(error, logger);
    if (error instanceof ModuleError) {
      logger.warn(
        { command: params.command, item: params.item, type: moduleError.type, err: moduleError.message },
        'command failed',
      );
    }
    const errorXml = renderError(moduleError);
    process.stdout.write(errorXml);
    await reportToOperation(app, params, errorXml, logger);
    return 1;
  } finally {
    await app.close();
  }
}

/** BILLmanager's running operation keeps the error; after its tenth try it becomes manual (bm6 writer). */
async function reportToOperation(
  app: App,
  params: Record<string, string>,
  errorXml: string,
  logger: Logger,
): Promise<void> {
  const runningoperation = Number(params.runningoperation);
  if (!Number.isInteger(runningoperation) || runningoperation <= 0) return;
  const item = Number(params.item ?? params.elid);
  try {
    await app.deps.billing.writer.operationFailed(
      runningoperation,
      params.command ?? '',
      Number.isInteger(item) && item > 0 ? item : null,
      errorXml,
    );
  } catch (error) {
    logger.error({ runningoperation, err: error }, 'the failure could not be saved on the running operation');
  }
}
