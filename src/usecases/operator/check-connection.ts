import type { ProcessingModule } from '../../domain/billing-types.js';
import { MODULE_NAME } from '../../domain/billing-types.js';
import { accountOf } from '../item/licence-target.js';
import type { ModuleDeps } from '../module-deps.js';

/**
 * `check_connection`: logs in with the connection form's values and reads the balance. A form that
 * names a URL is checked with the form's own credentials only: stored credentials never go to a URL
 * the caller chose. Without a URL in the form, the module row's stored parameters fill the gaps.
 */
export async function checkConnection(
  deps: ModuleDeps,
  connection: Readonly<Record<string, string>>,
  moduleId: number | null,
): Promise<{ balance: number }> {
  const stored = moduleId === null ? undefined : await deps.billing.reader.module(moduleId);
  const params = connection.url ? { ...connection } : { ...(stored?.params ?? {}), ...connection };
  const module: ProcessingModule = {
    id: stored?.id ?? 0,
    name: stored?.name ?? 'connection form',
    module: MODULE_NAME,
    active: true,
    params,
  };
  return { balance: await deps.upstreamFor(accountOf(module)).balance() };
}
