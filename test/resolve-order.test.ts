import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import type { Tariff, TariffPeriod } from '../src/domain/billing-types.js';
import { NotConfiguredError } from '../src/errors/module-error.js';
import { parseModuleConf } from '../src/module-conf/parse-module-conf.js';
import {
  describeLocalPeriod,
  type LicenceSource,
  type ResolvedOrder,
  resolveOrder,
} from '../src/resolve/resolve-order.js';

const catalogue = createCatalogue(BUILTIN_PACKAGES);
const FILE = '/usr/local/ispmgr/etc/cpbillmgr5.conf';
const conf = (text = '') => parseModuleConf(text, FILE, catalogue);

function tariff(intname: string, addontype: number, itemtype = 'vds'): Tariff {
  return {
    id: 1,
    intname,
    itemtype,
    parentId: null,
    addontype,
    active: true,
    moduleIds: [1],
    defaultEnumerationItemId: null,
    defaultBool: null,
  };
}
const enumAddon = (name: string): LicenceSource => ({ kind: 'addon', name, addonTariff: tariff('ispmgr', 3) });
const boolAddon = (intname: string): LicenceSource => ({
  kind: 'addon',
  name: intname,
  addonTariff: tariff(intname, 1),
});
const standalone = (intname: string): LicenceSource => ({ kind: 'standalone', tariff: tariff(intname, 0, 'soft') });

const month: TariffPeriod = { id: 10, pricelistId: 100, length: 1, unit: 'month' };
const sixMonths: TariffPeriod = { id: 12, pricelistId: 100, length: 6, unit: 'month' };
const trial: TariffPeriod = { id: 30, pricelistId: 200, length: 14, unit: 'day' };
const lifetime: TariffPeriod = { id: 31, pricelistId: 200, length: 1, unit: 'lifetime' };

function resolve(api: 4 | 5, source: LicenceSource, localPeriod: TariffPeriod = month, text = ''): ResolvedOrder {
  return resolveOrder({ api, catalogue, conf: conf(text), source, localPeriod });
}
const ids = (order: ResolvedOrder) => [order.pkg.id, order.period.id];

