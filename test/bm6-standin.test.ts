import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createBm6Reader } from '../src/billing/bm6/bm6-reader.js';
import { decryptParam, lazyDecrypter, loadCryptKey } from '../src/billing/bm6/decrypt-param.js';
import { BM6_TABLES } from '../src/bm6-standin/bm6-tables.js';
import { failMgrctl, mgrctlCalls } from '../src/bm6-standin/mgrctl-calls.js';
import { seedBm6Billing } from '../src/bm6-standin/seed-bm6-billing.js';
import { encryptParam, writeStandinKey } from '../src/bm6-standin/standin-key.js';
import { asStandin, foreignWrites } from '../src/bm6-standin/standin-session.js';
import { writeMgrctlWrapper } from '../src/bm6-standin/write-mgrctl-wrapper.js';
import { createDb } from '../src/store/create-db.js';
import {
  BM6,
  type Bm6Standin,
  itemParams,
  itemRow,
  mgrctlRaw,
  runRaw,
  startBm6Standin,
} from './helpers/bm6-standin.js';

const I = BM6.item;

async function columns(s: Bm6Standin, table: string): Promise<string[]> {
  const rows = (await s
    .knex('information_schema.columns')
    .select({ name: 'COLUMN_NAME' })
    .whereRaw('TABLE_SCHEMA = DATABASE()')
    .where('TABLE_NAME', table)
    .orderBy('ORDINAL_POSITION')) as Array<{ name: string }>;
  return rows.map((row) => row.name);
}

async function runningOperations(s: Bm6Standin) {
  return (await s
    .knex('runningoperation')
    .select('id', 'standin_item as item', 'trycount', 'errorxml', 'manual')
    .orderBy('id')) as Array<Record<string, unknown>>;
}

