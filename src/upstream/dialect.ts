import type { CataloguePackage, CataloguePeriod } from '../domain/catalogue-types.js';
import type { UpstreamError } from '../errors/upstream-error.js';
import type { LicenceChange, LicenceForm, LicenceRow, OrderRequest } from '../ports/upstream-client.js';
import type { UpstreamParams } from './upstream-http.js';
import type { XmlNode } from './xml/parse-doc.js';
import type { ElemFields } from './xml/stream-elems.js';

/** One upstream function call: its name and parameters. */
export interface Call {
  readonly func: string;
  readonly params: UpstreamParams;
}

/**
 * What differs between the upstream's generations (BILLmanager 4 `software.*`, 5+ `soft.*`): function
 * and field names, how periods go on the wire, how errors are spelt. The licence client is the same
 * for both.
 */
export interface Dialect {
  readonly list: Call;
  row(fields: ElemFields): LicenceRow;
  form(licenceId: number): Call;
  readForm(doc: XmlNode): LicenceForm;
  order(request: OrderRequest): Call;
  readOrderedId(doc: XmlNode): number | undefined;
  edit(licenceId: number, change: LicenceChange): Call;
  newKey(licenceId: number): Call;
  suspend(licenceId: number): Call;
  resume(licenceId: number): Call;
  delete(licenceId: number): Call;
  prolong(licenceId: number, period: CataloguePeriod): Call;
  changePackage(licenceId: number, pkg: CataloguePackage, period: CataloguePeriod): Call;
  checkIp(pkg: CataloguePackage, period: CataloguePeriod, ip: string): Call;
  readonly balance: Call;
  readBalance(doc: XmlNode): number;
  readError(doc: XmlNode): UpstreamError | undefined;
}
