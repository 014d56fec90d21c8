import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Knex } from 'knex';
import { type MgrctlConfig, paramlistOf } from './mgrctl-config.js';
import { answerXml, elemsXml, refusalXml, StandinRefusal } from './standin-answer.js';
import { encryptParam } from './standin-key.js';
import { asStandin } from './standin-session.js';

export interface MgrctlAnswer {
  readonly exitCode: number;
  readonly xml: string;
}

type Params = Readonly<Record<string, string>>;
type Handler = (trx: Knex.Transaction, params: Params, config: MgrctlConfig) => Promise<string>;

const DELETED = 4;

/**
 * The panel's side of one mgrctl call: applies it as BILLmanager would, as far as the sources show,
 * and records it in standin_mgrctl_call whatever the outcome. What the post-calls do inside the
 * panel is not published (research §2: "service.post* body ✘"); each handler says what it assumes,
 * and where the sources are silent takes the reading that costs the module most:
 *
 * - [U] costly: a call on an unknown item or operation, or any service.* call on a deleted item, is
 *   refused with an error document and exit 1.
 * - [U] costly: the functions the official base calls with `sok=ok` (post-calls, saveparam,
 *   dropparam, changepricelist.rollback, runningoperation.edit, task.edit) change nothing without it,
 *   as a BILLmanager form without `sok` only shows itself; the answer then has no `<ok/>`.
 * - [U] costly: a post-call closes the item's running operations by deleting them, so nothing may
 *   count on reading an operation after its post-call.
 * - [U] costly: postprolong leaves expiredate alone (BILLmanager computes its own; the module sets
 *   the upstream's with setexpiredate).
 */
export async function applyMgrctlCall(
  knex: Knex,
  config: MgrctlConfig,
  func: string,
  params: Params,
): Promise<MgrctlAnswer> {
  let answer: MgrctlAnswer;
  // Its own transaction: the refusal must use the fault up, not roll its use back.
  const fault = await asStandin(knex, (trx) => takeFault(trx, func));
  try {
    if (fault && !fault.applied) throw fault.refusal;
    answer = await asStandin(knex, async (trx) => {
      const handler = Object.hasOwn(HANDLERS, func) ? HANDLERS[func] : undefined;
      if (!handler) throw new StandinRefusal('missed', 'func', `Unknown function '${func}'`);
      return { exitCode: 0, xml: await handler(trx, params, config) };
    });
    if (fault) throw fault.refusal;
  } catch (error) {
    if (!(error instanceof StandinRefusal)) throw error;
    answer = { exitCode: error.exitCode, xml: refusalXml(error) };
  }
  // Recorded before a hang, so a call whose mgrctl is killed while hanging is still counted.
  await asStandin(knex, (trx) =>
    trx('standin_mgrctl_call').insert({
      func,
      params: JSON.stringify(params),
      exit_code: answer.exitCode,
      answer: answer.xml,
      pid: process.pid,
    }),
  );
  if (fault && fault.delayMs > 0) {
    // This runs in the stand-in's own mgrctl process, which the module stops at its timeout.
    if (fault.ignoreTerm) process.on('SIGTERM', () => {});
    await sleep(fault.delayMs);
  }
  return answer;
}

