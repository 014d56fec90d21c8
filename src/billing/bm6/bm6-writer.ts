import type { Logger } from '../../logging/create-logger.js';
import type { BillingWriter } from '../../ports/billing.js';
import type { Bm6Reader } from './bm6-reader.js';
import { docText, type MgrctlDoc, type MgrctlParams, runMgrctl } from './run-mgrctl.js';

/** module.h L316-322: GetMaxTryCount's default. */
export const MAX_TRY_COUNT = 10;

const DELETED = 4;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export type MgrctlRunner = (func: string, params: MgrctlParams) => Promise<MgrctlDoc>;

export interface Bm6WriterDeps {
  /** Path of BILLmanager's mgrctl (`CPBILLMGR_MGRCTL`), or a runner standing in for it. */
  readonly mgrctl: string | MgrctlRunner;
  readonly logger: Logger;
  /** Reads only: a running operation's `trycount` and tasks, an item's status and pending tariff change. */
  readonly reader: Pick<Bm6Reader, 'item' | 'runningOperation' | 'operationTaskCount'>;
  readonly timeoutMs?: number;
}

/**
 * The bm6 writer: every verb is an mgrctl call, as the official modules make them (research §2 table,
 * module.cpp); nothing is written to the database. A failed call throws MgrctlError.
 */
export function createBm6Writer(deps: Bm6WriterDeps): BillingWriter {
  const { logger, reader, mgrctl } = deps;
  const call: MgrctlRunner =
    typeof mgrctl === 'string'
      ? (func, params) => runMgrctl(mgrctl, func, params, { timeoutMs: deps.timeoutMs, logger })
      : mgrctl;

  const post = async (func: string, item: number) => {
    await call(func, { elid: item, sok: 'ok' });
  };

  return {
    opened: (item) => post('service.postopen', item),
    suspended: (item) => post('service.postsuspend', item),
    resumed: (item) => post('service.postresume', item),

    /**
     * A post-call on a deleted item is refused (the stand-in's costly reading), so a repeated `closed`
     * after one that went through is answered here instead of failing — also when another run of the
     * same close (BILLmanager may run an operation twice at once) got there between the read and the call.
     */
    async closed(item) {
      if ((await reader.item(item))?.status === DELETED) return;
      try {
        await post('service.postclose', item);
      } catch (error) {
        if ((await reader.item(item))?.status === DELETED) return;
        throw error;
      }
    },

    prolonged: (item) => post('service.postprolong', item),
    paramsChanged: (item) => post('service.postsetparam', item),

    /** module.cpp SaveParam: `service.saveparam elid name value sok=ok`; the module's params are not crypted. */
    async saveParam(item, name, value) {
      await call('service.saveparam', { elid: item, name, value, sok: 'ok' });
    },

    /**
     * module.cpp SetServiceExpireDate. No source shows a way to clear an item's expiry through mgrctl (an
     * empty date is refused by the stand-in, the costly reading), so null (a lifetime licence) leaves
     * BILLmanager's date as it is (README, "decided the cautious way"). checkevent comes back to such an
     * item on every pass, hence debug, not warn.
     */
    async setExpiry(item, expiredate) {
      if (expiredate === null) {
        logger.debug({ item }, 'BILLmanager 5/6 has no known call to clear an expiry date; left as it is');
        return;
      }
      if (!DATE.test(expiredate)) throw new TypeError(`setExpiry(${item}): '${expiredate}' is not YYYY-MM-DD`);
      await call('service.setexpiredate', { elid: item, expiredate });
    },

    /** module.cpp SetServiceStatus: no `sok`, as the official base sends it. */
    async setStatus(item, status) {
      await call('service.setstatus', { elid: item, service_status: status });
    },

    /**
     * BILLmanager knows the previous tariff (`item.lastpricelist`); the official base rolls back only
     * when one is pending (module.cpp L579-580), and so does this.
     */
    async rollbackTariffChange(item) {
      const current = await reader.item(item);
      if (current && current.lastPricelistId === null) {
        logger.info({ item }, 'no pending tariff change to roll back');
        return;
      }
      await call('service.changepricelist.rollback', { elid: item, sok: 'ok' });
    },

    /**
     * module.cpp L744-775: save the error on the running operation; then, for an item, once `trycount`
     * has reached the limit and the operation has no task yet, make it manual and open a task of the
     * type BILLmanager names for the command (none named: no task, as the base does).
     */
    async operationFailed(runningoperation, command, item, errorXml) {
      await call('runningoperation.edit', { elid: runningoperation, sok: 'ok', errorxml: errorXml });
      if (item === null) return;
      const operation = await reader.runningOperation(runningoperation);
      if (!operation || operation.trycount < MAX_TRY_COUNT) return;
      if ((await reader.operationTaskCount(runningoperation)) > 0) return;
      await call('runningoperation.setmanual', { elid: runningoperation });
      const taskType = docText(await call('task.gettype', { operation: command }), 'task_type');
      if (!taskType) {
        logger.warn({ runningoperation, command }, 'BILLmanager names no task type for this command; no task opened');
        return;
      }
      await call('task.edit', { item, runningoperation, type: taskType, sok: 'ok' });
    },
  };
}
