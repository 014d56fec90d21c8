import type { JournalEntry, LicenceLink } from '../../ports/module-store.js';
import type { LicenceRow, UpstreamClient } from '../../ports/upstream-client.js';
import type { ModuleDeps } from '../module-deps.js';
import { settleChange } from './settle-change.js';
import { settleOrder } from './settle-order.js';
import { settleRenewal } from './settle-renewal.js';
import { settleTake } from './settle-take.js';

export type EntryOutcome =
  | { readonly state: 'done'; readonly link?: LicenceLink }
  | { readonly state: 'failed' | 'lost' | 'pending' };

/** Settles an unsettled entry whose sender is gone, by the rule of its action (one rule per action, in this folder). */
export async function settleEntry(
  deps: ModuleDeps,
  client: UpstreamClient,
  entry: JournalEntry,
  rows?: readonly LicenceRow[],
): Promise<EntryOutcome> {
  switch (entry.action) {
    case 'order':
      return settleOrder(deps, client, entry, rows);
    case 'prolong': {
      const outcome = await settleRenewal(deps, client, entry);
      return outcome.state === 'done' ? { state: 'done' } : outcome;
    }
    case 'take':
      return settleTake(deps, client, entry);
    case 'adopt':
      // Written and settled in one transaction: an open one is a transaction that never committed.
      await deps.store.journal.settle(entry.id, { state: 'failed', note: 'adoption not completed' });
      return { state: 'failed' };
    case 'change': {
      const outcome = await settleChange(deps, client, entry);
      return outcome.state === 'done' ? { state: 'done', ...(outcome.link ? { link: outcome.link } : {}) } : outcome;
    }
  }
}
