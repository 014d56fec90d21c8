import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalogue } from '../domain/catalogue-types.js';
import { emptyModuleConf, type ModuleConf } from './module-conf.js';
import { parseModuleConf } from './parse-module-conf.js';

/** File names as on a BILLmanager host: the wiki's cpbillmgr.conf for api=4, cpbillmgr5.conf for api=5. */
export const MODULE_CONF_FILES = { 4: 'cpbillmgr.conf', 5: 'cpbillmgr5.conf' } as const;

/**
 * Reads both files at start-up. A missing file is the wiki's default situation (defaults only);
 * an unreadable or broken one throws, so the module doesn't start half-configured.
 */
export function loadModuleConfs(etcDir: string, catalogue: Catalogue): { 4: ModuleConf; 5: ModuleConf } {
  return {
    4: loadModuleConf(join(etcDir, MODULE_CONF_FILES[4]), catalogue),
    5: loadModuleConf(join(etcDir, MODULE_CONF_FILES[5]), catalogue),
  };
}

function loadModuleConf(file: string, catalogue: Catalogue): ModuleConf {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyModuleConf(file);
    throw error;
  }
  return parseModuleConf(text, file, catalogue);
}
