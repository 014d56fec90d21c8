import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { failMgrctl } from '../src/bm6-standin/mgrctl-calls.js';
import { type Bm6Harness, startBm6Harness } from './helpers/bm6-harness.js';
import { BM6 } from './helpers/bm6-standin.js';
import { rows } from './helpers/harness.js';

const CONF = ['Period 3 955227001 55227', ''].join('\n');

const ITEM = BM6.item.liteMonth;

/**
 * The mgrctl timeout of a run with a hung call. It holds for every mgrctl call of that run — the
 * `paramlist` that decrypts the upstream password before anything is ordered, `runningoperation.edit`
 * after — and a stand-in call (a node process and a database connection) takes over 2 s on a loaded
 * 2-core machine: it must stay well above that. A hung call hangs far longer ({@link HANG_MS}).
 */
const TIMEOUT_MS = 8000;
const HANG_MS = 120_000;
/** Well past the timeout and what the run does around it; well short of the hang. */
const STOPPED_WITHIN_MS = 60_000;
const short = { CPBILLMGR_MGRCTL_TIMEOUT_MS: String(TIMEOUT_MS) };
const noAnswer = (func: string) => new RegExp(`${func.replaceAll('.', '\\.')}: no answer within ${TIMEOUT_MS} ms`);
const OPERATION = BM6.operation.liteMonth;

const param = async (h: Bm6Harness, item: number, name: string) =>
  (await h.knex('itemparam').where({ item, intname: name }).first())?.value as string | undefined;
const itemStatus = async (h: Bm6Harness, item: number) =>
  Number((await h.knex('item').where({ id: item }).first())?.status);
const requests = async (h: Bm6Harness, func: string) =>
  Number(rows(await h.admin('requests')).find((r) => r.func === func)?.count ?? 0);
const charges = async (h: Bm6Harness, kind: string) => (await h.ledger()).filter((c) => c.kind === kind).length;
const licencesOn = async (h: Bm6Harness, ip: string) => (await h.licences()).filter((l) => l.ip === ip);

/** BILLmanager runs the same operation again, one try later (module.cpp L744-775). */
async function retry(h: Bm6Harness, command: string, item: number, operation: number, extraEnv = {}) {
  await h.asPanel(async (trx) => {
    const row = await trx('runningoperation').where({ id: operation }).first();
    if (row) await trx('runningoperation').where({ id: operation }).increment('trycount', 1);
    else await trx('runningoperation').insert({ id: operation, standin_item: item, trycount: 1 });
  });
  return h.module(['--command', command, '--item', String(item), '--runningoperation', String(operation)], extraEnv);
}

describe('bm6: mgrctl fails after the upstream did the work — an open', () => {
  let h: Bm6Harness;
  before(async () => {
    h = await startBm6Harness({ conf: CONF });
  });
  after(async () => {
    await h.close();
  });

  test('When service.saveparam fails after the licence was bought, then the retry of the operation buys nothing and saves the licence', async () => {
    const orders = await requests(h, 'soft.order.param');
    await failMgrctl(h.knex, 'service.saveparam', { type: 'internal', msg: 'core is restarting' });
    const first = await h.module([
      '--command',
      'open',
      '--item',
      String(ITEM),
      '--runningoperation',
      String(OPERATION),
    ]);
    assert.equal(first.code, 1, first.stdout);
    assert.match(first.stdout, /<error type="billing"/);
    assert.match(first.stdout, /service\.saveparam/);
    assert.equal(await requests(h, 'soft.order.param'), orders + 1, 'the licence was bought');
    assert.equal(await param(h, ITEM, 'licenseid'), undefined, 'but not saved in the billing');

    const second = await retry(h, 'open', ITEM, OPERATION);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(await requests(h, 'soft.order.param'), orders + 1, 'the retry orders nothing');
    assert.equal((await licencesOn(h, BM6.address.liteMonth)).length, 1);
    const licence = (await licencesOn(h, BM6.address.liteMonth))[0];
    assert.equal(await param(h, ITEM, 'licenseid'), licence?.id);
    assert.equal(await itemStatus(h, ITEM), 2, 'service.postopen went through');
    assert.deepEqual(await h.foreignWrites(), []);
  });
});

