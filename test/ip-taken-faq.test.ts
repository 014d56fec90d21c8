import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addLicenceItem, itemRow, P } from './helpers/billing-fixture.js';
import { type Harness, parseDoc, startHarness } from './helpers/harness.js';
import { buyUpstream, days, licence } from './helpers/upstream-fixture.js';

const addMonths = (date: string, months: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe("the wiki FAQ's IP rules surface as ip_taken naming the rule and when the IP frees up", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  async function refusedOpen(ip: string) {
    const item = await addLicenceItem(h.knex, { period: P.month, ip });
    const ledger = (await h.ledger()).length;
    const { doc } = await h.http('open', { elid: item });
    assert.equal((await h.ledger()).length, ledger, 'nothing bought');
    const info = await h.http('license.info', { elid: item });
    assert.match(JSON.stringify(info.doc), /"state":"failed"/, 'the journal entry is settled as failed');
    assert.equal((await itemRow(h.knex, item)).status, 1);
    return { item, error: doc.error };
  }

  test('When a Pro that is not lifetime holds the IP, then a Lite is refused with that rule and the date the Pro would be deleted', async () => {
    const pro = await buyUpstream(h, { pricelist: 9, period: 1, ip: '198.51.100.81', licname: 'someone.example.com' });
    const { error } = await refusedOpen('198.51.100.81');
    assert.equal(error?.['@type'], 'ip_taken');
    assert.match(error?.msg ?? '', /a Pro that is not lifetime blocks a Lite on its IP \(wiki FAQ\)/);
    assert.match(error?.msg ?? '', new RegExp(`licence #${pro}`));
    const expiry = (await licence(h, pro)).expiredate as string;
    assert.match(error?.msg ?? '', new RegExp(`deletes it on ${addDays(expiry, 30)}`));
  });

  test('When a licence of the same line holds the IP, then the refusal names the one-licence-per-IP rule', async () => {
    const lite = await buyUpstream(h, { pricelist: 5, period: 1, ip: '198.51.100.82', licname: 'first.example.com' });
    const { error } = await refusedOpen('198.51.100.82');
    assert.equal(error?.['@type'], 'ip_taken');
    assert.match(error?.msg ?? '', new RegExp(`one licence per product line and IP: licence #${lite}`));
  });

  test('When a lifetime Pro holds the IP, then a Lite is refused for its first three months, with the date; after them it is bought', async () => {
    const pro = await buyUpstream(h, { pricelist: 9, period: 0, ip: '198.51.100.83', licname: 'lifetime.example.com' });
    const created = (await licence(h, pro)).createdate as string;
    const { item, error } = await refusedOpen('198.51.100.83');
    assert.equal(error?.['@type'], 'ip_taken');
    assert.match(error?.msg ?? '', /a lifetime Pro blocks a Lite on its IP for its first three months \(wiki FAQ\)/);
    const free = addMonths(created, 3);
    assert.match(error?.msg ?? '', new RegExp(`the IP takes it from ${free}`));
    const raw = await h.cli(['--command', 'open', '--item', String(item)]);
    assert.match(raw.stdout, new RegExp(`<param name="value">${free}</param>`));

    await h.admin('clock.advance', { days: 93 });
    const later = await h.cli(['--command', 'open', '--item', String(item)], days(93));
    assert.equal(later.code, 0, later.stdout);
    assert.ok('ok' in parseDoc(later.stdout));
    const onIp = (await h.licences()).filter((l) => l.ip === '198.51.100.83' && l.status !== '4');
    assert.deepEqual(onIp.map((l) => l.package).sort(), ['5', '9']);
  });
});
