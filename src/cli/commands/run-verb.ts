import { type App, type ComposeOptions, composeApp } from '../../app/compose.js';
import { loadSettings } from '../../config/settings.js';
import { toModuleError } from '../../errors/internal-error.js';
import { createLogger } from '../../logging/create-logger.js';
import { startupError } from '../startup-error.js';

/**
 * Runs a `cpbillmgr` verb with the wiring done and undone around it. Errors end as one human line on
 * stderr and exit code 1 (2 for a start that failed: settings, config file, database).
 */
export async function runVerb(
  work: (app: App) => Promise<number | undefined>,
  options: ComposeOptions = {},
): Promise<void> {
  const logger = createLogger();
  let app: App;
  try {
    app = await composeApp(loadSettings(), { logger, ...options });
  } catch (error) {
    process.stderr.write(`cpbillmgr: ${startupError(error).message}\n`);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = (await work(app)) ?? 0;
  } catch (error) {
    const moduleError = toModuleError(error, logger);
    process.stderr.write(`cpbillmgr: ${moduleError.type}: ${moduleError.message}\n`);
    process.exitCode = 1;
  } finally {
    await app.close();
  }
}
