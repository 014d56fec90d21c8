import { join } from 'node:path';
import type { Catalogue } from '../domain/catalogue-types.js';
import { emptyModuleConf, type ModuleConf } from './module-conf.js';
import { parseModuleConf } from './parse-module-conf.js';
import { readConfFile } from './read-conf-file.js';

/** File names as on a BILLmanager host: the wiki's cpbillmgr.conf for api=4, cpbillmgr5.conf for api=5. */
export const MODULE_CONF_FILES = { 4: 'cpbillmgr.conf', 5: 'cpbillmgr5.conf' } as const;

/**
 * Reads both files at start-up. A missing file is the wiki's default situation (defaults only);
 * an unreadable or broken one throws a ConfigFileError, so the module doesn't start half-configured.
 */
export function loadModuleConfs(etcDir: string, catalogue: Catalogue): { 4: ModuleConf; 5: ModuleConf } {
  return {
    4: loadModuleConf(join(etcDir, MODULE_CONF_FILES[4]), catalogue),
    5: loadModuleConf(join(etcDir, MODULE_CONF_FILES[5]), catalogue),
  };
}

function loadModuleConf(file: string, catalogue: Catalogue): ModuleConf {
  const text = readConfFile(file);
  return text === undefined ? emptyModuleConf(file) : parseModuleConf(text, file, catalogue);
}
