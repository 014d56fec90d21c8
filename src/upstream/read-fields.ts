import { isLicenceStatus, type LicenceStatus } from '../domain/licence-status.js';
import { UpstreamUnavailableError } from '../errors/upstream-error.js';
import type { LicenceForm } from '../ports/upstream-client.js';
import { childrenOf, innerDoc, intOf, normaliseDate, textOf, type XmlNode } from './xml/parse-doc.js';

/** A licence id and status every row and form must carry; without them the answer is not usable data. */
export function requiredIdAndStatus(id: string, status: string, what: string): { id: number; status: LicenceStatus } {
  const licenceId = intOf(id);
  const licenceStatus = intOf(status);
  if (licenceId === undefined || licenceId <= 0 || licenceStatus === undefined || !isLicenceStatus(licenceStatus)) {
    throw new UpstreamUnavailableError(`Upstream ${what} without a valid licence id or status`);
  }
  return { id: licenceId, status: licenceStatus };
}

export function dateField(text: string | undefined): string {
  return normaliseDate(text ?? '');
}

/** The new licence id of an order answer: `<id>` or `<item.id>` (research §4.1), at the top or one level down. */
export function orderedId(doc: XmlNode): number | undefined {
  const inner = innerDoc(doc);
  const id = intOf(textOf(doc, 'id')) ?? intOf(textOf(doc, 'item.id')) ?? intOf(textOf(inner, 'id'));
  return id !== undefined && id > 0 ? id : undefined;
}

/** `<doc><doc><newexpiredate>` (research §4.1); BILLmanager 4 answers `<expiredate>` at the top. */
export function newExpiry(doc: XmlNode): string {
  const inner = innerDoc(doc);
  return normaliseDate(textOf(inner, 'newexpiredate') || textOf(doc, 'newexpiredate') || textOf(inner, 'expiredate'));
}

/** A key answered by `clicked_button=newkey`, at the top or one level down. */
export function answeredKey(doc: XmlNode): string {
  return textOf(doc, 'lickey') || textOf(innerDoc(doc), 'lickey');
}

/**
 * A formatted amount as billings print it: `1 234.56`, `1 234,56`, `1,234.56`, `-12.5 EUR`. The last
 * `.` or `,` followed by one or two digits at the end is the decimal separator; other separators,
 * spaces and letters are dropped.
 */
export function parseAmount(text: string): number | undefined {
  const cleaned = text.replace(/[^\d.,-]/g, '');
  const decimal = /[.,](\d{1,2})$/.exec(cleaned);
  const whole = (decimal ? cleaned.slice(0, decimal.index) : cleaned).replace(/[.,]/g, '');
  if (!/^-?\d+$/.test(whole)) return undefined;
  return Number(`${whole}${decimal ? `.${decimal[1]}` : ''}`);
}

/** The balance of the account's ISPsystem row among `elem` rows keyed by `key` (`project` or `name`). */
export function balanceOfRows(doc: XmlNode, key: string): number {
  const rows = childrenOf(doc, 'elem');
  const row =
    rows.find((r) => textOf(r, key).toLowerCase() === 'ispsystem') ?? (rows.length === 1 ? rows[0] : undefined);
  const amount = parseAmount(textOf(row ?? doc, 'balance'));
  if (amount === undefined)
    throw new UpstreamUnavailableError('Upstream balance answer holds no readable ISPsystem balance');
  return amount;
}

/**
 * A licence form (`soft.edit` / `software.edit` without submit): the fields may come one level down
 * after a submit. `tariffField` names the tariff id: `pricelist` on BILLmanager 5+, `price` on 4.
 */
export function readLicenceForm(doc: XmlNode, tariffField: 'pricelist' | 'price', func: string): LicenceForm {
  const form = innerDoc(doc);
  const { id, status } = requiredIdAndStatus(
    textOf(form, 'elid') || textOf(form, 'id'),
    textOf(form, 'status'),
    `${func} form`,
  );
  const packageId = intOf(textOf(form, tariffField));
  if (packageId === undefined)
    throw new UpstreamUnavailableError(`Upstream ${func} form without a tariff id (${tariffField})`);
  return {
    id,
    status,
    packageId,
    licname: textOf(form, 'licname'),
    ip: textOf(form, 'ip'),
    expiredate: dateField(textOf(form, 'expiredate')),
    lickey: textOf(form, 'lickey'),
  };
}
