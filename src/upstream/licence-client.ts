import type { Catalogue } from '../domain/catalogue-types.js';
import { UpstreamUnavailableError } from '../errors/upstream-error.js';
import type { LicenceRow, UpstreamAccount, UpstreamClient } from '../ports/upstream-client.js';
import type { Dialect } from './dialect.js';
import { parsePriceList } from './parse-price-list.js';
import { answeredKey, newExpiry } from './read-fields.js';
import type { UpstreamHttp } from './upstream-http.js';

/** The upstream licence client over one account: the same for both generations, spoken in a dialect. */
export function createLicenceClient(
  account: UpstreamAccount,
  http: UpstreamHttp,
  dialect: Dialect,
  catalogue: Catalogue,
): UpstreamClient {
  const run = (call: { func: string; params: Record<string, string | number | undefined> }) =>
    http.call(call.func, call.params);
  const scan: UpstreamClient['scan'] = (onBatch, batchSize) =>
    http.stream(dialect.list.func, dialect.list.params, (rows) => onBatch(rows.map(dialect.row)), batchSize);
  return {
    account,
    async order(request) {
      return dialect.readOrderedId(await run(dialect.order(request)));
    },
    async form(licenceId) {
      return dialect.readForm(await run(dialect.form(licenceId)));
    },
    scan,
    async list() {
      const rows: LicenceRow[] = [];
      await scan((batch) => {
        rows.push(...batch);
      });
      return rows;
    },
    async edit(licenceId, change) {
      await run(dialect.edit(licenceId, change));
    },
    async newKey(licenceId) {
      const key = answeredKey(await run(dialect.newKey(licenceId)));
      if (!key) throw new UpstreamUnavailableError(`Upstream answered a new key for licence #${licenceId} without it`);
      return key;
    },
    async suspend(licenceId) {
      await run(dialect.suspend(licenceId));
    },
    async resume(licenceId) {
      await run(dialect.resume(licenceId));
    },
    async delete(licenceId) {
      await run(dialect.delete(licenceId));
    },
    async prolong(licenceId, period) {
      return newExpiry(await run(dialect.prolong(licenceId, period)));
    },
    async changePackage(licenceId, pkg, period) {
      await run(dialect.changePackage(licenceId, pkg, period));
    },
    async checkIp(pkg, period, ip) {
      await run(dialect.checkIp(pkg, period, ip));
    },
    async balance() {
      return dialect.readBalance(await run(dialect.balance));
    },
    async priceList() {
      return parsePriceList(await http.call('pricelist.export', { itemtype: 'soft' }, { auth: false }), catalogue);
    },
  };
}
