import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import {
  errorOf,
  type Harness,
  isNode,
  LITE6,
  type Node,
  parseDoc,
  refusedWith,
  startHarness,
  text,
} from './sandbox-harness.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const exported = async (url: string) => {
  const doc = parseDoc(await (await fetch(`${url}/billmgr?func=pricelist.export&itemtype=soft`)).text());
  return ((doc.pricelist ?? []) as Node[]).filter(isNode).map((p) => text(p, 'id'));
};

describe("sandbox: today's sales and historical sales", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ accounts: [{ username: 'reseller', password: 'secret', balance: 5000 }] });
  });
  after(() => h.close());

  test('today (the default): ISPmanager 5 is refused as value/pricelist, saying since when, in both languages', async () => {
    const params = {
      func: 'soft.order.param',
      pricelist: '3541',
      period: '1',
      ip: '10.6.0.1',
      sok: 'ok',
      clicked_button: 'finish',
      skipbasket: 'on',
    };
    const english = errorOf(await h.raw(params))!;
    assert.deepEqual([english.type, english.object], ['value', 'pricelist']);
    assert.match(english.msg, /not been sold or renewed since 2021-06-15/);
    const russian = errorOf(await h.raw({ ...params, lang: 'ru' }))!;
    assert.match(russian.msg, /не продаётся и не продлевается с 2021-06-15/);
    for (const pricelist of ['7', '11', '4601', '2891']) {
      await assert.rejects(
        h.order({ pricelist, period: '1', ip: '10.6.0.2', addon_4602: '1' }),
        refusedWith('value', 'pricelist'),
      );
    }
    const check = await h.raw({ func: 'soft.checkip', pricelist: '3541', period: '1', ip: '10.6.0.1' });
    assert.equal(errorOf(check)?.object, 'pricelist');
    assert.equal((await h.ledger()).length, 0, 'nothing was charged');
  });

  test('today: a licence bought in historical times is neither renewed nor changed to an old tariff', async () => {
    await h.admin('sales.set', { mode: 'historical' });
    const old = await h.order({ pricelist: '3541', period: '1', ip: '10.6.1.1', autoprolong: '1' });
    const oldToo = await h.order({ pricelist: '7', period: '1', ip: '10.6.1.2', autoprolong: '1' });
    const lite = await h.order({ ...LITE6, ip: '10.6.1.3' });
    assert.equal(text(await h.admin('sales.set', { mode: 'today' }), 'mode'), 'today');
    assert.equal(text(await h.admin('sales'), 'mode'), 'today');

    const prolong = await h.raw({ func: 'service.prolong', elid: String(old), period: '1', sok: 'ok' });
    assert.deepEqual([errorOf(prolong)?.type, errorOf(prolong)?.object], ['value', 'pricelist']);
    const change = await h.raw({
      func: 'service.changepricelist',
      elid: String(lite),
      pricelist: '3541',
      period: '1',
      sok: 'ok',
    });
    assert.deepEqual([errorOf(change)?.type, errorOf(change)?.object], ['value', 'pricelist']);
    const up = await h.raw({
      func: 'service.changepricelist',
      elid: String(old),
      pricelist: '55227',
      period: '1',
      sok: 'ok',
    });
    assert.equal(errorOf(up), undefined, 'moving off an old tariff onto a sold one is a sale');
    await h.admin('clock.advance', { days: '32' });
    assert.equal(text(await h.form(oldToo), 'status'), '3', 'the upstream no longer renews it, autoprolong or not');
    const kinds = (await h.ledger()).filter((r) => text(r, 'licence') === String(oldToo)).map((r) => text(r, 'kind'));
    assert.deepEqual(kinds, ['order']);
  });

  test('the BILLmanager 4 functions always sell the whole catalogue', async () => {
    const answer = await h.raw({ func: 'software.edit', price: '7', period: '9', ip: '10.6.2.1', sok: 'ok' });
    assert.equal(errorOf(answer), undefined, answer.body);
    assert.ok(Number(text(answer.doc, 'id')) >= 1000);
  });

  test('a period no longer sold of a package still sold is refused as value/period', async () => {
    const lite = BUILTIN_PACKAGES.find((p) => p.id === 55227)!;
    const lifetime = {
      id: 955227000,
      length: 1,
      unit: 'lifetime' as const,
      cost: 200,
      realId: false,
      sold: false,
      notSoldSince: '2018-07-09',
    };
    const catalogue = createCatalogue([{ ...lite, periods: [...lite.periods, lifetime] }]);
    const own = await startHarness({ catalogue });
    try {
      await assert.rejects(own.order({ ...LITE6, period: '0', ip: '10.6.3.1' }), (e: unknown) => {
        assert.ok(refusedWith('value', 'period')(e));
        assert.match((e as { msg: string }).msg, /since 2018-07-09/);
        return true;
      });
      const doc = parseDoc(await (await fetch(`${own.url}/billmgr?func=pricelist.export`)).text());
      const periods = ((doc.pricelist as Node[])[0]!.price as Node).period as Node[];
      assert.deepEqual(
        periods.map((p) => p['@_type']),
        ['month', 'month'],
      );
      await own.admin('sales.set', { mode: 'historical' });
      await own.order({ ...LITE6, period: '0', ip: '10.6.3.1' });
    } finally {
      await own.close();
    }
  });

  test('historical: pricelist.export lists the whole catalogue; sales.set refuses other modes', async () => {
    await h.admin('sales.set', { mode: 'historical' });
    assert.deepEqual(
      await exported(h.url),
      BUILTIN_PACKAGES.map((p) => String(p.id)),
    );
    await h.admin('sales.set', { mode: 'today' });
    assert.deepEqual(await exported(h.url), ['55227', '55228', '55229', '55230', '55239', '55240']);
    await assert.rejects(h.admin('sales.set', { mode: 'yesterday' }), /mode is today or historical/);
  });

  test('cpbillmgr sandbox --historical sells the whole catalogue; without it only today', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpb-sandbox-cli-'));
    try {
      for (const [flags, count] of [
        [['--historical'], BUILTIN_PACKAGES.length],
        [[], 6],
      ] as const) {
        const child = spawn(
          process.execPath,
          [
            join(ROOT, 'dist/src/cli/cpbillmgr.js'),
            'sandbox',
            '--listen',
            '127.0.0.1:0',
            '--state',
            join(dir, `${count}.sqlite`),
            ...flags,
          ],
          { cwd: ROOT, env: { PATH: process.env.PATH ?? '', CPBILLMGR_LOG_LEVEL: 'warn' } },
        );
        try {
          const url = await new Promise<string>((resolveUrl, reject) => {
            let stderr = '';
            child.stderr.on('data', (chunk: Buffer) => {
              stderr += chunk.toString();
              const found = /on (http:\/\/[^/\s]+)\/billmgr/.exec(stderr);
              if (found) resolveUrl(found[1]!);
            });
            child.on('exit', () => reject(new Error(`sandbox exited: ${stderr}`)));
          });
          assert.equal((await exported(url)).length, count);
        } finally {
          child.kill('SIGTERM');
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
