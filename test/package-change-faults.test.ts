import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { itemParams } from './helpers/billing-fixture.js';
import { type Harness, startHarness } from './helpers/harness.js';
import { liteSwitchedToPro, newCharges, REUSE } from './helpers/package-change-fixture.js';
import { licence } from './helpers/upstream-fixture.js';

describe('package changes under lost answers and retries (setparam, MariaDB, sandbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ balance: 10_000 });
  });
  after(async () => {
    await h.close();
  });

  const setparam = (item: number, env: Record<string, string> = {}) =>
    h.cli(['--command', 'setparam', '--item', String(item)], { CPBILLMGR_ETC: REUSE, ...env });
  const FAST = { CPBILLMGR_ORDER_WINDOW_SECONDS: '2', CPBILLMGR_UPSTREAM_TIMEOUT_MS: '1000' };

  test('When the old licence is parked and the order of the new one gets no answer and never happened, then the retry after the order window buys it once — the item is not left without a licence', async () => {
    const { item, old } = await liteSwitchedToPro(h, '198.51.100.81');
    const ledger = (await h.ledger()).length;
    await h.admin('fault.set', { mode: 'timeout', target: 'soft.order.param', ms: 5000 });
    const first = await setparam(item, FAST);
    assert.equal(first.code, 1, first.stdout);
    assert.equal((await licence(h, old)).ip, '0.0.0.0', 'the old licence was parked');
    assert.deepEqual(await newCharges(h, ledger), []);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const retry = await setparam(item, FAST);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    const bought = (await itemParams(h.knex, item)).licenseid as string;
    assert.notEqual(bought, old);
    assert.deepEqual(await newCharges(h, ledger), [[bought, 'order']]);
    const now = await licence(h, bought);
    assert.deepEqual([now.package, now.ip, now.status], ['9', '198.51.100.81', '2']);
  });
});