interface Fault {
  readonly refusal: StandinRefusal;
  readonly applied: boolean;
  readonly delayMs: number;
  readonly ignoreTerm: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fault queued by a test (`failMgrctl`); it is taken even before the function is checked. */
async function takeFault(trx: Knex.Transaction, func: string): Promise<Fault | undefined> {
  const fault = (await trx('standin_mgrctl_fault')
    .select('id', 'type', 'object', 'msg', 'exit_code', 'applied', 'delay_ms', 'ignore_term')
    .where({ func })
    .where('remaining', '>', 0)
    .orderBy('id')
    .first()) as Record<string, unknown> | undefined;
  if (!fault) return undefined;
  await trx('standin_mgrctl_fault').where({ id: fault.id }).decrement('remaining', 1);
  return {
    refusal: new StandinRefusal(String(fault.type), String(fault.object), String(fault.msg), Number(fault.exit_code)),
    applied: fault.applied === 'on',
    delayMs: Number(fault.delay_ms),
    ignoreTerm: fault.ignore_term === 'on',
  };
}

function required(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new StandinRefusal('missed', name, `Parameter '${name}' is missing`);
  return value;
}

function id(params: Params, name: string): number {
  const value = required(params, name);
  if (!/^\d+$/.test(value)) throw new StandinRefusal('value', name, `'${value}' is not a valid ${name}`);
  return Number(value);
}

const submitted = (params: Params) => params.sok === 'ok';

/** The item a service.* call is about; unknown and deleted items are refused. */
async function liveItem(trx: Knex.Transaction, params: Params): Promise<Record<string, unknown>> {
  const elid = id(params, 'elid');
  const item = (await trx('item').select('id', 'status', 'opendate', 'lastpricelist').where({ id: elid }).first()) as
    | Record<string, unknown>
    | undefined;
  if (!item) throw new StandinRefusal('missed', 'item', `Service #${elid} not found`);
  if (Number(item.status) === DELETED) throw new StandinRefusal('value', 'item', `Service #${elid} is deleted`);
  return item;
}

async function upsertParam(
  trx: Knex.Transaction,
  table: 'itemparam' | 'itemcryptedparam',
  item: number,
  intname: string,
  value: string,
) {
  const updated = await trx(table).where({ item, intname }).update({ value });
  if (updated === 0) await trx(table).insert({ item, intname, value });
}

const today = () => new Date().toISOString().slice(0, 10);

/** A post-call: the item's new state, and its running operations closed. */
function post(change: (item: Record<string, unknown>) => Record<string, unknown>): Handler {
  return async (trx, params) => {
    const item = await liveItem(trx, params);
    if (!submitted(params)) return answerXml({ elid: Number(item.id) }, false);
    const patch = change(item);
    if (Object.keys(patch).length > 0) await trx('item').where({ id: item.id }).update(patch);
    await trx('runningoperation').where({ standin_item: item.id }).delete();
    return answerXml();
  };
}

async function publicKeyPem(config: MgrctlConfig): Promise<string> {
  const path = isAbsolute(config.cryptKey) ? config.cryptKey : join(config.mgrRoot, config.cryptKey);
  const privatePem = await readFile(path, 'utf8');
  return createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
}

const HANDLERS: Readonly<Record<string, Handler>> = {
  /** research §1 "Connect": DBHost, DBUser, DBPassword, DBName, DBSocket, CryptKey. */
  paramlist: async (_trx, _params, config) => elemsXml(paramlistOf(config)),

  // Statuses after D4: 2 active, 3 suspended, 4 deleted.
  'service.postopen': post((item) => ({ status: 2, ...(item.opendate ? {} : { opendate: today() }) })),
  'service.postsuspend': post(() => ({ status: 3 })),
  'service.postresume': post(() => ({ status: 2 })),
  'service.postclose': post(() => ({ status: DELETED })),
  'service.postprolong': post(() => ({})),
  // The tariff change is done: no change pending any more (module.cpp L579 reads lastpricelist > 0 as pending).
  'service.postsetparam': post(() => ({ lastpricelist: null })),

  /**
   * module.cpp L864-869 and bill_util L280-293: `elid name value [crypted=on|off] sok=ok`. Without
   * `value` it drops the param (module.cpp DropParam sends saveparam without one). crypted=on stores
   * it encrypted in itemcryptedparam, as BILLmanager keeps crypted values.
   */
  'service.saveparam': async (trx, params, config) => {
    const item = Number((await liveItem(trx, params)).id);
    const name = required(params, 'name');
    const crypted = params.crypted ?? 'off';
    if (crypted !== 'on' && crypted !== 'off') {
      throw new StandinRefusal('value', 'crypted', `'${crypted}' is not on or off`);
    }
    if (!submitted(params)) return answerXml({ elid: item }, false);
    const table = crypted === 'on' ? 'itemcryptedparam' : 'itemparam';
    if (params.value === undefined) {
      await trx(table).where({ item, intname: name }).delete();
    } else {
      const value = crypted === 'on' ? encryptParam(await publicKeyPem(config), params.value) : params.value;
      await upsertParam(trx, table, item, name, value);
    }
    return answerXml();
  },

  /** bill_util L296-306: `elid name sok=ok`. */
  'service.dropparam': async (trx, params) => {
    const item = Number((await liveItem(trx, params)).id);
    const name = required(params, 'name');
    if (!submitted(params)) return answerXml({ elid: item }, false);
    await trx('itemparam').where({ item, intname: name }).delete();
    return answerXml();
  },

  /** module.cpp L850-852: `elid expiredate=YYYY-MM-DD`, no sok. An empty or impossible date is refused. */
  'service.setexpiredate': async (trx, params) => {
    const item = Number((await liveItem(trx, params)).id);
    const expiredate = required(params, 'expiredate');
    const parsed = new Date(`${expiredate}T00:00:00Z`);
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(expiredate) ||
      Number.isNaN(parsed.getTime()) ||
      !parsed.toISOString().startsWith(expiredate)
    ) {
      throw new StandinRefusal('value', 'expiredate', `'${expiredate}' is not a date`);
    }
    await trx('item').where({ id: item }).update({ expiredate });
    return answerXml();
  },

