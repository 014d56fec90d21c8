import { MODULE_NAME } from '../../domain/billing-types.js';
import { accountOf } from '../item/licence-target.js';
import { type ModuleDeps, today } from '../module-deps.js';
import { nextMoveOn, packageOfRow, paidDaysLeft } from '../pool/pool-licence.js';
import { PoolView } from '../pool/pool-view.js';
import { problemText } from '../reconcile/problem-text.js';
import { monthlyCost } from '../reconcile/unheld-licences.js';

export interface PoolEntry {
  readonly module: number;
  readonly licenceId: number;
  /** The package as the catalogue knows it (id and name), else as the list names it. */
  readonly packageId: number | null;
  readonly packageName: string;
  readonly status: number;
  readonly expiredate: string;
  /** Paid days left; null for a lifetime licence; negative once expired (a take renews it first). */
  readonly daysLeft: number | null;
  /** The first day the upstream lets it move (one IP and one key change a month); '' = it may move now. */
  readonly nextMove: string;
  readonly monthlyCost: number;
}

export interface PoolReport {
  readonly day: string;
  readonly entries: PoolEntry[];
  readonly problems: string[];
}

/** `cpbillmgr pool`: the free.lic licences of every upstream account, most paid time first. */
export async function poolReport(deps: ModuleDeps): Promise<PoolReport> {
  const day = today(deps);
  const entries: PoolEntry[] = [];
  const problems: string[] = [];
  for (const module of await deps.billing.reader.modules(MODULE_NAME)) {
    if (!module.active) continue;
    try {
      const client = deps.upstreamFor(accountOf(module));
      const view = await PoolView.read(deps, client, module.id);
      for (const row of view.rows()) {
        const pkg = packageOfRow(deps.catalogue.packages, row);
        const next = nextMoveOn(row);
        entries.push({
          module: module.id,
          licenceId: row.id,
          packageId: pkg?.id ?? row.packageId,
          packageName: pkg?.name ?? row.tariffName,
          status: row.status,
          expiredate: row.expiredate,
          daysLeft: paidDaysLeft(row.expiredate, day),
          nextMove: next > day ? next : '',
          monthlyCost: monthlyCost(deps.catalogue, row),
        });
      }
    } catch (error) {
      problems.push(`module #${module.id} '${module.name}': ${problemText(error)}`);
    }
  }
  const rank = (e: PoolEntry) => e.daysLeft ?? Number.POSITIVE_INFINITY;
  entries.sort((a, b) => rank(b) - rank(a) || a.licenceId - b.licenceId);
  return { day, entries, problems };
}