describe('bm6: an open whose service.postopen fails and is not retried', () => {
  let h: Bm6Harness;
  before(async () => {
    h = await startBm6Harness({ conf: CONF });
  });
  after(async () => {
    await h.close();
  });

  test('When postopen fails and BILLmanager does not run the operation again, then checkevent completes the open without buying again', async () => {
    await failMgrctl(h.knex, 'service.postopen', { times: 1 });
    const first = await h.module([
      '--command',
      'open',
      '--item',
      String(ITEM),
      '--runningoperation',
      String(OPERATION),
    ]);
    assert.equal(first.code, 1, first.stdout);
    assert.equal(await itemStatus(h, ITEM), 1, 'still ordered in BILLmanager');
    const licence = (await licencesOn(h, BM6.address.liteMonth))[0];
    assert.equal(await param(h, ITEM, 'licenseid'), licence?.id, 'the licence id is saved before the post-call');

    const check = await h.cpbillmgr(['checkevent']);
    assert.equal(await itemStatus(h, ITEM), 2, `checkevent confirms the open: ${check.stdout}${check.stderr}`);
    const confirmed = async () =>
      (await h.calls('service.postopen')).filter((c) => c.exitCode === 0 && c.params.elid === String(ITEM)).length;
    assert.equal(await confirmed(), 1);
    // checkevent also licenses the seeded servers' add-ons: only this item's IP is counted.
    assert.equal((await licencesOn(h, BM6.address.liteMonth)).length, 1, 'nothing bought again for it');
    const again = await h.cpbillmgr(['checkevent']);
    assert.equal(await confirmed(), 1, `a second pass sends no post-call: ${again.stdout}`);
    assert.deepEqual(await h.foreignWrites(), []);
  });
});

describe('bm6: mgrctl fails after a renewal and after a close', () => {
  let h: Bm6Harness;
  before(async () => {
    h = await startBm6Harness({ conf: CONF });
    const open = await h.module(['--command', 'open', '--item', String(ITEM), '--runningoperation', String(OPERATION)]);
    assert.equal(open.code, 0, open.stdout + open.stderr);
  });
  after(async () => {
    await h.close();
  });

  test('When service.postprolong fails after the renewal, then the retry of the operation renews nothing more and reports it', async () => {
    const renewals = await charges(h, 'prolong');
    await failMgrctl(h.knex, 'service.postprolong');
    const first = await retry(h, 'prolong', ITEM, 6101);
    assert.equal(first.code, 1, first.stdout);
    assert.equal(await charges(h, 'prolong'), renewals + 1, 'renewed once');
    const licence = (await licencesOn(h, BM6.address.liteMonth))[0];
    const second = await retry(h, 'prolong', ITEM, 6101);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(await charges(h, 'prolong'), renewals + 1, 'the retry renews nothing');
    assert.equal((await h.calls('service.postprolong')).filter((c) => c.exitCode === 0).length, 1);
    assert.equal(String((await h.knex('item').where({ id: ITEM }).first())?.expiredate ?? '').length > 0, true);
    assert.equal(
      (await h.calls('service.setexpiredate')).filter((c) => c.exitCode === 0).at(-1)?.params.expiredate,
      licence?.expiredate,
    );
  });

  test('When service.setexpiredate hangs after a renewal, then mgrctl is stopped at the timeout with a clear error and the retry renews nothing more', async () => {
    const renewals = await charges(h, 'prolong');
    await failMgrctl(h.knex, 'service.setexpiredate', { applied: false, delayMs: HANG_MS });
    const started = Date.now();
    const first = await retry(h, 'prolong', ITEM, 6102, short);
    const took = Date.now() - started;
    assert.equal(first.code, 1, first.stdout);
    assert.ok(took < STOPPED_WITHIN_MS, `bounded by the mgrctl timeout, took ${took} ms`);
    assert.match(first.stdout, /<error type="billing"/);
    assert.match(first.stdout, noAnswer('service.setexpiredate'));
    assert.equal(await charges(h, 'prolong'), renewals + 1);
    const second = await retry(h, 'prolong', ITEM, 6102);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(await charges(h, 'prolong'), renewals + 1, 'the retry renews nothing');
    const licence = (await licencesOn(h, BM6.address.liteMonth))[0];
    assert.equal(
      String((await h.knex('item').where({ id: ITEM }).first())?.expiredate ?? '').slice(0, 10),
      licence?.expiredate,
    );
  });

  test('When service.postclose fails after the licence was deleted, then the retry deletes nothing more and closes the service', async () => {
    const deletes = await requests(h, 'soft.delete');
    await failMgrctl(h.knex, 'service.postclose');
    const first = await retry(h, 'close', ITEM, 6103);
    assert.equal(first.code, 1, first.stdout);
    assert.equal(await requests(h, 'soft.delete'), deletes + 1);
    assert.equal(await itemStatus(h, ITEM), 2, 'BILLmanager still shows it open');
    const second = await retry(h, 'close', ITEM, 6103);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(await requests(h, 'soft.delete'), deletes + 1, 'the retry deletes nothing');
    assert.equal(await itemStatus(h, ITEM), 4);
    assert.deepEqual(await h.foreignWrites(), []);
  });

  test('When service.postclose was carried out but its answer was lost, then the close ends well and a further run touches nothing', async () => {
    // A second licence item, opened and closed here.
    const item = BM6.item.liteTrial;
    const open = await retry(h, 'open', item, 6104);
    assert.equal(open.code, 0, open.stdout + open.stderr);
    await failMgrctl(h.knex, 'service.postclose', { applied: true, msg: 'connection to core lost' });
    const first = await retry(h, 'close', item, 6105);
    assert.equal(first.code, 0, `the service is closed in BILLmanager: that is the answer: ${first.stdout}`);
    assert.equal(await itemStatus(h, item), 4, 'the panel closed it');
    const deletes = await requests(h, 'soft.delete');
    const refusedBefore = (await h.calls()).filter((c) => c.exitCode !== 0).length;
    const second = await retry(h, 'close', item, 6105);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(await requests(h, 'soft.delete'), deletes, 'nothing deleted again');
    const refused = (await h.calls()).filter((c) => c.exitCode !== 0).slice(refusedBefore);
    assert.deepEqual(
      refused.map((c) => c.func),
      [],
      'no mgrctl call on the deleted service',
    );
  });
});

