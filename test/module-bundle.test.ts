import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Script } from 'node:vm';
import { MODULE_APP, MODULE_ENTRY } from '../src/cli/module-bundle.js';
import { cacheFileOf, DIGEST_BYTES, runCodeCached, wrap } from '../src/cli/run-code-cached.js';
import { writeCodeCache } from '../src/cli/write-code-cache.js';
import { addLicenceItem, P } from './helpers/billing-fixture.js';
import { ROOT, startHarness } from './helpers/harness.js';

function bundleFile(source: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cpbillmgr-bundle-')), 'part.cjs');
  writeFileSync(file, source);
  writeFileSync(join(file, '..', 'sibling.cjs'), 'module.exports = "sibling";');
  return file;
}

describe('runCodeCached', () => {
  test('When a bundle runs from its cache, then it sees module, exports, require, __filename and __dirname as under require', () => {
    const file = bundleFile(
      'exports.kind = typeof module; exports.file = __filename; exports.dir = __dirname; exports.sibling = require("./sibling.cjs"); exports.strict = (function () { return this === undefined; })();',
    );
    writeCodeCache(file);
    assert.equal(readFileSync(cacheFileOf(file)).length > DIGEST_BYTES, true);
    assert.deepEqual(runCodeCached(file), {
      kind: 'object',
      file,
      dir: join(file, '..'),
      sibling: 'sibling',
      strict: false,
    });
  });

  test('When the bundle changed after its cache was written, even to a text of the same length, then the cache is not used', () => {
    const file = bundleFile('module.exports = function answer() { return 1; };');
    writeCodeCache(file);
    writeFileSync(file, 'module.exports = function answer() { return 2; };');
    // V8 alone would take the old cache (it compares lengths only) and run the old code.
    const stale = new Script(wrap(readFileSync(file)), {
      cachedData: readFileSync(cacheFileOf(file)).subarray(DIGEST_BYTES),
    });
    assert.equal(stale.cachedDataRejected, false);
    assert.equal((runCodeCached(file) as () => number)(), 2);
  });

  test('When the cache is missing or garbage, then the bundle still runs', () => {
    const file = bundleFile('module.exports = 42;');
    assert.equal(runCodeCached(file), 42);
    writeFileSync(cacheFileOf(file), Buffer.alloc(100, 7));
    assert.equal(runCodeCached(file), 42);
  });

  test('The built app bundle has a cache this Node accepts', () => {
    const file = join(ROOT, MODULE_APP);
    const cache = readFileSync(cacheFileOf(file));
    const script = new Script(wrap(readFileSync(file)), { filename: file, cachedData: cache.subarray(DIGEST_BYTES) });
    assert.equal(script.cachedDataRejected, false);
  });
});

describe('the module bundle', () => {
  test('When an open runs on MariaDB, then it loads nothing from node_modules: all it needs is in the cached bundle', async () => {
    const h = await startHarness();
    try {
      const record = join(mkdtempSync(join(tmpdir(), 'cpbillmgr-requires-')), 'requires.txt');
      writeFileSync(record, '');
      const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.51.100.41' });
      const open = await h.cli(['--command', 'open', '--item', String(item)], {
        NODE_OPTIONS: `--require ${join(ROOT, 'test/fixtures/record-requires.cjs')}`,
        CPBILLMGR_TEST_REQUIRES: record,
      });
      assert.equal(open.code, 0, open.stdout + open.stderr);
      const loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean);
      // Optional packages two libraries try in a try/catch (debug's colours, mysql2's SQL highlighting).
      const expectedMissing = ['missing supports-color', 'missing cardinal'];
      assert.deepEqual(
        loaded.filter((line) => !expectedMissing.includes(line)),
        [],
        'each file loaded from node_modules is parsed and compiled on every call, outside the code cache',
      );
    } finally {
      await h.close();
    }
  });

  test(`When the billing is SQLite, then ${MODULE_ENTRY} buys through better-sqlite3 from node_modules`, async () => {
    const h = await startHarness({ dialect: 'sqlite' });
    try {
      assert.match(h.env.CPBILLMGR_DB ?? '', /^sqlite:/);
      const item = await addLicenceItem(h.knex, { period: P.month, ip: '198.51.100.40' });
      const open = await h.cli(['--command', 'open', '--item', String(item)]);
      assert.equal(open.code, 0, open.stdout + open.stderr);
      assert.match(open.stdout, /<ok\/>|<ok>/);
      const bought = (await h.ledger()).filter((row) => row.kind === 'order');
      assert.equal(bought.length, 1, JSON.stringify(bought));
    } finally {
      await h.close();
    }
  });
});
