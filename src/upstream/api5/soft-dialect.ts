import { monthsOf } from '../../domain/catalogue-types.js';
import type { Dialect } from '../dialect.js';
import {
  balanceOfRows,
  dateField,
  orderedId,
  parseAmount,
  readLicenceForm,
  requiredIdAndStatus,
} from '../read-fields.js';
import { readSoftError } from '../read-upstream-error.js';

const submit = { sok: 'ok' } as const;

/** `autoprolong` as the list shows it: a period when the upstream renews by itself, empty or `null` when not. */
function renewsByItself(value: string | undefined): boolean {
  const text = (value ?? '').trim().toLowerCase();
  return text !== '' && text !== 'null' && text !== '0' && text !== 'off' && text !== 'no';
}

/**
 * BILLmanager 5+ licence API (`soft.*`; research §5 and "Verified 2026-11-26"): tariffs go as
 * `pricelist`, periods as month counts (0 lifetime, −100 trial). The list carries no key, no
 * `remoteid` and the tariff only by name; the key and the tariff id are read from the form.
 */
export const softDialect: Dialect = {
  list: { func: 'soft', params: {} },
  row(fields) {
    const { id, status } = requiredIdAndStatus(fields.id ?? '', fields.status ?? '', 'soft list row');
    return {
      id,
      status,
      licname: fields.licname ?? '',
      ip: fields.ip ?? '',
      expiredate: dateField(fields.expiredate),
      createdate: dateField(fields.createdate),
      tariffName: fields.pricelist ?? '',
      packageId: null,
      autoprolong: renewsByItself(fields.autoprolong),
      ipChangedOn: dateField(fields.real_ipchange),
      keyChangedOn: dateField(fields.real_keychange),
      cost: parseAmount(fields.cost ?? '') ?? null,
    };
  },
  form: (licenceId) => ({ func: 'soft.edit', params: { elid: licenceId } }),
  readForm: (doc) => readLicenceForm(doc, 'pricelist', 'soft.edit'),
  order: ({ pkg, period, ip, licname, reference, addons }) => ({
    func: 'soft.order.param',
    params: {
      pricelist: pkg.id,
      period: monthsOf(period),
      ip,
      licname,
      remoteid: reference,
      // The module renews by itself; an upstream renewal on top would be paid twice.
      autoprolong: 'null',
      ...Object.fromEntries(Object.entries(addons).map(([addon, count]) => [`addon_${addon}`, count])),
      ...submit,
      skipbasket: 'on',
      clicked_button: 'finish',
    },
  }),
  readOrderedId: orderedId,
  edit: (licenceId, { ip, licname }) => ({ func: 'soft.edit', params: { elid: licenceId, ip, licname, ...submit } }),
  newKey: (licenceId) => ({ func: 'soft.edit', params: { elid: licenceId, clicked_button: 'newkey', ...submit } }),
  suspend: (licenceId) => ({ func: 'soft.suspend', params: { elid: licenceId, ...submit } }),
  resume: (licenceId) => ({ func: 'soft.resume', params: { elid: licenceId, ...submit } }),
  delete: (licenceId) => ({ func: 'soft.delete', params: { elid: licenceId, ...submit } }),
  prolong: (licenceId, period) => ({
    func: 'service.prolong',
    params: { elid: licenceId, period: monthsOf(period), ...submit },
  }),
  changePackage: (licenceId, pkg, period) => ({
    func: 'service.changepricelist',
    params: { elid: licenceId, pricelist: pkg.id, period: monthsOf(period), ...submit },
  }),
  checkIp: (pkg, period, ip) => ({ func: 'soft.checkip', params: { pricelist: pkg.id, period: monthsOf(period), ip } }),
  balance: { func: 'subaccount', params: {} },
  readBalance: (doc) => balanceOfRows(doc, 'project'),
  readError: readSoftError,
};
