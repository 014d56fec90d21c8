import type { CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';
import { formatMoney } from './format-money.js';
import { SandboxError, text } from './sandbox-error.js';
import type { Body, Handler, HandlerContext, Params } from './sandbox-handler-types.js';
import { submitted } from './sandbox-handler-types.js';
import { optionalIp, periodByMonths, requireIp, requireNodes, requirePackage } from './sandbox-rules.js';
import { assertOnSale } from './sandbox-sales.js';
import { DOC_HEAD, DOC_TAIL, doc, element, fieldsXml, okDoc } from './sandbox-xml.js';
import { softForm, softListRow } from './soft-fields.js';

/** Rows rendered and sent per chunk of the `soft` list. */
const LIST_PAGE = 2000;

/**
 * `autoprolong` on an order: `null` = no upstream renewal; a month count the tariff sells = renew for
 * that long; absent or empty = renew (for the ordered period). The real default is not documented, so
 * the sandbox takes the costly one: a client that leaves it out is renewed and charged upstream.
 */
function autoprolongOf(pkg: CataloguePackage, period: CataloguePeriod, raw: string | undefined): number {
  if (raw === 'null') return 0;
  if (raw === undefined || raw === '') return period.unit === 'month' ? period.length : 0;
  const months = Number(raw);
  if (pkg.periods.some((p) => p.unit === 'month' && p.length === months)) return months;
  throw new SandboxError(
    'value',
    'autoprolong',
    text(
      `autoprolong is a month count of tariff ${pkg.id} or null, not '${raw}'`,
      `autoprolong — число месяцев тарифа ${pkg.id} или null, а не «${raw}»`,
    ),
    raw,
  );
}

const nodesParam = (pkg: CataloguePackage, params: Params) =>
  pkg.nodeAddon === undefined ? undefined : params[`addon_${pkg.nodeAddon}`];

/** Answer `<doc><ok/><id>N</id><item.id>N</item.id></doc>` (research §4.1: [R1] reads `id`, [R3] `item.id`). */
function order({ params, account, engine, catalogue, sales }: HandlerContext): string {
  const pkg = requirePackage(catalogue, params.pricelist);
  const period = periodByMonths(pkg, params.period);
  const ip = requireIp(params.ip);
  // Without a submit the wizard only shows its form again: nothing is ordered.
  if (!submitted(params) || params.clicked_button !== 'finish') {
    return doc(fieldsXml({ pricelist: pkg.id, period: params.period ?? '', ip }));
  }
  assertOnSale(sales, pkg, period);
  const licence = engine.order(account, {
    pkg,
    period,
    ip,
    remoteip: optionalIp(params.remoteip, 'remoteip'),
    licname: params.licname ?? '',
    remoteid: params.remoteid ?? '',
    pay: params.skipbasket === 'on',
    autoprolong: autoprolongOf(pkg, period, params.autoprolong),
    nodes: requireNodes(pkg, nodesParam(pkg, params)),
  });
  return okDoc(element('id', String(licence.id)) + element('item.id', String(licence.id)));
}

/**
 * `soft.edit`: the form without `sok`; `clicked_button=newkey` issues a new key; any other submit is the
 * whole form. A submitted form replaces the licence's fields with what it carries, so ([U] costly) a
 * submit without `licname` empties the name and one without `remoteip` resets it; a submit without `ip`
 * is refused (missed/ip) rather than guessed. Every public client sends `ip` and `licname` together.
 * Without `addon_<id>` the node count stays.
 */
function edit({ params, account, engine, catalogue }: HandlerContext): string {
  const licence = engine.owned(account, params.elid);
  if (!submitted(params)) return doc(fieldsXml(softForm(licence, catalogue)));
  if (params.clicked_button === 'newkey') {
    const lickey = engine.newKey(licence);
    return okDoc(element('lickey', lickey) + element('doc', fieldsXml({ lickey })));
  }
  const ip = requireIp(params.ip);
  const pkg = catalogue.findPackage(licence.package);
  const rawNodes = pkg ? nodesParam(pkg, params) : undefined;
  const updated = engine.edit(account, licence, {
    ip,
    licname: params.licname ?? '',
    remoteip: optionalIp(params.remoteip, 'remoteip'),
    remoteid: params.remoteid ?? '',
    ...(pkg && rawNodes !== undefined ? { nodes: requireNodes(pkg, rawNodes) } : {}),
  });
  return okDoc(element('doc', fieldsXml(softForm(updated, catalogue))));
}

function prolong({ params, account, engine, catalogue, sales }: HandlerContext): string {
  const licence = engine.owned(account, params.elid);
  const pkg = requirePackage(catalogue, String(licence.package));
  const period = periodByMonths(pkg, params.period);
  if (!submitted(params)) return doc(fieldsXml({ elid: licence.id, period: params.period ?? '' }));
  assertOnSale(sales, pkg, period);
  const newexpiredate = engine.prolong(account, licence, period);
  return okDoc(element('doc', fieldsXml({ newexpiredate })));
}

function changePricelist({ params, account, engine, catalogue, sales }: HandlerContext): string {
  const licence = engine.owned(account, params.elid);
  const pkg = requirePackage(catalogue, params.pricelist);
  const period = periodByMonths(pkg, params.period);
  if (!submitted(params)) return doc(fieldsXml({ elid: licence.id, pricelist: pkg.id }));
  assertOnSale(sales, pkg, period);
  engine.changePackage(account, licence, pkg, period, nodesAfterChange(pkg, params, licence.nodes));
  return okDoc();
}

/** A tariff change to a node-add-on tariff keeps the licence's nodes unless it names a count; with none, it must. */
function nodesAfterChange(pkg: CataloguePackage, params: Params, current: number): number {
  if (pkg.nodeAddon === undefined) return 0;
  const raw = nodesParam(pkg, params);
  return raw === undefined && current >= 1 ? current : requireNodes(pkg, raw);
}

function lifecycle(action: 'suspend' | 'resume' | 'remove'): Handler {
  return ({ params, account, engine }) => {
    engine[action](engine.owned(account, params.elid));
    return okDoc();
  };
}

/** The `soft` list, rendered page by page as it is sent; deleted licences stay listed with status 4. */
function* list({ account, store, catalogue, lang }: HandlerContext): Generator<string> {
  yield DOC_HEAD;
  for (const page of store.licencePages(account.id, LIST_PAGE)) {
    yield page.map((licence) => element('elem', fieldsXml(softListRow(licence, account, catalogue, lang)))).join('');
  }
  yield DOC_TAIL;
}

/**
 * Balances per project (research §5.10): JBS picks the row whose `project` is `ISPsystem`. The sandbox
 * puts another project's row first, so a client taking the first row reads the wrong balance, and
 * formats the number as `formatMoney` does.
 */
function subaccount({ account }: HandlerContext): string {
  const row = (id: number, project: string, balance: number) =>
    element('elem', fieldsXml({ id, project, balance: formatMoney(balance) }));
  return doc(row(account.id + 1_000_000, OTHER_PROJECT, 0) + row(account.id, 'ISPsystem', account.balance));
}

/** The other provider of the same billing whose sub-account row comes first. */
export const OTHER_PROJECT = 'ispmanager';

function checkIp({ params, engine, catalogue, sales }: HandlerContext): string {
  const pkg = requirePackage(catalogue, params.pricelist);
  const period = periodByMonths(pkg, params.period);
  const ip = requireIp(params.ip);
  assertOnSale(sales, pkg, period);
  engine.checkIp(pkg, period, ip);
  return okDoc();
}

/** BILLmanager 5+ `soft.*` functions (research §5). */
export const SOFT_HANDLERS: Readonly<Record<string, Handler>> = {
  soft: (ctx): Body => list(ctx),
  'soft.order.param': order,
  'soft.edit': edit,
  'soft.suspend': lifecycle('suspend'),
  'soft.resume': lifecycle('resume'),
  'soft.delete': lifecycle('remove'),
  'service.prolong': prolong,
  'service.changepricelist': changePricelist,
  'soft.checkip': checkIp,
  subaccount,
};
