import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Bm6Harness, startBm6Harness } from './helpers/bm6-harness.js';
import { BM6 } from './helpers/bm6-standin.js';

const CONF = [
  '# local periods are item.period months in bm6',
  'Price ipmgr 2891',
  'Period 12 1815 2891',
  'Period 3 955227001 55227',
  '',
].join('\n');

const param = async (h: Bm6Harness, item: number, name: string) =>
  (await h.knex('itemparam').where({ item, intname: name }).first())?.value as string | undefined;
const status = async (h: Bm6Harness, item: number) =>
  Number((await h.knex('item').where({ id: item }).first())?.status);

describe('inside a BILLmanager 5/6 (bm6): results go back through mgrctl, nothing is written to its tables', () => {
  let h: Bm6Harness;
  before(async () => {
    h = await startBm6Harness({ conf: CONF });
  });
  after(async () => {
    await h.close();
  });

  test('When BILLmanager opens a licence, then the licence is bought with the decrypted password and the open is confirmed by mgrctl', async () => {
    const run = await h.module([
      '--command',
      'open',
      '--item',
      String(BM6.item.liteMonth),
      '--runningoperation',
      String(BM6.operation.liteMonth),
    ]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const licence = (await h.licences()).find((l) => l.ip === BM6.address.liteMonth);
    assert.equal(licence?.licname, 'shop.example.com', 'the licname param names it');
    assert.equal((await h.ledger()).filter((c) => c.licence === licence?.id).length, 1);
    const funcs = (await h.calls()).map((c) => c.func);
    assert.ok(funcs.includes('service.postopen'), funcs.join(' '));
    assert.equal(await param(h, BM6.item.liteMonth, 'licenseid'), licence?.id, 'service.saveparam licenseid');
    assert.ok(
      (await param(h, BM6.item.liteMonth, 'lickey'))?.startsWith(`${licence?.id}-`),
      'service.saveparam lickey',
    );
    const saved = await h.calls('service.saveparam');
    assert.deepEqual(
      saved.map((c) => c.params.name),
      ['licenseid', 'lickey'],
    );
    assert.equal((await h.calls('service.setexpiredate'))[0]?.params.expiredate, licence?.expiredate);
    assert.equal(await status(h, BM6.item.liteMonth), 2, 'postopen applied by the panel');
    assert.deepEqual(await h.foreignWrites(), []);
  });

  test('When BILLmanager suspends, resumes, prolongs, changes and closes it, then each ends with its post-call', async () => {
    const item = String(BM6.item.liteMonth);
    const expect = async (command: string, post: string, extra: string[] = []) => {
      const before = (await h.calls(post)).length;
      const run = await h.module(['--command', command, '--item', item, ...extra]);
      assert.equal(run.code, 0, `${command}: ${run.stdout}${run.stderr}`);
      assert.equal((await h.calls(post)).length, before + 1, `${command} → ${post}`);
    };
    await expect('suspend', 'service.postsuspend');
    assert.equal(await status(h, BM6.item.liteMonth), 3);
    await expect('resume', 'service.postresume');
    await expect('prolong', 'service.postprolong', ['--runningoperation', '6001']);
    const licence = (await h.licences()).find((l) => l.ip === BM6.address.liteMonth);
    const expiries = await h.calls('service.setexpiredate');
    assert.equal(expiries.at(-1)?.params.expiredate, licence?.expiredate, 'the new expiry is set');
    await h.asPanel((trx) =>
      trx('itemparam').where({ item: BM6.item.liteMonth, intname: 'ip' }).update({ value: '198.51.100.77' }),
    );
    await expect('setparam', 'service.postsetparam');
    assert.equal((await h.licences()).find((l) => l.id === licence?.id)?.ip, '198.51.100.77');
    await expect('close', 'service.postclose');
    assert.equal(await status(h, BM6.item.liteMonth), 4);
    assert.equal((await h.licences()).find((l) => l.id === licence?.id)?.status, '4');
    assert.deepEqual(await h.foreignWrites(), []);
  });

  test('When an open fails with a running operation, then the error is saved on it, exit 1 and nothing is bought; at the tenth try it becomes manual with a task', async () => {
    await h.admin('balance.set', { amount: 0 });
    try {
      const ledger = (await h.ledger()).length;
      const item = String(BM6.item.proYear);
      await h.asPanel((trx) =>
        trx('runningoperation').insert([
          { id: 7002, standin_item: BM6.item.proYear, trycount: 3 },
          { id: 7003, standin_item: BM6.item.proYear, trycount: 10 },
        ]),
      );
      const run = await h.module(['--command', 'open', '--item', item, '--runningoperation', '7002']);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /<error type="balance"/);
      const edits = await h.calls('runningoperation.edit');
      assert.equal(edits.at(-1)?.params.elid, '7002');
      assert.match(edits.at(-1)?.params.errorxml ?? '', /type="balance"/);
      assert.equal((await h.calls('runningoperation.setmanual')).length, 0, 'not yet: 3 tries');
      assert.equal((await h.ledger()).length, ledger, 'nothing bought');

      const tenth = await h.module(['--command', 'open', '--item', item, '--runningoperation', '7003']);
      assert.equal(tenth.code, 1);
      assert.equal((await h.calls('runningoperation.setmanual')).at(-1)?.params.elid, '7003');
      assert.equal((await h.calls('task.gettype')).at(-1)?.params.operation, 'open');
      assert.equal((await h.calls('task.edit')).length, 1);
      assert.equal((await h.ledger()).length, ledger);
    } finally {
      await h.admin('balance.set', { amount: 10_000 });
    }
    assert.deepEqual(await h.foreignWrites(), []);
  });

  test('When checkevent runs, then add-ons are licensed on the server IP from the ip table, a missing child takes the tariff default, and nothing is written directly', async () => {
    const run = await h.cpbillmgr(['checkevent']);
    assert.ok(run.code === 0 || run.code === 1, run.stdout + run.stderr);
    const licences = await h.licences();
    const onServer = licences.filter((l) => l.ip === BM6.address.server);
    assert.deepEqual(onServer.map((l) => l.package).sort(), ['2891', '55228'], run.stdout);
    assert.ok(onServer.every((l) => l.licname === `Item #${BM6.item.server} addon vps1.example.com`));
    const panel = onServer.find((l) => l.package === '55228');
    assert.equal(await param(h, BM6.item.serverPanel, 'licenseid'), panel?.id, 'saved on the add-on child item');
    // The child items are run by the server's module: no post-call confirms an operation of theirs.
    const children = new Set([BM6.item.serverPanel, BM6.item.serverIpmgr].map(String));
    const postCalls = (await h.calls()).filter(
      (c) => c.func.startsWith('service.post') && children.has(c.params.elid ?? ''),
    );
    assert.deepEqual(postCalls, [], 'no post-call on an add-on child item');
    const bare = licences.filter((l) => l.ip === BM6.address.bareServer);
    assert.deepEqual(
      bare.map((l) => l.package),
      ['55227'],
      'no child item: the enumeration default (Lite) applies; IPmanager defaults to off',
    );
    assert.equal(licences.filter((l) => String(l.licname).startsWith(`Item #${BM6.item.deletedServer} `)).length, 0);
    const again = await h.cpbillmgr(['checkevent']);
    assert.equal((await h.licences()).length, licences.length, `a second pass buys nothing: ${again.stdout}`);
    assert.deepEqual(await h.foreignWrites(), []);
  });

  test('When the connection form is tuned, then the api choices are added', async () => {
    const run = await h.module(
      ['--command', 'tune_connection'],
      {},
      '<doc><func>processing.add.user</func><url/></doc>',
    );
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /<slist name="api">/);
    const features = await h.module(['--command', 'features']);
    assert.match(features.stdout, /<feature name="tune_connection"\/>/);
  });

  test('Without CPBILLMGR_DB, the database comes from mgrctl paramlist', async () => {
    const run = await h.module(['--command', 'license.info', '--item', String(BM6.item.liteMonth)], {
      CPBILLMGR_DB: '',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /<state>done<\/state>/);
  });
});

