import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PACKAGES } from '../src/catalogue/builtin-packages.js';
import { createCatalogue } from '../src/catalogue/create-catalogue.js';
import { describeNotSold, monthsOf, syntheticPeriodId } from '../src/domain/catalogue-types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const catalogue = createCatalogue(BUILTIN_PACKAGES);
const pkg = (id: number) => catalogue.findPackage(id)!;

describe('the built-in catalogue', () => {
  test('ispmanager 6 comes first, on sale, for 1 and 12 months; the trials for -100', () => {
    assert.deepEqual(
      BUILTIN_PACKAGES.slice(0, 6).map((p) => [p.id, p.sold, p.periods.map(monthsOf)]),
      [
        [55227, true, [1, 12]],
        [55228, true, [1, 12]],
        [55229, true, [1, 12]],
        [55230, true, [1, 12]],
        [55239, true, [-100]],
        [55240, true, [-100]],
      ],
    );
    assert.deepEqual(
      BUILTIN_PACKAGES.slice(0, 6).map((p) => [p.line, p.edition]),
      [
        ['ispmanager', 'lite'],
        ['ispmanager', 'pro'],
        ['ispmanager', 'pro'],
        ['ispmanager', 'pro'],
        ['ispmanager', 'other'],
        ['ispmanager', 'other'],
      ],
    );
    assert.equal(pkg(55239).periods[0]!.length, 14);
    assert.equal(pkg(55239).periods[0]!.unit, 'day');
  });

  test('node add-ons: ispmanager 6 Business 55236, ISPmanager Business 4602', () => {
    assert.equal(pkg(55230).nodeAddon, 55236);
    assert.equal(pkg(4601).nodeAddon, 4602);
    assert.equal(pkg(55227).nodeAddon, undefined);
  });

  test('unpublished period ids are synthetic, deterministic and ≥ 900000; none collide', () => {
    for (const p of BUILTIN_PACKAGES.slice(0, 6)) {
      for (const period of p.periods) {
        assert.equal(period.id, syntheticPeriodId(p.id, period));
        assert.equal(period.realId, false);
        assert.ok(period.id >= 900_000 && period.id < 2 ** 31);
      }
    }
    assert.equal(syntheticPeriodId(55227, { unit: 'month', length: 1 }), 955227001);
    assert.equal(syntheticPeriodId(55227, { unit: 'month', length: 12 }), 955227012);
    assert.equal(syntheticPeriodId(55239, { unit: 'day', length: 14 }), 955239999);
    assert.equal(syntheticPeriodId(7, { unit: 'lifetime', length: 1 }), 900007000);
    const ids = BUILTIN_PACKAGES.flatMap((p) => p.periods.map((period) => period.id));
    assert.equal(new Set(ids).size, ids.length);
    assert.throws(
      () => createCatalogue([...BUILTIN_PACKAGES, { ...pkg(7), id: 8 }]),
      /period row 7 belongs to packages 7 and 8/,
    );
  });

  test('every old package is kept, not sold; ISPmanager 5 since 2021-06-15, lifetime periods since 2018-07-09', () => {
    for (const id of [5, 7, 9, 11, 15, 884, 112, 432, 2891, 3136, 3193, 3045, 3541, 4601]) {
      assert.equal(pkg(id).sold, false, String(id));
      assert.ok(pkg(id).periods.every((p) => !p.sold));
    }
    assert.equal(describeNotSold(pkg(3541)), 'not sold since 2021-06-15');
    assert.equal(describeNotSold(pkg(4601)), 'not sold since 2021-06-15');
    assert.equal(describeNotSold(pkg(7)), 'not sold');
    assert.equal(describeNotSold(catalogue.findPeriod(9)!.period), 'not sold since 2018-07-09');
    assert.equal(describeNotSold(pkg(55227)), '');
    assert.deepEqual(
      [catalogue.findPeriod(8)?.pkg.id, catalogue.findPeriod(1817)?.pkg.id, catalogue.findPeriod(935411)?.pkg.id],
      [7, 2891, 3541],
      'the period rows configurations name are still there',
    );
  });

  test('cpbillmgr catalogue --builtin marks what is no longer sold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpb-catalogue-'));
    try {
      const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((done) => {
        const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli/cpbillmgr.js'), 'catalogue', '--builtin'], {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            CPBILLMGR_DB: `sqlite:${join(dir, 'db.sqlite')}`,
            CPBILLMGR_ETC: dir,
            CPBILLMGR_LOG_LEVEL: 'warn',
          },
        });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.on('close', (exit) => done({ code: exit, stdout: out }));
      });
      assert.equal(code, 0, stdout);
      const lines = stdout.split('\n');
      assert.equal(lines[1], 'Preset 55227-ispmanager 6 Lite');
      assert.match(stdout, /Preset 55230-ispmanager 6 Business {2}nodes addon_55236\n/);
      assert.match(stdout, /period 955227001\* +1 month +api5 period=1 +sold=yes\n/);
      assert.match(stdout, /Preset 3541-ISPmanager 5 Lite {2}\(not sold since 2021-06-15\)\n/);
      assert.match(stdout, /Preset 7-ISPmanager Lite \(without support\) {2}\(not sold\)\n/);
      assert.match(stdout, /period 8 +1 month +api5 period=1 +sold=no\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
