import type { Catalogue } from '../domain/catalogue-types.js';
import type { FaultPoint } from '../domain/fault-points.js';
import type { Logger } from '../logging/create-logger.js';
import type { ModuleConf } from '../module-conf/module-conf.js';
import type { Billing } from '../ports/billing.js';
import type { ModuleStore } from '../ports/module-store.js';
import type { UpstreamAccount, UpstreamClient } from '../ports/upstream-client.js';
import type { KeyedMutex } from './keyed-mutex.js';

/** Everything a use case needs, created once by the wiring point (`app/compose.ts`). */
export interface ModuleDeps {
  /** The module's own tables: journal, links, leases. */
  readonly store: ModuleStore;
  /** The billing the module sits in (bm4 or bm6), behind its reader and writer. */
  readonly billing: Billing;
  readonly catalogue: Catalogue;
  /** `cpbillmgr.conf` serves api=4 upstreams, `cpbillmgr5.conf` api=5 ones. */
  readonly confs: Readonly<Record<4 | 5, ModuleConf>>;
  readonly upstreamFor: (account: UpstreamAccount) => UpstreamClient;
  readonly logger: Logger;
  /** The module's calendar (what "today" is for renewals); ages of journal entries use the database's clock. */
  readonly now: () => Date;
  readonly itemLocks: KeyedMutex;
  readonly policy: {
    /** How long an unanswered purchase is searched for upstream before it may be made again. */
    readonly orderWindowSeconds: number;
    /** How long a call waits for another one working on the same item. */
    readonly waitSeconds: number;
    /** How long after its start an unsettled entry's owner is presumed gone (upstream timeout + grace). */
    readonly ownerGraceSeconds: number;
    /** Lease of a checkevent run; extended while it works. */
    readonly leaseSeconds: number;
  };
  /** Test hook: named points where the process may be made to die (CPBILLMGR_FAULT). */
  readonly fault: (point: FaultPoint) => void;
}

export type { FaultPoint };

export function today(deps: Pick<ModuleDeps, 'now'>): string {
  return deps.now().toISOString().slice(0, 10);
}
