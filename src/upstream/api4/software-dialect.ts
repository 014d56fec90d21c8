import type { Dialect } from '../dialect.js';
import {
  balanceOfRows,
  dateField,
  orderedId,
  parseAmount,
  readLicenceForm,
  requiredIdAndStatus,
} from '../read-fields.js';
import { readSoftwareError } from '../read-upstream-error.js';
import { intOf } from '../xml/parse-doc.js';

const submit = { sok: 'ok' } as const;

/**
 * BILLmanager 4 licence API (`software.*`; research §1, §9 [R3] IspSoft, ISPWiki [S1]): the tariff
 * goes as `price`, the period as its period-row id, and list rows carry `price`. Three names are not
 * public and are cpbillmgr's choice, served the same way by the sandbox: `software.prolong`,
 * `software.edit clicked_button=newkey`, and a package change as `software.edit elid price period`.
 */
export const softwareDialect: Dialect = {
  list: { func: 'software', params: {} },
  row(fields) {
    const { id, status } = requiredIdAndStatus(fields.id ?? '', fields.status ?? '', 'software list row');
    return {
      id,
      status,
      licname: fields.licname ?? '',
      ip: fields.ip ?? '',
      expiredate: dateField(fields.expiredate),
      createdate: dateField(fields.createdate),
      tariffName: '',
      packageId: intOf(fields.price ?? '') ?? null,
      autoprolong: false,
      ipChangedOn: '',
      keyChangedOn: '',
      cost: parseAmount(fields.cost ?? '') ?? null,
    };
  },
  form: (licenceId) => ({ func: 'software.edit', params: { elid: licenceId } }),
  readForm: (doc) => readLicenceForm(doc, 'price', 'software.edit'),
  order: ({ pkg, period, ip, licname, reference }) => ({
    func: 'software.edit',
    params: { price: pkg.id, period: period.id, licname, ip, remoteid: reference, ...submit },
  }),
  readOrderedId: orderedId,
  edit: (licenceId, { ip, licname }) => ({
    func: 'software.edit',
    params: { elid: licenceId, ip, licname, ...submit },
  }),
  newKey: (licenceId) => ({ func: 'software.edit', params: { elid: licenceId, clicked_button: 'newkey', ...submit } }),
  suspend: (licenceId) => ({ func: 'software.disable', params: { elid: licenceId, ...submit } }),
  resume: (licenceId) => ({ func: 'software.enable', params: { elid: licenceId, ...submit } }),
  delete: (licenceId) => ({ func: 'software.delete', params: { elid: licenceId, ...submit } }),
  prolong: (licenceId, period) => ({
    func: 'software.prolong',
    params: { elid: licenceId, period: period.id, ...submit },
  }),
  changePackage: (licenceId, pkg, period) => ({
    func: 'software.edit',
    params: { elid: licenceId, price: pkg.id, period: period.id, ...submit },
  }),
  checkIp: (pkg, period, ip) => ({
    func: 'software.licinfo',
    params: { price: pkg.id, period: period.id, ip, ...submit },
  }),
  balance: { func: 'accountinfo', params: {} },
  readBalance: (doc) => balanceOfRows(doc, 'name'),
  readError: readSoftwareError,
};
