import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type Bm6Reader, createBm6Reader } from '../src/billing/bm6/bm6-reader.js';
import { createBm6Writer } from '../src/billing/bm6/bm6-writer.js';
import { lazyDecrypter } from '../src/billing/bm6/decrypt-param.js';
import { MgrctlError } from '../src/billing/bm6/mgrctl-error.js';
import { failMgrctl, mgrctlCalls } from '../src/bm6-standin/mgrctl-calls.js';
import { asStandin, foreignWrites } from '../src/bm6-standin/standin-session.js';
import type { BillingWriter } from '../src/ports/billing.js';
import { captureLogger, type LogLine } from './helpers/bm6-fakes.js';
import { BM6, type Bm6Standin, itemParams, itemRow, startBm6Standin } from './helpers/bm6-standin.js';

const I = BM6.item;
const T = BM6.tariff;

describe('bm6 writer: every verb is an mgrctl call, applied by the stand-in panel (MariaDB)', () => {
  let s: Bm6Standin;
  let reader: Bm6Reader;
  let writer: BillingWriter;
  let log: LogLine[];
  let seen = 0;

  /** The calls made since the last look, as `func k=v …`. */
  async function newCalls(): Promise<string[]> {
    const calls = await mgrctlCalls(s.knex);
    const fresh = calls.slice(seen);
    seen = calls.length;
    return fresh.map((c) => [c.func, ...Object.entries(c.params).map(([k, v]) => `${k}=${v}`)].join(' '));
  }

  before(async () => {
    s = await startBm6Standin();
    reader = createBm6Reader(s.knex, { decrypt: lazyDecrypter(s.mgrRoot, 'etc/billmgr.pem') });
    const captured = captureLogger();
    log = captured.lines;
    writer = createBm6Writer({ mgrctl: s.mgrctl, logger: captured.logger, reader });
  });
  beforeEach(async () => {
    await newCalls();
  });
  after(async () => {
    assert.deepEqual(await foreignWrites(s.knex), [], 'the module wrote none of BILLmanager’s tables');
    await s.close();
  });

  test('When a licence is opened, suspended, resumed, prolonged and changed, then each post-call is made once and the item follows', async () => {
    await writer.opened(I.liteMonth);
    assert.deepEqual(await newCalls(), [`service.postopen elid=${I.liteMonth} sok=ok`]);
    let row = await itemRow(s.knex, I.liteMonth);
    assert.equal(row.status, 2);
    assert.equal(await reader.runningOperation(BM6.operation.liteMonth), undefined, 'its running operation closed');

    await writer.suspended(I.liteMonth);
    assert.equal((await itemRow(s.knex, I.liteMonth)).status, 3);
    await writer.resumed(I.liteMonth);
    assert.equal((await itemRow(s.knex, I.liteMonth)).status, 2);
    await writer.prolonged(I.liteMonth);
    await asStandin(s.knex, (trx) => trx('item').where({ id: I.liteMonth }).update({ lastpricelist: T.pro }));
    await writer.paramsChanged(I.liteMonth);
    row = await itemRow(s.knex, I.liteMonth);
    assert.equal(row.lastpricelist, null);
    assert.deepEqual(await newCalls(), [
      `service.postsuspend elid=${I.liteMonth} sok=ok`,
      `service.postresume elid=${I.liteMonth} sok=ok`,
      `service.postprolong elid=${I.liteMonth} sok=ok`,
      `service.postsetparam elid=${I.liteMonth} sok=ok`,
    ]);
  });

  test('When licenseid and lickey are saved, the expiry set and the status reported, then saveparam, setexpiredate and setstatus carry them', async () => {
    await writer.saveParam(I.liteMonth, 'licenseid', '4711');
    await writer.saveParam(I.liteMonth, 'lickey', 'KEY with spaces & $(echo no-shell)');
    await writer.setExpiry(I.liteMonth, '2027-03-01');
    await writer.setStatus(I.liteMonth, 5);
    assert.deepEqual(await newCalls(), [
      `service.saveparam elid=${I.liteMonth} name=licenseid value=4711 sok=ok`,
      `service.saveparam elid=${I.liteMonth} name=lickey value=KEY with spaces & $(echo no-shell) sok=ok`,
      `service.setexpiredate elid=${I.liteMonth} expiredate=2027-03-01`,
      `service.setstatus elid=${I.liteMonth} service_status=5`,
    ]);
    const params = await itemParams(s.knex, I.liteMonth);
    assert.equal(params.licenseid, '4711');
    assert.equal(params.lickey, 'KEY with spaces & $(echo no-shell)', 'values reach mgrctl byte for byte');
    assert.equal(params.service_status, '5');
    assert.equal((await itemRow(s.knex, I.liteMonth)).expiredate, '2027-03-01');
  });

  test('When the expiry is cleared, then no call is made and the log says BILLmanager has no way to clear it', async () => {
    await writer.setExpiry(I.liteMonth, null);
    assert.deepEqual(await newCalls(), []);
    assert.ok(log.some((line) => line.level === 'debug' && /no known call to clear an expiry/.test(line.msg)));
    assert.equal((await itemRow(s.knex, I.liteMonth)).expiredate, '2027-03-01');
  });

  test('When a refused tariff change is rolled back, then BILLmanager restores lastpricelist; with no change pending, nothing is called', async () => {
    await asStandin(s.knex, (trx) =>
      trx('item').where({ id: I.proYear }).update({ pricelist: T.lite, lastpricelist: T.pro }),
    );
    await writer.rollbackTariffChange(I.proYear, T.pro);
    assert.deepEqual(await newCalls(), [`service.changepricelist.rollback elid=${I.proYear} sok=ok`]);
    const row = await itemRow(s.knex, I.proYear);
    assert.equal(row.pricelist, T.pro);
    assert.equal(row.lastpricelist, null);
    await writer.rollbackTariffChange(I.proYear, T.pro);
    assert.deepEqual(await newCalls(), []);
  });

  test('When a licence is closed twice, then postclose is made once and the item is deleted', async () => {
    await writer.closed(I.liteMonth);
    await writer.closed(I.liteMonth);
    assert.deepEqual(await newCalls(), [`service.postclose elid=${I.liteMonth} sok=ok`]);
    assert.equal((await itemRow(s.knex, I.liteMonth)).status, 4);
  });

  test('When an operation fails before its tenth try, then only the error is saved on it', async () => {
    const errorXml = '<doc><error type="upstream" object="connection"><msg>no answer</msg></error></doc>';
    await asStandin(s.knex, (trx) =>
      trx('runningoperation').insert({ id: 5101, standin_item: I.proYear, trycount: 9 }),
    );
    await writer.operationFailed(5101, 'prolong', I.proYear, errorXml);
    assert.deepEqual(await newCalls(), [`runningoperation.edit elid=5101 sok=ok errorxml=${errorXml}`]);
    const op = (await s.knex('runningoperation').where({ id: 5101 }).first()) as Record<string, unknown>;
    assert.equal(op.errorxml, errorXml);
    assert.equal(op.manual, 'off');
    assert.equal(op.trycount, 9, 'trycount is BILLmanager’s');
    assert.deepEqual(await s.knex('task').select('id'), []);
  });

  test('When an operation fails at its tenth try, then it is set manual and one task of the type BILLmanager names is opened', async () => {
    const ro = BM6.operation.liteTrial;
    await writer.operationFailed(ro, 'open', I.liteTrial, '<doc><error type="balance"/></doc>');
    assert.deepEqual(await newCalls(), [
      `runningoperation.edit elid=${ro} sok=ok errorxml=<doc><error type="balance"/></doc>`,
      `runningoperation.setmanual elid=${ro}`,
      'task.gettype operation=open',
      `task.edit item=${I.liteTrial} runningoperation=${ro} type=processing_open sok=ok`,
    ]);
    assert.equal(((await s.knex('runningoperation').where({ id: ro }).first()) as { manual: string }).manual, 'on');
    assert.deepEqual(await s.knex('task').select('type', 'item', 'runningoperation', 'status'), [
      { type: 'processing_open', item: I.liteTrial, runningoperation: ro, status: 0 },
    ]);

    await writer.operationFailed(ro, 'open', I.liteTrial, '<doc/>');
    assert.deepEqual(
      await newCalls(),
      [`runningoperation.edit elid=${ro} sok=ok errorxml=<doc/>`],
      'a task exists already',
    );
    assert.equal(((await s.knex('task').count({ n: '*' }).first()) as { n: number }).n, 1);
  });

  test('When an operation at ten tries has no item, or its command has no task type, then no task is opened', async () => {
    await asStandin(s.knex, (trx) =>
      trx('runningoperation').insert([
        { id: 5201, standin_item: null, trycount: 12 },
        { id: 5202, standin_item: I.proYear, trycount: 10 },
      ]),
    );
    await writer.operationFailed(5201, 'open', null, '<doc/>');
    assert.deepEqual(await newCalls(), ['runningoperation.edit elid=5201 sok=ok errorxml=<doc/>']);
    await writer.operationFailed(5202, 'fixchilds', I.proYear, '<doc/>');
    assert.deepEqual(await newCalls(), [
      'runningoperation.edit elid=5202 sok=ok errorxml=<doc/>',
      'runningoperation.setmanual elid=5202',
      'task.gettype operation=fixchilds',
    ]);
    assert.ok(log.some((line) => line.level === 'warn' && /names no task type/.test(line.msg)));
  });

  test('When BILLmanager refuses a post-call, then the verb throws a billing error naming the function and what the panel said', async () => {
    await failMgrctl(s.knex, 'service.postsuspend', { type: 'access', object: 'item', msg: 'Access denied' });
    await assert.rejects(writer.suspended(I.server), (error: unknown) => {
      assert.ok(error instanceof MgrctlError);
      assert.equal(error.type, 'billing');
      assert.equal(error.func, 'service.postsuspend');
      assert.equal(error.billingType, 'access');
      assert.equal(error.exitCode, 1);
      assert.match(error.message, /^mgrctl service\.postsuspend: access item: Access denied$/);
      return true;
    });
    assert.equal((await itemRow(s.knex, I.server)).status, 2);
    await assert.rejects(
      writer.opened(I.deletedServer),
      /mgrctl service\.postopen: value item: Service #2201 is deleted/,
    );
    await assert.rejects(writer.saveParam(424242, 'licenseid', '1'), /missed item/);
    await newCalls();
  });
});
