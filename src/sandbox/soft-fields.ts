import type { Catalogue } from '../domain/catalogue-types.js';
import { monthsOf } from '../domain/catalogue-types.js';
import { addMonths, isoDate, parseDate } from './sandbox-clock.js';
import type { Lang } from './sandbox-error.js';
import { priceAfterDiscount, unitsOf } from './sandbox-rules.js';
import type { AccountRow, LicenceRow } from './sandbox-store.js';
import type { Fields } from './sandbox-xml.js';

const dateOf = (iso: string) => (iso === '' ? '' : isoDate(parseDate(iso)));

const STATUS_TEXT: Readonly<Record<Lang, readonly string[]>> = {
  en: ['', 'Ordered', 'Active', 'Suspended', 'Deleted', 'Processing'],
  ru: ['', 'Заказана', 'Активна', 'Остановлена', 'Удалена', 'Обрабатывается'],
};

/** The key exists only once the licence is ready: never while it waits for payment (1) or is processed (5). */
const lickeyOf = (licence: LicenceRow) => (licence.status === 1 || licence.status === 5 ? '' : licence.lickey);

/**
 * Lifetime licences include one year of updates [S12], so their `update_expiredate` is a year after
 * creation; other licences have none ([I]: the field only appears for lifetime keys in the sources).
 */
function updateExpiredate(licence: LicenceRow, lifetime: boolean): string {
  return lifetime ? isoDate(addMonths(parseDate(licence.createdate), 12)) : '';
}

/**
 * One row of the `soft` list: exactly the columns of BILLmanager 6's reference [S8], in its order, every
 * column present (empty when it has no value). No key, no `remoteid`, no tariff id: `pricelist` is the
 * tariff's name. Values where the reference gives no format (all [U], documented choices):
 * - `period`: the month count as ordered (1, 12; 0 lifetime; -100 trial), like the order parameter;
 * - `real_ipchange` / `real_keychange`: YYYY-MM-DD of the last IP / key change, '' when never;
 * - `update_expiredate`: see `updateExpiredate`;
 * - `autoprolong`: the renewal's month count, '' when none;
 * - `status_msg`: the status in the answer's language; `special_status` 0;
 * - `account`: the reseller's login, `project` `ISPsystem`; `datacentername`, `processingmodule`, `item` '';
 * - `cost`: what one more period of this licence costs the reseller (period cost × nodes, after the
 *   licence's discount; trial 0, lifetime its purchase price), a plain number with two decimals.
 */
export function softListRow(licence: LicenceRow, account: AccountRow, catalogue: Catalogue, lang: Lang): Fields {
  const found = catalogue.findPeriod(licence.period);
  const pkg = found?.pkg ?? catalogue.findPackage(licence.package);
  const cost = found && pkg ? priceAfterDiscount(found.period.cost * unitsOf(pkg, licence.nodes), licence.discount) : 0;
  return {
    id: licence.id,
    licname: licence.licname,
    ip: licence.ip,
    period: found ? monthsOf(found.period) : '',
    update_expiredate: updateExpiredate(licence, found?.period.unit === 'lifetime'),
    real_ipchange: dateOf(licence.ip_change_date),
    real_keychange: dateOf(licence.key_change_date),
    pricelist: pkg?.name ?? '',
    account: account.username,
    project: 'ISPsystem',
    datacentername: '',
    processingmodule: '',
    createdate: licence.createdate,
    expiredate: licence.expiredate,
    autoprolong: licence.autoprolong > 0 ? licence.autoprolong : '',
    status_msg: STATUS_TEXT[lang][licence.status] ?? '',
    item: '',
    status: licence.status,
    special_status: 0,
    cost: cost.toFixed(2),
  };
}

/**
 * The `soft.edit elid=N` form (research §5.2, [R1][R2][R3]): the tariff by id and by name, the key
 * (empty until the licence is ready), the change dates, and `addon_<id>` with the node count for a
 * tariff with a node add-on. `remoteid` is stored but, like everywhere else, never answered.
 */
export function softForm(licence: LicenceRow, catalogue: Catalogue): Fields {
  const found = catalogue.findPeriod(licence.period);
  const pkg = found?.pkg ?? catalogue.findPackage(licence.package);
  const fields: Fields = {
    elid: licence.id,
    id: licence.id,
    licname: licence.licname,
    ip: licence.ip,
    remoteip: licence.remoteip,
    lickey: lickeyOf(licence),
    expiredate: licence.expiredate,
    createdate: licence.createdate,
    status: licence.status,
    pricelist: licence.package,
    pricelist_name: pkg?.name ?? '',
    period: found ? monthsOf(found.period) : '',
    update_expiredate: updateExpiredate(licence, found?.period.unit === 'lifetime'),
    ip_change_date: dateOf(licence.ip_change_date),
    lickey_change_date: dateOf(licence.key_change_date),
  };
  if (pkg?.nodeAddon !== undefined) fields[`addon_${pkg.nodeAddon}`] = licence.nodes;
  return fields;
}
