import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { addLicenceItem, itemParams, itemRow, P } from './helpers/billing-fixture.js';
import { type Harness, parseDoc, ROOT, startHarness } from './helpers/harness.js';

for (const dialect of ['mysql', 'sqlite'] as const) {
  describe(`CLI protocol and checkevent on ${dialect}`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ dialect, processingSeconds: 600 });
    });
    after(async () => {
      await h.close();
    });

    test('When features is asked over CLI and HTTP, then both answer the same declared features', async () => {
      const cli = await h.cli(['--command', 'features']);
      assert.equal(cli.code, 0);
      const http = await h.http('features');
      assert.equal(http.xml, cli.stdout);
      const doc = parseDoc(cli.stdout);
      const names = JSON.stringify(doc.features);
      for (const name of [
        'open',
        'suspend',
        'resume',
        'close',
        'prolong',
        'setparam',
        'sync_item',
        'check_connection',
      ]) {
        assert.ok(names.includes(`"${name}"`), name);
      }
      assert.ok(!names.includes('fixchilds'), 'nothing unimplemented is declared');
    });

    test('When a licence is still processing upstream, then open leaves status 5 and checkevent makes it active', async () => {
      const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.80' });
      const open = await h.cli(['--command', 'open', '--item', String(item), '--runningoperation', '5']);
      assert.equal(open.code, 0, open.stdout + open.stderr);
      assert.equal((await itemRow(h.knex, item)).status, 5);
      assert.equal((await itemParams(h.knex, item)).lickey, undefined);

      const early = await h.cpbillmgr(['checkevent']);
      assert.equal(early.code, 0, early.stderr);
      assert.equal((await itemRow(h.knex, item)).status, 5);

      await h.admin('clock.advance', { hours: 1 });
      const check = await h.cpbillmgr(['checkevent']);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /updated [1-9]/);
      assert.equal((await itemRow(h.knex, item)).status, 2);
      assert.ok((await itemParams(h.knex, item)).lickey);
    });

    test('When the upstream suspends a licence, then checkevent mirrors it onto the item', async () => {
      await h.admin('processing.set', { seconds: 0 });
      const item = await addLicenceItem(h.knex, { period: P.month, ip: '192.0.2.81' });
      assert.equal((await h.cli(['--command', 'open', '--item', String(item)])).code, 0);
      await h.admin('clock.advance', { days: 40 });
      const check = await h.http('checkevent');
      assert.ok('ok' in check.doc, check.xml);
      assert.equal((await itemRow(h.knex, item)).status, 3, 'expired without renewal upstream → suspended');
    });

    test('When any verb is asked for --help, then it prints usage and exits 0', async () => {
      for (const verb of [
        'serve',
        'check',
        'checkevent',
        'fixchilds',
        'reconcile',
        'pool',
        'migrate',
        'catalogue',
        'sandbox',
        'demo',
      ]) {
        const run = await h.cpbillmgr([verb, '--help']);
        assert.equal(run.code, 0, verb);
        assert.match(run.stdout, /Usage: cpbillmgr/, verb);
      }
      const pm = await h.cli(['--help']);
      assert.equal(pm.code, 0);
      assert.match(pm.stdout, /Usage: pmcpbillmgr/);
    });

    test('When the catalogue is listed, then it shows the wiki presets with their period rows', async () => {
      const run = await h.cpbillmgr(['catalogue']);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /Preset 5-ISPmanager Lite/);
      assert.match(run.stdout, /period 8 +1 month/);
      assert.match(run.stdout, /refreshed from module #1's upstream/);
    });

    test('When check runs, then every served tariff period is shown with its upstream mapping and the unmapped one fails', async () => {
      const run = await h.cpbillmgr(['check']);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(
        run.stdout,
        /ok +module #1 tariff #10 '5-ISPmanager Lite' local period #102 \(1 month\) → package 5/,
      );
      assert.match(run.stdout, /won't work \(1\)/);
      assert.match(run.stdout, /missing module #1 tariff #10 '5-ISPmanager Lite' local period #106 \(6 months\)/);
      assert.match(
        run.stdout,
        /warning module #1 tariff #10 '5-ISPmanager Lite' local period #102 \(1 month\): package 5 'ISPmanager Lite' is not sold upstream/,
        "the seed's packages are no longer sold",
      );
    });

    test('When cpbillmgr.conf has a broken line, then commands refuse to start naming file and line', async () => {
      const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'cpb-bad-'));
      (await import('node:fs')).writeFileSync(join(dir, 'cpbillmgr5.conf'), '# ok\nPeriod 10 banana 7\n');
      const pm = await h.cli(['--command', 'features'], { CPBILLMGR_ETC: dir });
      assert.equal(pm.code, 1);
      assert.match(pm.stdout, /cpbillmgr5\.conf:2/);
      const verb = await h.cpbillmgr(['checkevent'], { CPBILLMGR_ETC: dir });
      assert.equal(verb.code, 2);
      assert.match(verb.stderr, /cpbillmgr5\.conf:2/);
    });
  });
}

test('The BILLmanager plugin description is well-formed XML naming pmcpbillmgr', () => {
  const xml = readFileSync(join(ROOT, 'xml/billmgr_mod_pmcpbillmgr.xml'), 'utf8');
  assert.equal(XMLValidator.validate(xml), true);
  assert.match(xml, /<plugin name="pmcpbillmgr">/);
});
