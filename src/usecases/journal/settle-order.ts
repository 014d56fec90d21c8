import { LicenceStatus } from '../../domain/licence-status.js';
import type { JournalEntry, LicenceLink } from '../../ports/module-store.js';
import type { LicenceForm, LicenceRow, UpstreamClient } from '../../ports/upstream-client.js';
import type { ModuleDeps } from '../module-deps.js';
import { ageSeconds } from './owner.js';
import { linkFromForm } from './record-link.js';

export type SettleOutcome = { state: 'done'; link: LicenceLink } | { state: 'lost' } | { state: 'pending' };

/** The form of an ordered licence matches what the intent says was ordered. */
export function matchesOrder(form: LicenceForm, entry: JournalEntry): boolean {
  return form.packageId === entry.packageId && form.ip === entry.ip && form.licname === entry.licname;
}

/** Upstream dates are the upstream's calendar; a day of slack keeps time zones from hiding our licence. */
function createdSince(row: LicenceRow, entry: JournalEntry): boolean {
  if (row.createdate === '') return true;
  const since = new Date(Date.parse(entry.createdAt) - 86_400_000).toISOString().slice(0, 10);
  return row.createdate >= since;
}

/**
 * Brings an unanswered order to a final state by looking for it upstream by what was sent — never by
 * `remoteid`, which the upstream does not give back. First the id the answer named (if one came),
 * then the list's licences on the same IP with the same name created since the intent and held by no
 * other item, each confirmed by its form (the tariff id is only there). Found: recorded as bought.
 * Not found in a complete list: lost only once the order window has passed, because an order in
 * flight may still appear; until then it stays pending and blocks a second purchase.
 */
export async function settleOrder(
  deps: ModuleDeps,
  client: UpstreamClient,
  entry: JournalEntry,
  rows?: readonly LicenceRow[],
): Promise<SettleOutcome> {
  const found = await findOrdered(deps, client, entry, rows);
  if (found) {
    const link = linkFromForm(found, { item: entry.item, module: entry.module, periodId: entry.periodId });
    const settled = await deps.store.transaction(async (tx) => {
      if (
        !(await tx.journal.settle(entry.id, {
          state: 'done',
          licenceId: found.id,
          note: 'found upstream after an unanswered order',
        }))
      ) {
        return false;
      }
      const existing = await tx.links.get(entry.item);
      if (!existing || existing.status === LicenceStatus.deleted || existing.licenceId === found.id)
        await tx.links.upsert(link);
      return true;
    });
    if (settled) {
      deps.logger.warn(
        { item: entry.item, key: entry.key, licence: found.id },
        'unanswered order found upstream and recorded',
      );
    }
    return { state: 'done', link: (await deps.store.links.get(entry.item)) ?? link };
  }
  const age = ageSeconds(entry, await deps.store.clock());
  if (age < deps.policy.orderWindowSeconds) return { state: 'pending' };
  await deps.store.journal.settle(entry.id, {
    state: 'lost',
    note: `not found upstream ${Math.round(age)} s after the intent: the order did not go through`,
  });
  deps.logger.warn(
    { item: entry.item, key: entry.key },
    'unanswered order not found upstream after the order window: marked lost',
  );
  return { state: 'lost' };
}

async function findOrdered(
  deps: ModuleDeps,
  client: UpstreamClient,
  entry: JournalEntry,
  rows: readonly LicenceRow[] | undefined,
): Promise<LicenceForm | undefined> {
  if (entry.licenceId !== null) {
    const named = await client.form(entry.licenceId).catch(() => undefined);
    if (named && matchesOrder(named, entry)) return named;
  }
  const listed = rows ?? (await client.list());
  const candidates = listed
    .filter(
      (row) =>
        row.ip === entry.ip &&
        row.licname === entry.licname &&
        row.status !== LicenceStatus.deleted &&
        row.id !== entry.licenceId &&
        (row.packageId === null || row.packageId === entry.packageId) &&
        createdSince(row, entry),
    )
    .sort((a, b) => b.id - a.id);
  for (const row of candidates) {
    const holder = await deps.store.links.findByLicence(entry.module, row.id);
    if (holder && holder.item !== entry.item) continue;
    const form = await client.form(row.id);
    if (matchesOrder(form, entry)) return form;
  }
  return undefined;
}
