import { SettingsError } from '../config/settings.js';
import { toDatabaseError } from '../errors/database-unavailable-error.js';
import { ModuleError, NotConfiguredError } from '../errors/module-error.js';
import { ConfigFileError } from '../module-conf/config-file-error.js';

/** Why the module could not start, as a ModuleError (settings, cpbillmgr.conf, database). */
export function startupError(error: unknown): ModuleError {
  if (error instanceof ModuleError) return error;
  const database = toDatabaseError(error);
  if (database) return database;
  if (error instanceof ConfigFileError)
    return new NotConfiguredError(error.message, 'config', error.line > 0 ? `${error.file}:${error.line}` : error.file);
  if (error instanceof SettingsError) return new NotConfiguredError(error.message, 'settings');
  const message = error instanceof Error ? error.message : String(error);
  return new NotConfiguredError(`cpbillmgr could not start: ${message}`, 'module');
}
