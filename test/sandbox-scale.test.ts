import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SaxesParser } from 'saxes';
import { elems, type Harness, startHarness, text } from './sandbox-harness.js';

const BIG = 100_000;

describe('sandbox: bulk-seeded licences and a streamed list', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('licence.seed refuses bad parameters and inserts nothing', async () => {
    const bad: Record<string, string>[] = [
      { pricelist: '55227' },
      { count: '0', pricelist: '55227' },
      { count: '10', pricelist: '999' },
      { count: '10', pricelist: '55227', months: '3' },
      { count: '10', pricelist: '55227', status: '6' },
      { count: '10', pricelist: '55227', ip: '300.0.0.1' },
      { count: '10', pricelist: '55227', ip: '255.255.255.250' },
      { count: '300', pricelist: '55227', ip: '10.{n}.0.1' },
      { count: '10', pricelist: '55227', expiredate: '2026-13-45' },
      { count: '10', pricelist: '55230', nodes: '0' },
    ];
    for (const params of bad) await assert.rejects(h.admin('licence.seed', params), /failed/, JSON.stringify(params));
    assert.equal((await h.list()).length, 0);
  });

  test('licence.seed fills the patterns; seeded licences look like ordered ones on the wire', async () => {
    const seeded = await h.admin('licence.seed', {
      count: '3',
      pricelist: '55230',
      months: '12',
      ip: '192.0.2.254',
      licname: 'bench #{n} {ip} ({id})',
      expiredate: '2030-01-31',
      autoprolong: '12',
      nodes: '4',
    });
    const first = Number(text(seeded, 'first'));
    assert.equal(text(seeded, 'count'), '3');
    const rows = await h.list();
    assert.deepEqual(
      rows.map((r) => [
        text(r, 'id'),
        text(r, 'ip'),
        text(r, 'licname'),
        text(r, 'expiredate'),
        text(r, 'autoprolong'),
      ]),
      [0, 1, 2].map((i) => {
        const ip = ['192.0.2.254', '192.0.2.255', '192.0.3.0'][i]!;
        return [String(first + i), ip, `bench #${i + 1} ${ip} (${first + i})`, '2030-01-31', '12'];
      }),
    );
    assert.equal(text(rows[0], 'cost'), '1200.00', '12 months × 4 nodes');
    const form = await h.form(first);
    assert.equal(text(form, 'addon_55236'), '4');
    assert.match(text(form, 'lickey'), new RegExp(`^${first}-`));
    assert.equal((await h.ledger()).length, 0, 'seeding is not a purchase');
    const processing = await h.admin('licence.seed', { count: '1', pricelist: '55227', status: '5', ip: '192.0.2.1' });
    const id = Number(text(processing, 'first'));
    assert.equal(text(await h.form(id), 'status'), '2', 'a seeded status 5 finishes at the next request');
    assert.notEqual(text(await h.form(id), 'lickey'), '');
  });

  test(`${BIG} licences: seeded in one call, listed as a chunked, well-formed stream of exact rows`, async () => {
    let started = Date.now();
    const seeded = await h.admin('licence.seed', { count: String(BIG), pricelist: '55227', ip: '10.0.0.1' });
    const seedSeconds = (Date.now() - started) / 1000;
    assert.equal(text(seeded, 'count'), String(BIG));

    started = Date.now();
    const response = await fetch(`${h.url}/billmgr?func=soft&authinfo=reseller:secret&out=xml`);
    assert.equal(response.headers.get('transfer-encoding'), 'chunked');
    assert.equal(response.headers.get('content-length'), null, 'the body is not one string sent at once');
    let rows = 0;
    let depth = 0;
    let columns = 0;
    let badRows = 0;
    let lastId = '';
    let inId = false;
    const parser = new SaxesParser();
    parser.on('opentag', (tag) => {
      depth += 1;
      if (depth === 2 && tag.name === 'elem') columns = 0;
      if (depth === 3) {
        columns += 1;
        inId = tag.name === 'id';
      }
    });
    parser.on('text', (value) => {
      if (inId) lastId = value;
    });
    parser.on('closetag', (tag) => {
      if (depth === 3) inId = false;
      if (depth === 2 && tag.name === 'elem') {
        rows += 1;
        if (columns !== 20) badRows += 1;
      }
      depth -= 1;
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) parser.write(decoder.decode(chunk, { stream: true }));
    parser.close();
    const listSeconds = (Date.now() - started) / 1000;
    assert.equal(rows, BIG + 4, 'every licence, the earlier ones included');
    assert.equal(badRows, 0);
    assert.equal(Number(lastId), Number(text(seeded, 'last')));
    const memory = Math.round(process.memoryUsage().rss / 1048576);
    process.stderr.write(
      `# ${BIG} licences: seeded in ${seedSeconds}s, listed and parsed in ${listSeconds}s; rss ${memory} MB\n`,
    );

    const requests = elems(await h.admin('requests')).map((e) => text(e, 'func'));
    assert.ok(requests.includes('soft'));
  });
});
