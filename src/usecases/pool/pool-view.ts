import { LicenceStatus } from '../../domain/licence-status.js';
import type { LicenceRow, UpstreamClient } from '../../ports/upstream-client.js';
import type { ModuleDeps } from '../module-deps.js';
import { isPooled } from './pool-licence.js';

/**
 * The pool licences of one upstream account as one read of the list saw them, minus those a live link
 * of the module holds. A batch run (fixchilds) reads it once and hands it to every take; a take
 * confirms its candidate with the licence's form, so a view a little out of date costs nothing but a
 * skipped candidate. Rows of `keep` licences (say, the licence a package change parks) are kept too.
 */
export class PoolView {
  private readonly pooled: Map<number, LicenceRow>;

  private constructor(
    rows: readonly LicenceRow[],
    readonly kept: ReadonlyMap<number, LicenceRow>,
  ) {
    this.pooled = new Map(rows.map((row) => [row.id, row]));
  }

  static of(rows: readonly LicenceRow[]): PoolView {
    return new PoolView(rows.filter(isPooled), new Map());
  }

  static async read(
    deps: ModuleDeps,
    client: UpstreamClient,
    module: number,
    keep: readonly number[] = [],
  ): Promise<PoolView> {
    const wanted = new Set(keep);
    const pooled: LicenceRow[] = [];
    const kept = new Map<number, LicenceRow>();
    await client.scan(async (rows) => {
      for (const row of rows) {
        if (wanted.has(row.id)) kept.set(row.id, row);
        if (isPooled(row)) pooled.push(row);
      }
    });
    const held = new Set(
      (
        await deps.store.links.findByLicences(
          module,
          pooled.map((row) => row.id),
        )
      )
        .filter((link) => link.status !== LicenceStatus.deleted)
        .map((link) => link.licenceId),
    );
    return new PoolView(
      pooled.filter((row) => !held.has(row.id)),
      kept,
    );
  }

  rows(): LicenceRow[] {
    return [...this.pooled.values()];
  }

  /** A licence tried (taken, or found not to be what the list said) is not offered again by this view. */
  forget(licenceId: number): void {
    this.pooled.delete(licenceId);
  }
}
