import type { Catalogue } from '../domain/catalogue-types.js';
import type { Logger } from '../logging/create-logger.js';
import type { ModuleConf } from '../module-conf/module-conf.js';
import type { Stores } from '../ports/module-store.js';
import type { UpstreamAccount, UpstreamClient } from '../ports/upstream-client.js';
import type { KeyedMutex } from './keyed-mutex.js';

/** Everything a use case needs, created once by the wiring point (`app/compose.ts`). */
export interface ModuleDeps {
  readonly stores: Stores;
  readonly catalogue: Catalogue;
  /** `cpbillmgr.conf` serves api=4 upstreams, `cpbillmgr5.conf` api=5 ones. */
  readonly confs: Readonly<Record<4 | 5, ModuleConf>>;
  readonly upstreamFor: (account: UpstreamAccount) => UpstreamClient;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly itemLocks: KeyedMutex;
  readonly policy: {
    /** How long an unanswered order is searched for upstream before buying again is allowed. */
    readonly orderWindowSeconds: number;
    /** How long a call waits for another one working on the same item. */
    readonly waitSeconds: number;
    /** How long after its start an unsettled entry's owner is presumed gone (upstream timeout + grace). */
    readonly ownerGraceSeconds: number;
  };
  /** Test hook: named points where the process may be made to die (CPBILLMGR_FAULT). */
  readonly fault: (point: FaultPoint) => void;
}

export type FaultPoint = 'after-upstream-order' | 'after-upstream-prolong';

export function isoNow(deps: Pick<ModuleDeps, 'now'>): string {
  return deps.now().toISOString();
}

export function today(deps: Pick<ModuleDeps, 'now'>): string {
  return deps.now().toISOString().slice(0, 10);
}
