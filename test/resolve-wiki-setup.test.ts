import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import type { Tariff, TariffPeriod } from '../src/domain/billing-types.js';
import { NotConfiguredError } from '../src/errors/module-error.js';
import { parseModuleConf } from '../src/module-conf/parse-module-conf.js';
import { type LicenceSource, resolveOrder } from '../src/resolve/resolve-order.js';

const catalogue = createCatalogue(BUILTIN_PACKAGES);
const wikiText = readFileSync(
  fileURLToPath(new URL('../../test/fixtures/wiki-cpbillmgr.conf', import.meta.url)),
  'utf8',
);

function tariff(id: number, intname: string, addontype: number): Tariff {
  return {
    id,
    intname,
    itemtype: 'vds',
    parentId: 100,
    addontype,
    moduleIds: [1],
    defaultEnumerationItemId: null,
    defaultBool: null,
    active: true,
  };
}

// The wiki's example: a VPS tariff (#100) with periods 10, 11, 12, 13 = 1, 3, 6, 12 months; an
// enumeration add-on offering Lite / Prof, and a boolean add-on 'ipmgr'.
const vpsPeriods: TariffPeriod[] = [
  { id: 10, pricelistId: 100, length: 1, unit: 'month' },
  { id: 11, pricelistId: 100, length: 3, unit: 'month' },
  { id: 12, pricelistId: 100, length: 6, unit: 'month' },
  { id: 13, pricelistId: 100, length: 12, unit: 'month' },
];
const enumeration = tariff(101, 'ispmgr', 3);
const sources: Record<string, LicenceSource> = {
  Lite: { kind: 'addon', name: 'Lite', addonTariff: enumeration },
  Prof: { kind: 'addon', name: 'Prof', addonTariff: enumeration },
  ipmgr: { kind: 'addon', name: 'ipmgr', addonTariff: tariff(102, 'ipmgr', 1) },
};

/** [package, period row] per local period 10, 11, 12, 13; `null`: no period resolves (not configured). */
type Expected = Record<string, [number, number | null, number | null, number | null, number | null]>;
const expected: Record<4 | 5, Expected> = {
  4: {
    Lite: [7, 8, 9, 9, 9],
    Prof: [11, 16, 17, 17, 17],
    ipmgr: [2891, 1815, 1817, 1817, 1817],
  },
  // On today's BILLmanager 5 upstream Lite and Prof are ispmanager 6 Lite and Pro, for which the wiki
  // file has no Period lines: the 1- and 12-month VPS periods buy the rows of the same length, and the
  // 3- and 6-month ones resolve to nothing until the operator adds a Period line (ispmanager 6 is sold
  // for 1 and 12 months only).
  5: {
    Lite: [55227, 955227001, null, null, 955227012],
    Prof: [55228, 955228001, null, null, 955228012],
    ipmgr: [2891, 1815, 1817, 1817, 1817],
  },
};

for (const api of [4, 5] as const) {
  describe(`the wiki setup on api=${api}`, () => {
    const file = api === 4 ? '/usr/local/ispmgr/etc/cpbillmgr.conf' : '/usr/local/ispmgr/etc/cpbillmgr5.conf';
    const conf = parseModuleConf(wikiText, file, catalogue);
    for (const [name, [pkg, ...rows]] of Object.entries(expected[api])) {
      vpsPeriods.forEach((local, index) => {
        const expectedRow = rows[index];
        test(`${name} on a ${local.length}-month VPS (period ${local.id}) → package ${pkg}, period ${expectedRow ?? 'none'}`, () => {
          const resolve = () => resolveOrder({ api, catalogue, conf, source: sources[name]!, localPeriod: local });
          if (expectedRow === null || expectedRow === undefined) {
            assert.throws(resolve, (e: unknown) => e instanceof NotConfiguredError && e.object === 'period');
            return;
          }
          const order = resolve();
          assert.equal(order.pkg.id, pkg);
          assert.equal(order.period.id, expectedRow);
        });
      });
    }

    test('explanations name the rule that decided', () => {
      const ip = resolveOrder({ api, catalogue, conf, source: sources.ipmgr!, localPeriod: vpsPeriods[1]! });
      const base = api === 4 ? 'cpbillmgr.conf' : 'cpbillmgr5.conf';
      assert.equal(ip.packageRule, `${base}:1 Price ipmgr 2891`);
      assert.equal(ip.periodRule, `${base}:7 Period 11 1817 2891`);
      const lite = resolveOrder({ api, catalogue, conf, source: sources.Lite!, localPeriod: vpsPeriods[0]! });
      if (api === 4) {
        assert.equal(lite.packageRule, 'built-in default Lite → 7 (api 4)');
        assert.equal(lite.periodRule, `${base}:2 Period 10 8 7`);
      } else {
        assert.equal(lite.packageRule, 'built-in default Lite → 55227 (api 5)');
        assert.equal(lite.periodRule, 'same length (1 month)');
      }
    });
  });
}
