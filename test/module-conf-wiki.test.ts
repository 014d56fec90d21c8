import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import { describePeriod } from '../src/domain/catalogue-types.js';
import { ConfigFileError } from '../src/module-conf/config-file-error.js';
import { loadModuleConfs } from '../src/module-conf/load-module-confs.js';
import { parseModuleConf } from '../src/module-conf/parse-module-conf.js';

const catalogue = createCatalogue(BUILTIN_PACKAGES);
/** Tests run from dist/test; the fixtures and examples stay in the source tree. */
const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const WIKI = repo('test/fixtures/wiki-cpbillmgr.conf');

describe('the wiki example cpbillmgr.conf', () => {
  const text = readFileSync(WIKI, 'utf8');
  const conf = parseModuleConf(text, WIKI, catalogue);

  test('is kept verbatim, tabs and trailing comments included', () => {
    assert.match(text, /^Price ipmgr 2891 \t# correspondence of the service package for IPmanager 5\n/);
    assert.match(text, /\nPeriod 10 8 7 \t\t# correspondence of 1-month order period for ISPmanager Lite\n/);
    assert.equal(text.split('\n').filter(Boolean).length, 13);
  });

  test('loads as written', () => {
    assert.deepEqual(conf.prices, [{ names: ['ipmgr'], packageId: 2891, line: 1 }]);
    assert.equal(conf.periods.length, 12);
    assert.equal(conf.reuseLicense, false);
  });

  test('each Period line means what its comment says', () => {
    // The wiki's setup: VPS order periods 10, 11, 12, 13 are 1, 3, 6, 12 months; a 1-month VPS gets a
    // 1-month licence, the others lifetime. Its "ISPmanager 5" is package 2891 (upstream: IPmanager).
    const months: Record<number, number> = { 10: 1, 11: 3, 12: 6, 13: 12 };
    const packageOf: Record<string, number> = { 'ISPmanager Lite': 7, 'ISPmanager Pro': 11, 'ISPmanager 5': 2891 };
    const lines = text.split('\n');
    for (const rule of conf.periods) {
      const comment = lines[rule.line - 1] ?? '';
      const said = /# correspondence of (\d+)-month order period for +(.+)$/.exec(comment);
      assert.ok(said, comment);
      const [, length, product = ''] = said;
      assert.equal(months[rule.localPeriodId as number], Number(length), comment);
      assert.equal(rule.packageId, packageOf[product], comment);
      const row = catalogue.findPeriod(rule.remotePeriodId);
      assert.equal(row?.pkg.id, rule.packageId, comment);
      assert.equal(describePeriod(row!.period), Number(length) === 1 ? '1 month' : 'lifetime', comment);
    }
  });

  test('the Price line gives the boolean add-on ipmgr package 2891', () => {
    assert.equal(catalogue.findPackage(conf.prices[0]!.packageId)?.name, 'IPmanager');
  });
});

describe('loadModuleConfs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-conf-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('missing files are empty confs that still name their path', () => {
    const confs = loadModuleConfs(join(dir, 'nowhere'), catalogue);
    assert.equal(confs[4].file, join(dir, 'nowhere', 'cpbillmgr.conf'));
    assert.equal(confs[5].file, join(dir, 'nowhere', 'cpbillmgr5.conf'));
    assert.deepEqual(confs[4].periods, []);
    assert.deepEqual(confs[5].prices, []);
  });

  test('cpbillmgr.conf serves api 4 and cpbillmgr5.conf api 5', () => {
    writeFileSync(join(dir, 'cpbillmgr.conf'), readFileSync(WIKI));
    writeFileSync(join(dir, 'cpbillmgr5.conf'), 'Option NoFixSuspended\n');
    const confs = loadModuleConfs(dir, catalogue);
    assert.equal(confs[4].periods.length, 12);
    assert.equal(confs[4].noFixSuspended, false);
    assert.equal(confs[5].periods.length, 0);
    assert.equal(confs[5].noFixSuspended, true);
  });

  test('a broken file stops the load with its full path and line', () => {
    writeFileSync(join(dir, 'cpbillmgr5.conf'), '# ok\nPeriod 10 1815 7\n');
    assert.throws(
      () => loadModuleConfs(dir, catalogue),
      (error: unknown) =>
        error instanceof ConfigFileError &&
        error.file === join(dir, 'cpbillmgr5.conf') &&
        error.line === 2 &&
        error.message.startsWith(`${join(dir, 'cpbillmgr5.conf')}:2: period 1815 belongs to package 2891`),
    );
  });
});

describe('the example files in etc/', () => {
  for (const name of ['cpbillmgr.conf', 'cpbillmgr5.conf']) {
    const file = repo(`etc/${name}`);
    const text = readFileSync(file, 'utf8');

    test(`${name} loads with the built-in catalogue and changes nothing by itself`, () => {
      const conf = parseModuleConf(text, file, catalogue);
      assert.deepEqual(conf.prices, []);
      assert.deepEqual(conf.periods, []);
      assert.equal(conf.reuseLicense || conf.useExistingOnUpgrade || conf.noFixSuspended, false);
    });

    test(`${name}: every example line is valid, and every directive is shown`, () => {
      const uncommented = text.replace(/^#(?=(Price|Period|Option|ReusePrice)[ \t])/gim, '');
      const conf = parseModuleConf(uncommented, file, catalogue);
      assert.ok(conf.prices.length > 0);
      assert.ok(
        conf.prices.some((p) => p.names.length > 1),
        'a Price line with several names',
      );
      assert.ok(
        conf.periods.some((p) => p.localPeriodId === 'ALL'),
        'Period ALL',
      );
      assert.ok(
        conf.periods.some((p) => p.packageId === null),
        'two-field Period',
      );
      assert.ok(
        conf.periods.some((p) => p.localPeriodId !== 'ALL' && p.packageId !== null),
        'three-field Period',
      );
      assert.ok(conf.reuseLicense && conf.useExistingOnUpgrade && conf.noFixSuspended);
      assert.ok(conf.reusePrices.length > 0);
    });

    test(`${name} points out that 2891 is IPmanager`, () => {
      assert.match(text, /2891[^\n]*\n?[^\n]*IPmanager/);
    });
  }
});