describe('BILLmanager 5/6 stand-in on MariaDB: schema, write triggers, mgrctl, crypted params', () => {
  let s: Bm6Standin;
  before(async () => {
    s = await startBm6Standin();
  });
  after(async () => {
    await s.close();
  });

  test("When the schema is created, then it has BILLmanager's real tables and columns, extra ones included, and none of contract §5's inventions", async () => {
    for (const table of BM6_TABLES) assert.ok(await s.knex.schema.hasTable(table), table);
    assert.equal(await s.knex.schema.hasTable('period'), false, 'no period table');
    const item = await columns(s, 'item');
    for (const column of [
      'remoteid',
      'autosuspend',
      'lastpricelist',
      'createdate',
      'intvalue',
      'addonlimit',
      'addonmax',
    ]) {
      assert.ok(item.includes(column), `item.${column}`);
    }
    assert.equal(item.includes('ip'), false, 'no item.ip');
    assert.notEqual(item[0], 'id', 'id is not first, so column order means nothing');
    const pricelist = await columns(s, 'pricelist');
    for (const column of [
      'billtype',
      'compound',
      'project',
      'enumeration',
      'enumerationitem',
      'addonbool',
      'measure',
    ]) {
      assert.ok(pricelist.includes(column), `pricelist.${column}`);
    }
    assert.equal(pricelist.includes('processingmodule'), false, 'no pricelist.processingmodule');
    const module = await columns(s, 'processingmodule');
    for (const column of ['orderpriority', 'ipmgr', 'config', 'department']) assert.ok(module.includes(column), column);
    const choice = await columns(s, 'enumerationitem');
    assert.ok(choice.includes('enumeration') && choice.includes('name_ru'));
    assert.equal(choice.includes('pricelist'), false, 'no enumerationitem.pricelist');
    assert.deepEqual((await columns(s, 'ip')).sort(), ['id', 'item', 'name', 'status']);
  });

  test('When the seed and the stand-in write, then no foreign write is recorded; when anyone else writes any BILLmanager table, then each write is', async () => {
    assert.deepEqual(await foreignWrites(s.knex), [], 'seeding counts as BILLmanager');
    await asStandin(s.knex, (trx) => trx('itemparam').insert({ item: I.liteTrial, intname: 'note', value: 'x' }));
    assert.deepEqual(await foreignWrites(s.knex), []);

    await s.knex('item').where({ id: I.liteMonth }).update({ name: 'changed behind the panel' });
    await s.knex('itemparam').insert({ item: I.liteMonth, intname: 'sneaky', value: '1' });
    await s.knex('itemparam').where({ item: I.liteMonth, intname: 'sneaky' }).delete();
    await s
      .knex('processingcryptedparam')
      .where({ processingmodule: BM6.module })
      .update({ value: 'x' })
      .where('intname', 'none');
    await s.knex('ip').where({ id: -1 }).delete();
    const writes = await foreignWrites(s.knex);
    assert.deepEqual(
      writes.map((w) => `${w.table}:${w.op}`),
      ['item:update', 'itemparam:insert', 'itemparam:delete'],
      'statements touching no row fire no row trigger',
    );
    await s.knex('standin_foreign_write').delete();
    await s.knex('item').where({ id: I.liteMonth }).update({ name: 'Lite for shop' });
    await s.knex('standin_foreign_write').delete();
  });

  test('When every BILLmanager table gets a direct insert, then each one is caught', async () => {
    const triggers = (await s
      .knex('information_schema.triggers')
      .select({ name: 'TRIGGER_NAME' })
      .whereRaw('TRIGGER_SCHEMA = DATABASE()')) as Array<{ name: string }>;
    assert.equal(triggers.length, BM6_TABLES.length * 3);
    await s.knex('account').insert({ id: 99, name: 'x' });
    await s.knex('task').insert({ type: 't', item: I.liteMonth });
    await s.knex('runningoperation').insert({ id: 99, standin_item: I.liteMonth, trycount: 0 });
    assert.deepEqual(
      (await foreignWrites(s.knex)).map((w) => w.table),
      ['account', 'task', 'runningoperation'],
    );
    await asStandin(s.knex, async (trx) => {
      await trx('account').where({ id: 99 }).delete();
      await trx('task').delete();
      await trx('runningoperation').where({ id: 99 }).delete();
    });
    await s.knex('standin_foreign_write').delete();
  });

  test("When paramlist is asked for, then it answers the database's DBHost, DBUser, DBPassword, DBName, DBSocket and the key path", async () => {
    const run = await mgrctlRaw(s.mgrctl, 'paramlist');
    assert.equal(run.code, 0, run.stderr);
    const dbName = new URL(s.url).pathname.slice(1);
    assert.match(run.stdout, /<elem><DBHost>127\.0\.0\.1<\/DBHost><\/elem>/);
    assert.match(run.stdout, /<elem><DBUser>root<\/DBUser><\/elem>/);
    assert.match(run.stdout, /<elem><DBPassword(\/>|><\/DBPassword>)<\/elem>/);
    assert.ok(run.stdout.includes(`<elem><DBName>${dbName}</DBName></elem>`));
    assert.match(run.stdout, /<elem><CryptKey>etc\/billmgr\.pem<\/CryptKey><\/elem>/);
    assert.match(run.stdout, /<DBSocket(\/>|><\/DBSocket>)/);
  });

  test('When each post-call is made, then the item takes its state, its running operation is closed, and the call is recorded', async () => {
    const before = (await mgrctlCalls(s.knex)).length;
    let run = await mgrctlRaw(s.mgrctl, 'service.postopen', { elid: I.liteMonth, sok: 'ok' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /<doc><ok\/><\/doc>/);
    let row = await itemRow(s.knex, I.liteMonth);
    assert.equal(row.status, 2);
    assert.equal(row.opendate, new Date().toISOString().slice(0, 10));
    assert.equal(
      (await runningOperations(s)).some((o) => o.item === I.liteMonth),
      false,
      'operation closed',
    );

    assert.equal((await mgrctlRaw(s.mgrctl, 'service.postsuspend', { elid: I.liteMonth, sok: 'ok' })).code, 0);
    assert.equal((await itemRow(s.knex, I.liteMonth)).status, 3);
    assert.equal((await mgrctlRaw(s.mgrctl, 'service.postresume', { elid: I.liteMonth, sok: 'ok' })).code, 0);
    assert.equal((await itemRow(s.knex, I.liteMonth)).status, 2);
    const expiry = (await itemRow(s.knex, I.proYear)).expiredate;
    assert.equal((await mgrctlRaw(s.mgrctl, 'service.postprolong', { elid: I.proYear, sok: 'ok' })).code, 0);
    assert.equal((await itemRow(s.knex, I.proYear)).expiredate, expiry, 'postprolong leaves the date to setexpiredate');

    await asStandin(s.knex, (trx) =>
      trx('item').where({ id: I.proYear }).update({ pricelist: BM6.tariff.lite, lastpricelist: BM6.tariff.pro }),
    );
    assert.equal((await mgrctlRaw(s.mgrctl, 'service.postsetparam', { elid: I.proYear, sok: 'ok' })).code, 0);
    row = await itemRow(s.knex, I.proYear);
    assert.equal(row.lastpricelist, null);
    assert.equal(row.pricelist, BM6.tariff.lite);

    run = await mgrctlRaw(s.mgrctl, 'service.postclose', { elid: I.liteMonth, sok: 'ok' });
    assert.equal(run.code, 0);
    assert.equal((await itemRow(s.knex, I.liteMonth)).status, 4);

    const calls = (await mgrctlCalls(s.knex)).slice(before);
    assert.deepEqual(
      calls.map((c) => c.func),
      [
        'service.postopen',
        'service.postsuspend',
        'service.postresume',
        'service.postprolong',
        'service.postsetparam',
        'service.postclose',
      ],
    );
    assert.deepEqual(calls[0]?.params, { elid: String(I.liteMonth), sok: 'ok' });
    assert.ok(calls.every((c) => c.exitCode === 0));
    assert.deepEqual(await foreignWrites(s.knex), []);
  });

  test('When a post-call names a deleted or unknown item, or comes without sok=ok, then it is refused or changes nothing', async () => {
    const deleted = await mgrctlRaw(s.mgrctl, 'service.postopen', { elid: I.deletedServer, sok: 'ok' });
    assert.equal(deleted.code, 1);
    assert.match(deleted.stdout, /<error type="value" object="item"/);
    assert.equal((await itemRow(s.knex, I.deletedServer)).status, 4);

    const unknown = await mgrctlRaw(s.mgrctl, 'service.postsuspend', { elid: 424242, sok: 'ok' });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /<error type="missed" object="item"/);

    const missing = await mgrctlRaw(s.mgrctl, 'service.postresume', { sok: 'ok' });
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /<error type="missed" object="elid"/);

    const bad = await mgrctlRaw(s.mgrctl, 'service.postresume', { elid: 'x1', sok: 'ok' });
    assert.match(bad.stdout, /<error type="value" object="elid"/);

    const unsubmitted = await mgrctlRaw(s.mgrctl, 'service.postsuspend', { elid: I.server });
    assert.equal(unsubmitted.code, 0);
    assert.doesNotMatch(unsubmitted.stdout, /<ok\/>/);
    assert.equal((await itemRow(s.knex, I.server)).status, 2, 'a form without sok only shows itself');
  });

  test('When an unknown function is called, then an error document comes back with a non-zero exit and the call is recorded', async () => {
    const run = await mgrctlRaw(s.mgrctl, 'service.open_everything', { elid: I.server });
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /<doc><error type="missed" object="func"[^>]*>.*<msg>Unknown function 'service\.open_everything'<\/msg><\/error><\/doc>/,
    );
    const [last] = (await mgrctlCalls(s.knex)).slice(-1);
    assert.equal(last?.func, 'service.open_everything');
    assert.equal(last?.exitCode, 1);

    const noPair = await runRaw(s.mgrctl, ['-m', 'billmgr', '-o', 'xml', 'service.postopen', 'elid']);
    assert.equal(noPair.code, 1);
    assert.match(noPair.stdout, /is not name=value/);
    const text = await runRaw(s.mgrctl, ['-m', 'billmgr', 'paramlist']);
    assert.equal(text.code, 2, 'only -o xml is served');
    const proto = await mgrctlRaw(s.mgrctl, '__proto__', {});
    assert.equal(proto.code, 1);
    assert.match(proto.stdout, /Unknown function/);
  });

  test('When params are saved, dropped, crypted, dated and statused, then itemparam, itemcryptedparam and item follow', async () => {
    const item = I.liteTrial;
    assert.equal(
      (await mgrctlRaw(s.mgrctl, 'service.saveparam', { elid: item, name: 'licenseid', value: 'L-1', sok: 'ok' })).code,
      0,
    );
    assert.equal(
      (await mgrctlRaw(s.mgrctl, 'service.saveparam', { elid: item, name: 'licenseid', value: 'L-2', sok: 'ok' })).code,
      0,
    );
    assert.equal(
      (await mgrctlRaw(s.mgrctl, 'service.saveparam', { elid: item, name: 'lickey', value: 'K=1&x', sok: 'ok' })).code,
      0,
    );
    let params = await itemParams(s.knex, item);
    assert.equal(params.licenseid, 'L-2', 'upserted, one row');
    assert.equal(params.lickey, 'K=1&x');
    assert.equal(((await s.knex('itemparam').where({ item, intname: 'licenseid' })) as unknown[]).length, 1);

    assert.equal(
      (
        await mgrctlRaw(s.mgrctl, 'service.saveparam', {
          elid: item,
          name: 'secret',
          value: 'p@ss',
          crypted: 'on',
          sok: 'ok',
        })
      ).code,
      0,
    );
    const crypted = await itemParams(s.knex, item, 'itemcryptedparam');
    assert.notEqual(crypted.secret, 'p@ss');
    assert.equal(decryptParam(s.key.privatePem, crypted.secret ?? ''), 'p@ss');

    assert.equal((await mgrctlRaw(s.mgrctl, 'service.saveparam', { elid: item, name: 'lickey', sok: 'ok' })).code, 0);
    params = await itemParams(s.knex, item);
    assert.equal('lickey' in params, false, 'saveparam without a value drops it (module.cpp DropParam)');
    assert.equal(
      (await mgrctlRaw(s.mgrctl, 'service.dropparam', { elid: item, name: 'licenseid', sok: 'ok' })).code,
      0,
    );
    assert.equal('licenseid' in (await itemParams(s.knex, item)), false);

    assert.equal(
      (await mgrctlRaw(s.mgrctl, 'service.setexpiredate', { elid: item, expiredate: '2027-02-28' })).code,
      0,
    );
    assert.equal((await itemRow(s.knex, item)).expiredate, '2027-02-28');
    for (const bad of ['2027-02-30', '', '28.02.2027']) {
      const run = await mgrctlRaw(s.mgrctl, 'service.setexpiredate', { elid: item, expiredate: bad });
      assert.equal(run.code, 1, bad);
    }
    assert.equal((await itemRow(s.knex, item)).expiredate, '2027-02-28');

    assert.equal((await mgrctlRaw(s.mgrctl, 'service.setstatus', { elid: item, service_status: 3 })).code, 0);
    assert.equal((await itemParams(s.knex, item)).service_status, '3');
    assert.equal((await itemRow(s.knex, item)).status, 1, 'item.status is BILLmanager’s');
    assert.equal((await mgrctlRaw(s.mgrctl, 'service.setstatus', { elid: item, service_status: 'x' })).code, 1);
    assert.deepEqual(await foreignWrites(s.knex), []);
  });

  test('When a tariff change is rolled back, then the previous tariff returns; with none pending, it is refused', async () => {
    await asStandin(s.knex, (trx) =>
      trx('item').where({ id: I.bareServer }).update({ pricelist: BM6.tariff.lite, lastpricelist: BM6.tariff.vps }),
    );
    const run = await mgrctlRaw(s.mgrctl, 'service.changepricelist.rollback', { elid: I.bareServer, sok: 'ok' });
    assert.equal(run.code, 0, run.stdout);
    const row = await itemRow(s.knex, I.bareServer);
    assert.equal(row.pricelist, BM6.tariff.vps);
    assert.equal(row.lastpricelist, null);
    const again = await mgrctlRaw(s.mgrctl, 'service.changepricelist.rollback', { elid: I.bareServer, sok: 'ok' });
    assert.equal(again.code, 1);
    assert.match(again.stdout, /object="lastpricelist"/);
  });

  test('When a running operation is edited, set manual and given a task, then the operation and task rows follow; trycount never moves', async () => {
    const ro = BM6.operation.liteTrial;
    const errorxml = '<doc><error type="upstream"><msg>down</msg></error></doc>';
    assert.equal((await mgrctlRaw(s.mgrctl, 'runningoperation.edit', { elid: ro, sok: 'ok', errorxml })).code, 0);
    let op = (await runningOperations(s)).find((o) => o.id === ro);
    assert.equal(op?.errorxml, errorxml);
    assert.equal(op?.trycount, 10);
    assert.equal(op?.manual, 'off');
    assert.equal((await mgrctlRaw(s.mgrctl, 'runningoperation.setmanual', { elid: ro })).code, 0);
    op = (await runningOperations(s)).find((o) => o.id === ro);
    assert.equal(op?.manual, 'on');

    const type = await mgrctlRaw(s.mgrctl, 'task.gettype', { operation: 'open' });
    assert.match(type.stdout, /<task_type>processing_open<\/task_type>/);
    const none = await mgrctlRaw(s.mgrctl, 'task.gettype', { operation: 'fixchilds' });
    assert.equal(none.code, 0);
    assert.doesNotMatch(none.stdout, /task_type/);

    const task = await mgrctlRaw(s.mgrctl, 'task.edit', {
      item: I.liteTrial,
      runningoperation: ro,
      type: 'processing_open',
      sok: 'ok',
    });
    assert.equal(task.code, 0, task.stdout);
    const tasks = (await s.knex('task').select('type', 'item', 'runningoperation', 'status')) as unknown[];
    assert.deepEqual(tasks, [{ type: 'processing_open', item: I.liteTrial, runningoperation: ro, status: 0 }]);
    assert.equal((await mgrctlRaw(s.mgrctl, 'task.edit', { item: 424242, type: 'x', sok: 'ok' })).code, 1);
    assert.equal((await mgrctlRaw(s.mgrctl, 'runningoperation.edit', { elid: 999, sok: 'ok' })).code, 1);

    assert.equal((await mgrctlRaw(s.mgrctl, 'runningoperation.delete', { elid: ro })).code, 0);
    assert.equal(
      (await runningOperations(s)).some((o) => o.id === ro),
      false,
    );
    assert.deepEqual(await foreignWrites(s.knex), []);
  });

  test('When a fault is queued for a function, then its next call is refused before anything is applied, and the one after goes through', async () => {
    await failMgrctl(s.knex, 'service.postsuspend', { type: 'access', msg: 'panel busy' });
    const refused = await mgrctlRaw(s.mgrctl, 'service.postsuspend', { elid: I.server, sok: 'ok' });
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /type="access".*<msg>panel busy<\/msg>/s);
    assert.equal((await itemRow(s.knex, I.server)).status, 2);
    assert.equal((await mgrctlRaw(s.mgrctl, 'service.postsuspend', { elid: I.server, sok: 'ok' })).code, 0);
    assert.equal((await itemRow(s.knex, I.server)).status, 3);
    await mgrctlRaw(s.mgrctl, 'service.postresume', { elid: I.server, sok: 'ok' });
  });

  test('When the seeded password is decrypted with the panel key, then it comes back; a tampered, foreign, empty or non-base64 value throws', async () => {
    const row = (await s
      .knex('processingcryptedparam')
      .where({ processingmodule: BM6.module, intname: 'password' })
      .first()) as {
      value: string;
    };
    assert.notEqual(row.value, 'up-secret');
    assert.equal(decryptParam(s.key.privatePem, row.value), 'up-secret');
    const key = await loadCryptKey(s.mgrRoot, 'etc/billmgr.pem');
    assert.equal(key.decrypt(row.value), 'up-secret');
    // Line breaks, as OpenSSL's base64 writes them, are fine.
    assert.equal(key.decrypt(row.value.replace(/(.{64})/g, '$1\n')), 'up-secret');

    const bytes = Buffer.from(row.value, 'base64');
    bytes[100] = (bytes[100] ?? 0) ^ 0x5a;
    assert.throws(() => key.decrypt(bytes.toString('base64')), /does not decrypt|not UTF-8/);
    assert.throws(() => key.decrypt(''), /empty/);
    assert.throws(() => key.decrypt('not*base64'), /not base64/);
    assert.throws(() => key.decrypt(Buffer.from('short').toString('base64')), /5 bytes, not the 256/);

    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const foreign = encryptParam(other.publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'up-secret');
    assert.throws(
      () => key.decrypt(foreign),
      (error: Error & { type?: string }) => error.type === 'not_configured',
    );

    // OpenSSL 3 writes PKCS#8 keys: those work too.
    const pkcs8 = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.equal(decryptParam(pkcs8, foreign), 'up-secret');
  });

  test('When the key file is missing, not a PEM, or encrypted, then loading it throws naming the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-key-'));
    await assert.rejects(loadCryptKey(dir, 'etc/billmgr.pem'), new RegExp(`${dir}/etc/billmgr\\.pem: ENOENT`));
    writeFileSync(join(dir, 'bad.pem'), 'hello');
    await assert.rejects(loadCryptKey(dir, 'bad.pem'), /bad\.pem is not a usable PEM RSA private key/);
    const locked = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'x',
    });
    writeFileSync(join(dir, 'locked.pem'), locked);
    await assert.rejects(loadCryptKey(dir, join(dir, 'locked.pem')), /locked\.pem is not a usable PEM RSA private key/);
  });
});

