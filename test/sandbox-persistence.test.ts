import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { childrenOf, textOf } from '../src/upstream/xml/parse-doc.js';
import { ORDER, row, startHarness } from './sandbox-harness.js';

describe('sandbox: state on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpbillmgr-sandbox-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('licences, balance, ledger, trials and the clock survive a restart', async () => {
    const statePath = join(dir, 'sandbox.sqlite');
    const first = await startHarness({ statePath });
    const id = await first.client().order({ ...row(7), ...ORDER, ip: '10.3.0.1' });
    await first.admin('clock.advance', { days: '3' });
    const today = textOf(await first.admin('clock'), 'today');
    await first.close();

    const second = await startHarness({
      statePath,
      accounts: [{ username: 'reseller', password: 'secret', balance: 1 }],
    });
    try {
      assert.equal((await second.client().form(id)).id, id);
      assert.equal(await second.client().balance(), 1000);
      assert.equal(childrenOf(await second.admin('ledger'), 'elem').length, 1);
      assert.equal(textOf(await second.admin('clock'), 'today'), today);
      await assert.rejects(second.client().order({ ...row(7), ...ORDER, ip: '10.3.0.1' }), /trial/);
      const listed = childrenOf(await second.admin('licence.list'), 'elem');
      assert.equal(textOf(listed[0], 'remoteid'), ORDER.reference);
    } finally {
      await second.close();
    }
  });
});
