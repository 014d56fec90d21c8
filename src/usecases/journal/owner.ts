import { hostname } from 'node:os';
import type { JournalEntry } from '../../ports/module-store.js';
import type { ModuleDeps } from '../module-deps.js';

/** Who writes an intent: tells a live sender (still waiting for its answer) from a dead one. */
export const OWNER = `${hostname()}:${process.pid}`;

export function ageSeconds(entry: JournalEntry, dbNow: Date): number {
  return (dbNow.getTime() - Date.parse(entry.createdAt)) / 1000;
}

/**
 * True when the process that wrote the intent can no longer be sending it: it is older than the
 * upstream timeout plus a grace (by the database's clock), or its process is gone from this host.
 */
export function ownerGone(deps: ModuleDeps, entry: JournalEntry, dbNow: Date): boolean {
  if (ageSeconds(entry, dbNow) > deps.policy.ownerGraceSeconds) return true;
  const [host, pid] = entry.owner.split(':');
  if (host !== hostname() || !pid) return false;
  // Calls for one item are serialised in-process (KeyedMutex), so an intent of this very process
  // that is still open belongs to a call that has already ended.
  if (Number(pid) === process.pid) return true;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
