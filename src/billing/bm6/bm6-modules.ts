import type { Knex } from 'knex';
import { NotConfiguredError } from '../../errors/module-error.js';
import type { ProcessingModule } from '../../ports/billing.js';
import { num, type Row, safeKey } from './bm6-rows.js';
import { MgrctlError } from './mgrctl-error.js';

export type Decrypt = (base64: string) => string | Promise<string>;

export const MODULE_COLUMNS = ['id', 'name', 'module', 'active'];

/**
 * `processingmodule` rows with their parameters: `processingparam`, and `processingcryptedparam`
 * decrypted (module.cpp L384-392). A value that won't decrypt stops the read, naming the module and
 * the parameter: the module must never log in upstream with an empty password.
 */
export async function withModuleParams(
  knex: Knex,
  rows: readonly Row[],
  decrypt: Decrypt,
): Promise<ProcessingModule[]> {
  const ids = rows.map((row) => num(row.id));
  if (ids.length === 0) return [];
  const plain = (await knex('processingparam')
    .select('processingmodule', 'intname', 'value')
    .whereIn('processingmodule', ids)) as Row[];
  const crypted = (await knex('processingcryptedparam')
    .select('processingmodule', 'intname', 'value')
    .whereIn('processingmodule', ids)) as Row[];
  const modules: ProcessingModule[] = [];
  for (const row of rows) {
    const id = num(row.id);
    const name = String(row.name ?? '');
    const params: Record<string, string> = {};
    for (const param of plain) {
      if (num(param.processingmodule) === id && safeKey(String(param.intname))) {
        params[String(param.intname)] = String(param.value ?? '');
      }
    }
    // A crypted parameter lives only in processingcryptedparam; should both hold one, the crypted wins.
    for (const param of crypted) {
      const intname = String(param.intname);
      if (num(param.processingmodule) !== id || !safeKey(intname)) continue;
      try {
        params[intname] = await decrypt(String(param.value ?? ''));
      } catch (error) {
        // mgrctl (paramlist, for the key's path) did not answer: the billing's trouble, not the setting's.
        if (error instanceof MgrctlError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new NotConfiguredError(
          `processing module #${id} '${name}': crypted parameter '${intname}' can't be used: ${reason}`,
          intname,
          String(id),
          { cause: error },
        );
      }
    }
    modules.push({ id, name, module: String(row.module ?? ''), active: row.active === 'on', params });
  }
  return modules;
}
