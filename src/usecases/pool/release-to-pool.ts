import { LicenceStatus } from '../../domain/licence-status.js';
import type { LicenceForm, UpstreamClient } from '../../ports/upstream-client.js';
import type { ModuleDeps } from '../module-deps.js';
import { isPooled, POOL_IP, POOL_LICNAME } from './pool-licence.js';

/**
 * Parks a licence in the pool as every known client does it ([R1] terminate, [S10]): suspended, then
 * named free.lic on 0.0.0.0 — it keeps its paid time for a later order of its package. Decided from the
 * form the caller read, so a repeat after a crash does only what is left. The upstream's answer to a
 * refused move (one IP change a month) is thrown unchanged.
 */
export async function releaseToPool(deps: ModuleDeps, client: UpstreamClient, form: LicenceForm): Promise<LicenceForm> {
  if (isPooled(form) && form.status === LicenceStatus.suspended) return form;
  if (form.status !== LicenceStatus.suspended) await client.suspend(form.id);
  if (form.ip !== POOL_IP || form.licname !== POOL_LICNAME) {
    await client.edit(form.id, { licname: POOL_LICNAME, ip: POOL_IP });
  }
  deps.logger.info({ licence: form.id, from: form.ip }, 'licence parked in the free.lic pool');
  return { ...form, ip: POOL_IP, licname: POOL_LICNAME, status: LicenceStatus.suspended };
}

/** Whether the item's tariff (or add-on tariff) is one whose licences go to the pool (`ReUseLicense` + `ReusePrice`). */
export function poolServes(conf: { reuseLicense: boolean; reusePrices: readonly number[] }, tariffId: number): boolean {
  return conf.reuseLicense && conf.reusePrices.includes(tariffId);
}
