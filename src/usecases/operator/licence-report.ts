import { statusName } from '../../domain/licence-status.js';
import { NotFoundError } from '../../errors/module-error.js';
import type { ModuleDeps } from '../module-deps.js';

type Row = Record<string, string | number>;

/** The read-only `license` list: every licence the module links to a billing item. */
export async function licenceList(deps: ModuleDeps): Promise<Row[]> {
  const links = await deps.store.links.listAll();
  return links.map((link) => ({
    item: link.item,
    module: link.module,
    licenseid: link.licenceId,
    package: link.packageId,
    ip: link.ip,
    licname: link.licname,
    status: link.status,
    status_name: statusName(link.status),
    expiredate: link.expiredate,
  }));
}

/** `license.info elid=ITEM`: the item's licence and its purchase journal (the audit trail). */
export async function licenceInfo(deps: ModuleDeps, item: number): Promise<{ licence: Row; journal: Row[] }> {
  const link = await deps.store.links.get(item);
  const entries = await deps.store.journal.listForItem(item);
  if (!link && entries.length === 0) throw new NotFoundError(`item #${item} has no licence`, 'item', String(item));
  const licence: Row = link
    ? {
        item,
        licenseid: link.licenceId,
        package: link.packageId,
        period: link.periodId ?? '',
        ip: link.ip,
        licname: link.licname,
        status: link.status,
        status_name: statusName(link.status),
        expiredate: link.expiredate,
        lickey: link.lickey,
      }
    : { item };
  const journal = entries.map((entry) => ({
    id: entry.id,
    action: entry.action,
    state: entry.state,
    key: entry.key,
    package: entry.packageId ?? '',
    period: entry.periodId ?? '',
    licenseid: entry.licenceId ?? '',
    note: entry.note ?? '',
    created: entry.createdAt,
    updated: entry.updatedAt,
  }));
  return { licence, journal };
}