describe('BILLmanager 5/6 stand-in on SQLite (for the demo)', () => {
  test('When seeded on SQLite, then mgrctl applies post-calls, the reader decrypts the password, and direct writes are caught', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-bm6-sqlite-'));
    const url = `sqlite:${join(dir, 'billmgr.sqlite')}`;
    const knex = createDb(url);
    try {
      const key = await writeStandinKey(dir);
      await seedBm6Billing(knex, {
        upstreamUrl: 'http://127.0.0.1:1/billmgr',
        password: 'demo',
        publicPem: key.publicPem,
      });
      const mgrctl = await writeMgrctlWrapper(join(dir, 'sbin'), { dbUrl: url, mgrRoot: dir });
      const run = await mgrctlRaw(mgrctl, 'service.postopen', { elid: I.liteMonth, sok: 'ok' });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal((await itemRow(knex, I.liteMonth)).status, 2);
      const reader = createBm6Reader(knex, { decrypt: lazyDecrypter(dir, 'etc/billmgr.pem') });
      assert.equal((await reader.module(BM6.module))?.params.password, 'demo');
      assert.equal((await reader.item(I.server))?.ip, BM6.address.server);
      assert.deepEqual(await foreignWrites(knex), []);
      await knex('itemparam').insert({ item: I.liteMonth, intname: 'sneaky', value: '1' });
      await knex('item').where({ id: I.liteMonth }).update({ status: 3 });
      assert.deepEqual(
        (await foreignWrites(knex)).map((w) => `${w.table}:${w.op}`),
        ['itemparam:insert', 'item:update'],
      );
    } finally {
      await knex.destroy();
    }
  });
});
