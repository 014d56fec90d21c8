import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { elems, LITE6, ORDER, refusedWith, startHarness, text } from './sandbox-harness.js';

describe('sandbox: state on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-sandbox-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('licences, balance, ledger, trials, node counts and the clock survive a restart', async () => {
    const statePath = join(dir, 'sandbox.sqlite');
    const first = await startHarness({ statePath });
    const trial = await first.order({ pricelist: '55239', period: '-100', ...ORDER, ip: '10.3.0.1' });
    const business = await first.order({ pricelist: '55230', period: '1', ip: '10.3.0.2', addon_55236: '2' });
    await first.admin('clock.advance', { days: '3' });
    const today = text(await first.admin('clock'), 'today');
    await first.close();

    const second = await startHarness({
      statePath,
      accounts: [{ username: 'reseller', password: 'secret', balance: 1 }],
    });
    try {
      assert.equal(text(await second.form(trial), 'licname'), ORDER.licname);
      assert.equal(text(await second.form(business), 'addon_55236'), '2');
      assert.equal(await second.balance(), 1000 - 60);
      assert.equal((await second.ledger()).length, 2);
      assert.equal(text(await second.admin('clock'), 'today'), today);
      await assert.rejects(
        second.order({ pricelist: '55239', period: '-100', ip: '10.3.0.1' }),
        refusedWith('exists', 'trial'),
      );
      const listed = elems(await second.admin('licence.list'));
      assert.equal(text(listed[0], 'remoteid'), ORDER.remoteid);
    } finally {
      await second.close();
    }
  });

  test('a state file written before remoteip and node counts existed opens and gains them', async () => {
    const statePath = join(dir, 'old.sqlite');
    const db = new Database(statePath);
    db.exec(`
      CREATE TABLE licence (
        id INTEGER PRIMARY KEY, account INTEGER NOT NULL, package INTEGER NOT NULL,
        period INTEGER NOT NULL, ip TEXT NOT NULL, licname TEXT NOT NULL, remoteid TEXT NOT NULL, lickey TEXT NOT NULL,
        status INTEGER NOT NULL, createdate TEXT NOT NULL, expiredate TEXT NOT NULL, processing_until TEXT NOT NULL,
        autoprolong INTEGER NOT NULL, discount REAL NOT NULL, ip_change_date TEXT NOT NULL, key_change_date TEXT NOT NULL);
      INSERT INTO licence VALUES (1000, 1, 55227, 955227001, '10.3.1.1', 'old', 'r', '1000-AB', 2, '2026-01-01',
        '2099-01-01', '', 0, 0, '', '');`);
    db.close();
    const h = await startHarness({ statePath });
    try {
      const form = await h.form(1000);
      assert.equal(text(form, 'licname'), 'old');
      assert.equal(text(form, 'remoteip'), '');
      const id = await h.order({ ...LITE6, ip: '10.3.1.2', remoteip: '192.168.1.1' });
      assert.equal(id, 1001);
      assert.equal(text(await h.form(id), 'remoteip'), '192.168.1.1');
    } finally {
      await h.close();
    }
  });
});