describe('bm6: a licence still being created upstream, and a crypted password that is wrong', () => {
  let h: Bm6Harness;
  before(async () => {
    h = await startBm6Harness({ conf: CONF });
  });
  after(async () => {
    await h.close();
  });

  test('When the licence is still processing upstream, then open confirms with postopen and status 5; checkevent finishes it', async () => {
    await h.admin('processing.set', { seconds: 3600 });
    const run = await h.module(['--command', 'open', '--item', String(BM6.item.liteMonth)]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal((await h.calls('service.postopen')).length, 1);
    const statusOf = async () =>
      (await h.calls('service.setstatus')).filter((c) => c.params.elid === String(BM6.item.liteMonth)).at(-1)?.params
        .service_status;
    assert.equal(await statusOf(), '5');
    assert.equal(await param(h, BM6.item.liteMonth, 'lickey'), undefined, 'no key yet');
    await h.admin('clock.advance', { hours: 2 });
    const check = await h.cpbillmgr(['checkevent']);
    assert.equal(await statusOf(), '2', check.stdout);
    assert.ok(await param(h, BM6.item.liteMonth, 'lickey'), 'the key arrives with checkevent');
    assert.deepEqual(await h.foreignWrites(), []);
  });

  test('When the crypted password does not decrypt, then the call is refused naming the module and parameter, and nothing is bought', async () => {
    await h.asPanel((trx) =>
      trx('processingcryptedparam')
        .where({ processingmodule: 1, intname: 'password' })
        .update({ value: 'bm90IGEgY2lwaGVy' }),
    );
    const ledger = (await h.ledger()).length;
    const run = await h.module(['--command', 'open', '--item', String(BM6.item.proYear)]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /type="not_configured"/);
    assert.match(run.stdout, /processing module #1 'ISPsystem licences'.*'password'/);
    assert.equal((await h.ledger()).length, ledger);
  });
});
