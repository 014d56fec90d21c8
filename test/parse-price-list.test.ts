import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import type { CataloguePackage } from '../src/domain/catalogue-types.js';
import { mergeExportedPackages, parsePriceList } from '../src/upstream/parse-price-list.js';
import { parseDoc as parseUpstreamXml } from '../src/upstream/xml/parse-doc.js';
import { type Harness, startHarness } from './sandbox-harness.js';

const catalogue = createCatalogue(BUILTIN_PACKAGES);
const parse = (xml: string) => parsePriceList(parseUpstreamXml(xml) ?? {}, catalogue);
const exportOf = (...records: string[]) => `<?xml version="1.0"?><doc>${records.join('')}</doc>`;
const record = (id: number, name: string, periods: string) =>
  `<pricelist><id>${id}</id><name>${name}</name><itemtype>soft</itemtype><active>on</active><price currency="EUR">${periods}</price></pricelist>`;
const period = (type: string, length: number | string, cost: string) =>
  `<period type="${type}" length="${length}" cost="${cost}"/>`;
const byId = (packages: CataloguePackage[], id: number) => packages.find((p) => p.id === id)!;

describe('pricelist.export parsing', () => {
  test('periods without ids are matched to the built-in rows of the same unit and length', () => {
    const [lite] = parse(
      exportOf(record(55227, 'ispmanager 6 Lite', period('month', 1, '7.50') + period('month', 12, '75.00'))),
    );
    assert.deepEqual(
      lite!.periods.map((p) => [p.id, p.cost, p.realId, p.sold]),
      [
        [955227001, 7.5, false, true],
        [955227012, 75, false, true],
      ],
    );
    assert.equal(lite!.sold, true);
    assert.equal(lite!.edition, 'lite');
  });

  test('old rows keep their real ids; trial ("day" or "trial") and lifetime match whatever their length', () => {
    const [pro] = parse(
      exportOf(
        record(
          11,
          'ISPmanager Pro',
          period('trial', 15, '0') + period('month', 1, '11') + period('lifetime', 1, '240'),
        ),
      ),
    );
    assert.deepEqual(
      pro!.periods.map((p) => [p.id, p.unit, p.realId, p.sold]),
      [
        [15, 'day', true, true],
        [16, 'month', true, true],
        [17, 'lifetime', true, true],
      ],
    );
    assert.equal(pro!.sold, true);
    assert.equal(pro!.notSoldSince, undefined);
  });

  test('a period the catalogue lacks gets a synthetic id; a package it lacks is added as other', () => {
    const [lite, unknown] = parse(
      exportOf(
        record(55227, 'ispmanager 6 Lite', period('month', 3, '18')),
        record(77777, 'DNSmanager 6', period('month', 1, '4')),
      ),
    );
    assert.deepEqual(
      lite!.periods.map((p) => [p.id, p.length, p.sold]),
      [
        [955227003, 3, true],
        [955227001, 1, false],
        [955227012, 12, false],
      ],
      'built-in periods the export leaves out stay, marked not sold',
    );
    assert.deepEqual(
      [unknown!.line, unknown!.edition, unknown!.periods.map((p) => [p.id, p.realId])],
      ['dnsmanager', 'other', [[977777001, false]]],
    );
  });

  test('malformed periods and packages are skipped', () => {
    const packages = parse(
      exportOf(
        record(0, 'zero', period('month', 1, '1')),
        record(
          55228,
          'ispmanager 6 Pro',
          period('week', 1, '1') + period('month', 'x', '1') + period('month', 1, 'abc'),
        ),
      ),
    );
    assert.deepEqual(
      packages.map((p) => p.id),
      [55228],
    );
    const month = byId(packages, 55228).periods.find((p) => p.id === 955228001)!;
    assert.deepEqual([month.sold, month.cost], [true, 11], 'an unreadable cost keeps the built-in one');
  });

  test('mergeExportedPackages: exported replace built-in, new ones appended, missing ones keep their flag', () => {
    const exported = parse(
      exportOf(record(3541, 'ISPmanager 5 Lite', period('month', 1, '8')), record(88888, 'New', '')),
    );
    const merged = mergeExportedPackages(BUILTIN_PACKAGES, exported);
    assert.equal(merged.length, BUILTIN_PACKAGES.length + 1);
    assert.equal(byId(merged, 3541).sold, true);
    assert.equal(byId(merged, 7).sold, false);
    assert.equal(byId(merged, 55227).sold, true);
    assert.equal(merged.at(-1)!.id, 88888);
    createCatalogue(merged);
  });
});

describe("pricelist.export parsing against the sandbox's export", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const exported = async () =>
    parse(await (await fetch(`${h.url}/billmgr?func=pricelist.export&out=xml&itemtype=soft`)).text());

  test("today: ispmanager 6 with the built-in ids, and a merged catalogue that still knows the seed's rows", async () => {
    const packages = await exported();
    assert.deepEqual(
      packages.map((p) => [p.id, p.periods.map((x) => x.id)]),
      BUILTIN_PACKAGES.slice(0, 6).map((p) => [p.id, p.periods.map((x) => x.id)]),
    );
    const merged = createCatalogue(mergeExportedPackages(BUILTIN_PACKAGES, packages));
    assert.equal(merged.findPeriod(8)?.pkg.sold, false);
  });

  test('historical: every built-in package and period row comes back with its own id', async () => {
    await h.admin('sales.set', { mode: 'historical' });
    const packages = await exported();
    assert.deepEqual(
      packages.map((p) => [p.id, p.periods.map((x) => x.id)]),
      BUILTIN_PACKAGES.map((p) => [p.id, p.periods.map((x) => x.id)]),
    );
    assert.ok(packages.every((p) => p.sold && p.periods.every((x) => x.sold)));
  });
});