  /** module.cpp L830-832, pmthesslstore L604: the itemparam `service_status`; item.status is left alone. */
  'service.setstatus': async (trx, params) => {
    const item = Number((await liveItem(trx, params)).id);
    const status = id(params, 'service_status');
    await upsertParam(trx, 'itemparam', item, 'service_status', String(status));
    return answerXml();
  },

  /** module.cpp L579-580: back to `lastpricelist`. [U] costly: refused when no change is pending. */
  'service.changepricelist.rollback': async (trx, params) => {
    const item = await liveItem(trx, params);
    const last = item.lastpricelist === null ? 0 : Number(item.lastpricelist);
    if (last <= 0)
      throw new StandinRefusal('value', 'lastpricelist', `Service #${item.id} has no tariff change to roll back`);
    if (!submitted(params)) return answerXml({ elid: Number(item.id) }, false);
    await trx('item').where({ id: item.id }).update({ pricelist: last, lastpricelist: null });
    return answerXml();
  },

  /** module.cpp L747-748, OP Api.php L93-152: saves the error; trycount is BILLmanager's own and stays. */
  'runningoperation.edit': async (trx, params) => {
    const elid = await operation(trx, params);
    const manual = params.manual;
    if (manual !== undefined && manual !== 'on' && manual !== 'off') {
      throw new StandinRefusal('value', 'manual', `'${manual}' is not on or off`);
    }
    if (!submitted(params)) return answerXml({ elid }, false);
    await trx('runningoperation')
      .where({ id: elid })
      .update({ errorxml: params.errorxml ?? '', ...(manual ? { manual } : {}) });
    return answerXml();
  },

  'runningoperation.setmanual': async (trx, params) => {
    const elid = await operation(trx, params);
    await trx('runningoperation').where({ id: elid }).update({ manual: 'on' });
    return answerXml();
  },

  'runningoperation.delete': async (trx, params) => {
    const elid = await operation(trx, params);
    await trx('runningoperation').where({ id: elid }).delete();
    return answerXml();
  },

  /**
   * module.cpp L755-762 reads `/doc/task_type`. Real type names are not known ✘: the stand-in names one
   * for the module's own lifecycle commands and none for anything else (the base then opens no task).
   */
  'task.gettype': async (_trx, params) => {
    const command = required(params, 'operation');
    const type = TASK_TYPES[command];
    return type ? answerXml({ task_type: type }, false) : answerXml({}, false);
  },

  /** module.cpp CreateTask / L755-762: `item type [runningoperation] [params] sok=ok`. */
  'task.edit': async (trx, params) => {
    const item = id(params, 'item');
    if (!(await trx('item').select('id').where({ id: item }).first())) {
      throw new StandinRefusal('missed', 'item', `Service #${item} not found`);
    }
    const type = required(params, 'type');
    const runningoperation =
      params.runningoperation === undefined ? null : await operation(trx, params, 'runningoperation');
    if (!submitted(params)) return answerXml({}, false);
    const [taskId] = await trx('task').insert({
      type,
      item,
      runningoperation,
      status: 0,
      params: params.params ?? null,
    });
    return answerXml({ id: Number(taskId) });
  },
};

const TASK_TYPES: Readonly<Record<string, string>> = {
  open: 'processing_open',
  suspend: 'processing_suspend',
  resume: 'processing_resume',
  close: 'processing_close',
  prolong: 'processing_prolong',
  setparam: 'processing_setparam',
};

async function operation(trx: Knex.Transaction, params: Params, name = 'elid'): Promise<number> {
  const elid = id(params, name);
  if (!(await trx('runningoperation').select('id').where({ id: elid }).first())) {
    throw new StandinRefusal('missed', 'runningoperation', `Running operation #${elid} not found`);
  }
  return elid;
}
