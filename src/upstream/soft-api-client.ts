import { monthsOf } from '../domain/catalogue-types.js';
import { UpstreamUnavailableError } from '../errors/upstream-error.js';
import type { UpstreamClient } from '../ports/upstream-client.js';
import { parsePriceList } from './parse-price-list.js';
import {
  childrenOf,
  innerDoc,
  normaliseDate,
  orderedId,
  textOf,
  toUpstreamLicence,
  type XmlNode,
} from './parse-upstream-xml.js';
import type { UpstreamClientDeps } from './upstream-client-deps.js';
import type { UpstreamCall } from './upstream-http.js';

/** BILLmanager 5+ licence API (`soft.*`, research §5): periods go on the wire as month counts. */
export function createSoftApiClient(call: UpstreamCall, deps: UpstreamClientDeps): Omit<UpstreamClient, 'account'> {
  const submit = { sok: 'ok' };
  return {
    async order({ pkg, period, ip, licname, remoteid }) {
      // No autoprolong: cpbillmgr renews by itself, so an upstream renewal would charge twice.
      const doc = await call('soft.order.param', {
        pricelist: pkg.id,
        period: monthsOf(period),
        ip,
        licname,
        remoteid,
        ...submit,
        skipbasket: 'on',
        clicked_button: 'finish',
      });
      const id = orderedId(doc);
      if (id === undefined)
        throw new UpstreamUnavailableError('Upstream soft.order.param answered without a licence id');
      return id;
    },
    async get(licenceId) {
      return toUpstreamLicence(innerDoc(await call('soft.edit', { elid: licenceId })));
    },
    async list() {
      return childrenOf(await call('soft'), 'elem').map(toUpstreamLicence);
    },
    async edit(licenceId, change) {
      await call('soft.edit', { elid: licenceId, ...change, ...submit });
    },
    async newKey(licenceId) {
      const doc = await call('soft.edit', { elid: licenceId, clicked_button: 'newkey', ...submit });
      return textOf(doc, 'lickey') || textOf(innerDoc(doc), 'lickey');
    },
    async suspend(licenceId) {
      await call('soft.suspend', { elid: licenceId, ...submit });
    },
    async resume(licenceId) {
      await call('soft.resume', { elid: licenceId, ...submit });
    },
    async delete(licenceId) {
      await call('soft.delete', { elid: licenceId, ...submit });
    },
    async prolong(licenceId, period) {
      const doc = await call('service.prolong', { elid: licenceId, period: monthsOf(period), ...submit });
      return newExpiry(doc);
    },
    async changePackage(licenceId, pkg, period) {
      await call('service.changepricelist', {
        elid: licenceId,
        pricelist: pkg.id,
        period: monthsOf(period),
        ...submit,
      });
    },
    async checkIp(pkg, period, ip) {
      await call('soft.checkip', { pricelist: pkg.id, period: monthsOf(period), ip });
    },
    async balance() {
      const doc = await call('subaccount');
      const rows = childrenOf(doc, 'elem');
      const text = textOf(rows[0] ?? doc, 'balance');
      return Number(text.replace(',', '.')) || 0;
    },
    async priceList() {
      return parsePriceList(await call('pricelist.export', { itemtype: 'soft' }, { auth: false }), deps.catalogue);
    },
  };
}

/** `<doc><doc><newexpiredate>` per research §4.1; BILLmanager 4 answers `<expiredate>` at the top. */
export function newExpiry(doc: XmlNode): string {
  const inner = innerDoc(doc);
  return normaliseDate(textOf(inner, 'newexpiredate') || textOf(doc, 'newexpiredate') || textOf(inner, 'expiredate'));
}
