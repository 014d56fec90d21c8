import type { JournalEntry } from '../../ports/module-store.js';
import type { LicenceRow } from '../../ports/upstream-client.js';

/**
 * The unsettled entry that may yet record this licence for its item: one naming it (a pool take, a
 * change, an order whose answer named it), or an order sent for its IP and name (an unanswered order
 * is found again by exactly these). Such a licence is not free to hand to another item: its settling
 * would skip it as held by someone else, mark its own order lost, and leave the item that paid for it
 * without a licence.
 */
export function awaitingEntry(
  open: readonly JournalEntry[],
  row: Pick<LicenceRow, 'id' | 'ip' | 'licname'>,
): JournalEntry | undefined {
  return open.find(
    (entry) =>
      entry.licenceId === row.id || (entry.action === 'order' && entry.ip === row.ip && entry.licname === row.licname),
  );
}
