import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import { ConfigFileError } from '../src/module-conf/config-file-error.js';
import { parseModuleConf } from '../src/module-conf/parse-module-conf.js';

const catalogue = createCatalogue(BUILTIN_PACKAGES);
const FILE = '/etc/x/cpbillmgr.conf';
const parse = (text: string) => parseModuleConf(text, FILE, catalogue);

function configError(text: string): ConfigFileError {
  try {
    parse(text);
  } catch (error) {
    assert.ok(error instanceof ConfigFileError, `expected ConfigFileError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseModuleConf: syntax', () => {
  test('every directive, with its line number', () => {
    const conf = parse(
      [
        'Price Business,Biz 4601',
        'Period 10 8 7',
        'Period ALL 1817 2891',
        'Period 20 9',
        'Option ReUseLicense',
        'ReusePrice 12',
        'Option UseExistingOnUpgrade',
        'Option NoFixSuspended',
      ].join('\n'),
    );
    assert.equal(conf.file, FILE);
    assert.deepEqual(conf.prices, [{ names: ['Business', 'Biz'], packageId: 4601, line: 1 }]);
    assert.deepEqual(conf.periods, [
      { localPeriodId: 10, remotePeriodId: 8, packageId: 7, line: 2 },
      { localPeriodId: 'ALL', remotePeriodId: 1817, packageId: 2891, line: 3 },
      { localPeriodId: 20, remotePeriodId: 9, packageId: null, line: 4 },
    ]);
    assert.equal(conf.reuseLicense, true);
    assert.deepEqual(conf.reusePrices, [12]);
    assert.equal(conf.useExistingOnUpgrade, true);
    assert.equal(conf.noFixSuspended, true);
  });

  test('an empty text is an empty conf', () => {
    const conf = parse('');
    assert.deepEqual(
      { ...conf },
      {
        file: FILE,
        prices: [],
        periods: [],
        reuseLicense: false,
        reusePrices: [],
        useExistingOnUpgrade: false,
        noFixSuspended: false,
      },
    );
  });

  test('tabs, runs of blanks, and leading/trailing blanks all separate fields the same way', () => {
    const spaced = parse('Period 10 8 7\nPrice ipmgr 2891');
    const tabbed = parse('\tPeriod\t10 \t 8\t\t7 \t\n  Price\t\tipmgr    2891\t');
    assert.deepEqual(tabbed.periods, spaced.periods);
    assert.deepEqual(tabbed.prices, spaced.prices);
  });

  test('# starts a comment anywhere; comment-only and blank lines count for line numbers', () => {
    const conf = parse(
      '# header\n\n   \t\nPeriod 10 8 7# no blank before it\n  # indented comment\nPrice ipmgr 2891 # Price x 7',
    );
    assert.deepEqual(conf.periods, [{ localPeriodId: 10, remotePeriodId: 8, packageId: 7, line: 4 }]);
    assert.deepEqual(conf.prices, [{ names: ['ipmgr'], packageId: 2891, line: 6 }]);
    assert.equal(configError('# a\n\nNonsense here').line, 3);
  });

  test('CRLF line ends and a byte-order mark are tolerated', () => {
    const conf = parse('\uFEFFPeriod 10 8 7\r\nOption NoFixSuspended\r\n');
    assert.equal(conf.periods.length, 1);
    assert.equal(conf.noFixSuspended, true);
  });

  test('directive and option names are case-insensitive, internal names are not', () => {
    const conf = parse('price Lite 7\nPRICE lite 11\nperiod all 9 7\noption reuselicense');
    assert.deepEqual(
      conf.prices.map((p) => [p.names, p.packageId]),
      [
        [['Lite'], 7],
        [['lite'], 11],
      ],
    );
    assert.equal(conf.periods[0]?.localPeriodId, 'ALL');
    assert.equal(conf.reuseLicense, true);
  });

  test('repeating a rule with the same meaning is not a conflict', () => {
    const conf = parse('Period 10 8 7\nPeriod 10 8 7\nPeriod 10 8\nPrice a 7\nPrice a,b 7\nReusePrice 3\nReusePrice 3');
    assert.equal(conf.periods.length, 1);
    assert.equal(conf.prices.length, 2);
    assert.deepEqual(conf.reusePrices, [3]);
  });

  test('the result is deeply frozen', () => {
    const conf = parse('Price a,b 7\nPeriod 10 8 7\nReusePrice 3');
    assert.ok(Object.isFrozen(conf));
    assert.ok(Object.isFrozen(conf.prices));
    assert.ok(Object.isFrozen(conf.prices[0]));
    assert.ok(Object.isFrozen(conf.prices[0]?.names));
    assert.ok(Object.isFrozen(conf.periods[0]));
    assert.ok(Object.isFrozen(conf.reusePrices));
  });
});

describe('parseModuleConf: broken lines', () => {
  const cases: [string, string, number, RegExp][] = [
    ['unknown directive', 'Period 10 8 7\nPrise ipmgr 2891', 2, /unknown directive 'Prise'/],
    ['Price without a package', 'Price ipmgr', 1, /Price takes .* got 1 field/],
    ['Price with an extra field', 'Price ipmgr 2891 7', 1, /Price takes .* got 3 field/],
    ['Price with an empty name', 'Price a,,b 7', 1, /empty internal name in 'a,,b'/],
    [
      'Price with a non-numeric package',
      'Price ipmgr IPmanager',
      1,
      /REMOTE_PACKAGE id must be a positive number, not 'IPmanager'/,
    ],
    [
      'Price with an unknown package',
      'Price ipmgr 99999',
      1,
      /package 99999 is not in the catalogue.*cpbillmgr catalogue/,
    ],
    ['Period with one field', 'Period 10', 1, /Period takes LOCAL REMOTE_PERIOD \[REMOTE_PACKAGE\], got 1 field/],
    ['Period with four fields', 'Period 10 8 7 7', 1, /got 4 field/],
    [
      'Period with a non-numeric local period',
      'Period ten 8 7',
      1,
      /LOCAL period id must be a positive number, not 'ten'/,
    ],
    [
      'Period with a non-numeric remote period',
      'Period 10 8m 7',
      1,
      /REMOTE_PERIOD id must be a positive number, not '8m'/,
    ],
    ['Period with a negative id', 'Period -1 8 7', 1, /LOCAL period id must be a positive number/],
    ['Period with a zero id', 'Period 0 8 7', 1, /LOCAL period id must be a positive number/],
    ['Period ALL without a package', 'Period ALL 8', 1, /Period ALL needs a package/],
    ['Period with an unknown period row', 'Period 10 123456 7', 1, /period 123456 is not in the catalogue/],
    ['Period with an unknown package', 'Period 10 8 99999', 1, /package 99999 is not in the catalogue/],
    [
      "Period whose row is another package's",
      'Period 10 1815 7',
      1,
      /period 1815 belongs to package 2891 'IPmanager', not to package 7 'ISPmanager Lite \(without support\)'/,
    ],
    [
      'conflicting Period lines',
      'Period 10 8 7\n\nPeriod 10 9 7',
      3,
      /conflicts with line 1.*local period 10 of package 7.*period 8, not 9/,
    ],
    ['conflicting two- and three-field Period lines', 'Period 10 8 7\nPeriod 10 9', 2, /conflicts with line 1/],
    ['conflicting Period ALL lines', 'Period ALL 8 7\nPeriod ALL 9 7', 2, /conflicts with line 1.*local period ALL/],
    [
      'conflicting Price lines',
      'Price Lite 7\nPrice Biz,Lite 11',
      2,
      /conflicts with line 1, which maps 'Lite' to package 7/,
    ],
    [
      'unknown option',
      'Option ReuseLicence',
      1,
      /unknown option 'ReuseLicence' \(known: ReUseLicense, UseExistingOnUpgrade, NoFixSuspended\)/,
    ],
    ['Option without a name', 'Option', 1, /Option takes one option name, got 0/],
    ['ReusePrice without an id', 'ReusePrice', 1, /ReusePrice takes one/],
    ['ReusePrice with a non-numeric id', 'ReusePrice vps', 1, /ReusePrice id must be a positive number, not 'vps'/],
  ];
  for (const [name, text, line, reason] of cases) {
    test(name, () => {
      const error = configError(text);
      assert.equal(error.file, FILE);
      assert.equal(error.line, line);
      assert.match(error.reason, reason);
      assert.equal(error.message, `${FILE}:${line}: ${error.reason}`);
    });
  }

  test('the first bad line is the one reported', () => {
    assert.equal(configError('Option NoFixSuspended\nBad one\nPeriod x').line, 2);
  });

  test('a line that only comments out the bad part is fine', () => {
    assert.doesNotThrow(() => parse('Period 10 8 7 # 99999'));
  });
});
