import type { Catalogue } from '../domain/catalogue-types.js';
import { monthsOf } from '../domain/catalogue-types.js';
import { isoDate, parseDate } from './sandbox-clock.js';
import { flag, type Handler, type HandlerContext, submitted } from './sandbox-handler-types.js';
import { periodByMonths, priceAfterDiscount, requireIp, requirePackage } from './sandbox-rules.js';
import type { LicenceRow } from './sandbox-store.js';
import { doc, element, type Fields, fieldsXml, okDoc } from './sandbox-xml.js';

const dateOf = (iso: string) => (iso === '' ? '' : isoDate(parseDate(iso)));

/** The columns of BILLmanager 6's `soft` list [S8] plus what `soft.edit` shows. */
export function softFields(licence: LicenceRow, catalogue: Catalogue, view: 'list' | 'form'): Fields {
  const found = catalogue.findPeriod(licence.period);
  const months = found ? monthsOf(found.period) : '';
  const name = found?.pkg.name ?? '';
  return {
    id: licence.id,
    ...(view === 'form' ? { elid: licence.id } : {}),
    licname: licence.licname,
    ip: licence.ip,
    remoteip: '',
    remoteid: licence.remoteid,
    pricelist: view === 'list' ? name : licence.package,
    pricelist_id: licence.package,
    pricelist_name: name,
    period: months,
    status: licence.status,
    createdate: licence.createdate,
    expiredate: licence.expiredate,
    lickey: licence.lickey,
    autoprolong: licence.autoprolong ? months : '',
    real_ipchange: dateOf(licence.ip_change_date),
    real_keychange: dateOf(licence.key_change_date),
    ip_change_date: dateOf(licence.ip_change_date),
    lickey_change_date: dateOf(licence.key_change_date),
    // [S8] lists `cost`; read here as what one more period costs the reseller after the licence's discount [I].
    ...(view === 'list' ? { cost: priceAfterDiscount(found?.period.cost ?? 0, licence.discount).toFixed(2) } : {}),
  };
}

function order({ params, account, engine, catalogue }: HandlerContext): string {
  const pkg = requirePackage(catalogue, params.pricelist);
  const period = periodByMonths(pkg, params.period);
  const ip = requireIp(params.ip);
  // Without a submit the wizard only shows its form again: nothing is ordered.
  if (!submitted(params) || (params.clicked_button && params.clicked_button !== 'finish')) {
    return doc(fieldsXml({ pricelist: pkg.id, period: params.period ?? '', ip }));
  }
  const licence = engine.order(account, {
    pkg,
    period,
    ip,
    licname: params.licname ?? '',
    remoteid: params.remoteid ?? '',
    pay: params.skipbasket === 'on',
    autoprolong: flag(params.autoprolong),
  });
  return okDoc(element('id', String(licence.id)) + element('item.id', String(licence.id)));
}

function edit({ params, account, engine, catalogue }: HandlerContext): string {
  const licence = engine.owned(account, params.elid);
  if (!submitted(params)) return doc(fieldsXml(softFields(licence, catalogue, 'form')));
  if (params.clicked_button === 'newkey') {
    const lickey = engine.newKey(licence);
    return okDoc(element('lickey', lickey) + element('doc', fieldsXml({ lickey })));
  }
  const updated = engine.edit(licence, { ip: params.ip, licname: params.licname, remoteid: params.remoteid });
  return okDoc(element('doc', fieldsXml(softFields(updated, catalogue, 'form'))));
}

function prolong({ params, account, engine, catalogue }: HandlerContext): string {
  const licence = engine.owned(account, params.elid);
  const pkg = requirePackage(catalogue, String(licence.package));
  const period = periodByMonths(pkg, params.period);
  if (!submitted(params)) return doc(fieldsXml({ elid: licence.id, period: params.period ?? '' }));
  const newexpiredate = engine.prolong(account, licence, period);
  return okDoc(element('doc', fieldsXml({ newexpiredate })));
}

function changePricelist({ params, account, engine, catalogue }: HandlerContext): string {
  const licence = engine.owned(account, params.elid);
  const pkg = requirePackage(catalogue, params.pricelist);
  const period = periodByMonths(pkg, params.period);
  if (!submitted(params)) return doc(fieldsXml({ elid: licence.id, pricelist: pkg.id }));
  engine.changePackage(account, licence, pkg, period);
  return okDoc();
}

function lifecycle(action: 'suspend' | 'resume' | 'remove'): Handler {
  return ({ params, account, engine }) => {
    engine[action](engine.owned(account, params.elid));
    return okDoc();
  };
}

/** BILLmanager 5+ `soft.*` functions (research §5). */
export const SOFT_HANDLERS: Readonly<Record<string, Handler>> = {
  soft: ({ account, store, catalogue }) =>
    doc(
      store
        .licencesOf(account.id)
        .map((licence) => element('elem', fieldsXml(softFields(licence, catalogue, 'list'))))
        .join(''),
    ),
  'soft.order.param': order,
  'soft.edit': edit,
  'soft.suspend': lifecycle('suspend'),
  'soft.resume': lifecycle('resume'),
  'soft.delete': lifecycle('remove'),
  'service.prolong': prolong,
  'service.changepricelist': changePricelist,
  'soft.checkip': ({ params, engine, catalogue }) => {
    const pkg = requirePackage(catalogue, params.pricelist);
    engine.checkIp(pkg, periodByMonths(pkg, params.period), requireIp(params.ip));
    return okDoc();
  },
  subaccount: ({ account }) =>
    doc(
      element(
        'elem',
        fieldsXml({
          id: account.id,
          name: account.username,
          project: 'ISPsystem',
          balance: account.balance.toFixed(2),
        }),
      ),
    ),
};