function notConfigured(run: () => unknown): NotConfiguredError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof NotConfiguredError, `expected NotConfiguredError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected NotConfiguredError');
}

describe('built-in enumeration names', () => {
  // api 5 is today's upstream, which sells ispmanager 6 only: Lite and Prof mean ispmanager 6 Lite and
  // Pro there; Lite5 names ISPmanager 5 Lite on both; api 4 keeps the wiki's ISPmanager 4 meaning.
  const cases: [4 | 5, string, number, number][] = [
    [4, 'Lite', 7, 8],
    [4, 'Lite5', 3541, 935411],
    [4, 'Prof', 11, 16],
    [5, 'Lite', 55227, 955227001],
    [5, 'Lite5', 3541, 935411],
    [5, 'Prof', 55228, 955228001],
  ];
  for (const [api, name, pkg, period] of cases) {
    test(`${name} on api=${api} → ${pkg}`, () => {
      const order = resolve(api, enumAddon(name));
      assert.deepEqual(ids(order), [pkg, period]);
      assert.equal(order.packageRule, `built-in default ${name} → ${pkg} (api ${api})`);
      assert.equal(order.periodRule, 'same length (1 month)');
    });
  }

  test('on api 5 Lite and Prof buy ispmanager 6 for 1 or 12 months; other lengths need a Period line', () => {
    const year: TariffPeriod = { id: 13, pricelistId: 100, length: 12, unit: 'month' };
    assert.deepEqual(ids(resolve(5, enumAddon('Lite'), year)), [55227, 955227012]);
    assert.deepEqual(ids(resolve(5, enumAddon('Prof'), year)), [55228, 955228012]);
    const error = notConfigured(() => resolve(5, enumAddon('Lite'), sixMonths));
    assert.match(
      error.message,
      /package 55227 'ispmanager 6 Lite' \(its periods: 955227001 1 month, 955227012 12 months\)/,
    );
  });

  test('built-in names are case-sensitive, as the billing stores them', () => {
    assert.match(notConfigured(() => resolve(5, enumAddon('lite'))).message, /Price lite <package id>/);
  });

  test('a Price line overrides a built-in name', () => {
    const order = resolve(4, enumAddon('Lite'), month, 'Price Lite 5');
    assert.deepEqual(ids(order), [5, 900051]);
    assert.equal(order.packageRule, 'cpbillmgr5.conf:1 Price Lite 5');
  });
});

describe('enumeration names holding a package id', () => {
  for (const name of ['3541', 'pkg3541', 'isp-3541-lite']) {
    test(`'${name}' → 3541`, () => {
      const order = resolve(4, enumAddon(name));
      assert.deepEqual(ids(order), [3541, 935411]);
      assert.equal(order.packageRule, `enumeration internal name '${name}'`);
    });
  }

  test('of several numbers, the one the catalogue knows', () => {
    assert.equal(resolve(5, enumAddon('v2-4601')).pkg.id, 4601);
  });

  test('several numbers the catalogue knows are ambiguous', () => {
    assert.match(notConfigured(() => resolve(5, enumAddon('7or11'))).message, /ambiguous.*Price 7or11 <package id>/);
  });

  test('a number the catalogue does not know', () => {
    const error = notConfigured(() => resolve(5, enumAddon('pkg99999')));
    assert.match(error.message, /'pkg99999' resolves to package 99999, which is not in the catalogue/);
    assert.match(error.message, new RegExp(`add "Price pkg99999 <package id>" to ${FILE}`));
  });

  test('a Price line wins over the id in the name', () => {
    assert.equal(resolve(5, enumAddon('pkg3541'), month, 'Price pkg3541 7').pkg.id, 7);
  });
});

describe('add-ons without a package', () => {
  test('the error says which line to add, to which file', () => {
    const error = notConfigured(() => resolve(5, boolAddon('dnsmgr')));
    assert.equal(
      error.message,
      `no upstream package for add-on internal name 'dnsmgr'; add "Price dnsmgr <package id>" to ${FILE}; see 'cpbillmgr catalogue'`,
    );
    assert.equal(error.type, 'not_configured');
  });

  test('a Price line with several names serves each of them', () => {
    const text = 'Price dnsmgr,dns 3136';
    assert.equal(resolve(5, boolAddon('dns'), month, text).pkg.id, 3136);
    assert.equal(resolve(5, boolAddon('dnsmgr'), month, text).packageRule, 'cpbillmgr5.conf:1 Price dnsmgr,dns 3136');
  });
});

describe('standalone tariffs', () => {
  const lite = standalone('5-ISPmanager Lite');

  test('the leading number is the package; periods of the same length', () => {
    assert.deepEqual(ids(resolve(4, lite, month)), [5, 900051]);
    assert.deepEqual(ids(resolve(4, lite, trial)), [5, 2]);
    assert.deepEqual(ids(resolve(5, lite, lifetime)), [5, 900050]);
    const order = resolve(5, lite, trial);
    assert.equal(order.packageRule, "tariff internal name '5-ISPmanager Lite'");
    assert.equal(order.periodRule, 'same length (14-day trial)');
  });

  test('a trial of another length is not the trial row', () => {
    notConfigured(() => resolve(5, lite, { ...trial, length: 7 }));
  });

  test('two-field Period: the row says the package', () => {
    const order = resolve(4, standalone('7-ISPmanager Lite'), month, 'Period 10 9');
    assert.deepEqual(ids(order), [7, 9]);
    assert.equal(order.periodRule, 'cpbillmgr5.conf:1 Period 10 9');
  });

  test("a two-field Period for another package's row does not apply", () => {
    assert.deepEqual(ids(resolve(4, standalone('7-ISPmanager Lite'), month, 'Period 10 17')), [7, 8]);
  });

  test('a tariff name without a leading number needs a Price line, or a name that can hold one', () => {
    assert.match(
      notConfigured(() => resolve(5, standalone('ispmanager-lite'))).message,
      /add "Price ispmanager-lite <package id>"/,
    );
    assert.deepEqual(ids(resolve(5, standalone('ispmanager-lite'), month, 'Price ispmanager-lite 7')), [7, 8]);
    const spaced = notConfigured(() => resolve(5, standalone('ISPmanager Lite'))).message;
    assert.match(spaced, /can't be written in a Price line.*start the internal name with the package id/);
  });
});

describe('period rules', () => {
  const prof = enumAddon('Prof');

  test('Period ALL applies to every local period of its package', () => {
    const order = resolve(4, prof, sixMonths, 'Period ALL 17 11');
    assert.deepEqual(ids(order), [11, 17]);
    assert.equal(order.periodRule, 'cpbillmgr5.conf:1 Period ALL 17 11');
    assert.deepEqual(ids(resolve(5, enumAddon('Lite5'), sixMonths, 'Period ALL 17 11')), [3541, 935416]);
    assert.deepEqual(ids(resolve(5, prof, sixMonths, 'Period ALL 955228012 55228')), [55228, 955228012]);
  });

  test('precedence: local + package, then ALL, then two-field, then same length', () => {
    assert.equal(resolve(4, prof, month, 'Period ALL 17 11\nPeriod 10 15 11').period.id, 15);
    assert.equal(resolve(4, prof, month, 'Period 10 15\nPeriod ALL 17 11').period.id, 17);
    assert.equal(resolve(4, prof, month, 'Period 10 15').period.id, 15);
    assert.equal(resolve(4, prof, month, 'Period 11 15').period.id, 16);
  });

  test('no match names the local period, the package, its periods and the fixing line', () => {
    const error = notConfigured(() => resolve(4, prof, sixMonths));
    assert.equal(
      error.message,
      "no upstream period for local period #12 (6 months) on package 11 'ISPmanager Pro (without support)' " +
        '(its periods: 15 14-day trial, 16 1 month, 17 lifetime); ' +
        `add "Period 12 <period id> 11" to ${FILE}; see 'cpbillmgr catalogue'`,
    );
    assert.equal(error.object, 'period');
    assert.equal(error.value, '12');
  });
});

test('describeLocalPeriod', () => {
  assert.equal(describeLocalPeriod(month), 'local period #10 (1 month)');
  assert.equal(describeLocalPeriod(sixMonths), 'local period #12 (6 months)');
  assert.equal(describeLocalPeriod(trial), 'local period #30 (14 days)');
  assert.equal(describeLocalPeriod(lifetime), 'local period #31 (lifetime)');
});