describe('bm6: a hung mgrctl after the licence was bought', () => {
  let h: Bm6Harness;
  before(async () => {
    h = await startBm6Harness({ conf: CONF });
  });
  after(async () => {
    await h.close();
  });

  test('When service.saveparam hangs, then the open ends at the mgrctl timeout with a billing error, and the retry buys nothing', async () => {
    const orders = await requests(h, 'soft.order.param');
    await failMgrctl(h.knex, 'service.saveparam', { applied: true, delayMs: HANG_MS });
    const started = Date.now();
    const first = await h.module(
      ['--command', 'open', '--item', String(ITEM), '--runningoperation', String(OPERATION)],
      short,
    );
    const took = Date.now() - started;
    assert.equal(first.code, 1, first.stdout);
    assert.ok(took < STOPPED_WITHIN_MS, `bounded by the mgrctl timeout, took ${took} ms`);
    assert.match(first.stdout, noAnswer('service.saveparam'));
    assert.equal(await requests(h, 'soft.order.param'), orders + 1);
    const second = await retry(h, 'open', ITEM, OPERATION);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(await requests(h, 'soft.order.param'), orders + 1, 'the retry orders nothing');
    assert.equal(await itemStatus(h, ITEM), 2);
    assert.ok(await param(h, ITEM, 'lickey'));
  });

  test('When a hung mgrctl ignores SIGTERM, then it is killed shortly after the timeout, the open fails as billing, and the retry buys nothing', async () => {
    const item = BM6.item.liteTrial;
    const orders = await requests(h, 'soft.order.param');
    await failMgrctl(h.knex, 'service.saveparam', { applied: true, delayMs: HANG_MS, ignoreTerm: true });
    const started = Date.now();
    const first = await retry(h, 'open', item, 6401, short);
    const took = Date.now() - started;
    assert.equal(first.code, 1, first.stdout);
    assert.match(first.stdout, noAnswer('service.saveparam'));
    // Left to itself the hung mgrctl answers after HANG_MS; killed, the open ends long before.
    assert.ok(took < STOPPED_WITHIN_MS, `the mgrctl deaf to SIGTERM was killed, took ${took} ms`);
    const hung = (await h.calls('service.saveparam')).at(-1);
    assert.ok(hung?.pid, 'the hung call was recorded with its process');
    assert.throws(() => process.kill(hung.pid as number, 0), { code: 'ESRCH' }, 'the hung mgrctl is gone');
    assert.equal(await requests(h, 'soft.order.param'), orders + 1);

    const second = await retry(h, 'open', item, 6401);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(await requests(h, 'soft.order.param'), orders + 1, 'the retry orders nothing');
    assert.equal(await itemStatus(h, item), 2);
  });
});

