import { UpstreamUnavailableError } from '../errors/upstream-error.js';
import type { UpstreamClient } from '../ports/upstream-client.js';
import { parsePriceList } from './parse-price-list.js';
import { childrenOf, innerDoc, orderedId, textOf, toUpstreamLicence } from './parse-upstream-xml.js';
import { newExpiry } from './soft-api-client.js';
import type { UpstreamClientDeps } from './upstream-client-deps.js';
import type { UpstreamCall } from './upstream-http.js';

/**
 * BILLmanager 4 licence API (`software.*`, research §1, §9 [R3] IspSoft, ISPWiki [S1]): packages go as
 * `price`, periods as the period-row id. Three names are not public and are cpbillmgr's choice, served the
 * same way by the sandbox: `software.prolong`, `software.edit clicked_button=newkey`, and a package change
 * as `software.edit elid price period`.
 */
export function createSoftwareApiClient(call: UpstreamCall, deps: UpstreamClientDeps): Omit<UpstreamClient, 'account'> {
  const submit = { sok: 'ok' };
  return {
    async order({ pkg, period, ip, licname, remoteid }) {
      const doc = await call('software.edit', { price: pkg.id, period: period.id, licname, ip, remoteid, ...submit });
      const id = orderedId(doc);
      if (id === undefined) throw new UpstreamUnavailableError('Upstream software.edit answered without a licence id');
      return id;
    },
    async get(licenceId) {
      return toUpstreamLicence(innerDoc(await call('software.edit', { elid: licenceId })));
    },
    async list() {
      return childrenOf(await call('software'), 'elem').map(toUpstreamLicence);
    },
    async edit(licenceId, change) {
      await call('software.edit', { elid: licenceId, ...change, ...submit });
    },
    async newKey(licenceId) {
      const doc = await call('software.edit', { elid: licenceId, clicked_button: 'newkey', ...submit });
      return textOf(doc, 'lickey') || textOf(innerDoc(doc), 'lickey');
    },
    async suspend(licenceId) {
      await call('software.disable', { elid: licenceId, ...submit });
    },
    async resume(licenceId) {
      await call('software.enable', { elid: licenceId, ...submit });
    },
    async delete(licenceId) {
      await call('software.delete', { elid: licenceId, ...submit });
    },
    async prolong(licenceId, period) {
      return newExpiry(await call('software.prolong', { elid: licenceId, period: period.id, ...submit }));
    },
    async changePackage(licenceId, pkg, period) {
      await call('software.edit', { elid: licenceId, price: pkg.id, period: period.id, ...submit });
    },
    async checkIp(pkg, period, ip) {
      await call('software.licinfo', { price: pkg.id, period: period.id, ip, ...submit });
    },
    async balance() {
      const doc = await call('accountinfo');
      return Number(textOf(doc, 'balance').replace(',', '.')) || 0;
    },
    async priceList() {
      return parsePriceList(await call('pricelist.export', { itemtype: 'soft' }, { auth: false }), deps.catalogue);
    },
  };
}
