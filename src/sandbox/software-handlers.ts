import type { Catalogue } from '../domain/catalogue-types.js';
import { formatMoney } from './format-money.js';
import { type Handler, type HandlerContext, submitted } from './sandbox-handler-types.js';
import { periodByRow, requireIp, requireNodes, requirePackage } from './sandbox-rules.js';
import type { LicenceRow } from './sandbox-store.js';
import { doc, element, type Fields, fieldsXml, okDoc } from './sandbox-xml.js';
import { OTHER_PROJECT } from './soft-handlers.js';

/**
 * BILLmanager 4 rows name the package `price` and the period by its row id [R3-old]. The key is shown
 * once the licence is ready; `remoteid` is stored but never answered, as on BILLmanager 5.
 */
function softwareFields(licence: LicenceRow, catalogue: Catalogue): Fields {
  return {
    id: licence.id,
    elid: licence.id,
    licname: licence.licname,
    ip: licence.ip,
    price: licence.package,
    price_name: catalogue.findPackage(licence.package)?.name ?? '',
    period: licence.period,
    status: licence.status,
    createdate: licence.createdate,
    expiredate: licence.expiredate,
    lickey: licence.status === 1 || licence.status === 5 ? '' : licence.lickey,
  };
}

const nodesOf = (ctx: HandlerContext, pkg: ReturnType<typeof requirePackage>) =>
  requireNodes(pkg, pkg.nodeAddon === undefined ? undefined : ctx.params[`addon_${pkg.nodeAddon}`]);

/**
 * `software.edit` without elid orders (charged at once: BILLmanager 4 had no basket for this, and no
 * `autoprolong` parameter, so nothing renews by itself); with elid it views or edits.
 */
function edit(ctx: HandlerContext): string {
  const { params, account, engine, catalogue } = ctx;
  if (!params.elid) {
    const pkg = requirePackage(catalogue, params.price);
    const period = periodByRow(pkg, params.period);
    const ip = requireIp(params.ip);
    if (!submitted(params)) return doc(fieldsXml({ price: pkg.id, period: period.id, ip }));
    const licence = engine.order(account, {
      pkg,
      period,
      ip,
      remoteip: '',
      licname: params.licname ?? '',
      remoteid: params.remoteid ?? '',
      pay: true,
      autoprolong: 0,
      nodes: nodesOf(ctx, pkg),
    });
    return okDoc(element('id', String(licence.id)));
  }
  let licence = engine.owned(account, params.elid);
  if (!submitted(params)) return doc(fieldsXml(softwareFields(licence, catalogue)));
  if (params.clicked_button === 'newkey') return okDoc(element('lickey', engine.newKey(licence)));
  if (params.price && Number(params.price) !== licence.package) {
    const pkg = requirePackage(catalogue, params.price);
    engine.changePackage(account, licence, pkg, periodByRow(pkg, params.period), nodesOf(ctx, pkg));
    licence = engine.owned(account, params.elid);
  }
  licence = engine.edit(account, licence, { ip: params.ip, licname: params.licname, remoteid: params.remoteid });
  return okDoc(fieldsXml(softwareFields(licence, catalogue)));
}

function lifecycle(action: 'suspend' | 'resume' | 'remove'): Handler {
  return ({ params, account, engine }) => {
    engine[action](engine.owned(account, params.elid));
    return okDoc();
  };
}

/** BILLmanager 4 `software.*` functions (research §1, §9 [R3] IspSoft, ISPWiki [S1]). */
export const SOFTWARE_HANDLERS: Readonly<Record<string, Handler>> = {
  software: ({ account, store, catalogue }) =>
    doc(
      store
        .licencesOf(account.id)
        .map((licence) => element('elem', fieldsXml(softwareFields(licence, catalogue))))
        .join(''),
    ),
  'software.edit': edit,
  'software.disable': lifecycle('suspend'),
  'software.enable': lifecycle('resume'),
  'software.delete': lifecycle('remove'),
  'software.prolong': ({ params, account, engine, catalogue }) => {
    const licence = engine.owned(account, params.elid);
    const period = periodByRow(requirePackage(catalogue, String(licence.package)), params.period);
    return okDoc(fieldsXml({ expiredate: engine.prolong(account, licence, period) }));
  },
  'software.licinfo': ({ params, engine, catalogue }) => {
    const pkg = requirePackage(catalogue, params.price);
    engine.checkIp(pkg, periodByRow(pkg, params.period), requireIp(params.ip));
    return okDoc();
  },
  /** `elem` rows per provider; JBS picks `name == 'ISPsystem'` (research "Verified 2026-11-26"). */
  accountinfo: ({ account }) =>
    doc(
      element('elem', fieldsXml({ name: OTHER_PROJECT, balance: formatMoney(0) })) +
        element('elem', fieldsXml({ name: 'ISPsystem', balance: formatMoney(account.balance) })),
    ),
};
