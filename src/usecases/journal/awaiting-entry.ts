import type { JournalEntry } from '../../ports/module-store.js';
import type { LicenceRow } from '../../ports/upstream-client.js';

type Named = Pick<LicenceRow, 'id' | 'ip' | 'licname'>;

/**
 * The unsettled entry that may yet record this licence for its item: one naming it (a pool take, a
 * change, an order whose answer named it), or an order sent for its IP and name (an unanswered order
 * is found again by exactly these). Such a licence is not free to hand to another item: its settling
 * would skip it as held by someone else, mark its own order lost, and leave the item that paid for it
 * without a licence.
 */
export function awaitingEntry(open: readonly JournalEntry[], row: Named): JournalEntry | undefined {
  return awaitingIndex(open)(row);
}

/** `awaitingEntry` for many rows against one list of open entries (checkevent reads whole lists). */
export function awaitingIndex(open: readonly JournalEntry[]): (row: Named) => JournalEntry | undefined {
  const byLicence = new Map<number, JournalEntry>();
  const bySent = new Map<string, JournalEntry>();
  for (const entry of open) {
    if (entry.licenceId !== null && !byLicence.has(entry.licenceId)) byLicence.set(entry.licenceId, entry);
    const sent = `${entry.ip}\n${entry.licname}`;
    if (entry.action === 'order' && !bySent.has(sent)) bySent.set(sent, entry);
  }
  return (row) => byLicence.get(row.id) ?? bySent.get(`${row.ip}\n${row.licname}`);
}
