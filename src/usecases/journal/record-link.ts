import type { LicenceLink } from '../../ports/module-store.js';
import type { LicenceForm } from '../../ports/upstream-client.js';

/** The module's record of a licence as its form shows it. */
export function linkFromForm(
  form: LicenceForm,
  at: { item: number; module: number; periodId: number | null },
): LicenceLink {
  return {
    item: at.item,
    module: at.module,
    licenceId: form.id,
    packageId: form.packageId,
    periodId: at.periodId,
    ip: form.ip,
    licname: form.licname,
    status: form.status,
    expiredate: form.expiredate,
    lickey: form.lickey,
  };
}