describe('bm6: BILLmanager runs one operation twice at once', () => {
  let h: Bm6Harness;
  before(async () => {
    h = await startBm6Harness({ conf: CONF });
  });
  after(async () => {
    await h.close();
  });

  test('When two opens of one item run at once, then one licence is bought and both end well', async () => {
    const orders = await requests(h, 'soft.order.param');
    const args = ['--command', 'open', '--item', String(ITEM), '--runningoperation', String(OPERATION)];
    const [a, b] = await Promise.all([h.module(args), h.module(args)]);
    assert.equal(await requests(h, 'soft.order.param'), orders + 1, 'one order sent');
    assert.equal((await licencesOn(h, BM6.address.liteMonth)).length, 1);
    assert.deepEqual([a.code, b.code], [0, 0], a.stdout + b.stdout + a.stderr + b.stderr);
    assert.equal(await itemStatus(h, ITEM), 2);
    assert.deepEqual(await h.foreignWrites(), []);
  });

  test('When two prolongs of one operation run at once, then the licence is renewed once and both end well', async () => {
    const renewals = await charges(h, 'prolong');
    await h.asPanel((trx) => trx('runningoperation').insert({ id: 6201, standin_item: ITEM, trycount: 1 }));
    const args = ['--command', 'prolong', '--item', String(ITEM), '--runningoperation', '6201'];
    const [a, b] = await Promise.all([h.module(args), h.module(args)]);
    assert.equal(await charges(h, 'prolong'), renewals + 1, 'renewed once');
    // The journal's claim lets one renew; the other ends well or asks to be run again (in_progress).
    for (const run of [a, b]) assert.ok(run.code === 0 || /type="in_progress"/.test(run.stdout), run.stdout);
    assert.ok(a.code === 0 || b.code === 0, a.stdout + b.stdout);
    assert.equal((await h.calls('service.postprolong')).filter((c) => c.exitCode !== 0).length, 0);
  });

  test('When two closes of one item run at once, then the licence is deleted and both end well', async () => {
    const deletes = await requests(h, 'soft.delete');
    await h.asPanel((trx) => trx('runningoperation').insert({ id: 6202, standin_item: ITEM, trycount: 1 }));
    const args = ['--command', 'close', '--item', String(ITEM), '--runningoperation', '6202'];
    const [a, b] = await Promise.all([h.module(args), h.module(args)]);
    // Both may read the licence before either deletes it (a delete costs nothing): the one refused
    // finds it deleted and goes on.
    const sent = (await requests(h, 'soft.delete')) - deletes;
    assert.ok(sent === 1 || sent === 2, `${sent} deletes sent`);
    assert.deepEqual([a.code, b.code], [0, 0], a.stdout + b.stdout);
    assert.equal((await licencesOn(h, BM6.address.liteMonth))[0]?.status, '4');
    assert.equal(await itemStatus(h, ITEM), 4);
  });
});

describe('bm6: an item.period of 0', () => {
  let h: Bm6Harness;
  before(async () => {
    h = await startBm6Harness({ conf: CONF });
  });
  after(async () => {
    await h.close();
  });

  test('When BILLmanager opens a service whose period is 0, then nothing is ordered and the operation fails as not configured', async () => {
    const item = BM6.item.litePeriodZero;
    await h.asPanel((trx) => trx('itemparam').insert({ item, intname: 'ip', value: '198.51.100.44' }));
    const orders = await requests(h, 'soft.order.param');
    const run = await retry(h, 'open', item, 6301);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /<error type="not_configured" object="period"/);
    assert.equal(await requests(h, 'soft.order.param'), orders, 'no lifetime (or any) licence guessed from a 0');
    assert.equal((await h.calls('runningoperation.edit')).at(-1)?.params.elid, '6301');
  });
});
