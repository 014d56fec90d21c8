import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MgrctlError } from '../src/billing/bm6/mgrctl-error.js';
import { dbUrlFromParamlist, readParamlist } from '../src/billing/bm6/read-paramlist.js';
import { runMgrctl } from '../src/billing/bm6/run-mgrctl.js';
import { NotConfiguredError } from '../src/errors/module-error.js';
import { createDb } from '../src/store/create-db.js';
import { captureLogger, fakeMgrctl } from './helpers/bm6-fakes.js';
import { type Bm6Standin, startBm6Standin } from './helpers/bm6-standin.js';

async function failure(promise: Promise<unknown>): Promise<MgrctlError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MgrctlError, String(error));
    return error;
  }
  assert.fail('expected an MgrctlError');
}

describe('runMgrctl and paramlist: calling mgrctl as the official modules do', () => {
  test('When mgrctl is run, then it gets exactly -m billmgr -o xml FUNC k=v…, without a shell, and its <doc> is parsed', async () => {
    const echo = fakeMgrctl(
      'printf \'<?xml version="1.0"?>\\n<doc><ok/>\'; for a in "$@"; do printf \'<arg><![CDATA[%s]]></arg>\' "$a"; done; printf \'<task_type>t1</task_type></doc>\'',
    );
    const doc = await runMgrctl(echo, 'service.saveparam', { elid: 7, name: 'lickey', value: `a b'c"$(id)\`x\`` });
    assert.deepEqual(doc.arg, [
      '-m',
      'billmgr',
      '-o',
      'xml',
      'service.saveparam',
      'elid=7',
      'name=lickey',
      `value=a b'c"$(id)\`x\``,
    ]);
    assert.equal(doc.task_type, 't1');
    assert.equal(doc.ok, '');
  });

  test('When mgrctl exits 0 with an <error> document, then that is a failure too, with its type, object and text', async () => {
    const path = fakeMgrctl(
      `echo '<doc><error type="exists" object="task" lang="en"><param name="object" type="msg" msg="task">task</param><msg>Task exists</msg></error></doc>'`,
    );
    const error = await failure(runMgrctl(path, 'task.edit', { item: 1 }));
    assert.equal(error.type, 'billing');
    assert.equal(error.billingType, 'exists');
    assert.equal(error.billingObject, 'task');
    assert.equal(error.exitCode, 0);
    assert.equal(error.message, 'mgrctl task.edit: exists task: Task exists');
  });

  test('When mgrctl exits non-zero, answers no <doc>, hangs or is missing, then each is a clear MgrctlError', async () => {
    let error = await failure(
      runMgrctl(fakeMgrctl('echo "cannot connect" >&2; exit 3'), 'service.postopen', { elid: 1 }),
    );
    assert.equal(error.message, 'mgrctl service.postopen: exit code 3: cannot connect');
    assert.equal(error.exitCode, 3);
    error = await failure(runMgrctl(fakeMgrctl('echo "<doc><ok/></doc>"; exit 2'), 'service.postopen'));
    assert.equal(error.message, 'mgrctl service.postopen: exit code 2: no error text');
    error = await failure(runMgrctl(fakeMgrctl('echo "OK"'), 'service.postopen'));
    assert.equal(error.message, 'mgrctl service.postopen: answered without a <doc> document');
    error = await failure(runMgrctl(fakeMgrctl('echo "<doc><unclosed></doc>"'), 'service.postopen'));
    assert.match(error.message, /without a <doc> document/);
    error = await failure(runMgrctl(fakeMgrctl('sleep 5'), 'service.postopen', {}, { timeoutMs: 300 }));
    assert.equal(error.message, 'mgrctl service.postopen: no answer within 300 ms');
    assert.equal(error.retryable, true);
    // Deaf to SIGTERM: killed after the grace period instead of being waited for.
    const started = Date.now();
    error = await failure(
      runMgrctl(
        fakeMgrctl('trap "" TERM; exec sleep 60'),
        'service.postopen',
        {},
        { timeoutMs: 300, killGraceMs: 300 },
      ),
    );
    assert.equal(error.message, 'mgrctl service.postopen: no answer within 300 ms');
    assert.ok(Date.now() - started < 30_000, `killed, not waited for: ${Date.now() - started} ms`);
    error = await failure(runMgrctl('/nonexistent/sbin/mgrctl', 'paramlist'));
    assert.equal(error.message, 'mgrctl paramlist: cannot run /nonexistent/sbin/mgrctl: ENOENT');
    assert.equal(error.retryable, false);
    await assert.rejects(runMgrctl('/bin/true', 'x', { 'a=b': 1 }), /not a plain name/);
  });

  test('When a crypted value or a password is echoed back, then neither the error nor the log holds it', async () => {
    const echo = fakeMgrctl(
      'echo "<doc><error type=\\"value\\" object=\\"value\\"><msg>rejected: $*</msg></error></doc>"; echo "DBPassword=hunter2 password=hunter2" >&2',
    );
    const { logger, lines } = captureLogger();
    const error = await failure(
      runMgrctl(
        echo,
        'service.saveparam',
        { elid: 5, name: 'token', value: 'SuperSecret123', crypted: 'on', sok: 'ok' },
        { logger },
      ),
    );
    assert.doesNotMatch(error.message, /SuperSecret123/);
    assert.match(error.message, /value=\*\*\*/);
    assert.doesNotMatch(JSON.stringify(lines), /SuperSecret123/);
    assert.match(JSON.stringify(lines), /"value":"\*\*\*"/);

    const stderr = fakeMgrctl('echo "DBPassword=hunter2 password: hunter2 failed" >&2; exit 1');
    const second = await failure(runMgrctl(stderr, 'paramlist'));
    assert.doesNotMatch(second.message, /hunter2/);
  });

  test('When paramlist puts all values in one <elem> or in one each, then both read the same; a missing DBName is refused', async () => {
    const one = fakeMgrctl(
      "echo '<doc><elem><DBHost>db.internal:3307</DBHost><DBUser>billmgr</DBUser><DBPassword>p@ss/w:rd</DBPassword><DBName>billmgr</DBName><DBSocket/><CryptKey>etc/billmgr.pem</CryptKey></elem></doc>'",
    );
    const many = fakeMgrctl(
      "echo '<doc><elem><DBHost>db.internal:3307</DBHost></elem><elem><DBUser>billmgr</DBUser></elem><elem><DBPassword>p@ss/w:rd</DBPassword></elem><elem><DBName>billmgr</DBName></elem></doc>'",
    );
    const expected = {
      dbHost: 'db.internal:3307',
      dbUser: 'billmgr',
      dbPassword: 'p@ss/w:rd',
      dbName: 'billmgr',
      dbSocket: '',
      cryptKey: 'etc/billmgr.pem',
    };
    assert.deepEqual(await readParamlist(one), expected);
    assert.deepEqual(await readParamlist(many), expected, 'CryptKey defaults to etc/billmgr.pem');
    assert.equal(dbUrlFromParamlist(expected), 'mysql://billmgr:p%40ss%2Fw%3Ard@db.internal:3307/billmgr');
    assert.equal(
      dbUrlFromParamlist({ ...expected, dbHost: 'localhost', dbSocket: '/var/run/mysqld/mysqld.sock' }),
      'mysql://billmgr:p%40ss%2Fw%3Ard@localhost:3306/billmgr?socket=%2Fvar%2Frun%2Fmysqld%2Fmysqld.sock',
    );
    const noName = fakeMgrctl("echo '<doc><elem><DBUser>billmgr</DBUser></elem></doc>'");
    await assert.rejects(readParamlist(noName), (error: unknown) => {
      assert.ok(error instanceof NotConfiguredError);
      assert.match(error.message, /names no DBName/);
      return true;
    });
  });

  describe('against the stand-in', () => {
    let s: Bm6Standin;
    before(async () => {
      s = await startBm6Standin();
    });
    after(async () => {
      await s.close();
    });

    test("When the stand-in's paramlist is read, then its URL reaches the billing database", async () => {
      const paramlist = await readParamlist(s.mgrctl);
      assert.equal(paramlist.cryptKey, 'etc/billmgr.pem');
      const knex = createDb(dbUrlFromParamlist(paramlist));
      try {
        const row = (await knex('processingmodule').where({ module: 'pmcpbillmgr' }).first()) as { id: number };
        assert.equal(row.id, 1);
      } finally {
        await knex.destroy();
      }
    });

    test('When the stand-in refuses, then runMgrctl throws with its text and a non-zero exit', async () => {
      const error = await failure(runMgrctl(s.mgrctl, 'service.nonsense', { elid: 1 }));
      assert.equal(error.billingType, 'missed');
      assert.equal(error.exitCode, 1);
      assert.match(error.message, /Unknown function 'service\.nonsense'/);
    });
  });
});
